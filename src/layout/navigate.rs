//! Keyboard moves between task boxes: up and down within a column, left and right to the nearest box
//! in the neighbouring column that has one.

use super::geometry::NodeBox;

/// An arrow key's direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// The box above in the same column.
    Up,
    /// The box below in the same column.
    Down,
    /// The nearest box in the closest column to the left (towards dependencies).
    Left,
    /// The nearest box in the closest column to the right (towards dependents).
    Right,
}

impl Direction {
    /// The direction of an arrow key's `KeyboardEvent.key` name.
    pub fn from_key(key: &str) -> Option<Direction> {
        match key {
            "ArrowUp" => Some(Direction::Up),
            "ArrowDown" => Some(Direction::Down),
            "ArrowLeft" => Some(Direction::Left),
            "ArrowRight" => Some(Direction::Right),
            _ => None,
        }
    }
}

/// Position in `nodes` of the box reached from `nodes[from]` by moving in `direction`, if any.
pub fn neighbour(nodes: &[NodeBox], from: usize, direction: Direction) -> Option<usize> {
    let here = nodes.get(from)?;
    let distance = |n: &NodeBox| (n.y - here.y).abs();
    let closest = |candidates: &mut dyn Iterator<Item = usize>| {
        candidates.min_by(|&a, &b| distance(&nodes[a]).total_cmp(&distance(&nodes[b])).then(a.cmp(&b)))
    };
    match direction {
        Direction::Up | Direction::Down => {
            let up = direction == Direction::Up;
            closest(&mut (0..nodes.len()).filter(|&k| {
                nodes[k].layer == here.layer && if up { nodes[k].y < here.y } else { nodes[k].y > here.y }
            }))
        }
        Direction::Left | Direction::Right => {
            let left = direction == Direction::Left;
            let layer = nodes
                .iter()
                .map(|n| n.layer)
                .filter(|&l| if left { l < here.layer } else { l > here.layer })
                .reduce(|a, b| if left { a.max(b) } else { a.min(b) })?;
            closest(&mut (0..nodes.len()).filter(|&k| nodes[k].layer == layer))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(id: &str, layer: usize, y: f64) -> NodeBox {
        NodeBox { index: 0, id: id.into(), layer, x: layer as f64 * 100.0, y, width: 80.0, height: 40.0 }
    }

    #[test]
    fn arrows_move_within_a_column_and_to_the_nearest_box_of_the_next_column() {
        // Column 0: A (y 0), B (y 100); column 1: C (y 90); column 3: D (y 0).
        let nodes = [node("A", 0, 0.0), node("B", 0, 100.0), node("C", 1, 90.0), node("D", 3, 0.0)];
        assert_eq!(neighbour(&nodes, 0, Direction::Down), Some(1));
        assert_eq!(neighbour(&nodes, 1, Direction::Up), Some(0));
        assert_eq!(neighbour(&nodes, 0, Direction::Up), None);
        assert_eq!(neighbour(&nodes, 0, Direction::Right), Some(2), "the next column, nearest box");
        assert_eq!(neighbour(&nodes, 2, Direction::Left), Some(1), "B is nearer to C than A");
        assert_eq!(neighbour(&nodes, 2, Direction::Right), Some(3), "an empty column is skipped");
        assert_eq!(neighbour(&nodes, 3, Direction::Right), None);
        assert_eq!(neighbour(&nodes, 9, Direction::Up), None);
        assert_eq!(Direction::from_key("ArrowLeft"), Some(Direction::Left));
        assert_eq!(Direction::from_key("Enter"), None);
    }
}
