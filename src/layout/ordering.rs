//! Crossing minimisation: median sweeps plus adjacent transpositions, keeping the best order seen.

use super::crossings::{count_crossings, sorted_bilayer_crossings};
use super::proper::LayeredGraph;

/// Upper bound on median sweeps (alternating downwards and upwards).
const MAX_SWEEPS: usize = 24;
/// Consecutive sweeps without improvement after which the search stops.
const PATIENCE: usize = 4;
/// Transposition passes after each sweep (cheap, and mostly cleans up after the median).
const SWEEP_TRANSPOSE_PASSES: usize = 1;
/// Upper bound on transposition passes polishing the best ordering at the end.
const FINAL_TRANSPOSE_PASSES: usize = 16;

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

/// Improves `order` by median sweeps and transpositions; returns the best ordering seen, polished by
/// transpositions (each of which removes crossings).
fn improve(g: &LayeredGraph, mut order: Vec<Vec<usize>>) -> Vec<Vec<usize>> {
    let mut position = positions(g, &order);
    let mut lower_ends = Vec::new();
    let mut best_crossings = total_crossings(g, &order, &position, &mut lower_ends);
    let mut best = order.clone();
    let mut stale = 0;
    for sweep in 0..MAX_SWEEPS {
        if best_crossings == 0 || stale == PATIENCE {
            break;
        }
        median_sweep(g, &mut order, &mut position, sweep % 2 == 0);
        transpose(g, &mut order, &mut position, SWEEP_TRANSPOSE_PASSES);
        let crossings = total_crossings(g, &order, &position, &mut lower_ends);
        if crossings < best_crossings {
            best_crossings = crossings;
            best.clone_from(&order);
            stale = 0;
        } else {
            stale += 1;
        }
    }
    let mut position = positions(g, &best);
    transpose(g, &mut best, &mut position, FINAL_TRANSPOSE_PASSES);
    best
}

/// Crossings of `order` (with `position` up to date), like `count_crossings` but without sorting all edges.
fn total_crossings(g: &LayeredGraph, order: &[Vec<usize>], position: &[usize], lower_ends: &mut Vec<usize>) -> usize {
    order
        .windows(2)
        .map(|pair| {
            lower_ends.clear();
            for &v in &pair[0] {
                let start = lower_ends.len();
                lower_ends.extend(g.down[v].iter().map(|&w| position[w]));
                lower_ends[start..].sort_unstable();
            }
            sorted_bilayer_crossings(lower_ends, pair[1].len())
        })
        .sum()
}

/// Position of every node within its layer.
fn positions(g: &LayeredGraph, order: &[Vec<usize>]) -> Vec<usize> {
    let mut position = vec![0; g.layer.len()];
    for layer in order {
        record_positions(layer, &mut position);
    }
    position
}

/// Records the slot of every node of `layer` in `position`.
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
        let fixed: Vec<bool> =
            layer.iter().map(|&v| if downwards { g.up[v].is_empty() } else { g.down[v].is_empty() }).collect();
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

/// Swaps neighbouring nodes while that removes crossings, for at most `passes` passes; a pass revisits
/// only layers next to a change.
fn transpose(g: &LayeredGraph, order: &mut [Vec<usize>], position: &mut [usize], passes: usize) {
    let mut dirty = vec![true; order.len()];
    let mut scratch = SortedNeighbours::default();
    for _ in 0..passes {
        let mut improved = false;
        for l in 0..order.len() {
            if std::mem::take(&mut dirty[l]) && transpose_layer(g, &mut order[l], position, &mut scratch) {
                improved = true;
                dirty[l] = true;
                dirty[l.saturating_sub(1)] = true;
                if let Some(next) = dirty.get_mut(l + 1) {
                    *next = true;
                }
            }
        }
        if !improved {
            break;
        }
    }
}

/// Sorted neighbour positions of the nodes of one layer, by slot: `ranges[slot]` = (up, down) in `flat`.
#[derive(Default)]
struct SortedNeighbours {
    flat: Vec<usize>,
    ranges: Vec<[(usize, usize); 2]>,
}

/// One left-to-right pass of swaps over `layer`; true when anything moved.
fn transpose_layer(
    g: &LayeredGraph,
    layer: &mut [usize],
    position: &mut [usize],
    scratch: &mut SortedNeighbours,
) -> bool {
    let SortedNeighbours { flat, ranges } = scratch;
    flat.clear();
    ranges.clear();
    for &v in layer.iter() {
        let mut range = [(0, 0); 2];
        for (side, adjacency) in [&g.up, &g.down].into_iter().enumerate() {
            let start = flat.len();
            flat.extend(adjacency[v].iter().map(|&u| position[u]));
            flat[start..].sort_unstable();
            range[side] = (start, flat.len());
        }
        ranges.push(range);
    }
    let mut changed = false;
    for i in 1..layer.len() {
        let (mut kept, mut swapped) = (0, 0);
        for (a, b) in ranges[i - 1].iter().zip(&ranges[i]) {
            let (k, s) = pair_crossings(&flat[a.0..a.1], &flat[b.0..b.1]);
            kept += k;
            swapped += s;
        }
        if swapped < kept {
            layer.swap(i - 1, i);
            ranges.swap(i - 1, i);
            position[layer[i - 1]] = i - 1;
            position[layer[i]] = i;
            changed = true;
        }
    }
    changed
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
            assert_eq!(total_crossings(&g, &order, &positions(&g, &order), &mut Vec::new()), result);
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
