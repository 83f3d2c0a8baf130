//! Coordinates along the layers by Brandes & Köpf: four median alignments, compacted and balanced.
//!
//! "Position" is the coordinate along a layer (y in the left-to-right drawing). Compaction uses a block
//! graph with a longest-path pass and a pull-back pass (as dagre does) instead of the paper's class
//! shifting, which is known to mis-place some blocks.

use super::proper::LayeredGraph;

/// Centre position of every node of `g`, given the final `order` of each layer.
///
/// `separation(a, b)` is the minimum distance between the centres of neighbours `a` (first) and `b`.
/// Nodes of a layer keep their order and separation; long edges are kept straight where possible.
pub(crate) fn assign(g: &LayeredGraph, order: &[Vec<usize>], separation: impl Fn(usize, usize) -> f64) -> Vec<f64> {
    let conflicts = type1_conflicts(g, order);
    let variants = [(true, false), (true, true), (false, false), (false, true)];
    let mut candidates = variants.map(|(from_first, reversed)| {
        let layers = oriented_layers(order, from_first, reversed);
        let neighbours = if from_first { &g.up } else { &g.down };
        let root = vertical_alignment(&layers, neighbours, &conflicts, g.layer.len());
        compact(&layers, &root, reversed, &separation)
    });
    let extent = |xs: &[f64]| xs.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &x| (lo.min(x), hi.max(x)));
    let extents = candidates.each_ref().map(|xs| extent(xs));
    let narrowest = (0..4)
        .min_by(|&a, &b| (extents[a].1 - extents[a].0).total_cmp(&(extents[b].1 - extents[b].0)))
        .expect("four candidates");
    for (k, xs) in candidates.iter_mut().enumerate() {
        let reversed = variants[k].1;
        let delta = if reversed { extents[narrowest].1 - extents[k].1 } else { extents[narrowest].0 - extents[k].0 };
        xs.iter_mut().for_each(|x| *x += delta);
    }
    (0..g.layer.len())
        .map(|v| {
            let mut xs = candidates.each_ref().map(|c| c[v]);
            crate::sort::sort_by(&mut xs, f64::total_cmp);
            (xs[1] + xs[2]) / 2.0
        })
        .collect()
}

/// Unordered node pair of an edge, as stored in the conflict list.
fn key(a: usize, b: usize) -> (usize, usize) {
    (a.min(b), a.max(b))
}

/// Type-1 conflicts: edges touching a real node that cross an inner segment (between two virtual nodes),
/// as a sorted list of [`key`]s.
///
/// Alignment ignores them so that long edges stay straight.
fn type1_conflicts(g: &LayeredGraph, order: &[Vec<usize>]) -> Vec<(usize, usize)> {
    let mut position = vec![0; g.layer.len()];
    for layer in order {
        for (p, &v) in layer.iter().enumerate() {
            position[v] = p;
        }
    }
    let mut conflicts = Vec::new();
    for pair in order.windows(2) {
        let (previous, layer) = (&pair[0], &pair[1]);
        let (mut k0, mut scan) = (0, 0);
        for (i, &v) in layer.iter().enumerate() {
            let inner = if g.is_virtual(v) { g.up[v].iter().find(|&&u| g.is_virtual(u)) } else { None };
            if inner.is_none() && i + 1 != layer.len() {
                continue;
            }
            let k1 = inner.map_or(previous.len(), |&u| position[u]);
            for &s in &layer[scan..=i] {
                for &u in &g.up[s] {
                    let p = position[u];
                    if (p < k0 || p > k1) && !(g.is_virtual(u) && g.is_virtual(s)) {
                        conflicts.push(key(u, s));
                    }
                }
            }
            scan = i + 1;
            k0 = k1;
        }
    }
    crate::sort::sort(&mut conflicts);
    conflicts.dedup();
    conflicts
}

/// `order` seen from one of the four corners: layers from the first or the last, each possibly reversed.
fn oriented_layers(order: &[Vec<usize>], from_first: bool, reversed: bool) -> Vec<Vec<usize>> {
    let orient = |layer: &Vec<usize>| {
        let mut layer = layer.clone();
        if reversed {
            layer.reverse();
        }
        layer
    };
    if from_first {
        order.iter().map(orient).collect()
    } else {
        order.iter().rev().map(orient).collect()
    }
}

/// Aligns each node with a median neighbour in the preceding (oriented) layer; returns each node's block root.
fn vertical_alignment(
    layers: &[Vec<usize>],
    neighbours: &[Vec<usize>],
    conflicts: &[(usize, usize)],
    n: usize,
) -> Vec<usize> {
    let mut position = vec![0; n];
    for layer in layers {
        for (p, &v) in layer.iter().enumerate() {
            position[v] = p;
        }
    }
    let mut root: Vec<usize> = (0..n).collect();
    let mut align: Vec<usize> = (0..n).collect();
    let mut ws = Vec::new();
    for layer in layers {
        let mut last_aligned: Option<usize> = None;
        for &v in layer {
            ws.clear();
            ws.extend_from_slice(&neighbours[v]);
            if ws.is_empty() {
                continue;
            }
            crate::sort::sort_by_key(&mut ws, |&w| position[w]);
            for &w in &ws[(ws.len() - 1) / 2..=ws.len() / 2] {
                if align[v] == v
                    && last_aligned.is_none_or(|p| p < position[w])
                    && conflicts.binary_search(&key(v, w)).is_err()
                {
                    align[w] = v;
                    root[v] = root[w];
                    align[v] = root[v];
                    last_aligned = Some(position[w]);
                }
            }
        }
    }
    root
}

/// Places blocks as close as separation allows: longest path over the block graph, then pulls every
/// block towards its successors. Returns each node's position (negated back when `reversed`).
fn compact(
    layers: &[Vec<usize>],
    root: &[usize],
    reversed: bool,
    separation: impl Fn(usize, usize) -> f64,
) -> Vec<f64> {
    let n = root.len();
    let mut edges = Vec::new();
    for layer in layers {
        for pair in layer.windows(2) {
            let (u, v) = (pair[0], pair[1]);
            let gap = if reversed { separation(v, u) } else { separation(u, v) };
            edges.push((root[u], root[v], gap));
        }
    }
    let outgoing = Adjacency::new(n, edges.iter().map(|&(a, b, w)| (a, b, w)));
    let incoming = Adjacency::new(n, edges.iter().map(|&(a, b, w)| (b, a, w)));
    let mut pending: Vec<usize> = (0..n).map(|v| incoming.of(v).len()).collect();
    let mut ready: Vec<usize> = (0..n).filter(|&v| root[v] == v && pending[v] == 0).collect();
    let mut topological = Vec::with_capacity(n);
    while let Some(b) = ready.pop() {
        topological.push(b);
        for &(c, _) in outgoing.of(b) {
            pending[c] -= 1;
            if pending[c] == 0 {
                ready.push(c);
            }
        }
    }
    let mut x = vec![0.0; n];
    for &b in &topological {
        x[b] = incoming.of(b).iter().map(|&(a, w)| x[a] + w).fold(0.0, f64::max);
    }
    for &b in topological.iter().rev() {
        let pull = outgoing.of(b).iter().map(|&(c, w)| x[c] - w).fold(f64::INFINITY, f64::min);
        if pull.is_finite() {
            x[b] = x[b].max(pull);
        }
    }
    let sign = if reversed { -1.0 } else { 1.0 };
    root.iter().map(|&r| sign * x[r]).collect()
}

/// Weighted adjacency lists in one flat array (compressed sparse rows).
struct Adjacency {
    start: Vec<usize>,
    items: Vec<(usize, f64)>,
}

impl Adjacency {
    /// Lists of `(to, weight)` for nodes `0..n` from `(from, to, weight)` edges.
    fn new(n: usize, edges: impl Iterator<Item = (usize, usize, f64)> + Clone) -> Self {
        let mut start = vec![0; n + 1];
        for (a, _, _) in edges.clone() {
            start[a + 1] += 1;
        }
        for i in 0..n {
            start[i + 1] += start[i];
        }
        let mut fill = start.clone();
        let mut items = vec![(0, 0.0); start[n]];
        for (a, b, w) in edges {
            items[fill[a]] = (b, w);
            fill[a] += 1;
        }
        Adjacency { start, items }
    }

    /// The list of node `v`.
    fn of(&self, v: usize) -> &[(usize, f64)] {
        &self.items[self.start[v]..self.start[v + 1]]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit_separation(_: usize, _: usize) -> f64 {
        1.0
    }

    fn check_separation(order: &[Vec<usize>], y: &[f64]) {
        for layer in order {
            for pair in layer.windows(2) {
                assert!(y[pair[1]] - y[pair[0]] >= 1.0 - 1e-9, "{pair:?}: {y:?}");
            }
        }
    }

    #[test]
    fn chains_are_straight() {
        // 0 -> 1 -> 2 and a long edge 3 -> 2 bent through virtual nodes beside 1.
        let g = LayeredGraph::new(&[0, 1, 2, 0], &[(0, 1), (1, 2), (3, 2)]);
        let order = vec![vec![0, 3], vec![1, 4], vec![2]];
        let y = assign(&g, &order, unit_separation);
        check_separation(&order, &y);
        assert_eq!(y[0], y[1]);
        assert_eq!(y[3], y[4]);
    }

    #[test]
    fn fan_out_centres_the_parent() {
        let g = LayeredGraph::new(&[0, 1, 1, 1], &[(0, 1), (0, 2), (0, 3)]);
        let order = vec![vec![0], vec![1, 2, 3]];
        let y = assign(&g, &order, unit_separation);
        check_separation(&order, &y);
        assert_eq!(y[0], y[2]);
    }

    #[test]
    fn inner_segments_win_over_crossing_real_edges() {
        // Long edge 0 -> 5 passes through virtual 6 (layer 1) and 7 (layer 2); 1 -> 2 -> 3 and 2 -> 4 cross it.
        let g = LayeredGraph::new(&[0, 0, 1, 2, 2, 3], &[(0, 5), (1, 2), (2, 3), (2, 4)]);
        let order = vec![vec![0, 1], vec![2, 6], vec![3, 7, 4], vec![5]];
        let conflicts = type1_conflicts(&g, &order);
        assert!(conflicts.binary_search(&key(2, 4)).is_ok());
        let y = assign(&g, &order, unit_separation);
        check_separation(&order, &y);
        assert_eq!(y[6], y[7]);
    }

    #[test]
    fn respects_uneven_separation() {
        let g = LayeredGraph::new(&[0, 0, 0], &[]);
        let order = vec![vec![2, 0, 1]];
        let y = assign(&g, &order, |a, b| (a + b) as f64);
        assert_eq!(y[0] - y[2], 2.0);
        assert_eq!(y[1] - y[0], 1.0);
    }
}
