//! Ready tasks ordered by critical-path priority: longest remaining path first, then plan order.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// Max-heap of ready task indices keyed by `(priority, earliest plan index)`.
#[derive(Debug, Clone, Default)]
pub struct ReadyQueue {
    heap: BinaryHeap<(u64, Reverse<usize>)>,
}

impl ReadyQueue {
    /// Adds task `index` with `priority` (higher runs first).
    pub fn push(&mut self, index: usize, priority: u64) {
        self.heap.push((priority, Reverse(index)));
    }

    /// Removes and returns the most urgent task.
    pub fn pop(&mut self) -> Option<usize> {
        self.heap.pop().map(|(_, Reverse(i))| i)
    }

    /// Number of queued tasks.
    pub fn len(&self) -> usize {
        self.heap.len()
    }

    /// True when nothing is queued.
    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pops_highest_priority_then_lowest_index() {
        let mut q = ReadyQueue::default();
        q.push(3, 1);
        q.push(1, 5);
        q.push(0, 1);
        q.push(2, 5);
        assert_eq!(q.len(), 4);
        let order: Vec<usize> = std::iter::from_fn(|| q.pop()).collect();
        assert_eq!(order, vec![1, 2, 0, 3]);
        assert!(q.is_empty());
    }
}
