//! Saved runs as families: each fork listed right after its parent, one level deeper.

use std::collections::{HashMap, HashSet};

/// Orders `items` (each with its id and, for a fork, its parent's id; already in display order)
/// so that every fork follows its parent, and gives each its depth (0 for a run that is no fork,
/// or whose parent is gone). Returns `(index in items, depth)` pairs.
pub fn family_order<'a>(items: impl IntoIterator<Item = (&'a str, Option<&'a str>)>) -> Vec<(usize, usize)> {
    let items: Vec<(&str, Option<&str>)> = items.into_iter().collect();
    let present: HashSet<&str> = items.iter().map(|(id, _)| *id).collect();
    let mut children: HashMap<&str, Vec<usize>> = HashMap::new();
    let mut roots = Vec::new();
    for (i, (_, parent)) in items.iter().enumerate() {
        match parent.filter(|p| present.contains(p)) {
            Some(p) => children.entry(p).or_default().push(i),
            None => roots.push(i),
        }
    }
    let mut out = Vec::with_capacity(items.len());
    let mut stack: Vec<(usize, usize)> = roots.into_iter().rev().map(|i| (i, 0)).collect();
    let mut seen = vec![false; items.len()];
    while let Some((i, depth)) = stack.pop() {
        if std::mem::replace(&mut seen[i], true) {
            continue;
        }
        out.push((i, depth));
        if let Some(kids) = children.get(items[i].0) {
            stack.extend(kids.iter().rev().map(|&k| (k, depth + 1)));
        }
    }
    // Forks whose parents form a loop (never written by Planwright) are listed at the end.
    out.extend((0..items.len()).filter(|&i| !seen[i]).map(|i| (i, 0)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forks_follow_their_parents_one_level_deeper() {
        let items = [("c", None), ("f2", Some("a")), ("b", None), ("a", None), ("f1", Some("a")), ("g", Some("f1"))];
        let order = family_order(items.iter().map(|(id, p)| (*id, *p)));
        let named: Vec<(&str, usize)> = order.iter().map(|&(i, d)| (items[i].0, d)).collect();
        assert_eq!(named, [("c", 0), ("b", 0), ("a", 0), ("f2", 1), ("f1", 1), ("g", 2)]);
    }

    #[test]
    fn a_fork_whose_parent_is_gone_stands_alone_and_loops_are_still_listed() {
        let orphan = family_order([("f", Some("deleted")), ("x", None)]);
        assert_eq!(orphan, [(0, 0), (1, 0)]);
        let looped = family_order([("p", Some("q")), ("q", Some("p"))]);
        assert_eq!(looped, [(0, 0), (1, 0)]);
    }
}
