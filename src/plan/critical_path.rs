//! Critical path: the longest dependency chain of a plan, and per-task remaining path lengths.

use super::graph::PlanGraph;
use super::model::{Plan, Task, TaskId};

/// The longest dependency chain of `plan`, counting each task as 1, in execution order (each task
/// depends on the previous one). Ties go to the chain that starts (and continues) earliest in plan
/// order. Empty when the plan is empty or has a dependency cycle.
pub fn critical_path(plan: &Plan) -> Vec<TaskId> {
    critical_path_weighted(plan, |_| 1.0)
}

/// Like [`critical_path`] with a weight per task (e.g. estimated duration). Negative, NaN and
/// infinite weights count as 0. For a duplicated id the first task with it is weighed.
pub fn critical_path_weighted(plan: &Plan, weight: impl Fn(&Task) -> f64) -> Vec<TaskId> {
    let graph = PlanGraph::new(plan);
    if graph.topo_order().is_none() {
        return Vec::new();
    }
    let mut weights = vec![0.0; graph.len()];
    let mut weighed = vec![false; graph.len()];
    for task in &plan.tasks {
        if let Some(i) = graph.index_of(&task.id) {
            if !std::mem::replace(&mut weighed[i], true) {
                weights[i] = weight(task);
            }
        }
    }
    let remaining = remaining_path_lengths(&graph, &weights);
    // The heaviest chain starts at a task without dependencies (weights are never negative).
    let mut current = heaviest((0..graph.len()).filter(|&i| graph.deps[i].is_empty()), &remaining);
    let mut path = Vec::new();
    while let Some(i) = current {
        path.push(graph.ids[i].clone());
        current = heaviest(graph.dependents[i].iter().copied(), &remaining);
    }
    path
}

/// For each task (by graph index), the weight of the heaviest dependency chain from it to a task
/// nothing depends on, itself included. `weight[i]` is task `i`'s weight; missing, negative, NaN
/// and infinite weights count as 0. When the graph has a cycle, each task gets only its own weight.
/// O(V + E) on top of [`PlanGraph::topo_order`].
pub fn remaining_path_lengths(graph: &PlanGraph, weight: &[f64]) -> Vec<f64> {
    let own: Vec<f64> =
        (0..graph.len()).map(|i| weight.get(i).copied().filter(|w| w.is_finite() && *w > 0.0).unwrap_or(0.0)).collect();
    let Some(order) = graph.topo_order() else {
        return own;
    };
    let mut remaining = own.clone();
    for &i in order.iter().rev() {
        let tail = graph.dependents[i].iter().map(|&d| remaining[d]).fold(0.0, f64::max);
        remaining[i] = own[i] + tail;
    }
    remaining
}

/// The candidate with the largest `remaining` value, the earliest in plan order on ties.
fn heaviest(candidates: impl Iterator<Item = usize>, remaining: &[f64]) -> Option<usize> {
    candidates.fold(None, |best, i| match best {
        Some(b) if remaining[b] > remaining[i] || (remaining[b] == remaining[i] && b < i) => Some(b),
        _ => Some(i),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(tasks: Vec<Task>) -> Plan {
        Plan { tasks, critical_path: vec![] }
    }

    #[test]
    fn finds_longest_chain() {
        let p = plan(vec![
            Task::new("A", "a", &[]),
            Task::new("B", "b", &["A"]),
            Task::new("C", "c", &[]),
            Task::new("D", "d", &["C"]),
            Task::new("E", "e", &["D", "B"]),
            Task::new("F", "f", &["C"]),
        ]);
        // A-B-E and C-D-E tie; A comes first.
        assert_eq!(critical_path(&p), ["A", "B", "E"]);
        let longer = plan(vec![
            Task::new("A", "a", &[]),
            Task::new("B", "b", &["A"]),
            Task::new("C", "c", &[]),
            Task::new("D", "d", &["C"]),
            Task::new("E", "e", &["D"]),
        ]);
        assert_eq!(critical_path(&longer), ["C", "D", "E"]);
    }

    #[test]
    fn ties_follow_plan_order_not_dependency_order() {
        let p = plan(vec![Task::new("A", "a", &[]), Task::new("Y", "y", &["A"]), Task::new("X", "x", &["A"])]);
        assert_eq!(critical_path(&p), ["A", "Y"]);
    }

    #[test]
    fn weighted_path_prefers_heavy_tasks() {
        let p = plan(vec![Task::new("A", "a", &[]), Task::new("B", "b", &["A"]), Task::new("C", "slow", &[])]);
        assert_eq!(critical_path(&p), ["A", "B"]);
        let w = |t: &Task| if t.name == "slow" { 5.0 } else { 1.0 };
        assert_eq!(critical_path_weighted(&p, w), ["C"]);
        // Bad weights count as 0 and do not panic.
        assert_eq!(critical_path_weighted(&p, |_| f64::NAN).len(), 2);
    }

    #[test]
    fn empty_for_cycles_and_empty_plans() {
        assert!(critical_path(&plan(vec![])).is_empty());
        let cyclic = plan(vec![Task::new("A", "a", &["B"]), Task::new("B", "b", &["A"]), Task::new("C", "c", &[])]);
        assert!(critical_path(&cyclic).is_empty());
    }

    #[test]
    fn ignores_bad_edges_and_duplicates() {
        let p =
            plan(vec![Task::new("A", "a", &["A", "Z"]), Task::new("B", "b", &["A"]), Task::new("A", "dup", &["B"])]);
        assert_eq!(critical_path(&p), ["A", "B"]);
    }

    #[test]
    fn remaining_lengths() {
        let g = PlanGraph::new(&plan(vec![
            Task::new("A", "a", &[]),
            Task::new("B", "b", &["A"]),
            Task::new("C", "c", &["A"]),
            Task::new("D", "d", &["B", "C"]),
        ]));
        assert_eq!(remaining_path_lengths(&g, &[1.0, 2.0, 3.0, 0.5]), [4.5, 2.5, 3.5, 0.5]);
        // Missing and invalid weights count as 0.
        assert_eq!(remaining_path_lengths(&g, &[1.0, -1.0]), [1.0, 0.0, 0.0, 0.0]);
        let cyclic = PlanGraph::new(&plan(vec![Task::new("A", "a", &["B"]), Task::new("B", "b", &["A"])]));
        assert_eq!(remaining_path_lengths(&cyclic, &[1.0, 2.0]), [1.0, 2.0]);
    }
}
