//! A line diff of two texts: the common first and last lines are set aside, and the lines between
//! are matched by a longest common subsequence. Beyond [`MAX_CELLS`] pairs of middle lines the
//! middle is shown as removed and added, so a huge result cannot stall the page.

/// Most pairs of differing middle lines compared by the subsequence table (about 4 MB).
pub const MAX_CELLS: usize = 1_000_000;

/// One line of a diff.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiffLine<'a> {
    /// In both texts.
    Same(&'a str),
    /// Only in the old text.
    Removed(&'a str),
    /// Only in the new text.
    Added(&'a str),
}

/// The lines of `old` and `new` as kept, removed and added, in order.
pub fn line_diff<'a>(old: &'a str, new: &'a str) -> Vec<DiffLine<'a>> {
    let (a, b): (Vec<&str>, Vec<&str>) = (old.lines().collect(), new.lines().collect());
    let prefix = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let suffix = a[prefix..].iter().rev().zip(b[prefix..].iter().rev()).take_while(|(x, y)| x == y).count();
    let (mid_a, mid_b) = (&a[prefix..a.len() - suffix], &b[prefix..b.len() - suffix]);
    let mut out: Vec<DiffLine<'a>> = a[..prefix].iter().map(|l| DiffLine::Same(l)).collect();
    if mid_a.len().saturating_mul(mid_b.len()) > MAX_CELLS {
        out.extend(mid_a.iter().map(|l| DiffLine::Removed(l)));
        out.extend(mid_b.iter().map(|l| DiffLine::Added(l)));
    } else {
        out.extend(subsequence_diff(mid_a, mid_b));
    }
    out.extend(a[a.len() - suffix..].iter().map(|l| DiffLine::Same(l)));
    out
}

/// The diff of `a` and `b` through a longest-common-subsequence table.
fn subsequence_diff<'a>(a: &[&'a str], b: &[&'a str]) -> Vec<DiffLine<'a>> {
    let width = b.len() + 1;
    // `table[i * width + j]`: length of the longest common subsequence of `a[i..]` and `b[j..]`.
    let mut table = vec![0u32; (a.len() + 1) * width];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            table[i * width + j] = if a[i] == b[j] {
                table[(i + 1) * width + j + 1] + 1
            } else {
                table[(i + 1) * width + j].max(table[i * width + j + 1])
            };
        }
    }
    let (mut i, mut j, mut out) = (0, 0, Vec::with_capacity(a.len() + b.len()));
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            out.push(DiffLine::Same(a[i]));
            (i, j) = (i + 1, j + 1);
        } else if i < a.len() && (j == b.len() || table[(i + 1) * width + j] >= table[i * width + j + 1]) {
            out.push(DiffLine::Removed(a[i]));
            i += 1;
        } else {
            out.push(DiffLine::Added(b[j]));
            j += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::DiffLine::{Added, Removed, Same};
    use super::*;

    #[test]
    fn equal_texts_are_all_same_and_changed_lines_are_removed_then_added() {
        assert_eq!(line_diff("a\nb", "a\nb"), [Same("a"), Same("b")]);
        assert_eq!(line_diff("a\nb\nc", "a\nx\nc"), [Same("a"), Removed("b"), Added("x"), Same("c")]);
        assert_eq!(line_diff("", "new"), [Added("new")]);
        assert_eq!(line_diff("old", ""), [Removed("old")]);
    }

    #[test]
    fn moved_and_inserted_lines_keep_the_longest_common_run() {
        let diff = line_diff("1\n2\n3\n4\n5", "1\n3\n4\n9\n5\n6");
        assert_eq!(diff, [Same("1"), Removed("2"), Same("3"), Same("4"), Added("9"), Same("5"), Added("6")]);
    }

    #[test]
    fn a_huge_middle_is_shown_as_replaced_without_a_table() {
        let old: String = (0..1_100).map(|i| format!("a{i}\n")).collect();
        let new: String = (0..1_100).map(|i| format!("b{i}\n")).collect();
        let (old, new) = (format!("head\n{old}tail"), format!("head\n{new}tail"));
        let diff = line_diff(&old, &new);
        assert_eq!(diff.len(), 2 + 2_200);
        assert_eq!(
            (diff[0], diff[1], diff[1_101], diff[2_201]),
            (Same("head"), Removed("a0"), Added("b0"), Same("tail"))
        );
    }
}
