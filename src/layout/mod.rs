//! Layered (Sugiyama-style) layout of a plan's dependency DAG, drawn left to right. Pure Rust.
//!
//! Pipeline: break cycles (`acyclic`), layers of least total edge length (`network_simplex`, starting
//! from the longest-path layering of `layering`), virtual nodes for long edges (`proper`) unless there
//! would be too many (`channels`), crossing minimisation (`ordering`: barycenter sweeps, then `sifting`,
//! on a `compact` copy of the graph; counted by `crossings`), Brandes–Köpf coordinates (`position`) and
//! smooth edge paths (`route`). Every stage works within a budget that grows linearly with the plan.
//! Same input, same output. [`relayout`] (`incremental`) redraws a changed plan keeping the previous
//! drawing's columns and orders.

mod acyclic;
mod channels;
mod clusters;
mod compact;
mod crossings;
mod geometry;
mod incremental;
mod layering;
mod navigate;
mod network_simplex;
mod ordering;
mod plain;
mod position;
mod proper;
mod request;
mod route;
mod sifting;
#[cfg(test)]
mod test_support;
mod visible;

pub use clusters::{clusters, Cluster};
pub use crossings::count_crossings;
pub use geometry::{EdgePath, Geometry, LayoutOptions, NodeBox};
pub use incremental::relayout;
pub use navigate::{neighbour, Direction};
pub use plain::plain;
pub use request::{LayoutRequest, QUICK_LAYOUT_TASKS};
pub use visible::{box_area, boxes_in, drawn_area, edge_area, edges_in, fit_zoom, Area};

use crate::plan::{graph::PlanGraph, Plan};

/// Gap next to a virtual bend point (a long edge passing a layer), as a fraction of `node_gap`.
const VIRTUAL_GAP_FACTOR: f64 = 0.5;

/// Lays out `plan`: one column per layer, each task right of all its dependencies, edges as curves.
///
/// Tasks with a duplicate id are not drawn (the first occurrence is); edges closing a cycle are drawn as
/// a direct curve from right to left. Long edges beyond a budget (see `channels`) run along the top or
/// bottom of the drawing, whichever is nearer their ends, a `node_gap` away from the boxes.
pub fn layout(plan: &Plan, options: &LayoutOptions) -> Geometry {
    let graph = PlanGraph::new(plan);
    let layered = layered(&graph);
    let order = ordering::minimise(&layered.g);
    draw(plan, &graph, &layered, &order, options)
}

/// The drawing of `plan`, whose graph is `graph`, layered as `layered` with `order` in every layer.
fn draw(plan: &Plan, graph: &PlanGraph, layered: &Layered, order: &[Vec<usize>], options: &LayoutOptions) -> Geometry {
    let Layered { edges, channelled, g } = layered;
    let half = |v: usize| if g.is_virtual(v) { 0.0 } else { options.node_height / 2.0 };
    let separation = |a: usize, b: usize| {
        let virtual_pair = g.is_virtual(a) || g.is_virtual(b);
        half(a) + half(b) + if virtual_pair { options.node_gap * VIRTUAL_GAP_FACTOR } else { options.node_gap }
    };
    let mut centre = position::assign(g, order, separation);
    let top = centre.iter().enumerate().map(|(v, c)| c - half(v)).fold(f64::INFINITY, f64::min);
    let bottom = centre.iter().enumerate().map(|(v, c)| c + half(v)).fold(f64::NEG_INFINITY, f64::max);
    // Channel edges take the channel nearer the middle of their ends (the top one on a tie).
    let upper: Vec<bool> = channelled.iter().map(|&(a, b)| centre[a] + centre[b] <= top + bottom).collect();
    let top_channel = options.margin;
    let first_box = if upper.contains(&true) { top_channel + options.node_gap } else { options.margin };
    if top.is_finite() {
        centre.iter_mut().for_each(|c| *c += first_box - top);
    }
    let mut bottom = centre.iter().enumerate().map(|(v, c)| c + half(v)).fold(options.margin, f64::max);
    let bottom_channel = bottom + options.node_gap;
    if upper.contains(&false) {
        bottom = bottom_channel;
    }

    // Graph indices follow first occurrences in plan order, so the i-th first occurrence is task i.
    let mut plan_index = Vec::with_capacity(graph.len());
    for (k, task) in plan.tasks.iter().enumerate() {
        if graph.index_of(&task.id) == Some(plan_index.len()) {
            plan_index.push(k);
        }
    }
    let nodes = (0..graph.len())
        .map(|i| NodeBox {
            index: plan_index[i],
            id: graph.ids[i].clone(),
            layer: g.layer[i],
            x: options.column_left(g.layer[i]),
            y: centre[i] - half(i),
            width: options.node_width,
            height: options.node_height,
        })
        .collect();
    let path = |chain: &[usize]| {
        let points = route::edge_points(chain, &g.layer, &centre, options);
        let d = route::smooth_path(&points, options.layer_gap);
        EdgePath { from: plan_index[chain[0]], to: plan_index[chain[chain.len() - 1]], points, d }
    };
    let over = channelled.iter().zip(&upper).map(|(&(from, to), &upper)| {
        let channel = if upper { top_channel } else { bottom_channel };
        let points = route::channel_points((g.layer[from], g.layer[to]), (centre[from], centre[to]), channel, options);
        let d = route::smooth_path(&points, options.layer_gap);
        EdgePath { from: plan_index[from], to: plan_index[to], points, d }
    });
    let back = edges.back.iter().map(|&(from, to)| path(&[from, to]));
    let mut paths: Vec<EdgePath> = g.chains.iter().map(|chain| path(chain)).chain(over).chain(back).collect();
    crate::sort::sort_by_key(&mut paths, |e| e.to);

    let layers = g.layers.len() as f64;
    let width = if layers > 0.0 {
        2.0 * options.margin + layers * options.node_width + (layers - 1.0) * options.layer_gap
    } else {
        2.0 * options.margin
    };
    Geometry { nodes, edges: paths, width, height: bottom + options.margin }
}

/// A plan's graph layered, its edges split by how they are drawn.
struct Layered {
    /// Forward and back edges (see `acyclic`).
    edges: acyclic::SplitEdges,
    /// The forward edges drawn over a channel.
    channelled: Vec<(usize, usize)>,
    /// The proper layered graph of the other forward edges (its real nodes are all tasks).
    g: proper::LayeredGraph,
}

impl Layered {
    /// The graph of `edges` with its tasks in layers `layer` (all forward edges pointing to later layers).
    fn new(edges: acyclic::SplitEdges, layer: &[usize]) -> Self {
        let over = channels::channelled(layer, &edges.forward);
        let (mut channelled, mut through) = (Vec::new(), Vec::new());
        for (&edge, &over) in edges.forward.iter().zip(&over) {
            if over { &mut channelled } else { &mut through }.push(edge);
        }
        let g = proper::LayeredGraph::new(layer, &through);
        Layered { edges, channelled, g }
    }
}

/// The layered graph of `graph`, in layers of least total edge length.
fn layered(graph: &PlanGraph) -> Layered {
    let edges = acyclic::split_cycles(graph);
    let layer = network_simplex::layers(graph.len(), &edges.forward);
    Layered::new(edges, &layer)
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::engine::rng::SplitMix64;
    use crate::plan::Task;

    fn plan(tasks: Vec<Task>) -> Plan {
        Plan { tasks, critical_path: vec![] }
    }

    /// Plans whose tasks depend on arbitrary others (cycles, self and unknown dependencies included).
    fn any_plan() -> impl Strategy<Value = Plan> {
        (1usize..30).prop_flat_map(|n| {
            prop::collection::vec(prop::collection::vec(0..n + 2, 0..4), n).prop_map(move |deps| {
                plan(
                    deps.iter()
                        .enumerate()
                        .map(|(i, ds)| {
                            let ids: Vec<String> = ds.iter().map(|d| format!("T{d}")).collect();
                            Task::new(&format!("T{i}"), "", &ids.iter().map(String::as_str).collect::<Vec<_>>())
                        })
                        .collect(),
                )
            })
        })
    }

    /// Plans whose tasks depend only on earlier ones.
    fn any_dag() -> impl Strategy<Value = Plan> {
        (any::<u64>(), 1usize..60, 0usize..5, 1usize..20)
            .prop_map(|(seed, n, deps, window)| test_support::random_plan(&mut SplitMix64::new(seed), n, deps, window))
    }

    fn assert_no_overlap(geometry: &Geometry, options: &LayoutOptions) {
        for (i, a) in geometry.nodes.iter().enumerate() {
            assert!(a.x >= options.margin - 1e-9 && a.y >= options.margin - 1e-9);
            assert!(a.x + a.width <= geometry.width + 1e-9 && a.y + a.height <= geometry.height + 1e-9);
            for b in &geometry.nodes[i + 1..] {
                let apart_x = a.x + a.width <= b.x || b.x + b.width <= a.x;
                let apart_y =
                    a.y + a.height + options.node_gap <= b.y + 1e-9 || b.y + b.height + options.node_gap <= a.y + 1e-9;
                assert!(apart_x || apart_y, "{a:?} overlaps {b:?}");
            }
        }
    }

    /// Asserts that no straight run of an edge across a column passes through a box of that column.
    fn assert_edges_pass_boxes_by(geometry: &Geometry, options: &LayoutOptions) {
        let layers = geometry.nodes.iter().map(|n| n.layer + 1).max().unwrap_or(0);
        let mut boxes = vec![Vec::new(); layers];
        for n in &geometry.nodes {
            boxes[n.layer].push((n.y, n.y + n.height));
        }
        for e in &geometry.edges {
            for pair in e.points.windows(2) {
                let ((x0, y0), (x1, y1)) = (pair[0], pair[1]);
                if y0 != y1 || x1 <= x0 {
                    continue;
                }
                for (l, column) in boxes.iter().enumerate() {
                    let left = options.column_left(l);
                    if x0 <= left && left + options.node_width <= x1 {
                        assert!(
                            column.iter().all(|&(top, bottom)| y0 <= top || bottom <= y0),
                            "{e:?} crosses layer {l}"
                        );
                    }
                }
            }
        }
    }

    /// Asserts that `geometry` draws every dependency of `p`, a plan without cycles, from left to right.
    fn assert_dependencies_drawn_left_to_right(p: &Plan, geometry: &Geometry) {
        let graph = PlanGraph::new(p);
        assert_eq!(geometry.edges.len(), graph.deps.iter().map(Vec::len).sum::<usize>());
        for e in &geometry.edges {
            let (from, to) = (&geometry.nodes[e.from], &geometry.nodes[e.to]);
            assert!(graph.deps[graph.index_of(&to.id).unwrap()].contains(&graph.index_of(&from.id).unwrap()));
            assert!(from.layer < to.layer, "{} is not left of {}", from.id, to.id);
            assert!(e.points.windows(2).all(|w| w[0].0 < w[1].0));
        }
    }

    fn assert_edges_touch_boxes(geometry: &Geometry) {
        for e in &geometry.edges {
            let (from, to) = (&geometry.nodes[e.from], &geometry.nodes[e.to]);
            let (first, last) = (e.points[0], e.points[e.points.len() - 1]);
            assert_eq!(first, (from.x + from.width, from.y + from.height / 2.0));
            assert_eq!(last, (to.x, to.y + to.height / 2.0));
            assert!(e.d.starts_with('M'));
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn any_plan_lays_out_without_overlap_deterministically(p in any_plan()) {
            let options = LayoutOptions::default();
            let geometry = layout(&p, &options);
            assert_no_overlap(&geometry, &options);
            let graph = PlanGraph::new(&p);
            prop_assert_eq!(geometry.nodes.len(), graph.len());
            prop_assert!(geometry.nodes.windows(2).all(|w| w[0].index < w[1].index));
            let edge_count: usize = graph.deps.iter().map(Vec::len).sum();
            prop_assert_eq!(geometry.edges.len(), edge_count);
            prop_assert_eq!(&geometry, &layout(&p, &options));
        }

        #[test]
        fn dag_edges_point_to_later_layers(p in any_dag()) {
            let options = LayoutOptions::default();
            let geometry = layout(&p, &options);
            for e in &geometry.edges {
                prop_assert!(geometry.nodes[e.from].layer < geometry.nodes[e.to].layer);
                prop_assert!(e.points.windows(2).all(|w| w[0].0 < w[1].0));
            }
            assert_edges_touch_boxes(&geometry);
            assert_no_overlap(&geometry, &options);
            let naive = test_support::naive_layered(&p);
            prop_assert!(geometry.crossings() <= count_crossings(&naive.layers, &naive.edges));
            let g = test_support::layered(&p);
            prop_assert_eq!(geometry.crossings(), count_crossings(&ordering::minimise(&g), &g.edges));
        }
    }

    #[test]
    fn far_fewer_crossings_than_the_naive_drawing() {
        // Plans shaped like the benchmark's: tasks depend on up to three of the 20 tasks before them.
        let mut rng = SplitMix64::new(23);
        let (mut ours, mut naive_total) = (0, 0);
        for round in 0..12 {
            let p = test_support::random_plan(&mut rng, 20 + round * 25, 3, 20);
            let crossings = layout(&p, &LayoutOptions::default()).crossings();
            let naive = test_support::naive_layered(&p);
            let naive_crossings = count_crossings(&naive.layers, &naive.edges);
            assert!(crossings <= naive_crossings, "round {round}: {crossings} > {naive_crossings}");
            ours += crossings;
            naive_total += naive_crossings;
        }
        assert!(ours * 8 < naive_total, "{ours} crossings, naive {naive_total}");
    }

    /// The plan of tasks `T0..` where task `i` depends on `deps(i)`, listed last task first.
    fn reversed_plan(n: usize, deps: impl Fn(usize) -> Vec<usize>) -> Plan {
        plan(
            (0..n)
                .rev()
                .map(|i| {
                    let ids: Vec<String> = deps(i).iter().map(|d| format!("T{d}")).collect();
                    Task::new(&format!("T{i}"), "", &ids.iter().map(String::as_str).collect::<Vec<_>>())
                })
                .collect(),
        )
    }

    /// Lays `p` out within a generous time in a debug build; asserts the drawing is valid.
    fn valid_layout_in_time(p: &Plan) -> Geometry {
        let options = LayoutOptions::default();
        let start = std::time::Instant::now();
        let geometry = layout(p, &options);
        assert!(start.elapsed().as_secs_f64() < 2.0, "{} tasks took {:?}", p.tasks.len(), start.elapsed());
        assert_dependencies_drawn_left_to_right(p, &geometry);
        assert_edges_touch_boxes(&geometry);
        assert_edges_pass_boxes_by(&geometry, &options);
        assert_no_overlap(&geometry, &options);
        geometry
    }

    #[test]
    fn hub_and_sink_chains_are_laid_out_quickly_with_their_long_edges_over_a_channel() {
        for n in [300, 400] {
            // Every task also depends on the first, or the last one on every other.
            let hub = reversed_plan(n, |i| if i < 2 { (0..i).collect() } else { vec![i - 1, 0] });
            let sink =
                reversed_plan(n, |i| if i + 1 == n { (0..i).collect() } else { (i.saturating_sub(1)..i).collect() });
            for p in [hub, sink] {
                let geometry = valid_layout_in_time(&p);
                // Through virtual nodes, the n - 2 long edges would pass n²/2 layers.
                let points: usize = geometry.edges.iter().map(|e| e.points.len()).sum();
                assert!(points < 10 * geometry.edges.len(), "{points} points");
            }
        }
    }

    #[test]
    fn a_fan_out_with_one_fan_in_is_laid_out_quickly() {
        for n in [300, 500] {
            let p = reversed_plan(n, |i| if i + 1 == n { (1..i).collect() } else { (0..i.min(1)).collect() });
            let geometry = valid_layout_in_time(&p);
            let layers: Vec<usize> = geometry.nodes.iter().map(|node| node.layer).collect();
            assert_eq!(layers.iter().max(), Some(&2));
            // Root, fan, fan-in: three columns, and no edge crosses another.
            assert_eq!(geometry.crossings(), 0);
        }
    }

    #[test]
    fn empty_plan_gives_an_empty_margin_sized_drawing() {
        let geometry = layout(&Plan::default(), &LayoutOptions::default());
        assert!(geometry.nodes.is_empty() && geometry.edges.is_empty());
        assert_eq!((geometry.width, geometry.height), (40.0, 40.0));
        assert_eq!(geometry.crossings(), 0);
    }

    #[test]
    fn crossed_plan_order_is_untangled() {
        // Plan order puts C (after B) above D (after A): one crossing unless reordered.
        let p = plan(vec![
            Task::new("A", "a", &[]),
            Task::new("B", "b", &[]),
            Task::new("C", "c", &["B"]),
            Task::new("D", "d", &["A"]),
            Task::new("E", "e", &["C"]),
            Task::new("F", "f", &["D"]),
        ]);
        let g = test_support::layered(&p);
        assert!(count_crossings(&g.layers, &g.edges) > 0);
        let geometry = layout(&p, &LayoutOptions::default());
        assert_eq!(geometry.crossings(), 0);
        // Chains are drawn as straight lines.
        assert!(geometry.edges.iter().all(|e| e.points[0].1 == e.points[1].1));
    }

    #[test]
    fn single_chain_and_sizes() {
        let options = LayoutOptions::default();
        let p = plan(vec![Task::new("A", "a", &[]), Task::new("B", "b", &["A"])]);
        let geometry = layout(&p, &options);
        assert_eq!(geometry.width, 20.0 + 190.0 + 70.0 + 190.0 + 20.0);
        assert_eq!(geometry.height, 20.0 + 58.0 + 20.0);
        assert_eq!((geometry.nodes[1].x, geometry.nodes[1].y), (280.0, 20.0));
        assert_eq!(geometry.edges[0].d, "M210,49 L280,49");
    }

    #[test]
    fn cycles_are_drawn_without_panicking() {
        let p = plan(vec![
            Task::new("A", "a", &["C"]),
            Task::new("B", "b", &["A"]),
            Task::new("C", "c", &["B"]),
            Task::new("D", "d", &["D", "A"]),
        ]);
        let geometry = layout(&p, &LayoutOptions::default());
        let layers: Vec<usize> = geometry.nodes.iter().map(|n| n.layer).collect();
        assert_eq!(layers, vec![0, 1, 2, 1]);
        let back = geometry.edges.iter().find(|e| (e.from, e.to) == (2, 0)).expect("back edge drawn");
        assert_eq!(back.points.len(), 2);
        assert!(back.points[1].0 < back.points[0].0);
    }

    #[test]
    fn duplicate_ids_keep_plan_indices() {
        let p = plan(vec![Task::new("A", "a", &[]), Task::new("A", "dup", &[]), Task::new("B", "b", &["A"])]);
        let geometry = layout(&p, &LayoutOptions::default());
        let indices: Vec<usize> = geometry.nodes.iter().map(|n| n.index).collect();
        assert_eq!(indices, vec![0, 2]);
        assert_eq!((geometry.edges[0].from, geometry.edges[0].to), (0, 2));
    }
}
