//! Edge routing: polylines through the bend points, drawn as smooth cubic Bézier curves.

use super::geometry::LayoutOptions;

/// Polyline of an edge along `chain` (source, virtual nodes, target): from the source box's right-middle,
/// straight across the column of each virtual node, to the target box's left-middle.
pub(crate) fn edge_points(
    chain: &[usize],
    layer: &[usize],
    centre: &[f64],
    options: &LayoutOptions,
) -> Vec<(f64, f64)> {
    let &[source, ref bends @ .., target] = chain else { return Vec::new() };
    let mut points = vec![(options.column_left(layer[source]) + options.node_width, centre[source])];
    for &v in bends {
        let left = options.column_left(layer[v]);
        points.push((left, centre[v]));
        points.push((left + options.node_width, centre[v]));
    }
    points.push((options.column_left(layer[target]), centre[target]));
    points
}

/// Polyline of an edge over a channel (see `channels`) at `channel`, from a task in layer `layers.0` with
/// centre `ends.0` to one in layer `layers.1 >= layers.0 + 2` with centre `ends.1`: from the source box's
/// right-middle to the channel in the gap after the source's column, along the channel, and from it to
/// the target box's left-middle in the gap before the target's column.
pub(crate) fn channel_points(
    layers: (usize, usize),
    ends: (f64, f64),
    channel: f64,
    options: &LayoutOptions,
) -> Vec<(f64, f64)> {
    debug_assert!(layers.0 + 2 <= layers.1, "only long edges go over a channel");
    vec![
        (options.column_left(layers.0) + options.node_width, ends.0),
        (options.column_left(layers.0 + 1), channel),
        (options.column_left(layers.1 - 1) + options.node_width, channel),
        (options.column_left(layers.1), ends.1),
    ]
}

/// Smooth SVG path through `points`: one cubic segment per pair with horizontal tangents at both ends,
/// so consecutive segments join smoothly and the curve enters its last point from the left.
///
/// A segment going leftwards (a back edge of a cycle) bulges by at least `min_bulge` on both sides.
pub(crate) fn smooth_path(points: &[(f64, f64)], min_bulge: f64) -> String {
    let mut d = String::with_capacity(points.len() * 32);
    let Some(&first) = points.first() else { return d };
    d.push('M');
    push_point(&mut d, first);
    for pair in points.windows(2) {
        let ((xa, ya), (xb, yb)) = (pair[0], pair[1]);
        let dx = xb - xa;
        if ya == yb && dx > 0.0 {
            d.push_str(" L");
        } else {
            let bulge = if dx > 0.0 { dx / 2.0 } else { (-dx / 2.0).max(min_bulge) };
            d.push_str(" C");
            push_point(&mut d, (xa + bulge, ya));
            d.push(' ');
            push_point(&mut d, (xb - bulge, yb));
            d.push(' ');
        }
        push_point(&mut d, (xb, yb));
    }
    d
}

/// Appends `x,y`, each rounded to 0.1 and printed without a trailing `.0` or a negative zero.
fn push_point(d: &mut String, (x, y): (f64, f64)) {
    push_number(d, x);
    d.push(',');
    push_number(d, y);
}

/// Appends `x` rounded to 0.1, digit by digit (a large drawing has tens of thousands of them).
fn push_number(d: &mut String, x: f64) {
    let tenths = (x * 10.0).round() as i64;
    if tenths < 0 {
        d.push('-');
    }
    let tenths = tenths.unsigned_abs();
    let mut digits = [0u8; 20];
    let (mut whole, mut start) = (tenths / 10, digits.len());
    loop {
        start -= 1;
        digits[start] = b'0' + (whole % 10) as u8;
        whole /= 10;
        if whole == 0 {
            break;
        }
    }
    d.extend(digits[start..].iter().map(|&b| char::from(b)));
    if !tenths.is_multiple_of(10) {
        d.push('.');
        d.push(char::from(b'0' + (tenths % 10) as u8));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_cross_the_columns_of_virtual_nodes() {
        let options = LayoutOptions { node_width: 10.0, node_height: 4.0, layer_gap: 5.0, node_gap: 1.0, margin: 2.0 };
        // Node 0 in layer 0, virtual node 2 in layer 1, node 1 in layer 2.
        let points = edge_points(&[0, 2, 1], &[0, 2, 1], &[7.0, 9.0, 8.0], &options);
        assert_eq!(points, vec![(12.0, 7.0), (17.0, 8.0), (27.0, 8.0), (32.0, 9.0)]);
        assert_eq!(edge_points(&[1, 0], &[0, 2], &[7.0, 9.0], &options), vec![(42.0, 9.0), (2.0, 7.0)]);
        assert!(edge_points(&[], &[], &[], &options).is_empty());
    }

    #[test]
    fn channel_points_meet_the_channel_in_the_gaps_next_to_the_boxes() {
        let options = LayoutOptions { node_width: 10.0, node_height: 4.0, layer_gap: 5.0, node_gap: 1.0, margin: 2.0 };
        // Columns start at 2, 17, 32, 47.
        let points = channel_points((0, 3), (7.0, 9.0), -1.0, &options);
        assert_eq!(points, vec![(12.0, 7.0), (17.0, -1.0), (42.0, -1.0), (47.0, 9.0)]);
    }

    #[test]
    fn straight_runs_are_lines_and_bends_are_curves() {
        let d = smooth_path(&[(0.0, 10.0), (40.0, 30.0), (60.0, 30.0)], 5.0);
        assert_eq!(d, "M0,10 C20,10 20,30 40,30 L60,30");
    }

    #[test]
    fn back_edges_bulge_out_and_come_back_in_from_the_left() {
        let d = smooth_path(&[(100.0, 0.0), (50.0, 40.0)], 70.0);
        assert_eq!(d, "M100,0 C170,0 -20,40 50,40");
    }

    #[test]
    fn numbers_are_short_and_never_negative_zero() {
        let mut d = String::new();
        push_point(&mut d, (12.345, -0.01));
        push_point(&mut d, (-7.25, 3.0));
        assert_eq!(d, "12.3,0-7.3,3");
        assert_eq!(smooth_path(&[], 1.0), "");
    }
}
