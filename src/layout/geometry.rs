//! Layout input options and output geometry (boxes and edge paths in SVG user units).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::crossings::bilayer_crossings;

/// Sizes and spacing of the drawing, in SVG user units.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct LayoutOptions {
    /// Width of a task box.
    pub node_width: f64,
    /// Height of a task box.
    pub node_height: f64,
    /// Horizontal space between two layers (columns).
    pub layer_gap: f64,
    /// Minimum vertical space between two task boxes of one layer.
    pub node_gap: f64,
    /// Empty border around the drawing.
    pub margin: f64,
}

impl Default for LayoutOptions {
    fn default() -> Self {
        LayoutOptions { node_width: 190.0, node_height: 58.0, layer_gap: 70.0, node_gap: 22.0, margin: 20.0 }
    }
}

impl LayoutOptions {
    /// X of the left side of layer `layer`'s column.
    pub(crate) fn column_left(&self, layer: usize) -> f64 {
        self.margin + layer as f64 * (self.node_width + self.layer_gap)
    }
}

/// A task's box.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NodeBox {
    /// Index of the task in `plan.tasks`.
    pub index: usize,
    /// The task's id.
    pub id: String,
    /// Layer (column) of the task, 0 = leftmost.
    pub layer: usize,
    /// Left side.
    pub x: f64,
    /// Top side.
    pub y: f64,
    /// Box width.
    pub width: f64,
    /// Box height.
    pub height: f64,
}

/// A dependency arrow.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EdgePath {
    /// Plan index of the dependency (where the arrow starts).
    pub from: usize,
    /// Plan index of the dependent task (where the arrowhead is).
    pub to: usize,
    /// Polyline the curve follows: source box right-middle, bend points, target box left-middle.
    pub points: Vec<(f64, f64)>,
    /// SVG path data: a smooth cubic Bézier curve through `points`.
    pub d: String,
}

/// The laid-out plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Geometry {
    /// Task boxes, sorted by `index`.
    pub nodes: Vec<NodeBox>,
    /// Dependency arrows, grouped by dependent task in plan order.
    pub edges: Vec<EdgePath>,
    /// Width of the whole drawing, margins included.
    pub width: f64,
    /// Height of the whole drawing, margins included.
    pub height: f64,
}

impl Geometry {
    /// Number of edge crossings between adjacent layers, read from the drawn edges.
    ///
    /// Every left-to-right segment between the same pair of x coordinates is compared with the others
    /// by the order of its end points; back edges of cycles (drawn right-to-left) are not counted.
    pub fn crossings(&self) -> usize {
        let mut groups: BTreeMap<(u64, u64), Vec<(f64, f64)>> = BTreeMap::new();
        for edge in &self.edges {
            for pair in edge.points.windows(2) {
                let ((x0, y0), (x1, y1)) = (pair[0], pair[1]);
                if x1 > x0 {
                    groups.entry((x0.to_bits(), x1.to_bits())).or_default().push((y0, y1));
                }
            }
        }
        groups
            .into_values()
            .map(|segments| {
                let (starts, _) = ranks(segments.iter().map(|s| s.0));
                let (ends, end_count) = ranks(segments.iter().map(|s| s.1));
                let pairs: Vec<(usize, usize)> = starts.into_iter().zip(ends).collect();
                bilayer_crossings(&pairs, end_count)
            })
            .sum()
    }
}

/// Dense ranks of `values` (equal values share a rank) and the number of distinct values.
fn ranks(values: impl Iterator<Item = f64> + Clone) -> (Vec<usize>, usize) {
    let mut sorted: Vec<f64> = values.clone().collect();
    crate::sort::sort_by(&mut sorted, f64::total_cmp);
    sorted.dedup();
    let rank = values.map(|v| sorted.partition_point(|s| s.total_cmp(&v).is_lt())).collect();
    (rank, sorted.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edge(points: &[(f64, f64)]) -> EdgePath {
        EdgePath { from: 0, to: 1, points: points.to_vec(), d: String::new() }
    }

    fn geometry(edges: Vec<EdgePath>) -> Geometry {
        Geometry { nodes: vec![], edges, width: 0.0, height: 0.0 }
    }

    #[test]
    fn default_options_match_the_design() {
        let o = LayoutOptions::default();
        assert_eq!((o.node_width, o.node_height, o.layer_gap, o.node_gap, o.margin), (190.0, 58.0, 70.0, 22.0, 20.0));
        assert_eq!(o.column_left(0), 20.0);
        assert_eq!(o.column_left(2), 20.0 + 2.0 * 260.0);
    }

    #[test]
    fn crossings_count_swapped_segments_only() {
        let crossing = geometry(vec![edge(&[(0.0, 0.0), (10.0, 5.0)]), edge(&[(0.0, 5.0), (10.0, 0.0)])]);
        assert_eq!(crossing.crossings(), 1);
        let shared_start = geometry(vec![edge(&[(0.0, 0.0), (10.0, 5.0)]), edge(&[(0.0, 0.0), (10.0, 0.0)])]);
        assert_eq!(shared_start.crossings(), 0);
        let other_gap = geometry(vec![edge(&[(0.0, 0.0), (10.0, 5.0)]), edge(&[(20.0, 5.0), (30.0, 0.0)])]);
        assert_eq!(other_gap.crossings(), 0);
        let backwards = geometry(vec![edge(&[(0.0, 0.0), (10.0, 5.0)]), edge(&[(10.0, 0.0), (0.0, 5.0)])]);
        assert_eq!(backwards.crossings(), 0);
    }

    #[test]
    fn ranks_are_dense() {
        assert_eq!(ranks([3.0, 1.0, 3.0, 2.0].into_iter()), (vec![2, 0, 2, 1], 3));
    }
}
