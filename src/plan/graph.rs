//! Index-based view of a plan's dependency graph, shared by validation, the engine and layout.

use std::collections::HashMap;

use super::model::{Plan, TaskId};

/// Tasks as indices `0..n` (plan order) with dependency and dependent adjacency lists.
///
/// Duplicate ids keep their first occurrence; dependencies on unknown ids and self-dependencies are
/// dropped here (validation reports them), so the graph is always well-formed.
#[derive(Debug, Clone)]
pub struct PlanGraph {
    /// Task ids by index.
    pub ids: Vec<TaskId>,
    index: HashMap<TaskId, usize>,
    /// `deps[i]`: indices task `i` depends on (deduplicated, plan order).
    pub deps: Vec<Vec<usize>>,
    /// `dependents[i]`: indices that depend on task `i`.
    pub dependents: Vec<Vec<usize>>,
}

impl PlanGraph {
    /// Builds the graph of `plan`.
    pub fn new(plan: &Plan) -> Self {
        let mut ids = Vec::with_capacity(plan.tasks.len());
        let mut index = HashMap::with_capacity(plan.tasks.len());
        let mut sources = Vec::with_capacity(plan.tasks.len());
        for task in &plan.tasks {
            if !index.contains_key(&task.id) {
                index.insert(task.id.clone(), ids.len());
                ids.push(task.id.clone());
                sources.push(task);
            }
        }
        let n = ids.len();
        let mut deps = vec![Vec::new(); n];
        let mut dependents = vec![Vec::new(); n];
        // The last task that listed each dependency: repeats are dropped in O(1), not by a scan of the
        // task's dependencies so far (a task with 10,000 dependencies was quadratic).
        let mut listed_by = vec![usize::MAX; n];
        for (i, task) in sources.iter().enumerate() {
            for dep in &task.depends_on {
                if let Some(&j) = index.get(dep) {
                    if j != i && listed_by[j] != i {
                        listed_by[j] = i;
                        deps[i].push(j);
                        dependents[j].push(i);
                    }
                }
            }
        }
        PlanGraph { ids, index, deps, dependents }
    }

    /// Number of (distinct) tasks.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// True when the plan has no tasks.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// Index of the task with id `id`.
    pub fn index_of(&self, id: &str) -> Option<usize> {
        self.index.get(id).copied()
    }

    /// A topological order (Kahn, ties broken by plan order), or `None` when the graph has a cycle.
    pub fn topo_order(&self) -> Option<Vec<usize>> {
        let n = self.len();
        let mut remaining: Vec<usize> = self.deps.iter().map(Vec::len).collect();
        let mut ready: std::collections::BinaryHeap<std::cmp::Reverse<usize>> =
            (0..n).filter(|&i| remaining[i] == 0).map(std::cmp::Reverse).collect();
        let mut order = Vec::with_capacity(n);
        while let Some(std::cmp::Reverse(i)) = ready.pop() {
            order.push(i);
            for &d in &self.dependents[i] {
                remaining[d] -= 1;
                if remaining[d] == 0 {
                    ready.push(std::cmp::Reverse(d));
                }
            }
        }
        (order.len() == n).then_some(order)
    }

    /// Every task reachable from `start` through dependents (not including `start`), in BFS order.
    pub fn transitive_dependents(&self, start: usize) -> Vec<usize> {
        let mut seen = vec![false; self.len()];
        let mut queue = std::collections::VecDeque::from([start]);
        let mut out = Vec::new();
        seen[start] = true;
        while let Some(i) = queue.pop_front() {
            for &d in &self.dependents[i] {
                if !seen[d] {
                    seen[d] = true;
                    out.push(d);
                    queue.push_back(d);
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::Task;

    fn plan(tasks: Vec<Task>) -> Plan {
        Plan { tasks, critical_path: vec![] }
    }

    #[test]
    fn builds_adjacency_and_drops_bad_edges() {
        let g = PlanGraph::new(&plan(vec![
            Task::new("A", "a", &[]),
            Task::new("B", "b", &["A", "A", "B", "Z"]),
            Task::new("A", "dup", &["B"]),
        ]));
        assert_eq!(g.len(), 2);
        assert_eq!(g.deps[1], vec![0]);
        assert_eq!(g.dependents[0], vec![1]);
    }

    #[test]
    fn repeated_dependencies_count_once_per_task_in_first_seen_order() {
        let many: Vec<String> = (0..5_000).map(|i| format!("D{i}")).collect();
        let mut listed: Vec<&str> = many.iter().map(String::as_str).collect();
        listed.extend(many.iter().rev().map(String::as_str));
        let mut tasks: Vec<Task> = many.iter().map(|id| Task::new(id, "d", &[])).collect();
        tasks.push(Task::new("X", "x", &listed));
        tasks.push(Task::new("Y", "y", &["D1", "D0", "D1"]));
        let g = PlanGraph::new(&plan(tasks));
        assert_eq!(g.deps[5_000], (0..5_000).collect::<Vec<_>>());
        assert_eq!(g.deps[5_001], vec![1, 0], "another task may list the same dependencies");
        assert_eq!(g.dependents[0], vec![5_000, 5_001]);
    }

    #[test]
    fn topo_order_respects_dependencies_and_detects_cycles() {
        let g = PlanGraph::new(&plan(vec![
            Task::new("C", "c", &["B"]),
            Task::new("A", "a", &[]),
            Task::new("B", "b", &["A"]),
        ]));
        assert_eq!(g.topo_order(), Some(vec![1, 2, 0]));
        let cyclic = PlanGraph::new(&plan(vec![Task::new("A", "a", &["B"]), Task::new("B", "b", &["A"])]));
        assert_eq!(cyclic.topo_order(), None);
    }

    #[test]
    fn transitive_dependents_follow_chains() {
        let g = PlanGraph::new(&plan(vec![
            Task::new("A", "a", &[]),
            Task::new("B", "b", &["A"]),
            Task::new("C", "c", &["B"]),
            Task::new("D", "d", &[]),
        ]));
        assert_eq!(g.transitive_dependents(0), vec![1, 2]);
        assert!(g.transitive_dependents(3).is_empty());
    }
}
