//! What part of a drawing to put on screen: the area around the visible part (snapped to a grid, so a
//! small scroll changes nothing), the boxes and edges in it, and the zoom that fits a drawing to a panel
//! without making its text illegible.

use super::geometry::{EdgePath, NodeBox};

/// An axis-aligned rectangle in layout units.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Area {
    /// Left side.
    pub x: f64,
    /// Top side.
    pub y: f64,
    /// Width.
    pub width: f64,
    /// Height.
    pub height: f64,
}

impl Area {
    /// Whether the two areas overlap (touching counts).
    pub fn meets(&self, other: &Area) -> bool {
        self.x <= other.x + other.width
            && other.x <= self.x + self.width
            && self.y <= other.y + other.height
            && other.y <= self.y + self.height
    }

    /// Whether `other` lies wholly inside this area.
    pub fn holds(&self, other: &Area) -> bool {
        other.x >= self.x
            && other.y >= self.y
            && other.x + other.width <= self.x + self.width
            && other.y + other.height <= self.y + self.height
    }
}

/// The area to draw around `view` (what is visible): `view` grown by `margin` times its size on every
/// side, its edges moved outwards to multiples of `grid`, so scrolling within the margin keeps it.
pub fn drawn_area(view: Area, margin: f64, grid: f64) -> Area {
    let (mx, my) = (view.width * margin, view.height * margin);
    let down = |v: f64| (v / grid).floor() * grid;
    let up = |v: f64| (v / grid).ceil() * grid;
    let (x0, y0) = (down(view.x - mx), down(view.y - my));
    let (x1, y1) = (up(view.x + view.width + mx), up(view.y + view.height + my));
    Area { x: x0, y: y0, width: x1 - x0, height: y1 - y0 }
}

/// The area of a box.
pub fn box_area(node: &NodeBox) -> Area {
    Area { x: node.x, y: node.y, width: node.width, height: node.height }
}

/// The area an edge's curve stays within (the curve lies in the hull of its polyline's points).
pub fn edge_area(edge: &EdgePath) -> Area {
    let (mut x0, mut y0, mut x1, mut y1) = (f64::INFINITY, f64::INFINITY, f64::NEG_INFINITY, f64::NEG_INFINITY);
    for &(x, y) in &edge.points {
        (x0, y0, x1, y1) = (x0.min(x), y0.min(y), x1.max(x), y1.max(y));
    }
    if x0 > x1 {
        return Area { x: 0.0, y: 0.0, width: 0.0, height: 0.0 };
    }
    Area { x: x0, y: y0, width: x1 - x0, height: y1 - y0 }
}

/// Positions (in `nodes`) of the boxes that meet `area`.
pub fn boxes_in(nodes: &[NodeBox], area: &Area) -> Vec<usize> {
    (0..nodes.len()).filter(|&k| area.meets(&box_area(&nodes[k]))).collect()
}

/// Positions (in `edges`) of the edges whose curve may pass through `area`.
pub fn edges_in(edges: &[EdgePath], area: &Area) -> Vec<usize> {
    (0..edges.len()).filter(|&k| area.meets(&edge_area(&edges[k]))).collect()
}

/// The zoom that shows a `drawing` (width, height) whole in a `panel` (width, height), at most 1, and
/// whether it does: below `legible` (text would be too small) the zoom stays at `legible` and the
/// drawing does not fit.
pub fn fit_zoom(panel: (f64, f64), drawing: (f64, f64), legible: f64) -> (f64, bool) {
    let whole = (panel.0 / drawing.0).min(panel.1 / drawing.1).min(1.0);
    if whole.is_finite() && whole >= legible {
        (whole, true)
    } else {
        (legible, false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(x: f64, y: f64) -> NodeBox {
        NodeBox { index: 0, id: "t".into(), layer: 0, x, y, width: 100.0, height: 50.0 }
    }

    #[test]
    fn the_drawn_area_grows_the_view_and_snaps_outwards() {
        let view = Area { x: 130.0, y: 10.0, width: 200.0, height: 100.0 };
        let area = drawn_area(view, 0.5, 64.0);
        assert_eq!(area, Area { x: 0.0, y: -64.0, width: 448.0, height: 256.0 });
        assert!(area.holds(&view));
        let nudged = Area { x: 140.0, y: 12.0, ..view };
        assert_eq!(drawn_area(nudged, 0.5, 64.0), area, "a small scroll keeps the drawn area");
    }

    #[test]
    fn only_boxes_and_edges_meeting_the_area_are_drawn() {
        let nodes = vec![node(0.0, 0.0), node(500.0, 0.0), node(0.0, 400.0), node(190.0, 90.0)];
        let area = Area { x: 0.0, y: 0.0, width: 200.0, height: 100.0 };
        assert_eq!(boxes_in(&nodes, &area), vec![0, 3]);
        let edge = |points: Vec<(f64, f64)>| EdgePath { from: 0, to: 1, points, d: String::new() };
        let edges = vec![edge(vec![(100.0, 25.0), (500.0, 25.0)]), edge(vec![(600.0, 25.0), (900.0, 300.0)])];
        assert_eq!(edges_in(&edges, &area), vec![0]);
        assert_eq!(edge_area(&edges[1]), Area { x: 600.0, y: 25.0, width: 300.0, height: 275.0 });
    }

    #[test]
    fn a_drawing_fits_unless_its_text_would_be_too_small() {
        assert_eq!(fit_zoom((800.0, 600.0), (400.0, 300.0), 0.85), (1.0, true), "never enlarged past 100 %");
        assert_eq!(fit_zoom((720.0, 600.0), (800.0, 300.0), 0.85), (0.9, true));
        assert_eq!(fit_zoom((400.0, 600.0), (800.0, 300.0), 0.85), (0.85, false), "legible and not whole");
        assert_eq!(fit_zoom((400.0, 600.0), (0.0, 0.0), 0.85), (1.0, true), "an empty drawing");
    }
}
