//! The plan as drawn when some expanded tasks are collapsed: their subtasks are hidden and the
//! dependencies that touched them are drawn on the collapsed task instead.

use std::collections::{HashMap, HashSet};

use super::model::{Plan, TaskId};

/// Ids of the subtasks of `id` at every depth.
pub fn descendants(plan: &Plan, id: &str) -> Vec<TaskId> {
    let mut found: Vec<TaskId> = Vec::new();
    let mut k = 0;
    let mut parents = vec![id.to_string()];
    while k < parents.len() {
        let parent = parents[k].clone();
        for task in plan.tasks.iter().filter(|t| t.parent.as_deref() == Some(parent.as_str())) {
            if task.id != id && !found.contains(&task.id) {
                found.push(task.id.clone());
                parents.push(task.id.clone());
            }
        }
        k += 1;
    }
    found
}

/// `plan` without the subtasks of the tasks in `collapsed` (at any depth). A dependency on a hidden
/// task becomes a dependency on its collapsed ancestor; dependencies of hidden tasks are dropped
/// (the collapsed parent's own dependencies stand for them); self-dependencies and repeats go.
pub fn collapsed_view(plan: &Plan, collapsed: &HashSet<TaskId>) -> Plan {
    let mut shown_as: HashMap<TaskId, TaskId> = HashMap::new();
    for id in collapsed {
        if plan.task(id).is_none() || shown_as.contains_key(id) {
            continue;
        }
        for hidden in descendants(plan, id) {
            shown_as.insert(hidden, id.clone());
        }
    }
    // A collapsed task inside another collapsed one is itself hidden: follow the chain to the top.
    let visible = |id: &TaskId| {
        let mut current = id.clone();
        let mut steps = 0;
        while let Some(up) = shown_as.get(&current) {
            current = up.clone();
            steps += 1;
            if steps > plan.tasks.len() {
                break;
            }
        }
        current
    };
    let mut view = plan.clone();
    view.tasks.retain(|t| !shown_as.contains_key(&t.id));
    for task in &mut view.tasks {
        let mut deps: Vec<TaskId> = Vec::new();
        for dep in task.depends_on.iter().map(&visible) {
            if dep != task.id && !deps.contains(&dep) {
                deps.push(dep);
            }
        }
        task.depends_on = deps;
    }
    view.critical_path.retain(|c| !shown_as.contains_key(c));
    view
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::plan::model::Task;

    /// A plan where B has subtasks B.1 and B.2, and B.2 has B.2.1 (also used by the cluster tests).
    pub(crate) fn sample() -> Plan {
        Plan {
            tasks: vec![
                Task::new("A", "a", &[]),
                Task::new("B", "b", &["A"]),
                Task::subtask("B.1", "B", &["A"]),
                Task::subtask("B.2", "B", &["B.1"]),
                Task::subtask("B.2.1", "B.2", &[]),
                Task::new("C", "c", &["B.2", "B.2.1", "B"]),
            ],
            critical_path: vec!["A".into(), "B.1".into(), "C".into()],
        }
    }

    #[test]
    fn descendants_are_found_at_every_depth() {
        assert_eq!(descendants(&sample(), "B"), ["B.1", "B.2", "B.2.1"]);
        assert!(descendants(&sample(), "A").is_empty());
    }

    #[test]
    fn collapsing_hides_subtasks_and_moves_their_edges_to_the_parent() {
        let view = collapsed_view(&sample(), &HashSet::from(["B".to_string()]));
        let ids: Vec<&str> = view.tasks.iter().map(|t| t.id.as_str()).collect();
        assert_eq!(ids, ["A", "B", "C"]);
        assert_eq!(view.task("C").unwrap().depends_on, ["B"], "three edges into B's cluster become one");
        assert_eq!(view.critical_path, ["A", "C"]);
        assert!(crate::plan::validate::validate(&view)
            .iter()
            .all(|i| i.severity != crate::plan::validate::Severity::Error));
    }

    #[test]
    fn a_collapsed_task_inside_another_collapsed_one_is_hidden_too() {
        let inner = collapsed_view(&sample(), &HashSet::from(["B.2".to_string()]));
        assert!(inner.task("B.2.1").is_none() && inner.task("B.1").is_some());
        assert_eq!(inner.task("C").unwrap().depends_on, ["B.2", "B"]);
        let both = collapsed_view(&sample(), &HashSet::from(["B.2".to_string(), "B".to_string()]));
        assert_eq!(both.tasks.len(), 3);
        assert_eq!(both.task("C").unwrap().depends_on, ["B"]);
        assert_eq!(collapsed_view(&sample(), &HashSet::new()), sample());
    }
}
