//! One small stable sort for the whole app.
//!
//! The standard library compiles its sorts (a large quicksort and merge sort each) once per element
//! type and comparison: about 36 KB of the Wasm bundle, 14 KB of it gzipped. Here the merge sort itself
//! is compiled once, over indices with a dynamic comparison; each caller adds only a small copying loop
//! and an insertion sort, which sorts short slices (most of them) in place without allocating.

use std::cmp::Ordering;

/// Runs of this many indices are sorted by insertion before they are merged.
const RUN: usize = 16;

/// The indices `0..len` in the order `less` sorts them, stably (equal elements keep their order).
fn sorted_indices(len: usize, less: &mut dyn FnMut(usize, usize) -> bool) -> Vec<usize> {
    let mut order: Vec<usize> = (0..len).collect();
    for run in order.chunks_mut(RUN) {
        for i in 1..run.len() {
            let mut j = i;
            while j > 0 && less(run[j], run[j - 1]) {
                run.swap(j, j - 1);
                j -= 1;
            }
        }
    }
    let mut merged = vec![0; len];
    let mut width = RUN;
    while width < len {
        for start in (0..len).step_by(2 * width) {
            let middle = (start + width).min(len);
            let end = (start + 2 * width).min(len);
            let (mut left, mut right) = (start, middle);
            for slot in &mut merged[start..end] {
                // Take from the right only when it is strictly less: the sort stays stable.
                let take_right = left == middle || (right < end && less(order[right], order[left]));
                if take_right {
                    *slot = order[right];
                    right += 1;
                } else {
                    *slot = order[left];
                    left += 1;
                }
            }
        }
        std::mem::swap(&mut order, &mut merged);
        width *= 2;
    }
    order
}

/// Sorts `items` stably by `compare`.
pub fn sort_by<T: Clone>(items: &mut [T], mut compare: impl FnMut(&T, &T) -> Ordering) {
    if items.len() <= RUN {
        for i in 1..items.len() {
            let mut j = i;
            while j > 0 && compare(&items[j], &items[j - 1]) == Ordering::Less {
                items.swap(j, j - 1);
                j -= 1;
            }
        }
        return;
    }
    let order = sorted_indices(items.len(), &mut |a, b| compare(&items[a], &items[b]) == Ordering::Less);
    let sorted: Vec<T> = order.into_iter().map(|i| items[i].clone()).collect();
    for (slot, item) in items.iter_mut().zip(sorted) {
        *slot = item;
    }
}

/// Sorts `items` stably in ascending order.
pub fn sort<T: Ord + Clone>(items: &mut [T]) {
    sort_by(items, T::cmp);
}

/// Sorts `items` stably by the key `key` gives each.
pub fn sort_by_key<T: Clone, K: Ord>(items: &mut [T], mut key: impl FnMut(&T) -> K) {
    sort_by(items, |a, b| key(a).cmp(&key(b)));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::rng::SplitMix64;

    #[test]
    fn sorts_like_the_standard_library_at_every_length() {
        let mut rng = SplitMix64::new(11);
        for len in (0..70).chain([255, 256, 257, 1000]) {
            let values: Vec<u64> = (0..len).map(|_| rng.next_u64() % 50).collect();
            let (mut ours, mut std) = (values.clone(), values);
            sort(&mut ours);
            std.sort();
            assert_eq!(ours, std, "length {len}");
        }
    }

    #[test]
    fn is_stable() {
        let mut rng = SplitMix64::new(3);
        for len in [5, RUN, 500] {
            // (key, original position): equal keys must keep increasing positions.
            let mut items: Vec<(u64, usize)> = (0..len).map(|i| (rng.next_u64() % 3, i)).collect();
            sort_by_key(&mut items, |&(key, _)| key);
            assert!(items.windows(2).all(|w| w[0].0 < w[1].0 || (w[0].0 == w[1].0 && w[0].1 < w[1].1)), "{len}");
        }
    }

    #[test]
    fn sorts_by_a_comparison_and_by_a_key() {
        let mut words = vec!["pear".to_string(), "fig".into(), "apple".into(), "kiwi".into()];
        sort_by(&mut words, |a, b| b.cmp(a));
        assert_eq!(words, ["pear", "kiwi", "fig", "apple"]);
        sort_by_key(&mut words, |w| w.len());
        assert_eq!(words, ["fig", "pear", "kiwi", "apple"]);
        let mut floats = [2.5, -1.0, 0.0, 10.0];
        sort_by(&mut floats, f64::total_cmp);
        assert_eq!(floats, [-1.0, 0.0, 2.5, 10.0]);
    }
}
