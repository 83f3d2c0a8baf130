//! Network-simplex layering (Gansner, Koutsofios, North & Vo, 1993): layers with the least total edge
//! length, so long edges, and the virtual nodes and crossings they bring, are as few as possible.
//!
//! Starts from the longest-path layering, grows a spanning forest of tight edges (length 1), then
//! repeatedly swaps a tree edge with a negative cut value for the non-tree edge of least slack, updating
//! ranks, cut values and the forest's postorder numbering only where the swap changes them (as dot does).
//!
//! The pivots share a budget of counted steps that grows linearly with the graph: on large graphs
//! degenerate pivots (which shorten nothing) can go on for a very long time. The layering is valid after
//! every pivot, so the search simply stops there, keeping the longest-path layering if that is shorter.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use super::layering::longest_path;

/// Pivot steps (edges scanned, nodes shifted or renumbered) allowed on any graph: enough to finish on
/// the plans of a thousand tasks measured by `examples/layout_bench.rs` (they take up to a million).
const BASE_WORK: usize = 3_000_000;
/// Further pivot steps allowed per node and per edge.
const WORK_PER_ITEM: usize = 100;
/// Tree edges with a negative cut value compared before each pivot, the most negative leaving (as in dot).
const CANDIDATES: usize = 30;
/// No edge or node.
const NONE: usize = usize::MAX;

/// Layer of each of `n` nodes such that every edge `(from, to)` points to a later layer and the sum of
/// edge lengths (layer differences) is minimal; each connected component starts at layer 0.
///
/// `edges` must form a DAG without repeated pairs (see `acyclic`).
pub(crate) fn layers(n: usize, edges: &[(usize, usize)]) -> Vec<usize> {
    layers_within(n, edges, BASE_WORK + WORK_PER_ITEM * (n + edges.len()))
}

/// [`layers`] with at most about `budget` pivot steps: optimal if they suffice, otherwise the shorter of
/// the pivots' last layering and the longest-path one.
fn layers_within(n: usize, edges: &[(usize, usize)], budget: usize) -> Vec<usize> {
    let mut simplex = Simplex::new(n, edges);
    if simplex.solve(budget) {
        return simplex.normalised();
    }
    let (pivoted, longest) = (simplex.normalised(), longest_path(n, edges));
    let length = |layer: &[usize]| edges.iter().map(|&(a, b)| layer[b] - layer[a]).sum::<usize>();
    if length(&pivoted) <= length(&longest) {
        pivoted
    } else {
        longest
    }
}

/// Ranks, the spanning forest and its bookkeeping.
#[cfg_attr(test, derive(Clone))]
struct Simplex<'a> {
    /// Edges `(tail, head)`; the head's rank must exceed the tail's.
    edges: &'a [(usize, usize)],
    /// The edges touching node `v` are `incident[first_incident[v]..first_incident[v + 1]]`.
    first_incident: Vec<usize>,
    /// Edge indices, grouped by node.
    incident: Vec<usize>,
    /// Rank (layer, not yet normalised) of every node.
    rank: Vec<i64>,
    /// Whether each edge is in the spanning forest.
    tree: Vec<bool>,
    /// Cut value of each tree edge: the weight of the edges from the tail side to the head side of the
    /// cut it makes in its tree, minus the weight of those the other way.
    cut: Vec<i64>,
    /// Connected component of every node, named by its root.
    component: Vec<usize>,
    /// Forest root of each component.
    roots: Vec<usize>,
    /// Tree edge from every node to its parent ([`NONE`] at roots).
    parent_edge: Vec<usize>,
    /// Postorder number of every node in the forest.
    lim: Vec<usize>,
    /// Smallest postorder number in every node's subtree, so its subtree is `postorder[low..=lim]`.
    low: Vec<usize>,
    /// Nodes by postorder number.
    postorder: Vec<usize>,
    /// Depth-first stack of (node, next position in `incident`), for numbering.
    stack: Vec<(usize, usize)>,
    /// Steps the pivots have taken: edges scanned, nodes shifted or renumbered.
    work: usize,
}

impl<'a> Simplex<'a> {
    /// A feasible spanning forest of tight edges over the longest-path ranks, numbered, with cut values.
    fn new(n: usize, edges: &'a [(usize, usize)]) -> Self {
        let mut first_incident = vec![0; n + 1];
        for &(a, b) in edges {
            first_incident[a + 1] += 1;
            first_incident[b + 1] += 1;
        }
        for v in 0..n {
            first_incident[v + 1] += first_incident[v];
        }
        let mut incident = vec![0; 2 * edges.len()];
        let mut filled = first_incident.clone();
        for (e, &(a, b)) in edges.iter().enumerate() {
            for v in [a, b] {
                incident[filled[v]] = e;
                filled[v] += 1;
            }
        }
        let rank = longest_path(n, edges).into_iter().map(|l| l as i64).collect();
        let mut simplex = Simplex {
            edges,
            first_incident,
            incident,
            rank,
            tree: vec![false; edges.len()],
            cut: vec![0; edges.len()],
            component: vec![NONE; n],
            roots: Vec::new(),
            parent_edge: vec![NONE; n],
            lim: vec![0; n],
            low: vec![0; n],
            postorder: vec![0; n],
            stack: vec![(0, 0); n],
            work: 0,
        };
        simplex.feasible_forest();
        simplex.number_forest();
        // Hang every tree from its centroid instead: the subtrees a pivot renumbers get smaller.
        let mut renamed = vec![NONE; n];
        for k in 0..simplex.roots.len() {
            let (root, centroid) = (simplex.roots[k], simplex.centroid(simplex.roots[k]));
            renamed[root] = centroid;
            simplex.roots[k] = centroid;
        }
        for v in 0..n {
            simplex.component[v] = renamed[simplex.component[v]];
        }
        simplex.parent_edge.fill(NONE);
        simplex.number_forest();
        simplex.cut = simplex.cut_values();
        simplex
    }

    /// Numbers every tree of the forest from its root.
    fn number_forest(&mut self) {
        let mut first = 0;
        for k in 0..self.roots.len() {
            first = self.number_subtree(self.roots[k], first) + 1;
        }
    }

    /// A node of `root`'s tree whose removal leaves no part with more than half the tree's nodes.
    fn centroid(&self, root: usize) -> usize {
        let size = |v: usize| self.lim[v] + 1 - self.low[v];
        let half = size(root) / 2;
        let mut v = root;
        'descend: loop {
            for &e in self.incident(v) {
                let (a, b) = self.edges[e];
                let w = if a == v { b } else { a };
                if self.tree[e] && self.parent_edge[w] == e && size(w) > half {
                    v = w;
                    continue 'descend;
                }
            }
            return v;
        }
    }

    /// The edges touching `v`.
    fn incident(&self, v: usize) -> &[usize] {
        &self.incident[self.first_incident[v]..self.first_incident[v + 1]]
    }

    /// How much longer than 1 edge `e` is.
    fn slack(&self, e: usize) -> i64 {
        let (a, b) = self.edges[e];
        self.rank[b] - self.rank[a] - 1
    }

    /// Grows a tree over every component (Prim-like): it repeatedly takes the edge of least slack
    /// leaving the tree, shifts the whole tree to make that edge tight (its other edges stay feasible,
    /// their slack being no smaller) and adds the edge's far end.
    fn feasible_forest(&mut self) {
        // Edges leaving the tree by their slack before the tree's shift `offset`: for edges out of the
        // tree the slack is `key - offset`, for edges into the tree `key + offset`.
        let mut outwards: BinaryHeap<Reverse<(i64, usize)>> = BinaryHeap::new();
        let mut inwards: BinaryHeap<Reverse<(i64, usize)>> = BinaryHeap::new();
        let mut members = Vec::new();
        for root in 0..self.rank.len() {
            if self.component[root] != NONE {
                continue;
            }
            self.roots.push(root);
            members.clear();
            let mut offset = 0;
            let mut joining = Some(root);
            while let Some(v) = joining {
                // `v`'s rank is final relative to the tree; store it relative to the current offset.
                self.rank[v] -= offset;
                self.component[v] = root;
                members.push(v);
                for &e in self.incident(v) {
                    let (a, b) = self.edges[e];
                    if a == v && self.component[b] == NONE {
                        outwards.push(Reverse((self.rank[b] - self.rank[v] - 1, e)));
                    } else if b == v && self.component[a] == NONE {
                        inwards.push(Reverse((self.rank[v] - self.rank[a] - 1, e)));
                    }
                }
                // Drop edges whose far end has joined meanwhile.
                while outwards.peek().is_some_and(|Reverse((_, e))| self.component[self.edges[*e].1] != NONE) {
                    outwards.pop();
                }
                while inwards.peek().is_some_and(|Reverse((_, e))| self.component[self.edges[*e].0] != NONE) {
                    inwards.pop();
                }
                let out = outwards.peek().map(|Reverse((key, e))| (key - offset, *e));
                let into = inwards.peek().map(|Reverse((key, e))| (key + offset, *e));
                joining = match (out, into) {
                    (Some((slack, e)), into) if into.is_none_or(|i| (slack, e) < i) => {
                        outwards.pop();
                        offset += slack;
                        self.tree[e] = true;
                        Some(self.edges[e].1)
                    }
                    (_, Some((slack, e))) => {
                        inwards.pop();
                        offset -= slack;
                        self.tree[e] = true;
                        Some(self.edges[e].0)
                    }
                    _ => None,
                };
            }
            for &v in &members {
                self.rank[v] += offset;
            }
        }
    }

    /// Numbers the subtree of `top` in postorder from `first` (its parent edge stays as it is); returns
    /// `top`'s number, the last one used.
    ///
    /// A child subtree that hangs from the same edge and would start at the same number as before is
    /// numbered already and skipped (`exchange` marks the nodes whose subtrees changed with `low = NONE`).
    fn number_subtree(&mut self, top: usize, first: usize) -> usize {
        let (edges, first_incident, incident, tree) =
            (self.edges, &self.first_incident[..], &self.incident[..], &self.tree[..]);
        let (parent_edge, low, lim, postorder, stack) = (
            &mut self.parent_edge[..],
            &mut self.low[..],
            &mut self.lim[..],
            &mut self.postorder[..],
            &mut self.stack[..],
        );
        let mut next = first;
        low[top] = first;
        stack[0] = (top, first_incident[top]);
        let mut depth = 1;
        while depth > 0 {
            self.work += 1;
            let (v, k) = stack[depth - 1];
            if k == first_incident[v + 1] {
                depth -= 1;
                lim[v] = next;
                postorder[next] = v;
                next += 1;
                continue;
            }
            stack[depth - 1].1 = k + 1;
            let e = incident[k];
            if !tree[e] || e == parent_edge[v] {
                continue;
            }
            let (a, b) = edges[e];
            let w = if a == v { b } else { a };
            if parent_edge[w] == e && low[w] == next {
                next = lim[w] + 1;
            } else {
                parent_edge[w] = e;
                // The first number given out inside a subtree is its smallest.
                low[w] = next;
                stack[depth] = (w, first_incident[w]);
                depth += 1;
            }
        }
        next - 1
    }

    /// Cut value of every tree edge from scratch, children before parents (0 for other edges).
    fn cut_values(&self) -> Vec<i64> {
        let mut cut = vec![0; self.edges.len()];
        for &child in &self.postorder {
            let up = self.parent_edge[child];
            if up == NONE {
                continue;
            }
            let child_is_tail = self.edges[up].0 == child;
            let mut value = 1;
            for &e in self.incident(child) {
                if e == up {
                    continue;
                }
                let sign = if (self.edges[e].0 == child) == child_is_tail { 1 } else { -1 };
                value += sign;
                if self.tree[e] {
                    value -= sign * cut[e];
                }
            }
            cut[up] = value;
        }
        cut
    }

    /// Pivots until no tree edge has a negative cut value (the ranks are optimal: returns true) or the
    /// pivots have taken `budget` steps (returns false).
    fn solve(&mut self, budget: usize) -> bool {
        let mut start = 0;
        while self.work < budget {
            match self.pivot(start) {
                Some(next) => start = next,
                None => return true,
            }
        }
        false
    }

    /// Swaps the most negative of the next [`CANDIDATES`] tree edges with a negative cut value, looking
    /// cyclically from edge `start`, for its entering edge; returns where to look next time, or `None`
    /// when the ranks are optimal.
    fn pivot(&mut self, start: usize) -> Option<usize> {
        let (tree, cut) = (&self.tree[..], &self.cut[..]);
        let m = tree.len();
        let (mut leaving, mut last, mut found) = (NONE, 0, 0);
        let mut e = start;
        let mut scanned = 0;
        for _ in 0..m {
            scanned += 1;
            if e >= m {
                e = 0;
            }
            if tree[e] && cut[e] < 0 {
                if leaving == NONE || cut[e] < cut[leaving] {
                    leaving = e;
                }
                last = e;
                found += 1;
                if found == CANDIDATES {
                    break;
                }
            }
            e += 1;
        }
        self.work += scanned;
        if leaving == NONE {
            return None;
        }
        let entering = self.entering_edge(leaving);
        self.exchange(leaving, entering);
        Some(last + 1)
    }

    /// The subtree end of tree edge `e` (its child), and whether that is `e`'s head.
    fn lower_end(&self, e: usize) -> (usize, bool) {
        let (tail, head) = self.edges[e];
        if self.lim[tail] < self.lim[head] {
            (tail, false)
        } else {
            (head, true)
        }
    }

    /// The non-tree edge of least slack that reconnects the two halves of the forest left when tree edge
    /// `leaving` is removed, going from its head side to its tail side; found from the smaller half.
    fn entering_edge(&mut self, leaving: usize) -> usize {
        let (below, below_is_head) = self.lower_end(leaving);
        let (ranges, _) = self.smaller_side(below);
        let (edges, first_incident, incident, postorder) =
            (self.edges, &self.first_incident[..], &self.incident[..], &self.postorder[..]);
        let (low, lim, rank) = (&self.low[..], &self.lim[..], &self.rank[..]);
        let (first, last) = (low[below], lim[below]);
        let inside = |v: usize| first <= lim[v] && lim[v] <= last;
        let (mut best, mut best_slack) = (NONE, i64::MAX);
        let mut scanned = 0;
        for range in ranges {
            for &v in &postorder[range] {
                scanned += 1 + first_incident[v + 1] - first_incident[v];
                for &e in &incident[first_incident[v]..first_incident[v + 1]] {
                    let (a, b) = edges[e];
                    if below_is_head == inside(a) && below_is_head != inside(b) {
                        let slack = rank[b] - rank[a] - 1;
                        if slack < best_slack || (slack == best_slack && e < best) {
                            (best, best_slack) = (e, slack);
                        }
                    }
                }
            }
        }
        assert_ne!(best, NONE, "a tree edge with a negative cut value has a replacement");
        self.work += scanned;
        best
    }

    /// Replaces tree edge `leaving` by `entering`: shifts the smaller side of `leaving` to make
    /// `entering` tight, corrects the cut values on the tree path between `entering`'s ends and
    /// renumbers the subtree holding that path.
    fn exchange(&mut self, leaving: usize, entering: usize) {
        let (below, below_is_head) = self.lower_end(leaving);
        let slack = self.slack(entering);
        let (ranges, subtree) = self.smaller_side(below);
        // Make `entering` tight by moving its head side up or its tail side down.
        let delta = if below_is_head == subtree { slack } else { -slack };
        for range in ranges {
            self.work += range.len();
            for &v in &self.postorder[range] {
                self.rank[v] += delta;
            }
        }
        let value = self.cut[leaving];
        let (tail, head) = self.edges[entering];
        let top = self.update_path(tail, head, value, true);
        let same_top = self.update_path(head, tail, value, false);
        debug_assert_eq!(top, same_top, "both ends climb to their lowest common ancestor");
        self.cut[entering] = -value;
        self.cut[leaving] = 0;
        self.tree[leaving] = false;
        self.tree[entering] = true;
        self.number_subtree(top, self.low[top]);
    }

    /// Postorder ranges of the smaller of the two sides of the tree edge above `below`, and whether that
    /// is the subtree of `below` (rather than the rest of its tree).
    fn smaller_side(&self, below: usize) -> ([std::ops::Range<usize>; 2], bool) {
        let root = self.component[below];
        let (first, last) = (self.low[root], self.lim[root]);
        let (low, lim) = (self.low[below], self.lim[below]);
        if 2 * (lim + 1 - low) <= last + 1 - first {
            ([low..lim + 1, 0..0], true)
        } else {
            ([first..low, lim + 1..last + 1], false)
        }
    }

    /// Adds `value` to (or, against `forward`, subtracts it from) the cut values of the tree edges from
    /// `v` up to the lowest common ancestor of `v` and `w`, by orientation; returns that ancestor.
    fn update_path(&mut self, mut v: usize, w: usize, value: i64, forward: bool) -> usize {
        let (edges, parent_edge, lim) = (self.edges, &self.parent_edge[..], &self.lim[..]);
        let (cut, low) = (&mut self.cut[..], &mut self.low[..]);
        while !(low[v] <= lim[w] && lim[w] <= lim[v]) {
            self.work += 1;
            let e = parent_edge[v];
            let (tail, head) = edges[e];
            let add = (v == tail) == forward;
            cut[e] += if add { value } else { -value };
            // The subtree of `v` changes: renumber it.
            low[v] = NONE;
            v = if lim[tail] > lim[head] { tail } else { head };
        }
        v
    }

    /// Ranks shifted so that each component's smallest is 0.
    fn normalised(&self) -> Vec<usize> {
        let mut least = vec![i64::MAX; self.rank.len()];
        for (v, &r) in self.rank.iter().enumerate() {
            let c = self.component[v];
            least[c] = least[c].min(r);
        }
        self.rank.iter().enumerate().map(|(v, &r)| (r - least[self.component[v]]) as usize).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::rng::SplitMix64;

    /// A random DAG on `n` nodes: each pair `(a, b)`, `a < b`, is an edge with probability `p` percent.
    fn random_dag(rng: &mut SplitMix64, n: usize, p: u64) -> Vec<(usize, usize)> {
        let mut edges = Vec::new();
        for b in 0..n {
            for a in 0..b {
                if rng.next_u64() % 100 < p {
                    edges.push((a, b));
                }
            }
        }
        edges
    }

    fn total_length(layer: &[usize], edges: &[(usize, usize)]) -> usize {
        edges.iter().map(|&(a, b)| layer[b] - layer[a]).sum()
    }

    /// The least total edge length over all layerings with layers below `n`, by brute force.
    fn brute_force_length(n: usize, edges: &[(usize, usize)]) -> usize {
        let mut layer = vec![0; n];
        let mut best = usize::MAX;
        loop {
            if edges.iter().all(|&(a, b)| layer[a] < layer[b]) {
                best = best.min(total_length(&layer, edges));
            }
            // Next layering, counting in base `n`.
            let Some(k) = layer.iter().position(|&l| l + 1 < n) else { return best };
            layer[k] += 1;
            layer[..k].fill(0);
        }
    }

    #[test]
    fn known_layering() {
        // 0 -> 1 -> 2 -> 3 and a source 4 with a single successor 3: longest path puts 4 in layer 0,
        // the shortest layering right before 3; 5 and 6 form a second component, starting at layer 0.
        let edges = [(0, 1), (1, 2), (2, 3), (4, 3), (5, 6)];
        assert_eq!(longest_path(7, &edges), vec![0, 1, 2, 3, 0, 0, 1]);
        assert_eq!(layers(7, &edges), vec![0, 1, 2, 3, 2, 0, 1]);
        assert!(layers(0, &[]).is_empty());
    }

    #[test]
    fn matches_brute_force_on_small_graphs() {
        let mut rng = SplitMix64::new(3);
        for round in 0..60 {
            let n = 2 + round % 5;
            let edges = random_dag(&mut rng, n, 45);
            let layer = layers(n, &edges);
            assert!(edges.iter().all(|&(a, b)| layer[a] < layer[b]), "round {round}: {edges:?} {layer:?}");
            assert_eq!(total_length(&layer, &edges), brute_force_length(n, &edges), "round {round}: {edges:?}");
        }
    }

    #[test]
    fn valid_never_longer_than_longest_path_and_deterministic() {
        let mut rng = SplitMix64::new(9);
        let mut shorter = 0;
        for round in 0..40 {
            let n = 5 + round * 5;
            // Edges to nearby nodes mostly, as in plans; some nodes stay isolated.
            let mut edges = Vec::new();
            for b in 1..n {
                for _ in 0..rng.next_u64() % 4 {
                    let a = b - 1 - (rng.next_u64() as usize % b.min(12));
                    if !edges.contains(&(a, b)) {
                        edges.push((a, b));
                    }
                }
            }
            let layer = layers(n, &edges);
            assert!(edges.iter().all(|&(a, b)| layer[a] < layer[b]), "round {round}");
            let longest = total_length(&longest_path(n, &edges), &edges);
            assert!(total_length(&layer, &edges) <= longest, "round {round}");
            shorter += usize::from(total_length(&layer, &edges) < longest);
            assert_eq!(layer, layers(n, &edges), "round {round}");
            // Every connected component starts at layer 0.
            let mut component: Vec<usize> = (0..n).collect();
            let find = |component: &[usize], mut v: usize| {
                while component[v] != v {
                    v = component[v];
                }
                v
            };
            for &(a, b) in &edges {
                let (ra, rb) = (find(&component, a), find(&component, b));
                component[ra.max(rb)] = ra.min(rb);
            }
            let mut least = vec![usize::MAX; n];
            for (v, &l) in layer.iter().enumerate() {
                let root = find(&component, v);
                least[root] = least[root].min(l);
            }
            assert!(least.iter().all(|&l| l == usize::MAX || l == 0), "round {round}");
        }
        assert!(shorter > 30, "network simplex shortened only {shorter} of 40 layerings");
    }

    #[test]
    fn a_spent_budget_still_gives_a_valid_layering_no_longer_than_longest_path() {
        let mut rng = SplitMix64::new(21);
        let mut cut_short = 0;
        for round in 0..30 {
            let n = 20 + round * 4;
            let edges = random_dag(&mut rng, n, 10);
            let optimal = total_length(&layers(n, &edges), &edges);
            let longest = total_length(&longest_path(n, &edges), &edges);
            for budget in [0, 100, 1_000] {
                let layer = layers_within(n, &edges, budget);
                assert!(edges.iter().all(|&(a, b)| layer[a] < layer[b]), "round {round}, budget {budget}");
                let length = total_length(&layer, &edges);
                assert!(optimal <= length && length <= longest, "round {round}, budget {budget}");
                cut_short += usize::from(length > optimal);
            }
        }
        assert!(cut_short > 20, "the budget cut only {cut_short} searches short");
    }

    #[test]
    fn incremental_updates_match_a_fresh_computation() {
        let mut rng = SplitMix64::new(17);
        let mut pivots = 0;
        for round in 0..20 {
            let n = 10 + round * 3;
            let edges = random_dag(&mut rng, n, 12);
            let mut simplex = Simplex::new(n, &edges);
            let mut start = 0;
            while let Some(next) = simplex.pivot(start) {
                start = next;
                pivots += 1;
                assert!((0..edges.len()).all(|e| simplex.slack(e) >= 0), "round {round}: infeasible");
                assert!((0..edges.len()).all(|e| !simplex.tree[e] || simplex.slack(e) == 0), "round {round}");
                assert_eq!(simplex.cut, simplex.cut_values(), "round {round}: cut values");
                let mut fresh = simplex.clone();
                fresh.parent_edge.fill(NONE);
                fresh.low.fill(NONE);
                fresh.number_forest();
                assert_eq!(
                    (&fresh.low, &fresh.lim, &fresh.postorder, &fresh.parent_edge),
                    (&simplex.low, &simplex.lim, &simplex.postorder, &simplex.parent_edge),
                    "round {round}: numbering"
                );
            }
            // Optimal: no tree edge has a negative cut value.
            assert!(simplex.cut.iter().all(|&c| c >= 0), "round {round}");
        }
        assert!(pivots > 20, "only {pivots} pivots");
    }
}
