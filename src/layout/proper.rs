//! The proper layered graph: edges spanning several layers are split by virtual nodes.

/// A layered graph whose edges all join adjacent layers.
///
/// Nodes `0..real` are the tasks; nodes from `real` on are virtual bend points of long edges.
#[derive(Debug, Clone)]
pub(crate) struct LayeredGraph {
    /// Number of real (task) nodes.
    pub real: usize,
    /// Layer of every node.
    pub layer: Vec<usize>,
    /// Neighbours of every node in the previous layer.
    pub up: Vec<Vec<usize>>,
    /// Neighbours of every node in the next layer.
    pub down: Vec<Vec<usize>>,
    /// All edges `(upper node, lower node)`.
    pub edges: Vec<(usize, usize)>,
    /// For each input edge, the nodes it passes: source, virtual nodes, target.
    pub chains: Vec<Vec<usize>>,
    /// Nodes of each layer in id order (real nodes by plan order, then virtual nodes by edge).
    pub layers: Vec<Vec<usize>>,
}

impl LayeredGraph {
    /// Builds the proper graph from the layer of each real node and edges pointing to later layers.
    pub fn new(real_layer: &[usize], edges: &[(usize, usize)]) -> Self {
        let real = real_layer.len();
        let mut g = LayeredGraph {
            real,
            layer: real_layer.to_vec(),
            up: vec![Vec::new(); real],
            down: vec![Vec::new(); real],
            edges: Vec::with_capacity(edges.len()),
            chains: Vec::with_capacity(edges.len()),
            layers: Vec::new(),
        };
        for &(from, to) in edges {
            debug_assert!(real_layer[from] < real_layer[to], "edges must point to later layers");
            let mut chain = vec![from];
            for l in real_layer[from] + 1..real_layer[to] {
                let v = g.layer.len();
                g.layer.push(l);
                g.up.push(Vec::new());
                g.down.push(Vec::new());
                g.link(*chain.last().expect("chain starts with the source"), v);
                chain.push(v);
            }
            g.link(*chain.last().expect("chain starts with the source"), to);
            chain.push(to);
            g.chains.push(chain);
        }
        let layer_count = g.layer.iter().max().map_or(0, |&m| m + 1);
        g.layers = vec![Vec::new(); layer_count];
        for (v, &l) in g.layer.iter().enumerate() {
            g.layers[l].push(v);
        }
        g
    }

    /// Adds the edge `upper -> lower` between adjacent layers.
    fn link(&mut self, upper: usize, lower: usize) {
        self.down[upper].push(lower);
        self.up[lower].push(upper);
        self.edges.push((upper, lower));
    }

    /// Whether `v` is a virtual bend point rather than a task.
    pub fn is_virtual(&self, v: usize) -> bool {
        v >= self.real
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_edges_get_one_virtual_node_per_skipped_layer() {
        // 0 (layer 0) -> 1 (layer 1) -> 2 (layer 3), plus 0 -> 2 spanning three layers.
        let g = LayeredGraph::new(&[0, 1, 3], &[(0, 1), (1, 2), (0, 2)]);
        assert_eq!(g.real, 3);
        assert_eq!(g.layer, vec![0, 1, 3, 2, 1, 2]);
        assert_eq!(g.chains, vec![vec![0, 1], vec![1, 3, 2], vec![0, 4, 5, 2]]);
        assert_eq!(g.layers, vec![vec![0], vec![1, 4], vec![3, 5], vec![2]]);
        assert!(g.is_virtual(3) && !g.is_virtual(2));
        assert_eq!(g.up[2], vec![3, 5]);
        assert_eq!(g.down[0], vec![1, 4]);
        assert!(g.edges.iter().all(|&(a, b)| g.layer[a] + 1 == g.layer[b]));
        assert_eq!(g.edges.len(), 6);
    }

    #[test]
    fn empty_graph_has_no_layers() {
        let g = LayeredGraph::new(&[], &[]);
        assert!(g.layers.is_empty() && g.chains.is_empty());
    }
}
