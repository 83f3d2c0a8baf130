//! Crossing minimisation: median sweeps plus adjacent transpositions, keeping the best order seen.

use super::crossings::count_crossings;
use super::proper::LayeredGraph;

/// Upper bound on median sweeps (alternating downwards and upwards).
const MAX_SWEEPS: usize = 24;
/// Consecutive sweeps without improvement after which the search stops.
const PATIENCE: usize = 4;
/// Upper bound on transposition passes after each sweep.
const MAX_TRANSPOSE_PASSES: usize = 8;

/// A node order for every layer of `g` with few crossings.
///
/// Starts from the better of plan order and depth-first order, so it is never worse than either.
pub(crate) fn minimise(g: &LayeredGraph) -> Vec<Vec<usize>> {
    let plan = g.layers.clone();
    let dfs = depth_first_order(g);
    let start = if count_crossings(&dfs, &g.edges) < count_crossings(&plan, &g.edges) { dfs } else { plan };
    improve(g, start)
}

/// Nodes of each layer in the order a depth-first search along `down` first meets them, roots in id order.
fn depth_first_order(g: &LayeredGraph) -> Vec<Vec<usize>> {
    let mut order = vec![Vec::new(); g.layers.len()];
    let mut seen = vec![false; g.layer.len()];
    let mut stack = Vec::new();
    for root in 0..g.layer.len() {
        stack.push(root);
        while let Some(v) = stack.pop() {
            if !std::mem::replace(&mut seen[v], true) {
                order[g.layer[v]].push(v);
                stack.extend(g.down[v].iter().rev().filter(|&&w| !seen[w]));
            }
        }
    }
    order
}

/// Improves `order` by median sweeps and transpositions; returns the ordering with the fewest crossings.
fn improve(g: &LayeredGraph, mut order: Vec<Vec<usize>>) -> Vec<Vec<usize>> {
    let mut position = vec![0; g.layer.len()];
    for layer in &order {
        record_positions(layer, &mut position);
    }
    let mut best_crossings = count_crossings(&order, &g.edges);
    let mut best = order.clone();
    let mut stale = 0;
    for sweep in 0..MAX_SWEEPS {
        if best_crossings == 0 || stale == PATIENCE {
            break;
        }
        median_sweep(g, &mut order, &mut position, sweep % 2 == 0);
        transpose(g, &mut order, &mut position);
        let crossings = count_crossings(&order, &g.edges);
        if crossings < best_crossings {
            best_crossings = crossings;
            best.clone_from(&order);
            stale = 0;
        } else {
            stale += 1;
        }
    }
    best
}

fn record_positions(layer: &[usize], position: &mut [usize]) {
    for (p, &v) in layer.iter().enumerate() {
        position[v] = p;
    }
}

/// Reorders every layer by the median position of its neighbours in the previous layer of the sweep.
///
/// Nodes without such neighbours keep their slot.
fn median_sweep(g: &LayeredGraph, order: &mut [Vec<usize>], position: &mut [usize], downwards: bool) {
    let count = order.len();
    let mut neighbour_positions = Vec::new();
    let mut keyed: Vec<(f64, usize, usize)> = Vec::new();
    for step in 1..count {
        let l = if downwards { step } else { count - 1 - step };
        keyed.clear();
        for (slot, &v) in order[l].iter().enumerate() {
            let neighbours = if downwards { &g.up[v] } else { &g.down[v] };
            neighbour_positions.clear();
            neighbour_positions.extend(neighbours.iter().map(|&u| position[u]));
            neighbour_positions.sort_unstable();
            if let Some(m) = weighted_median(&neighbour_positions) {
                keyed.push((m, slot, v));
            }
        }
        keyed.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        let mut movable = keyed.iter().map(|k| k.2);
        let layer = &mut order[l];
        let fixed: Vec<bool> = layer.iter().map(|&v| if downwards { g.up[v].is_empty() } else { g.down[v].is_empty() }).collect();
        for (slot, v) in layer.iter_mut().enumerate() {
            if !fixed[slot] {
                *v = movable.next().expect("one movable node per free slot");
            }
        }
        record_positions(layer, position);
    }
}

/// Gansner et al.'s weighted median of sorted positions; `None` when there are none.
fn weighted_median(p: &[usize]) -> Option<f64> {
    let m = p.len() / 2;
    match p.len() {
        0 => None,
        n if n % 2 == 1 => Some(p[m] as f64),
        2 => Some((p[0] + p[1]) as f64 / 2.0),
        n => {
            let left = (p[m - 1] - p[0]) as f64;
            let right = (p[n - 1] - p[m]) as f64;
            if left + right == 0.0 {
                Some((p[m - 1] + p[m]) as f64 / 2.0)
            } else {
                Some((p[m - 1] as f64 * right + p[m] as f64 * left) / (left + right))
            }
        }
    }
}

/// Swaps neighbouring nodes of a layer while that removes crossings with both adjacent layers.
fn transpose(g: &LayeredGraph, order: &mut [Vec<usize>], position: &mut [usize]) {
    let (mut a, mut b) = (Vec::new(), Vec::new());
    for _ in 0..MAX_TRANSPOSE_PASSES {
        let mut improved = false;
        for layer in order.iter_mut() {
            for i in 1..layer.len() {
                let (v, w) = (layer[i - 1], layer[i]);
                let mut kept = 0;
                let mut swapped = 0;
                for adjacency in [&g.up, &g.down] {
                    a.clear();
                    a.extend(adjacency[v].iter().map(|&u| position[u]));
                    a.sort_unstable();
                    b.clear();
                    b.extend(adjacency[w].iter().map(|&u| position[u]));
                    b.sort_unstable();
                    let (if_kept, if_swapped) = pair_crossings(&a, &b);
                    kept += if_kept;
                    swapped += if_swapped;
                }
                if swapped < kept {
                    layer.swap(i - 1, i);
                    position[v] = i;
                    position[w] = i - 1;
                    improved = true;
                }
            }
        }
        if !improved {
            break;
        }
    }
}

/// Crossings between the edges of two neighbouring nodes whose neighbour positions are `a` and `b` (sorted):
/// `(with a's node first, with b's node first)`.
fn pair_crossings(a: &[usize], b: &[usize]) -> (usize, usize) {
    let (mut below, mut at_most) = (0, 0);
    let (mut kept, mut swapped) = (0, 0);
    for &x in a {
        while below < b.len() && b[below] < x {
            below += 1;
        }
        while at_most < b.len() && b[at_most] <= x {
            at_most += 1;
        }
        kept += below;
        swapped += b.len() - at_most;
    }
    (kept, swapped)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::rng::SplitMix64;
    use crate::layout::test_support::{layered, random_plan};

    fn crossings(g: &LayeredGraph, order: &[Vec<usize>]) -> usize {
        count_crossings(order, &g.edges)
    }

    fn is_permutation_of_layers(g: &LayeredGraph, order: &[Vec<usize>]) -> bool {
        order.len() == g.layers.len()
            && order.iter().zip(&g.layers).all(|(o, l)| {
                let mut sorted = o.clone();
                sorted.sort_unstable();
                &sorted == l
            })
    }

    #[test]
    fn untangles_a_twisted_bipartite_graph() {
        // Layer 0: 0 1 2, layer 1: 3 4 5 with 0-5, 0-4, 1-4, 2-3: a path plus an edge, drawable without crossings.
        let g = LayeredGraph::new(&[0, 0, 0, 1, 1, 1], &[(0, 5), (1, 4), (2, 3), (0, 4)]);
        assert_eq!(crossings(&g, &g.layers), 4);
        let order = improve(&g, g.layers.clone());
        assert_eq!(crossings(&g, &order), 0);
        assert!(is_permutation_of_layers(&g, &order));
    }

    #[test]
    fn depth_first_order_visits_every_node_once() {
        let g = LayeredGraph::new(&[0, 1, 3, 0], &[(0, 1), (1, 2), (0, 2), (3, 2)]);
        let order = depth_first_order(&g);
        assert!(is_permutation_of_layers(&g, &order));
        assert_eq!(order[0], vec![0, 3]);
    }

    #[test]
    fn never_worse_than_plan_or_depth_first_order() {
        let mut rng = SplitMix64::new(7);
        for round in 0..40 {
            let n = 5 + round * 3;
            let g = layered(&random_plan(&mut rng, n, 4, 12));
            let order = minimise(&g);
            assert!(is_permutation_of_layers(&g, &order));
            let result = crossings(&g, &order);
            assert!(result <= crossings(&g, &g.layers), "round {round}");
            assert!(result <= crossings(&g, &depth_first_order(&g)), "round {round}");
            assert_eq!(order, minimise(&g), "deterministic");
        }
    }

    #[test]
    fn weighted_median_cases() {
        assert_eq!(weighted_median(&[]), None);
        assert_eq!(weighted_median(&[4]), Some(4.0));
        assert_eq!(weighted_median(&[1, 4]), Some(2.5));
        assert_eq!(weighted_median(&[0, 1, 9]), Some(1.0));
        // Left span 1, right span 7: pulled towards the tighter left pair.
        assert_eq!(weighted_median(&[0, 1, 2, 9]), Some((7.0 + 2.0) / 8.0));
    }

    #[test]
    fn pair_crossings_counts_both_orders() {
        assert_eq!(pair_crossings(&[2], &[0]), (1, 0));
        assert_eq!(pair_crossings(&[0, 3], &[1, 3]), (1, 2));
        assert_eq!(pair_crossings(&[], &[1]), (0, 0));
    }
}
