//! Cycle breaking: the back edges of a depth-first search in plan order are left out of the layering.

use crate::plan::graph::PlanGraph;

/// The graph's edges as `(dependency, dependent)` index pairs, listed by dependent then dependency order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SplitEdges {
    /// Edges that together form a DAG; they point to strictly later layers.
    pub forward: Vec<(usize, usize)>,
    /// Edges closing a cycle (empty for a valid plan); drawn, but ignored by the layering.
    pub back: Vec<(usize, usize)>,
}

/// Splits the edges of `graph` by a DFS along dependents, started from every unvisited task in plan order.
pub(crate) fn split_cycles(graph: &PlanGraph) -> SplitEdges {
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        New,
        Open,
        Done,
    }
    let n = graph.len();
    let mut state = vec![State::New; n];
    let mut is_back: Vec<Vec<bool>> = graph.deps.iter().map(|deps| vec![false; deps.len()]).collect();
    // Stack of (task, index of the next dependent to visit).
    let mut stack: Vec<(usize, usize)> = Vec::new();
    for root in 0..n {
        if state[root] != State::New {
            continue;
        }
        state[root] = State::Open;
        stack.push((root, 0));
        while let Some(top) = stack.last_mut() {
            let (v, next) = *top;
            let Some(&w) = graph.dependents[v].get(next) else {
                state[v] = State::Done;
                stack.pop();
                continue;
            };
            top.1 += 1;
            match state[w] {
                State::New => {
                    state[w] = State::Open;
                    stack.push((w, 0));
                }
                State::Open => {
                    let k = graph.deps[w].iter().position(|&d| d == v).expect("adjacency is symmetric");
                    is_back[w][k] = true;
                }
                State::Done => {}
            }
        }
    }
    let mut split = SplitEdges { forward: Vec::new(), back: Vec::new() };
    for (i, deps) in graph.deps.iter().enumerate() {
        for (k, &d) in deps.iter().enumerate() {
            let list = if is_back[i][k] { &mut split.back } else { &mut split.forward };
            list.push((d, i));
        }
    }
    split
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::{Plan, Task};

    fn split(tasks: Vec<Task>) -> SplitEdges {
        split_cycles(&PlanGraph::new(&Plan { tasks, critical_path: vec![] }))
    }

    #[test]
    fn dag_has_no_back_edges() {
        let s = split(vec![Task::new("C", "c", &["A", "B"]), Task::new("A", "a", &[]), Task::new("B", "b", &["A"])]);
        assert_eq!(s.forward, vec![(1, 0), (2, 0), (1, 2)]);
        assert!(s.back.is_empty());
    }

    #[test]
    fn cycles_lose_the_edge_back_to_the_earliest_task() {
        let s = split(vec![Task::new("A", "a", &["B"]), Task::new("B", "b", &["A"])]);
        assert_eq!(s.forward, vec![(0, 1)]);
        assert_eq!(s.back, vec![(1, 0)]);
        let s = split(vec![
            Task::new("A", "a", &["C"]),
            Task::new("B", "b", &["A"]),
            Task::new("C", "c", &["B"]),
            Task::new("D", "d", &["C", "A"]),
        ]);
        assert_eq!(s.back, vec![(2, 0)]);
        assert_eq!(s.forward.len(), 4);
    }
}
