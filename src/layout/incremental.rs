//! Incremental layout: a plan that grows (streaming in) or is re-planned is drawn with the tasks it
//! shares with the previous drawing kept in their columns and in their order within each column, so the
//! drawing does not jump; new tasks and the bends of new long edges are fitted in between.

use std::collections::HashMap;

use super::acyclic::split_cycles;
use super::geometry::{Geometry, LayoutOptions};
use super::ordering::record_relative_positions;
use super::proper::LayeredGraph;
use super::{draw, Layered};
use crate::plan::{graph::PlanGraph, Plan};

/// Barycenter sweeps fitting new tasks and bends in among the kept tasks (even: the last goes upwards).
const SWEEPS: usize = 12;

/// Lays out `plan` like [`layout`](super::layout), but keeps every task drawn in `previous` (matched by
/// id) in its column and in its order among the kept tasks of that column, unless a dependency forces
/// it further right.
///
/// New tasks go right of their dependencies, and as far right as their dependents allow. Columns left
/// empty by removed tasks stay (so that the others keep theirs).
pub fn relayout(previous: &Geometry, plan: &Plan, options: &LayoutOptions) -> Geometry {
    let drawn: HashMap<&str, (usize, f64)> = previous.nodes.iter().map(|n| (n.id.as_str(), (n.layer, n.y))).collect();
    relayout_keeping(&drawn, plan, options)
}

/// [`relayout`] given the column and top of each task drawn before, by id.
pub(super) fn relayout_keeping(drawn: &HashMap<&str, (usize, f64)>, plan: &Plan, options: &LayoutOptions) -> Geometry {
    let graph = PlanGraph::new(plan);
    let before: Vec<Option<(usize, f64)>> = graph.ids.iter().map(|id| drawn.get(id.as_str()).copied()).collect();
    let edges = split_cycles(&graph);
    let layer = kept_layers(&before.iter().map(|b| b.map(|(layer, _)| layer)).collect::<Vec<_>>(), &edges.forward);
    let layered = Layered::new(edges, &layer);
    let order = kept_order(&layered.g, &before.iter().map(|b| b.map(|(_, y)| y)).collect::<Vec<_>>());
    draw(plan, &graph, &layered, &order, options)
}

/// Layer of each task: its `previous` one, or further right where a dependency (along `edges`, a DAG)
/// requires; a new task goes right of its dependencies and then as far right as its dependents allow.
fn kept_layers(previous: &[Option<usize>], edges: &[(usize, usize)]) -> Vec<usize> {
    let n = previous.len();
    let mut successors = vec![Vec::new(); n];
    let mut pending = vec![0usize; n];
    for &(a, b) in edges {
        successors[a].push(b);
        pending[b] += 1;
    }
    let mut topological = Vec::with_capacity(n);
    let mut ready: Vec<usize> = (0..n).filter(|&v| pending[v] == 0).collect();
    while let Some(v) = ready.pop() {
        topological.push(v);
        for &w in &successors[v] {
            pending[w] -= 1;
            if pending[w] == 0 {
                ready.push(w);
            }
        }
    }
    let mut layer: Vec<usize> = previous.iter().map(|p| p.unwrap_or(0)).collect();
    for &v in &topological {
        for &w in &successors[v] {
            layer[w] = layer[w].max(layer[v] + 1);
        }
    }
    for &v in topological.iter().rev().filter(|&&v| previous[v].is_none()) {
        if let Some(first) = successors[v].iter().map(|&w| layer[w]).min() {
            layer[v] = layer[v].max(first - 1);
        }
    }
    layer
}

/// Order of every layer of `g`: the kept tasks (those with a `previous_y`) in the order of those, and
/// the other nodes fitted in by barycenter sweeps that merge them, sorted by the mean relative position
/// of their neighbours on the side the sweep comes from, into the kept ones (compared the same way).
fn kept_order(g: &LayeredGraph, previous_y: &[Option<f64>]) -> Vec<Vec<usize>> {
    let kept = |v: usize| v < g.real && previous_y[v].is_some();
    let mut order: Vec<Vec<usize>> = g
        .layers
        .iter()
        .map(|layer| {
            let mut fixed: Vec<usize> = layer.iter().copied().filter(|&v| kept(v)).collect();
            crate::sort::sort_by(&mut fixed, |&a, &b| {
                previous_y[a].unwrap_or(0.0).total_cmp(&previous_y[b].unwrap_or(0.0))
            });
            fixed.extend(layer.iter().copied().filter(|&v| !kept(v)));
            fixed
        })
        .collect();
    let mut relative = vec![0.0; g.layer.len()];
    for layer in &order {
        record_relative_positions(layer, &mut relative);
    }
    let mut key = vec![0.0; g.layer.len()];
    for sweep in 0..SWEEPS {
        let (near, count) = (if sweep % 2 == 0 { &g.up } else { &g.down }, order.len());
        for step in 1..count {
            let l = if sweep % 2 == 0 { step } else { count - 1 - step };
            for &v in &order[l] {
                let sum: f64 = near[v].iter().map(|&u| relative[u]).sum();
                key[v] = if near[v].is_empty() { relative[v] } else { sum / near[v].len() as f64 };
            }
            let (fixed, mut free): (Vec<usize>, Vec<usize>) = order[l].iter().partition(|&&v| kept(v));
            crate::sort::sort_by(&mut free, |&a, &b| key[a].total_cmp(&key[b]));
            let (mut fixed, mut free) = (fixed.into_iter().peekable(), free.into_iter().peekable());
            let layer = &mut order[l];
            layer.clear();
            while let (Some(&a), Some(&b)) = (fixed.peek(), free.peek()) {
                layer.push(if key[b] < key[a] { free.next() } else { fixed.next() }.expect("peeked"));
            }
            layer.extend(fixed.chain(free));
            record_relative_positions(layer, &mut relative);
        }
    }
    order
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::engine::rng::SplitMix64;
    use crate::layout::layout;
    use crate::layout::test_support::random_plan;
    use crate::plan::Task;

    /// For every column, the ids of its boxes from top to bottom.
    fn columns(geometry: &Geometry) -> BTreeMap<usize, Vec<&str>> {
        let mut nodes: Vec<_> = geometry.nodes.iter().collect();
        crate::sort::sort_by(&mut nodes, |a, b| a.y.total_cmp(&b.y));
        let mut columns: BTreeMap<usize, Vec<&str>> = BTreeMap::new();
        for node in nodes {
            columns.entry(node.layer).or_default().push(&node.id);
        }
        columns
    }

    /// Whether every box of `before` that `after` still has is in the same column of `after`, in the
    /// same order relative to the others.
    fn kept_in_place(before: &Geometry, after: &Geometry) -> bool {
        let after_columns = columns(after);
        columns(before).into_iter().all(|(layer, ids)| {
            let now: Vec<&str> =
                after_columns.get(&layer).into_iter().flatten().copied().filter(|id| ids.contains(id)).collect();
            let still: Vec<&str> = ids.into_iter().filter(|id| after.nodes.iter().any(|n| n.id == *id)).collect();
            now == still
        })
    }

    fn assert_valid(geometry: &Geometry, options: &LayoutOptions) {
        for e in &geometry.edges {
            let (from, to) = (&geometry.nodes[e.from], &geometry.nodes[e.to]);
            assert!(from.layer < to.layer, "{} is not left of {}", from.id, to.id);
            assert_eq!(e.points[0], (from.x + from.width, from.y + from.height / 2.0));
            assert_eq!(e.points[e.points.len() - 1], (to.x, to.y + to.height / 2.0));
        }
        for (_, ids) in columns(geometry) {
            let boxes: Vec<_> = ids.iter().map(|id| geometry.nodes.iter().find(|n| n.id == *id).unwrap()).collect();
            assert!(boxes.windows(2).all(|w| w[0].y + w[0].height + options.node_gap <= w[1].y + 1e-9));
        }
    }

    #[test]
    fn adding_a_task_moves_no_box_to_another_column_or_past_another() {
        let options = LayoutOptions::default();
        let mut rng = SplitMix64::new(31);
        let mut moved_by_a_fresh_layout = 0;
        for round in 0..20 {
            let mut plan = random_plan(&mut rng, 100, 3, 10);
            let before = layout(&plan, &options);
            let deps: Vec<String> =
                (0..1 + rng.next_u64() % 3).map(|_| format!("T{}", 80 + rng.next_u64() % 20)).collect();
            plan.tasks.push(Task::new("new", "", &deps.iter().map(String::as_str).collect::<Vec<_>>()));
            let after = relayout(&before, &plan, &options);
            assert!(kept_in_place(&before, &after), "round {round}");
            assert_eq!(after.nodes.len(), 101);
            assert_valid(&after, &options);
            moved_by_a_fresh_layout += usize::from(!kept_in_place(&before, &layout(&plan, &options)));
        }
        assert!(moved_by_a_fresh_layout > 5, "a fresh layout moved boxes in only {moved_by_a_fresh_layout} rounds");
    }

    #[test]
    fn a_new_dependency_of_a_kept_task_fits_in_left_of_it() {
        let options = LayoutOptions::default();
        let mut rng = SplitMix64::new(5);
        for round in 0..10 {
            let mut plan = random_plan(&mut rng, 60, 3, 8);
            let before = layout(&plan, &options);
            // A re-plan: some task right of the first column now also needs a new task.
            let needy = before.nodes.iter().filter(|n| n.layer > 0).nth(round).expect("enough tasks").index;
            plan.tasks.push(Task::new("new", "", &[]));
            plan.tasks[needy].depends_on.push("new".into());
            let after = relayout(&before, &plan, &options);
            assert!(kept_in_place(&before, &after), "round {round}");
            let new = after.nodes.iter().find(|n| n.id == "new").expect("drawn");
            assert_eq!(new.layer + 1, after.nodes[needy].layer, "round {round}");
            assert_valid(&after, &options);
        }
    }

    #[test]
    fn the_same_plan_keeps_every_column_and_order() {
        let options = LayoutOptions::default();
        let mut rng = SplitMix64::new(9);
        for _ in 0..10 {
            let plan = random_plan(&mut rng, 80, 3, 10);
            let before = layout(&plan, &options);
            assert_eq!(columns(&relayout(&before, &plan, &options)), columns(&before));
        }
        assert_eq!(
            relayout(&layout(&Plan::default(), &options), &Plan::default(), &options),
            layout(&Plan::default(), &options)
        );
    }

    #[test]
    fn kept_layers_move_right_only_when_forced() {
        // 0 -> 1 -> 2 kept in layers 0, 1, 2: a new 3 -> 1 fits in layer 0, a new 3 -> 2 just left of 2,
        // and a new 3 -> 0 pushes 0, 1 and 2 right.
        assert_eq!(kept_layers(&[Some(0), Some(1), Some(2), None], &[(0, 1), (1, 2), (3, 1)]), vec![0, 1, 2, 0]);
        assert_eq!(kept_layers(&[Some(0), Some(1), Some(2), None], &[(0, 1), (1, 2), (3, 2)]), vec![0, 1, 2, 1]);
        assert_eq!(kept_layers(&[Some(0), Some(1), Some(2), None], &[(0, 1), (1, 2), (3, 0)]), vec![1, 2, 3, 0]);
        // A new task after 2 goes right of it.
        assert_eq!(kept_layers(&[Some(0), Some(1), Some(2), None], &[(0, 1), (1, 2), (2, 3)]), vec![0, 1, 2, 3]);
    }
}
