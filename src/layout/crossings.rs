//! Counting edge crossings between adjacent layers (Barth, Jünger & Mutzel accumulator tree).

/// Crossings among edges between two layers, each given as `(upper position, lower position)`.
///
/// `lower_len` must exceed every lower position. Runs in O(E log V).
pub(crate) fn bilayer_crossings(pairs: &[(usize, usize)], lower_len: usize) -> usize {
    let upper_len = pairs.iter().map(|p| p.0 + 1).max().unwrap_or(0);
    // A counting sort by lower position, then a stable one by upper position: (upper, lower) order.
    let by_lower = counting_sort(pairs, lower_len, |p| p.1);
    let lower_ends: Vec<usize> = counting_sort(&by_lower, upper_len, |p| p.0).iter().map(|p| p.1).collect();
    sorted_bilayer_crossings(&lower_ends, lower_len)
}

/// `pairs` stably sorted by `key`, which is below `keys` for every pair.
fn counting_sort(pairs: &[(usize, usize)], keys: usize, key: fn(&(usize, usize)) -> usize) -> Vec<(usize, usize)> {
    let mut starts = vec![0; keys + 1];
    for p in pairs {
        starts[key(p) + 1] += 1;
    }
    for k in 0..keys {
        starts[k + 1] += starts[k];
    }
    let mut sorted = vec![(0, 0); pairs.len()];
    for p in pairs {
        let slot = &mut starts[key(p)];
        sorted[*slot] = *p;
        *slot += 1;
    }
    sorted
}

/// Crossings among edges between two layers given the lower positions of the edges in order of their
/// upper positions (edges sharing an upper node in increasing lower position).
fn sorted_bilayer_crossings(lower_ends: &[usize], lower_len: usize) -> usize {
    let leaves = lower_len.max(1).next_power_of_two();
    // Complete binary tree in an array; leaf `p` is at `first + p`, the parent of `i` at `(i - 1) / 2`.
    let first = leaves - 1;
    let mut tree = vec![0usize; 2 * leaves - 1];
    let mut crossings = 0;
    for &lower in lower_ends {
        let mut i = first + lower;
        tree[i] += 1;
        while i > 0 {
            if i % 2 == 1 {
                // Left child: every edge already counted in the right sibling ends further down.
                crossings += tree[i + 1];
            }
            i = (i - 1) / 2;
            tree[i] += 1;
        }
    }
    crossings
}

/// Total crossings of a layered drawing.
///
/// `layers[l]` lists the node ids of layer `l` from top to bottom. Each edge `(a, b)` joins nodes of two
/// adjacent layers (either way round); edges between other layers or unknown nodes are ignored.
pub fn count_crossings(layers: &[Vec<usize>], edges: &[(usize, usize)]) -> usize {
    let size = layers.iter().flatten().max().map_or(0, |&m| m + 1);
    let mut place = vec![None; size];
    for (l, layer) in layers.iter().enumerate() {
        for (p, &v) in layer.iter().enumerate() {
            place[v] = Some((l, p));
        }
    }
    let mut between: Vec<Vec<(usize, usize)>> = vec![Vec::new(); layers.len()];
    for &(a, b) in edges {
        let (Some(Some(pa)), Some(Some(pb))) = (place.get(a), place.get(b)) else { continue };
        let (upper, lower) = if pa.0 < pb.0 { (pa, pb) } else { (pb, pa) };
        if lower.0 == upper.0 + 1 {
            between[upper.0].push((upper.1, lower.1));
        }
    }
    between
        .iter()
        .enumerate()
        .filter(|(_, pairs)| !pairs.is_empty())
        .map(|(l, pairs)| bilayer_crossings(pairs, layers[l + 1].len()))
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::rng::SplitMix64;

    fn brute_force(pairs: &[(usize, usize)]) -> usize {
        let mut count = 0;
        for (i, a) in pairs.iter().enumerate() {
            for b in &pairs[i + 1..] {
                if (a.0 < b.0 && a.1 > b.1) || (a.0 > b.0 && a.1 < b.1) {
                    count += 1;
                }
            }
        }
        count
    }

    #[test]
    fn small_cases() {
        assert_eq!(bilayer_crossings(&[], 0), 0);
        assert_eq!(bilayer_crossings(&[(0, 1), (1, 0)], 2), 1);
        assert_eq!(bilayer_crossings(&[(0, 0), (0, 1), (1, 0), (1, 1)], 2), 1);
        // Shared end points never cross.
        assert_eq!(bilayer_crossings(&[(0, 0), (0, 1), (1, 1)], 2), 0);
    }

    #[test]
    fn matches_brute_force_on_random_layers() {
        let mut rng = SplitMix64::new(42);
        for _ in 0..200 {
            let (upper, lower) = (1 + rng.next_u64() as usize % 9, 1 + rng.next_u64() as usize % 9);
            let mut pairs: Vec<(usize, usize)> = (0..rng.next_u64() % 25)
                .map(|_| (rng.next_u64() as usize % upper, rng.next_u64() as usize % lower))
                .collect();
            pairs.sort_unstable();
            pairs.dedup();
            let expected = brute_force(&pairs);
            assert_eq!(bilayer_crossings(&pairs, lower), expected);
        }
    }

    #[test]
    fn counts_over_all_adjacent_layers() {
        let layers = vec![vec![0, 1], vec![2, 3], vec![4, 5]];
        // One crossing in each gap; the edge skipping a layer and the unknown node are ignored.
        let edges = [(0, 3), (1, 2), (4, 3), (5, 2), (0, 4), (1, 99)];
        assert_eq!(count_crossings(&layers, &edges), 2);
        assert_eq!(count_crossings(&[], &[]), 0);
    }
}
