//! Crossing minimisation: weighted barycenter sweeps, then sifting (`sifting`), both on a compact copy of
//! the graph (`compact`).

use super::compact::Compact;
use super::crossings::count_crossings;
use super::proper::LayeredGraph;
use super::sifting;

/// Barycenter sweeps, alternately downwards and upwards (even, so the last one goes upwards), at most.
const SWEEPS: usize = 100;
/// Sweeps on any graph, at least (even too).
const MIN_SWEEPS: usize = 4;
/// Nodes and edges visited by all sweeps together, at most, beyond [`MIN_SWEEPS`]: all [`SWEEPS`] on
/// graphs up to twice the size of the benchmark's plans of a thousand tasks.
const SWEEP_WORK: usize = 2_000_000;
/// Weight of a node's neighbours in the layer the sweep comes from, relative to those in the layer it
/// goes to (whose order is a sweep older).
const SWEEP_SIDE_WEIGHT: f64 = 2.5;

/// A node order for every layer of `g` with few crossings.
///
/// Starts from the better of plan order and depth-first order and never ends worse than either.
pub(crate) fn minimise(g: &LayeredGraph) -> Vec<Vec<usize>> {
    let plan = g.layers.clone();
    let dfs = depth_first_order(g);
    let (plan_crossings, dfs_crossings) = (count_crossings(&plan, &g.edges), count_crossings(&dfs, &g.edges));
    let (start, start_crossings) =
        if dfs_crossings < plan_crossings { (dfs, dfs_crossings) } else { (plan, plan_crossings) };
    let compact = Compact::new(g, &start);
    // The start order in compact numbering: every layer's nodes in increasing order.
    let initial: Vec<Vec<usize>> = compact.layer_start.windows(2).map(|range| (range[0]..range[1]).collect()).collect();
    let swept = sweep(&compact, initial.clone());
    let mut order = if count_crossings(&compact.expand(&swept), &g.edges) < start_crossings { swept } else { initial };
    sifting::sift(&compact, &mut order);
    compact.expand(&order)
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

/// Barycenter sweeps of the compact nodes from `order`: [`SWEEPS`], or fewer on graphs so large that
/// they would visit more than [`SWEEP_WORK`] nodes and edges.
///
/// A sweep reorders each layer by a weighted mean of the relative positions (slot over layer width) of
/// every node's neighbours on both sides, those on the side the sweep comes from weighing more. Nodes
/// without neighbours on that side keep their slot. (The sweeps keep improving the order on the whole,
/// so the last ordering stands in for the best one seen, which would cost a crossing count per sweep.)
fn sweep(g: &Compact, mut order: Vec<Vec<usize>>) -> Vec<Vec<usize>> {
    let n = g.node.len();
    // The inverse total weight of a node's neighbours when sweeping downwards and upwards.
    let inverse_weight =
        |near: &[usize], far: &[usize]| 1.0 / (SWEEP_SIDE_WEIGHT * near.len() as f64 + far.len() as f64);
    let downwards_weight: Vec<f64> = (0..n).map(|v| inverse_weight(g.up(v), g.down(v))).collect();
    let upwards_weight: Vec<f64> = (0..n).map(|v| inverse_weight(g.down(v), g.up(v))).collect();
    let mut relative = vec![0.0; n];
    for layer in &order {
        record_relative_positions(layer, &mut relative);
    }
    let mut keys: Vec<u64> = Vec::new();
    let count = order.len();
    let size = n + (0..n).map(|v| g.down(v).len()).sum::<usize>();
    let sweeps = (SWEEP_WORK / size.max(1)).clamp(MIN_SWEEPS, SWEEPS) / 2 * 2;
    for sweep in 0..sweeps {
        let downwards = sweep % 2 == 0;
        let (near, far, weight) = if downwards { (0, 1, &downwards_weight[..]) } else { (1, 0, &upwards_weight[..]) };
        for step in 1..count {
            let layer = &mut order[if downwards { step } else { count - 1 - step }][..];
            keys.resize(layer.len(), 0);
            let (keys, relative_of) = (&mut keys[..], &relative[..]);
            let mut movable = 0;
            for &v in layer.iter() {
                let (near, far) = (g.side(near, v), g.side(far, v));
                if near.is_empty() {
                    continue;
                }
                let (mut near_sum, mut far_sum) = (0.0, 0.0);
                for &u in near {
                    near_sum += relative_of[u];
                }
                for &u in far {
                    far_sum += relative_of[u];
                }
                let key: f64 = (SWEEP_SIDE_WEIGHT * near_sum + far_sum) * weight[v];
                // Positive floats order like their bits: keep the high half (20 bits of mantissa) above
                // the node (fewer than 2^32 of them), so ties go by node.
                keys[movable] = key.to_bits() & !u64::from(u32::MAX) | v as u64;
                movable += 1;
            }
            let keys = &mut keys[..movable];
            crate::sort::sort(keys);
            let mut sorted = keys.iter();
            for v in layer.iter_mut() {
                if !g.side(near, *v).is_empty() {
                    *v = (sorted.next().expect("one key per movable node") & u64::from(u32::MAX)) as usize;
                }
            }
            record_relative_positions(layer, &mut relative);
        }
    }
    order
}

/// Records, for every node of `layer`, its slot's centre over the layer's width in `relative`.
pub(super) fn record_relative_positions(layer: &[usize], relative: &mut [f64]) {
    let width = 1.0 / layer.len() as f64;
    for (p, &v) in layer.iter().enumerate() {
        relative[v] = (p as f64 + 0.5) * width;
    }
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
        let order = minimise(&g);
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
    fn sweeps_reorder_layers_and_remove_most_crossings() {
        let mut rng = SplitMix64::new(11);
        let (mut before, mut after) = (0, 0);
        for round in 0..10 {
            let g = layered(&random_plan(&mut rng, 40 + round * 10, 3, 10));
            let compact = Compact::new(&g, &g.layers);
            let initial: Vec<Vec<usize>> =
                compact.layer_start.windows(2).map(|range| (range[0]..range[1]).collect()).collect();
            let order = compact.expand(&sweep(&compact, initial));
            assert!(is_permutation_of_layers(&g, &order));
            before += crossings(&g, &g.layers);
            after += crossings(&g, &order);
        }
        assert!(after * 2 < before, "{after} crossings after the sweeps, {before} before");
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
}
