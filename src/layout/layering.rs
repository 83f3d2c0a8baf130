//! Longest-path layering: each task sits one layer right of its latest dependency. It is where network
//! simplex (`network_simplex`) starts, and the naive baseline it is measured against.

/// Layer of each of `n` nodes: 0 for sources, otherwise 1 + the largest layer among its predecessors.
///
/// `edges` are `(from, to)` pairs and must form a DAG (see `acyclic`); nodes on a cycle would keep layer 0.
pub(crate) fn longest_path(n: usize, edges: &[(usize, usize)]) -> Vec<usize> {
    let mut successors = vec![Vec::new(); n];
    let mut pending = vec![0usize; n];
    for &(a, b) in edges {
        successors[a].push(b);
        pending[b] += 1;
    }
    let mut layer = vec![0usize; n];
    let mut ready: Vec<usize> = (0..n).filter(|&v| pending[v] == 0).collect();
    while let Some(v) = ready.pop() {
        for &w in &successors[v] {
            layer[w] = layer[w].max(layer[v] + 1);
            pending[w] -= 1;
            if pending[w] == 0 {
                ready.push(w);
            }
        }
    }
    layer
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layers_follow_the_longest_dependency_chain() {
        // 0 -> 1 -> 2 and a shortcut 0 -> 2; 3 isolated; 4 depends on 3 and 2.
        let edges = [(0, 1), (1, 2), (0, 2), (3, 4), (2, 4)];
        assert_eq!(longest_path(5, &edges), vec![0, 1, 2, 0, 3]);
        assert!(longest_path(0, &[]).is_empty());
    }

    #[test]
    fn every_edge_points_to_a_later_layer() {
        let edges = [(5, 0), (0, 3), (5, 3), (3, 1), (4, 1), (2, 4)];
        let layer = longest_path(6, &edges);
        assert!(edges.iter().all(|&(a, b)| layer[a] < layer[b]));
    }
}
