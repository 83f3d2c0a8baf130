//! A plain drawing, for when the layout worker is unavailable: each task in the column after its
//! deepest dependency, in plan order within its column, with straight edges. Linear time; edges
//! closing a cycle do not push their ends apart (and are drawn all the same).

use super::geometry::{EdgePath, Geometry, LayoutOptions, NodeBox};
use crate::decimal::shortest;
use crate::plan::{graph::PlanGraph, Plan};

/// Not reached yet by the search.
const UNSEEN: usize = usize::MAX;
/// On the search's current path (an edge to such a task closes a cycle).
const ON_PATH: usize = usize::MAX - 1;

/// `plan` drawn plainly (see the module's documentation).
pub fn plain(plan: &Plan, options: &LayoutOptions) -> Geometry {
    let graph = PlanGraph::new(plan);
    let layer = longest_path_layers(&graph);
    let mut rows = Vec::new();
    let mut nodes = Vec::with_capacity(graph.len());
    let mut plan_index = plan.tasks.iter().enumerate();
    for (i, id) in graph.ids.iter().enumerate() {
        // Graph indices follow first occurrences in plan order.
        let index = plan_index.find(|(_, t)| graph.index_of(&t.id) == Some(i)).map_or(i, |(k, _)| k);
        if rows.len() <= layer[i] {
            rows.resize(layer[i] + 1, 0);
        }
        let row = rows[layer[i]];
        rows[layer[i]] += 1;
        nodes.push(NodeBox {
            index,
            id: id.clone(),
            layer: layer[i],
            x: options.column_left(layer[i]),
            y: options.margin + row as f64 * (options.node_height + options.node_gap),
            width: options.node_width,
            height: options.node_height,
        });
    }
    let mut edges = Vec::new();
    for (i, deps) in graph.deps.iter().enumerate() {
        for &d in deps {
            let (from, to) = (&nodes[d], &nodes[i]);
            let start = (from.x + from.width, from.y + from.height / 2.0);
            let end = (to.x, to.y + to.height / 2.0);
            let d = format!("M{},{} L{},{}", shortest(start.0), shortest(start.1), shortest(end.0), shortest(end.1));
            edges.push(EdgePath { from: from.index, to: to.index, points: vec![start, end], d });
        }
    }
    let (columns, tallest) = (rows.len() as f64, rows.iter().copied().max().unwrap_or(0) as f64);
    Geometry {
        nodes,
        edges,
        width: 2.0 * options.margin + columns * options.node_width + (columns - 1.0).max(0.0) * options.layer_gap,
        height: 2.0 * options.margin + tallest * options.node_height + (tallest - 1.0).max(0.0) * options.node_gap,
    }
}

/// Each task's column: one after its deepest dependency, by a depth-first search (no recursion: a
/// chain of 10,000 tasks is fine) that ignores the edges closing a cycle.
fn longest_path_layers(graph: &PlanGraph) -> Vec<usize> {
    let mut layer = vec![UNSEEN; graph.len()];
    let mut stack: Vec<(usize, usize)> = Vec::new();
    for root in 0..graph.len() {
        if layer[root] != UNSEEN {
            continue;
        }
        layer[root] = ON_PATH;
        stack.push((root, 0));
        while let Some((v, next)) = stack.last_mut() {
            let v = *v;
            if let Some(&d) = graph.deps[v].get(*next) {
                *next += 1;
                if layer[d] == UNSEEN {
                    layer[d] = ON_PATH;
                    stack.push((d, 0));
                }
            } else {
                let deepest = graph.deps[v].iter().filter(|&&d| layer[d] < ON_PATH).map(|&d| layer[d] + 1).max();
                layer[v] = deepest.unwrap_or(0);
                stack.pop();
            }
        }
    }
    layer
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::plan::test_plans::diamond;
    use crate::plan::Task;

    #[test]
    fn tasks_sit_right_of_their_dependencies_without_overlapping() {
        let plan = diamond();
        let g = plain(&plan, &LayoutOptions::default());
        let of = |id: &str| g.nodes.iter().find(|n| n.id == id).unwrap();
        for task in &plan.tasks {
            for dep in &task.depends_on {
                assert!(of(dep).x + of(dep).width < of(&task.id).x, "{dep} before {}", task.id);
            }
        }
        for (a, b) in g.nodes.iter().zip(g.nodes.iter().skip(1)) {
            assert!(a.layer != b.layer || a.y + a.height < b.y, "{} and {} overlap", a.id, b.id);
        }
        let edges: usize = plan.tasks.iter().map(|t| t.depends_on.len()).sum();
        assert_eq!(g.edges.len(), edges);
        assert!(g.nodes.iter().all(|n| n.x + n.width <= g.width && n.y + n.height <= g.height));
    }

    #[test]
    fn cycles_duplicates_and_long_chains_are_drawn() {
        let mut plan = Plan {
            tasks: vec![
                Task::new("A", "A", &["C"]),
                Task::new("B", "B", &["A"]),
                Task::new("C", "C", &["B"]),
                Task::new("B", "dup", &[]),
                Task::new("D", "D", &["B", "missing"]),
            ],
            critical_path: Vec::new(),
        };
        let g = plain(&plan, &LayoutOptions::default());
        assert_eq!(
            g.nodes.iter().map(|n| (n.id.as_str(), n.index)).collect::<Vec<_>>(),
            [("A", 0), ("B", 1), ("C", 2), ("D", 4)]
        );
        assert_eq!(g.edges.len(), 4);
        plan.tasks = (0..10_000).map(|i| Task::new(&format!("t{i}"), "", &[])).collect();
        for i in 1..plan.tasks.len() {
            plan.tasks[i].depends_on.push(format!("t{}", i - 1));
        }
        let g = plain(&plan, &LayoutOptions::default());
        assert_eq!(g.nodes.last().unwrap().layer, 9_999);
    }
}
