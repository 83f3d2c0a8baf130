//! Labelled backgrounds behind the subtasks of each expanded task: one band per column that holds
//! some of them, widened to meet its neighbours, so the bands of one task read as one shape.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::geometry::{LayoutOptions, NodeBox};
use crate::plan::{Plan, TaskId};

/// Space between a cluster's band and the boxes in it (per level of nesting inside it).
const PAD: f64 = 8.0;
/// Extra space above the first band for the label.
const LABEL: f64 = 20.0;

/// The background of one expanded task's subtasks.
#[derive(Debug, Clone, PartialEq)]
pub struct Cluster {
    /// The expanded (parent) task.
    pub parent: TaskId,
    /// Levels of subtasks inside it (1: its subtasks have none); outer clusters are drawn first.
    pub height: usize,
    /// One band `(x, y, width, height)` per column holding some of its subtasks, left to right.
    pub bands: Vec<(f64, f64, f64, f64)>,
}

/// The clusters of `plan` (as drawn) given its boxes, outermost first.
pub fn clusters(plan: &Plan, nodes: &[NodeBox], options: &LayoutOptions) -> Vec<Cluster> {
    let by_id: HashMap<&str, &NodeBox> = nodes.iter().map(|n| (n.id.as_str(), n)).collect();
    let mut children: HashMap<&str, Vec<&str>> = HashMap::new();
    for task in &plan.tasks {
        if let Some(parent) = task.parent.as_deref() {
            children.entry(parent).or_default().push(&task.id);
        }
    }
    let mut found = Vec::new();
    for parent in plan.tasks.iter().filter(|t| children.contains_key(t.id.as_str())) {
        let (members, height) = subtree(&children, &parent.id);
        let pad = PAD * height as f64;
        let mut columns: BTreeMap<usize, (f64, f64)> = BTreeMap::new();
        for node in members.iter().filter_map(|id| by_id.get(id)) {
            let span = columns.entry(node.layer).or_insert((f64::INFINITY, f64::NEG_INFINITY));
            span.0 = span.0.min(node.y);
            span.1 = span.1.max(node.y + node.height);
        }
        if columns.is_empty() {
            continue;
        }
        let first = *columns.keys().next().expect("not empty");
        let bands = columns
            .into_iter()
            .map(|(layer, (top, bottom))| {
                let left = options.column_left(layer) - options.layer_gap / 2.0 + pad.min(options.layer_gap / 2.0);
                let top = top - pad - if layer == first { LABEL } else { 0.0 };
                let width = options.node_width + options.layer_gap - 2.0 * pad.min(options.layer_gap / 2.0);
                (left, top, width, bottom + pad - top)
            })
            .collect();
        found.push(Cluster { parent: parent.id.clone(), height, bands });
    }
    crate::sort::sort_by_key(&mut found, |c| std::cmp::Reverse(c.height));
    found
}

/// The tasks below `id` in `children` (the subtasks of each task by its id): its subtasks, theirs and so
/// on, each once; and how many levels they form (1: its subtasks have none).
fn subtree<'a>(children: &HashMap<&str, Vec<&'a str>>, id: &'a str) -> (Vec<&'a str>, usize) {
    let mut seen = HashSet::from([id]);
    let (mut members, mut height, mut level) = (Vec::new(), 0, vec![id]);
    loop {
        let next: Vec<&str> = level
            .iter()
            .flat_map(|&p| children.get(p).into_iter().flatten().copied())
            .filter(|&c| seen.insert(c))
            .collect();
        if next.is_empty() {
            return (members, height);
        }
        height += 1;
        members.extend_from_slice(&next);
        level = next;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::layout;
    use crate::plan::collapse::descendants;
    use crate::plan::collapse::tests::sample;
    use crate::plan::Task;

    #[test]
    fn each_expanded_task_gets_bands_around_all_its_subtasks_outermost_first() {
        let plan = sample();
        let options = LayoutOptions::default();
        let g = layout(&plan, &options);
        let found = clusters(&plan, &g.nodes, &options);
        assert_eq!(found.iter().map(|c| (c.parent.as_str(), c.height)).collect::<Vec<_>>(), [("B", 2), ("B.2", 1)]);
        for cluster in &found {
            for id in descendants(&plan, &cluster.parent) {
                let n = g.nodes.iter().find(|n| n.id == id).unwrap();
                let inside = cluster
                    .bands
                    .iter()
                    .any(|&(x, y, w, h)| n.x >= x && n.x + n.width <= x + w && n.y >= y && n.y + n.height <= y + h);
                assert!(inside, "{id} lies inside the band of {}", cluster.parent);
            }
        }
        assert!(clusters(&Plan { tasks: vec![Task::new("A", "a", &[])], critical_path: vec![] }, &g.nodes, &options)
            .is_empty());
    }

    #[test]
    fn subtrees_count_levels_and_survive_parent_cycles() {
        let children: HashMap<&str, Vec<&str>> =
            HashMap::from([("A", vec!["B", "C"]), ("B", vec!["D"]), ("X", vec!["Y"]), ("Y", vec!["X"])]);
        assert_eq!(subtree(&children, "A"), (vec!["B", "C", "D"], 2));
        assert_eq!(subtree(&children, "D"), (vec![], 0));
        assert_eq!(subtree(&children, "X"), (vec!["Y"], 1));
    }
}
