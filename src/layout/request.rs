//! A layout as a request and its answer, in a form that crosses to the layout worker as JSON: the
//! plan's shape (ids and dependencies, in plan order) and the places an earlier drawing keeps. The
//! page sends it; the worker (`src/bin/layout_worker.rs`) draws it with [`LayoutRequest::draw`].

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::geometry::{Geometry, LayoutOptions};
use super::incremental::relayout_keeping;
use crate::plan::{Plan, Task, TaskId};

/// A new plan with more tasks than this is first drawn by the incremental layout from nothing (about
/// three times faster than the full layout, with more crossings).
pub const QUICK_LAYOUT_TASKS: usize = 3_000;

/// What to draw.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LayoutRequest {
    /// Each task's id and dependencies, in plan order (all a layout reads of a plan).
    pub tasks: Vec<(TaskId, Vec<TaskId>)>,
    /// Column and top of each task an earlier drawing keeps (`None`: a full layout, from scratch).
    pub kept: Option<Vec<(TaskId, usize, f64)>>,
    /// Sizes and spacing.
    pub options: LayoutOptions,
}

impl LayoutRequest {
    /// A drawing of `plan` from scratch (a large plan by the quicker incremental layout).
    pub fn fresh(plan: &Plan, options: &LayoutOptions) -> Self {
        let kept = (plan.tasks.len() > QUICK_LAYOUT_TASKS).then(Vec::new);
        LayoutRequest { tasks: shape(plan), kept, options: *options }
    }

    /// A drawing of `plan` that keeps the places of the tasks drawn in `previous`.
    pub fn continuing(previous: &Geometry, plan: &Plan, options: &LayoutOptions) -> Self {
        let kept = previous.nodes.iter().map(|n| (n.id.clone(), n.layer, n.y)).collect();
        LayoutRequest { tasks: shape(plan), kept: Some(kept), options: *options }
    }

    /// The drawing asked for: [`super::layout`] or [`super::relayout`] of the shape.
    pub fn draw(&self) -> Geometry {
        let plan = Plan {
            tasks: self
                .tasks
                .iter()
                .map(|(id, depends_on)| Task { depends_on: depends_on.clone(), ..Task::new(id, id, &[]) })
                .collect(),
            critical_path: Vec::new(),
        };
        match &self.kept {
            None => super::layout(&plan, &self.options),
            Some(kept) => {
                let kept: HashMap<&str, (usize, f64)> =
                    kept.iter().map(|(id, layer, y)| (id.as_str(), (*layer, *y))).collect();
                relayout_keeping(&kept, &plan, &self.options)
            }
        }
    }
}

/// Ids and dependencies of `plan`'s tasks, in plan order.
fn shape(plan: &Plan) -> Vec<(TaskId, Vec<TaskId>)> {
    plan.tasks.iter().map(|t| (t.id.clone(), t.depends_on.clone())).collect()
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::layout::{layout, relayout};
    use crate::plan::test_plans::diamond;

    fn through_json(request: &LayoutRequest) -> Geometry {
        let sent: LayoutRequest = serde_json::from_str(&serde_json::to_string(request).unwrap()).unwrap();
        let answer = serde_json::to_string(&sent.draw()).unwrap();
        serde_json::from_str(&answer).unwrap()
    }

    #[test]
    fn a_fresh_request_draws_what_layout_draws() {
        let plan = diamond();
        let options = LayoutOptions::default();
        assert_eq!(through_json(&LayoutRequest::fresh(&plan, &options)), layout(&plan, &options));
    }

    #[test]
    fn a_continuing_request_draws_what_relayout_draws() {
        let options = LayoutOptions::default();
        let before = layout(&diamond(), &options);
        let mut plan = diamond();
        plan.tasks.push(Task::new("E", "E", &["A", "D"]));
        plan.tasks.swap(0, 2);
        let drawn = through_json(&LayoutRequest::continuing(&before, &plan, &options));
        assert_eq!(drawn, relayout(&before, &plan, &options));
        assert_eq!(drawn.nodes.len(), 5);
        // Kept tasks keep their columns; the boxes' indices are the plan's.
        for node in &before.nodes {
            let now = drawn.nodes.iter().find(|n| n.id == node.id).unwrap();
            assert_eq!(now.layer, node.layer);
            assert_eq!(plan.tasks[now.index].id, node.id);
        }
    }

    #[test]
    fn a_large_new_plan_is_drawn_incrementally_from_nothing() {
        let mut plan = Plan::default();
        for i in 0..=QUICK_LAYOUT_TASKS {
            let deps: Vec<String> = if i > 0 { vec![format!("t{}", i / 2)] } else { Vec::new() };
            plan.tasks.push(Task { depends_on: deps, ..Task::new(&format!("t{i}"), "", &[]) });
        }
        let request = LayoutRequest::fresh(&plan, &LayoutOptions::default());
        assert_eq!(request.kept, Some(Vec::new()));
        let nothing = Geometry { nodes: Vec::new(), edges: Vec::new(), width: 0.0, height: 0.0 };
        assert_eq!(request.draw(), relayout(&nothing, &plan, &LayoutOptions::default()));
        assert_eq!(LayoutRequest::fresh(&diamond(), &LayoutOptions::default()).kept, None);
    }
}
