//! Sifting (Matuszewski, Schönfeld & Molitor, 1999): each node in turn moves to the slot of its layer
//! where its edges to both neighbouring layers cross the fewest others.
//!
//! Nodes move within [`WINDOW`] slots of where they are (after the barycenter sweeps they rarely need to
//! go further), and among equally good slots one is drawn at random, from a fixed seed so the result is
//! reproducible: repeated passes then drift across plateaus of equal crossings instead of stopping at
//! the first local optimum, which finds clearly better orderings. A move never adds crossings.
//!
//! The passes share a budget of counted steps (comparisons of two nodes' neighbours) that grows linearly
//! with the graph; they stop at the first node that finds it spent.

use super::compact::Compact;
use crate::engine::rng::SplitMix64;

/// Passes over all layers, alternately downwards and upwards, at most.
const PASSES: usize = 10;
/// Steps allowed on any graph: all passes on the benchmark's plans of a thousand tasks (they take up to
/// 1.4 million).
const BASE_WORK: usize = 1_500_000;
/// Further steps allowed per node.
const WORK_PER_NODE: usize = 60;
/// How many slots a node may move in either direction in one step.
const WINDOW: usize = 6;
/// Seed of the tie-breaking draws.
const SEED: u64 = 0x5EED_51F7;

/// Sifts every node of every layer of `order` (of `g`'s compact nodes), [`PASSES`] times or until the
/// budget is spent.
pub(crate) fn sift(g: &Compact, order: &mut [Vec<usize>]) {
    sift_within(g, order, BASE_WORK + WORK_PER_NODE * g.node.len());
}

/// [`sift`] with a budget of `budget` steps.
fn sift_within(g: &Compact, order: &mut [Vec<usize>], budget: usize) {
    let mut position = vec![0; g.node.len()];
    for layer in order.iter() {
        for (p, &v) in layer.iter().enumerate() {
            position[v] = p;
        }
    }
    let mut rng = SplitMix64::new(SEED);
    let mut scratch = Scratch::default();
    let count = order.len();
    let mut work = 0;
    for pass in 0..PASSES {
        for step in 0..count {
            if work >= budget {
                return;
            }
            let l = if pass % 2 == 0 { step } else { count - 1 - step };
            work += sift_layer(g, &mut order[l], &mut position, &mut scratch, &mut rng, budget - work);
        }
    }
}

/// Buffers reused across layers.
#[derive(Default)]
struct Scratch {
    /// Neighbour positions of the layer's nodes, one run per node and side.
    flat: Vec<usize>,
    /// For each node of the layer (by its slot before sifting): its runs in `flat`, up then down.
    runs: Vec<[(usize, usize); 2]>,
    /// For each node of the layer (by its slot before sifting) with exactly one neighbour on each side
    /// (a bend of a long edge, mostly): their positions; `None` for the others.
    single: Vec<Option<(usize, usize)>>,
    /// The layer's nodes by current slot, as their slots before sifting.
    ids: Vec<usize>,
    /// The current slot of each node, by its slot before sifting.
    slots: Vec<usize>,
    /// Slots as good as the best found so far.
    ties: Vec<usize>,
}

/// Moves each node of `layer` (in their order before sifting) to a slot with the fewest crossings,
/// until the steps taken reach `allowance`; returns them (one per pair of nodes compared, plus the pairs
/// of their neighbours).
///
/// Moving node `v` from just before node `u` to just after it changes the crossings by the [`balance`]
/// of their neighbours on both sides; the best slot minimises the running sum of these changes.
fn sift_layer(
    g: &Compact,
    layer: &mut [usize],
    position: &mut [usize],
    scratch: &mut Scratch,
    rng: &mut SplitMix64,
    allowance: usize,
) -> usize {
    let n = layer.len();
    if n < 2 {
        return 1;
    }
    let Scratch { flat, runs, single, ids, slots, ties } = scratch;
    flat.clear();
    runs.clear();
    single.clear();
    for &v in layer.iter() {
        let mut run = [(0, 0); 2];
        for (side, run) in run.iter_mut().enumerate() {
            let start = flat.len();
            flat.extend(g.side(side, v).iter().map(|&u| position[u]));
            *run = (start, flat.len());
        }
        runs.push(run);
        single.push(match run {
            [(a, b), (c, d)] if b == a + 1 && d == c + 1 => Some((flat[a], flat[c])),
            _ => None,
        });
    }
    let (flat, runs, single) = (&flat[..], &runs[..], &single[..]);
    ids.clear();
    ids.extend(0..n);
    slots.clear();
    slots.extend(0..n);
    ties.resize(2 * WINDOW + 1, 0);
    let (ids, slots, ties) = (&mut ids[..], &mut slots[..], &mut ties[..]);
    let mut work = 0;
    for id in 0..n {
        if work >= allowance {
            break;
        }
        let [(a, b), (c, d)] = runs[id];
        let (above, below) = (&flat[a..b], &flat[c..d]);
        let from = slots[id];
        let (first, last) = (from.saturating_sub(WINDOW), (from + WINDOW).min(n - 1));
        // Walk the window: `cost` is how many more crossings the node makes at `slot` (counted in the
        // layer without it) than at `first`; `ties[..tied]` are the slots as good as the best so far.
        let (mut cost, mut best, mut current) = (0, 0, 0);
        let (mut slot, mut tied) = (first, 1);
        ties[0] = first;
        // The nodes before this one in the window, then those after it.
        for (part, others) in [&ids[first..from], &ids[from + 1..last + 1]].into_iter().enumerate() {
            if part == 1 {
                current = cost;
            }
            for &other in others {
                cost += match (single[id], single[other]) {
                    (Some((x, z)), Some((y, w))) => {
                        i32::from(y > x) - i32::from(y < x) + i32::from(w > z) - i32::from(w < z)
                    }
                    _ => {
                        let [(a, b), (c, d)] = runs[other];
                        work += above.len() * (b - a) + below.len() * (d - c);
                        balance(above, &flat[a..b]) + balance(below, &flat[c..d])
                    }
                };
                work += 1;
                slot += 1;
                if cost <= best {
                    if cost < best {
                        best = cost;
                        tied = 0;
                    }
                    ties[tied] = slot;
                    tied += 1;
                }
            }
        }
        debug_assert!(best <= current);
        let to = ties[(rng.next_u64() % tied as u64) as usize];
        // Shift the nodes in between by one slot and put this one at `to`.
        if to < from {
            ids.copy_within(to..from, to + 1);
        } else {
            ids.copy_within(from + 1..=to, from);
        }
        ids[to] = id;
        for k in to.min(from)..to.max(from) + 1 {
            slots[ids[k]] = k;
        }
    }
    let nodes: Vec<usize> = ids.iter().map(|&id| layer[id]).collect();
    for (slot, &v) in nodes.iter().enumerate() {
        layer[slot] = v;
        position[v] = slot;
    }
    work
}

/// How many more crossings the edges of `v` (neighbour positions `a`) and `u` (`b`) make with `v` after
/// `u` than with `v` before `u`: over all pairs, the `b`s after their `a` minus those before it.
#[inline(always)]
fn balance(a: &[usize], b: &[usize]) -> i32 {
    let mut total = 0;
    for &x in a {
        for &y in b {
            total += i32::from(y > x) - i32::from(y < x);
        }
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::crossings::count_crossings;
    use crate::layout::proper::LayeredGraph;
    use crate::layout::test_support::{layered, random_plan};

    /// Sifts `g`'s layers from id order; returns the result in `g`'s nodes.
    fn sifted(g: &LayeredGraph) -> Vec<Vec<usize>> {
        let compact = Compact::new(g, &g.layers);
        let mut order: Vec<Vec<usize>> =
            compact.layer_start.windows(2).map(|range| (range[0]..range[1]).collect()).collect();
        sift(&compact, &mut order);
        compact.expand(&order)
    }

    #[test]
    fn balance_counts_neighbours_after_minus_before() {
        assert_eq!(balance(&[2], &[0]), -1);
        assert_eq!(balance(&[1], &[1]), 0);
        // 0 has 1 and 3 after it; 3 has 1 before it (the other 3 is level).
        assert_eq!(balance(&[0, 3], &[1, 3]), 2 - 1);
        assert_eq!(balance(&[], &[1]), 0);
        assert_eq!(balance(&[5, 6], &[]), 0);
    }

    #[test]
    fn moves_a_node_past_several_others() {
        // 2's edge crosses the three others; 2 must pass 0 and 1, or 3 must pass 4, 5 and 6.
        let g = LayeredGraph::new(&[0, 0, 0, 1, 1, 1, 1], &[(2, 3), (0, 4), (0, 5), (1, 6)]);
        assert_eq!(count_crossings(&g.layers, &g.edges), 3);
        let order = sifted(&g);
        assert_eq!(count_crossings(&order, &g.edges), 0);
        assert!(order[0][0] == 2 || order[1][3] == 3, "{order:?}");
    }

    #[test]
    fn stops_at_the_first_node_that_finds_the_budget_spent() {
        // 0's edge crosses the three others; moving 0 below 2, the first step, removes all crossings.
        let g = LayeredGraph::new(&[0, 0, 0, 1, 1, 1, 1], &[(0, 6), (1, 3), (1, 4), (2, 5)]);
        let compact = Compact::new(&g, &g.layers);
        let initial: Vec<Vec<usize>> =
            compact.layer_start.windows(2).map(|range| (range[0]..range[1]).collect()).collect();
        let mut order = initial.clone();
        sift_within(&compact, &mut order, 0);
        assert_eq!(order, initial);
        sift_within(&compact, &mut order, 1);
        assert_eq!(compact.expand(&order), vec![vec![1, 2, 0], vec![3, 4, 5, 6]], "only 0 moves");
        assert_eq!(count_crossings(&compact.expand(&order), &g.edges), 0);
    }

    #[test]
    fn never_adds_crossings_and_is_deterministic() {
        let mut rng = SplitMix64::new(5);
        for round in 0..30 {
            let g = layered(&random_plan(&mut rng, 10 + round * 4, 3, 10));
            let order = sifted(&g);
            assert!(count_crossings(&order, &g.edges) <= count_crossings(&g.layers, &g.edges), "round {round}");
            assert_eq!(order, sifted(&g));
            for (sifted, original) in order.iter().zip(&g.layers) {
                let mut sorted = sifted.clone();
                sorted.sort_unstable();
                assert_eq!(&sorted, original);
            }
        }
    }
}
