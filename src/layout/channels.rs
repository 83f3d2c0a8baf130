//! Long edges beyond a budget of virtual nodes: they are drawn over a channel along the top or bottom
//! of the drawing instead of through a virtual node in every layer they pass.
//!
//! A long edge needs one virtual node per layer it passes, which every later stage pays for; a task
//! that many others depend on from far away (a "set-up" task everything needs, or a final one that
//! needs everything) makes this quadratic in the plan's size. When the virtual nodes would exceed the
//! budget, which grows linearly with the plan, long edges are grouped by the end they share with the
//! most other long edges, and whole groups, costliest first, go over a channel until the rest fit.
//! Plans within the budget (almost all) are drawn exactly as without it.

/// Virtual nodes allowed for any plan.
const BASE_BUDGET: usize = 2_000;
/// Further virtual nodes allowed per task and per edge.
const BUDGET_PER_ITEM: usize = 4;

/// Which of `edges` (pointing to later layers of `layer`) go over a channel: none while all virtual
/// nodes fit the budget for `layer.len()` tasks.
pub(crate) fn channelled(layer: &[usize], edges: &[(usize, usize)]) -> Vec<bool> {
    channelled_within(layer, edges, BASE_BUDGET + BUDGET_PER_ITEM * (layer.len() + edges.len()))
}

/// [`channelled`] with a budget of `budget` virtual nodes.
fn channelled_within(layer: &[usize], edges: &[(usize, usize)], budget: usize) -> Vec<bool> {
    let cost = |&(a, b): &(usize, usize)| layer[b] - layer[a] - 1;
    let total: usize = edges.iter().map(cost).sum();
    let mut channel = vec![false; edges.len()];
    if total <= budget {
        return channel;
    }
    // Long edges from each task (group `2 v`) and to each task (group `2 v + 1`).
    let mut count = vec![0usize; 2 * layer.len()];
    for &(a, b) in edges.iter().filter(|e| cost(e) > 0) {
        count[2 * a] += 1;
        count[2 * b + 1] += 1;
    }
    let group = |&(a, b): &(usize, usize)| if count[2 * a] >= count[2 * b + 1] { 2 * a } else { 2 * b + 1 };
    let mut group_cost = vec![0usize; count.len()];
    for e in edges {
        group_cost[group(e)] += cost(e);
    }
    let mut costliest: Vec<usize> = (0..group_cost.len()).filter(|&k| group_cost[k] > 0).collect();
    crate::sort::sort_by_key(&mut costliest, |&k| std::cmp::Reverse(group_cost[k]));
    let mut chosen = vec![false; group_cost.len()];
    let mut left = total;
    for k in costliest {
        if left <= budget {
            break;
        }
        chosen[k] = true;
        left -= group_cost[k];
    }
    for (e, over) in edges.iter().zip(&mut channel) {
        *over = cost(e) > 0 && chosen[group(e)];
    }
    channel
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn within_the_budget_nothing_goes_over_a_channel() {
        let layer = [0, 1, 2, 3];
        let edges = [(0, 1), (1, 2), (2, 3), (0, 3), (0, 2)];
        assert_eq!(channelled_within(&layer, &edges, 3), vec![false; 5]);
        assert_eq!(channelled(&layer, &edges), vec![false; 5]);
    }

    #[test]
    fn a_hub_goes_over_a_channel_as_a_whole_and_first() {
        // A chain 0 -> 1 -> ... -> 9 where every task also depends on 0 (36 virtual nodes), and one edge
        // 5 -> 9 (3 virtual nodes) from elsewhere.
        let layer: Vec<usize> = (0..10).collect();
        let mut edges: Vec<(usize, usize)> = (1..10).map(|i| (i - 1, i)).collect();
        edges.extend((2..10).map(|i| (0, i)));
        edges.push((5, 9));
        let channel = channelled_within(&layer, &edges, 10);
        for (&(a, b), &over) in edges.iter().zip(&channel) {
            assert_eq!(over, a == 0 && b >= 2, "{a} -> {b}");
        }
        // Groups are taken costliest first until the rest fits: with less room, 5 -> 9 goes too.
        let channel = channelled_within(&layer, &edges, 2);
        for (&(a, b), &over) in edges.iter().zip(&channel) {
            assert_eq!(over, b > a + 1, "{a} -> {b}");
        }
    }

    #[test]
    fn a_task_needing_many_distant_ones_groups_them_by_itself() {
        // 9 depends on every task of the chain 0 -> ... -> 8.
        let layer: Vec<usize> = (0..10).collect();
        let mut edges: Vec<(usize, usize)> = (1..10).map(|i| (i - 1, i)).collect();
        edges.extend((0..8).map(|i| (i, 9)));
        let channel = channelled_within(&layer, &edges, 0);
        for (&(a, b), &over) in edges.iter().zip(&channel) {
            assert_eq!(over, b == 9 && a < 8, "{a} -> {b}");
        }
    }
}
