//! A compact, layer-major copy of a layered graph's adjacency for the ordering passes, which read it
//! hundreds of times: nodes are renumbered layer by layer, so a node's neighbours sit next to each other
//! in memory, and neighbour lists are flat arrays.

use super::proper::LayeredGraph;

/// Adjacency of a layered graph with its nodes renumbered layer by layer.
pub(crate) struct Compact {
    /// The graph's node behind every compact node.
    pub node: Vec<usize>,
    /// Compact nodes of layer `l`: `layer_start[l]..layer_start[l + 1]`.
    pub layer_start: Vec<usize>,
    /// Neighbours in the previous layer, then in the next one; see [`Compact::up`] and [`Compact::down`].
    sides: [Lists; 2],
}

/// Flat neighbour lists: those of compact node `v` are `list[start[v]..start[v + 1]]`.
struct Lists {
    start: Box<[usize]>,
    list: Box<[usize]>,
}

impl Compact {
    /// Renumbers `g`'s nodes in the order of `order` (every layer's nodes, layer by layer).
    pub fn new(g: &LayeredGraph, order: &[Vec<usize>]) -> Self {
        let node: Vec<usize> = order.iter().flatten().copied().collect();
        let mut compact = vec![0; g.layer.len()];
        for (c, &v) in node.iter().enumerate() {
            compact[v] = c;
        }
        let mut layer_start = Vec::with_capacity(order.len() + 1);
        layer_start.push(0);
        for layer in order {
            layer_start.push(layer_start[layer_start.len() - 1] + layer.len());
        }
        let lists = |adjacency: &[Vec<usize>]| {
            let (mut start, mut list) = (Vec::with_capacity(node.len() + 1), Vec::new());
            start.push(0);
            for &v in &node {
                list.extend(adjacency[v].iter().map(|&u| compact[u]));
                start.push(list.len());
            }
            Lists { start: start.into(), list: list.into() }
        };
        Compact { sides: [lists(&g.up), lists(&g.down)], node, layer_start }
    }

    /// The neighbours of compact node `v` in the previous layer.
    pub fn up(&self, v: usize) -> &[usize] {
        self.side(0, v)
    }

    /// The neighbours of compact node `v` in the next layer.
    pub fn down(&self, v: usize) -> &[usize] {
        self.side(1, v)
    }

    /// The neighbours of compact node `v` in the previous (`side` 0) or next (`side` 1) layer.
    #[inline(always)]
    pub fn side(&self, side: usize, v: usize) -> &[usize] {
        let Lists { start, list } = &self.sides[side];
        &list[start[v]..start[v + 1]]
    }

    /// The compact nodes in `order`, layer by layer, as the graph's nodes.
    pub fn expand(&self, order: &[Vec<usize>]) -> Vec<Vec<usize>> {
        order.iter().map(|layer| layer.iter().map(|&c| self.node[c]).collect()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renumbers_layer_by_layer_and_maps_back() {
        // 0 (layer 0) -> 1 (layer 1) -> 2 (layer 3), plus 0 -> 2 through virtual nodes 4 and 5.
        let g = LayeredGraph::new(&[0, 1, 3], &[(0, 1), (1, 2), (0, 2)]);
        let order = vec![vec![0], vec![4, 1], vec![5, 3], vec![2]];
        let c = Compact::new(&g, &order);
        assert_eq!(c.node, vec![0, 4, 1, 5, 3, 2]);
        assert_eq!(c.layer_start, vec![0, 1, 3, 5, 6]);
        // Node 0 is compact 0, its successors 1 and 4 are compact 2 and 1.
        assert_eq!(c.down(0), &[2, 1]);
        assert_eq!(c.up(5), &[4, 3]);
        assert_eq!(c.expand(&[vec![0], vec![2, 1]]), vec![vec![0], vec![1, 4]]);
    }
}
