//! Layout benchmark: `cargo run --release --example layout_bench`.
//!
//! On seeded random DAGs of 50, 200 and 1,000 tasks it times [`layout`] (network-simplex layers,
//! barycenter sweeps and sifting, Brandes–Köpf coordinates) and counts the edge crossings of its drawing,
//! beside a naive layering of the same graphs (longest-path layers, plan order, no crossing reduction)
//! and beside the `rust-sugiyama` crate (default configuration: network-simplex ranking, barycenter
//! sweeps with transposition, Brandes–Köpf coordinates).
//!
//! # How crossings are counted
//!
//! All three drawings are reduced to the same thing: straight segments between two adjacent layer
//! lines. Two segments in the same gap cross when their end points come in strictly opposite orders on
//! the two lines; segments sharing an end point (or whose end points tie) do not cross. An edge spanning
//! several layers contributes one segment per gap it passes through, so long edges count in every gap.
//!
//! - **layout**: the polylines of [`Geometry::edges`]; a long edge bends at a virtual node in every
//!   column it passes. Every left-to-right piece of a polyline is a segment (the gap is the pair of its
//!   x coordinates), so this is exactly [`Geometry::crossings`], which the benchmark asserts.
//! - **naive**: longest-path layers, one virtual node per layer a long edge passes, each layer in plan
//!   order (tasks by index, then virtual nodes by edge); a node's coordinate is its slot. This equals
//!   [`count_crossings`] of that layered graph, which the benchmark also asserts.
//! - **rust-sugiyama**: its public API returns the coordinates of the tasks only (its virtual nodes are
//!   dropped from the output), so an edge is drawn as a straight line between the centres of its two
//!   tasks, as a caller of the crate draws it. A layer is one y value of a connected component (the
//!   crate lays components out separately, side by side); where an edge passes a layer, its point is the
//!   line's x at that layer's y, and it is ordered by x among the other end points in that gap.
//!
//! Times are wall-clock medians of [`RUNS`] calls in the release profile (which optimises for size,
//! `opt-level = "z"`, for both crates alike): for `layout` the whole call from a [`Plan`] to boxes and SVG
//! paths; for rust-sugiyama `from_vertices_and_edges` from prepared vertex and edge slices.
//!
//! # Shapes
//!
//! Then it times `layout` alone on plans of other shapes, [`SHAPE_SEEDS`] seeds each, with the plan
//! order shuffled by the seed (see [`SHAPES`]): the random DAGs above, a chain whose every task also
//! depends on the first ("hub chain") or whose last task depends on every other ("sink chain"), a
//! fan-out with one fan-in, a long chain, a layered DAG and a wide shallow one. Each drawing is checked
//! (every dependency in an earlier column, its edge touching both boxes, no two boxes overlapping).
//!
//! # Targets
//!
//! At 1,000 tasks (medians): under 50 ms and faster than rust-sugiyama; no more crossings than
//! rust-sugiyama and at most a fifth of the naive drawing's. Every shape: under 100 ms up to 1,000 tasks,
//! under 1 s up to 10,000. The benchmark exits with status 1 when it misses one.

use std::collections::BTreeMap;
use std::process::ExitCode;
use std::time::Instant;

use planwright::engine::rng::SplitMix64;
use planwright::layout::{count_crossings, layout, Geometry, LayoutOptions};
use planwright::plan::{Plan, Task};
use rust_sugiyama::configure::Config;

/// Base seed of every random draw in the benchmark.
const SEED: u64 = 0x1A70_B0D5;
/// Graph sizes (task counts) and how many random DAGs of each size.
const SIZES: [(usize, usize); 3] = [(50, 10), (200, 10), (1_000, 5)];
/// Timed calls per graph and layouter (the median is reported).
const RUNS: usize = 5;
/// Each task that is not a source depends on `1..=MAX_DEPS` earlier tasks (uniform: ~2 on average).
const MAX_DEPS: usize = 3;
/// Probability that a dependency is one of the `near_window(n)` tasks just before the task.
const P_NEAR: f64 = 0.9;
/// Otherwise it is one of the `FAR_FACTOR * near_window(n)` tasks before it.
const FAR_FACTOR: usize = 4;

/// A generated DAG: a plan whose tasks depend only on earlier ones.
struct Dag {
    /// The plan of tasks `T0..` (in index order unless shuffled).
    plan: Plan,
    /// `deps[i]`: distinct indices task `i` depends on, all smaller than `i`, in plan order.
    deps: Vec<Vec<usize>>,
}

impl Dag {
    /// Every edge `(dependency, dependent)`, by dependent and then in dependency order (the order in
    /// which the layout pipeline meets them).
    fn edges(&self) -> Vec<(usize, usize)> {
        self.deps.iter().enumerate().flat_map(|(i, ds)| ds.iter().map(move |&d| (d, i))).collect()
    }
}

/// How far back "nearby" dependencies reach: about `2 √n`, at least 8.
fn near_window(n: usize) -> usize {
    ((2.0 * (n as f64).sqrt()).round() as usize).max(8)
}

/// A random DAG of `n` tasks: ~2 dependencies per task, mostly on tasks shortly before it.
fn random_dag(n: usize, rng: &mut SplitMix64) -> Dag {
    let deps = random_deps(n, rng);
    let order: Vec<usize> = (0..n).collect();
    dag(deps, &order)
}

/// The dependencies of [`random_dag`]'s tasks.
///
/// Sources are the first task and, each with probability 1/2, the next `near_window(n) / 4 - 1` tasks:
/// a plan starts with a few independent tasks, and a source deep in plan order would sit in layer 0
/// and send a very long edge to its dependents.
fn random_deps(n: usize, rng: &mut SplitMix64) -> Vec<Vec<usize>> {
    let near = near_window(n);
    let mut deps: Vec<Vec<usize>> = Vec::with_capacity(n);
    for i in 0..n {
        let mut mine = Vec::new();
        let source = i == 0 || (i < near / 4 && rng.next_u64().is_multiple_of(2));
        if !source {
            for _ in 0..1 + rng.next_u64() as usize % MAX_DEPS {
                let reach = if rng.next_f64() < P_NEAR { near } else { FAR_FACTOR * near };
                let d = i - 1 - rng.next_u64() as usize % reach.min(i);
                if !mine.contains(&d) {
                    mine.push(d);
                }
            }
        }
        deps.push(mine);
    }
    deps
}

/// The DAG of tasks `T0..` with dependencies `deps`, listed in the plan in `order` (of task indices).
fn dag(deps: Vec<Vec<usize>>, order: &[usize]) -> Dag {
    let tasks = order
        .iter()
        .map(|&i| {
            let ids: Vec<String> = deps[i].iter().map(|d| format!("T{d}")).collect();
            let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
            Task::new(&format!("T{i}"), &format!("Task {i}"), &refs)
        })
        .collect();
    Dag { plan: Plan { tasks, critical_path: Vec::new() }, deps }
}

/// A straight segment of a drawing between two adjacent layer lines: `(gap, start, end)`, where `gap`
/// identifies the pair of lines and `start`, `end` are the coordinates along them.
type Segment = ((u64, u64), f64, f64);

/// Crossings among `segments`: pairs in the same gap whose end points are in strictly opposite orders.
fn segment_crossings(segments: impl IntoIterator<Item = Segment>) -> usize {
    let mut gaps: BTreeMap<(u64, u64), Vec<(f64, f64)>> = BTreeMap::new();
    for (gap, start, end) in segments {
        gaps.entry(gap).or_default().push((start, end));
    }
    gaps.values()
        .map(|s| {
            let mut count = 0;
            for (k, a) in s.iter().enumerate() {
                count += s[k + 1..].iter().filter(|b| (a.0 < b.0 && a.1 > b.1) || (a.0 > b.0 && a.1 < b.1)).count();
            }
            count
        })
        .sum()
}

/// Segments of the layout's drawing: every left-to-right piece of every edge polyline, keyed by its
/// two x coordinates.
fn layout_segments(geometry: &Geometry) -> Vec<Segment> {
    let mut segments = Vec::new();
    for edge in &geometry.edges {
        for pair in edge.points.windows(2) {
            let ((x0, y0), (x1, y1)) = (pair[0], pair[1]);
            if x1 > x0 {
                segments.push(((x0.to_bits(), x1.to_bits()), y0, y1));
            }
        }
    }
    segments
}

/// The naive drawing: longest-path layers with a virtual node wherever a long edge passes a layer, each
/// layer in plan order (tasks by index, then virtual nodes in edge order).
struct Naive {
    /// Node ids of each layer, top to bottom; ids from `n` on are virtual.
    layers: Vec<Vec<usize>>,
    /// Edges between adjacent layers, `(upper, lower)`.
    edges: Vec<(usize, usize)>,
}

impl Naive {
    /// Lays out `dag` naively.
    fn new(dag: &Dag) -> Self {
        let n = dag.deps.len();
        let mut layer = vec![0usize; n];
        for (i, ds) in dag.deps.iter().enumerate() {
            layer[i] = ds.iter().map(|&d| layer[d] + 1).max().unwrap_or(0);
        }
        let mut edges = Vec::new();
        for (from, to) in dag.edges() {
            let mut last = from;
            for l in layer[from] + 1..layer[to] {
                let v = layer.len();
                layer.push(l);
                edges.push((last, v));
                last = v;
            }
            edges.push((last, to));
        }
        let mut layers = vec![Vec::new(); layer.iter().max().map_or(0, |&m| m + 1)];
        for (v, &l) in layer.iter().enumerate() {
            layers[l].push(v);
        }
        Naive { layers, edges }
    }

    /// Segments of the naive drawing: a node's coordinate is its slot in its layer.
    fn segments(&self) -> Vec<Segment> {
        let mut place = vec![(0u64, 0.0); self.layers.iter().map(Vec::len).sum()];
        for (l, layer) in self.layers.iter().enumerate() {
            for (slot, &v) in layer.iter().enumerate() {
                place[v] = (l as u64, slot as f64);
            }
        }
        self.edges
            .iter()
            .map(|&(a, b)| {
                let ((la, pa), (lb, pb)) = (place[a], place[b]);
                ((la, lb), pa, pb)
            })
            .collect()
    }

    /// Number of virtual nodes.
    fn virtual_nodes(&self, n: usize) -> usize {
        self.layers.iter().map(Vec::len).sum::<usize>() - n
    }
}

/// rust-sugiyama's vertices: `(id, (width, height))`.
type SugiyamaVertices = Vec<(u32, (f64, f64))>;

/// rust-sugiyama's input for `dag`: every task with size zero (the configured spacing still separates
/// them) and every edge `(dependency, dependent)`.
fn sugiyama_input(dag: &Dag) -> (SugiyamaVertices, Vec<(u32, u32)>) {
    let vertices = (0..dag.deps.len() as u32).map(|v| (v, (0.0, 0.0))).collect();
    let edges = dag.edges().into_iter().map(|(a, b)| (a as u32, b as u32)).collect();
    (vertices, edges)
}

/// The laid-out components rust-sugiyama returns: task coordinates, width and height of each.
type SugiyamaLayouts = Vec<(Vec<(usize, (f64, f64))>, f64, f64)>;

/// Segments of rust-sugiyama's drawing with every edge a straight line between its tasks' centres; also
/// the number of layers of its tallest component.
fn sugiyama_segments(dag: &Dag, layouts: &SugiyamaLayouts) -> (Vec<Segment>, usize) {
    let n = dag.deps.len();
    // Component, layer within it, and (x, y) of every task.
    let mut place = vec![None; n];
    let mut layer_ys: Vec<Vec<f64>> = Vec::new();
    for (c, (coords, _, _)) in layouts.iter().enumerate() {
        let mut ys: Vec<f64> = coords.iter().map(|(_, (_, y))| *y).collect();
        ys.sort_by(f64::total_cmp);
        ys.dedup();
        for &(v, (x, y)) in coords {
            let l = ys.partition_point(|&other| other < y);
            place[v] = Some((c, l, x, y));
        }
        layer_ys.push(ys);
    }
    let mut segments = Vec::new();
    for (a, b) in dag.edges() {
        let (Some(pa), Some(pb)) = (place[a], place[b]) else { panic!("rust-sugiyama dropped a task") };
        assert_eq!(pa.0, pb.0, "an edge joins two components");
        assert_ne!(pa.1, pb.1, "an edge within one layer");
        let (upper, lower) = if pa.1 < pb.1 { (pa, pb) } else { (pb, pa) };
        let (c, ys) = (upper.0, &layer_ys[upper.0]);
        let x_at = |l: usize| upper.2 + (lower.2 - upper.2) * (ys[l] - upper.3) / (lower.3 - upper.3);
        for l in upper.1..lower.1 {
            let start = if l == upper.1 { upper.2 } else { x_at(l) };
            let end = if l + 1 == lower.1 { lower.2 } else { x_at(l + 1) };
            segments.push((((c as u64) << 32 | l as u64, 0), start, end));
        }
    }
    (segments, layer_ys.iter().map(Vec::len).max().unwrap_or(0))
}

/// Median wall-clock milliseconds of `RUNS` calls of `f`, and the last call's result.
fn timed<T>(mut f: impl FnMut() -> T) -> (f64, T) {
    let mut times = Vec::with_capacity(RUNS);
    let mut result = None;
    for _ in 0..RUNS {
        let start = Instant::now();
        let r = f();
        times.push(start.elapsed().as_secs_f64() * 1e3);
        result = Some(r);
    }
    (median(&times), result.expect("RUNS > 0"))
}

/// Median of `values` (mean of the middle two for an even count).
fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let m = sorted.len() / 2;
    if sorted.len() % 2 == 1 {
        sorted[m]
    } else {
        (sorted[m - 1] + sorted[m]) / 2.0
    }
}

/// Results for one graph.
struct Row {
    /// Dependency edges.
    edges: usize,
    /// Layers of the layout's drawing.
    layers: usize,
    /// Layers passed by the layout's long edges (its virtual nodes).
    virtual_nodes: usize,
    /// Layers of the naive drawing (longest path).
    naive_layers: usize,
    /// Virtual nodes of the naive drawing.
    naive_virtual: usize,
    /// Median milliseconds of `layout()`.
    ms: f64,
    /// Crossings of the layout's drawing.
    crossings: usize,
    /// Crossings of the naive drawing.
    naive_crossings: usize,
    /// Layers of rust-sugiyama's tallest component.
    sugiyama_layers: usize,
    /// Layers passed by rust-sugiyama's long edges (its virtual nodes).
    sugiyama_virtual: usize,
    /// Median milliseconds of rust-sugiyama.
    sugiyama_ms: f64,
    /// Crossings of rust-sugiyama's drawing (straight edges).
    sugiyama_crossings: usize,
}

/// Lays out `dag` all three ways and counts.
fn measure(dag: &Dag) -> Row {
    let options = LayoutOptions::default();
    let (ms, geometry) = timed(|| layout(&dag.plan, &options));
    let crossings = segment_crossings(layout_segments(&geometry));
    assert_eq!(crossings, geometry.crossings(), "segment count differs from Geometry::crossings");

    let naive = Naive::new(dag);
    let naive_crossings = segment_crossings(naive.segments());
    assert_eq!(naive_crossings, count_crossings(&naive.layers, &naive.edges), "naive counts differ");
    assert!(crossings <= naive_crossings, "layout() draws more crossings than the naive drawing");
    let layer = |i: usize| geometry.nodes[i].layer;
    let layers = geometry.nodes.iter().map(|node| node.layer + 1).max().unwrap_or(0);
    let virtual_nodes = dag.edges().iter().map(|&(a, b)| layer(b) - layer(a) - 1).sum();

    let (vertices, edges) = sugiyama_input(dag);
    let config = Config::default();
    let (sugiyama_ms, layouts) = timed(|| rust_sugiyama::from_vertices_and_edges(&vertices, &edges, &config));
    let (segments, sugiyama_layers) = sugiyama_segments(dag, &layouts);
    Row {
        sugiyama_virtual: segments.len() - edges.len(),
        edges: edges.len(),
        layers,
        virtual_nodes,
        naive_layers: naive.layers.len(),
        naive_virtual: naive.virtual_nodes(dag.deps.len()),
        ms,
        crossings,
        naive_crossings,
        sugiyama_layers,
        sugiyama_ms,
        sugiyama_crossings: segment_crossings(segments),
    }
}

/// Median of one column of `rows`.
fn column(rows: &[Row], f: impl Fn(&Row) -> f64) -> f64 {
    median(&rows.iter().map(f).collect::<Vec<_>>())
}

/// `✓` when `ok`, else `✗`.
fn mark(ok: bool) -> &'static str {
    if ok {
        "✓"
    } else {
        "✗"
    }
}

/// Seeds per shape and size.
const SHAPE_SEEDS: u64 = 3;
/// Milliseconds allowed for a shape of up to 1,000 tasks.
const TARGET_MS_1000: f64 = 100.0;
/// Milliseconds allowed for a shape of up to 10,000 tasks.
const TARGET_MS_10000: f64 = 1_000.0;

/// A shape of plan.
struct Shape {
    /// Name in the output.
    name: &'static str,
    /// Task counts it is measured at.
    sizes: &'static [usize],
    /// Dependencies of its `n` tasks (indices of earlier tasks), drawn from the generator where random.
    deps: fn(usize, &mut SplitMix64) -> Vec<Vec<usize>>,
}

/// The shapes measured.
const SHAPES: [Shape; 7] = [
    Shape { name: "random", sizes: &[1_000, 10_000], deps: random_deps },
    Shape { name: "hub_chain", sizes: &[1_000, 10_000], deps: hub_chain },
    Shape { name: "sink_chain", sizes: &[1_000, 10_000], deps: sink_chain },
    Shape { name: "fan", sizes: &[1_000, 10_000], deps: fan },
    Shape { name: "chain", sizes: &[1_000, 5_000, 10_000], deps: chain },
    Shape { name: "layered", sizes: &[1_000, 10_000], deps: layered },
    Shape { name: "wide", sizes: &[1_000, 10_000], deps: wide },
];

/// A chain: every task depends on the one before.
fn chain(n: usize, _: &mut SplitMix64) -> Vec<Vec<usize>> {
    (0..n).map(|i| if i == 0 { vec![] } else { vec![i - 1] }).collect()
}

/// A chain whose every task also depends on the first (a set-up task everything needs).
fn hub_chain(n: usize, _: &mut SplitMix64) -> Vec<Vec<usize>> {
    (0..n).map(|i| if i < 2 { (0..i).collect() } else { vec![i - 1, 0] }).collect()
}

/// A chain whose last task also depends on every other (a final report that needs everything).
fn sink_chain(n: usize, _: &mut SplitMix64) -> Vec<Vec<usize>> {
    (0..n).map(|i| if i + 1 == n { (0..i).collect() } else { (i.saturating_sub(1)..i).collect() }).collect()
}

/// One task, `n - 2` tasks that depend on it alone, and one task that depends on all of those.
fn fan(n: usize, _: &mut SplitMix64) -> Vec<Vec<usize>> {
    (0..n).map(|i| if i + 1 == n { (1..i).collect() } else { (0..i.min(1)).collect() }).collect()
}

/// Layers of about √n tasks (a deep layered DAG); see [`banded`].
fn layered(n: usize, rng: &mut SplitMix64) -> Vec<Vec<usize>> {
    banded(n, ((n as f64).sqrt().round() as usize).max(1), rng)
}

/// Four layers of a quarter of the tasks each (a wide shallow DAG); see [`banded`].
fn wide(n: usize, rng: &mut SplitMix64) -> Vec<Vec<usize>> {
    banded(n, n.div_ceil(4), rng)
}

/// Tasks in bands of `width` by index; each task after the first band depends on 1-3 random tasks of
/// the band before, or (one dependency in ten) of the band two or three before.
fn banded(n: usize, width: usize, rng: &mut SplitMix64) -> Vec<Vec<usize>> {
    (0..n)
        .map(|i| {
            let band = i / width;
            let mut mine = Vec::new();
            if band > 0 {
                for _ in 0..1 + rng.next_u64() % 3 {
                    let back =
                        if rng.next_u64().is_multiple_of(10) { 1 + rng.next_u64() as usize % band.min(3) } else { 1 };
                    let d = (band - back) * width + rng.next_u64() as usize % width;
                    if !mine.contains(&d) {
                        mine.push(d);
                    }
                }
            }
            mine
        })
        .collect()
}

/// The indices `0..n` in a random order.
fn shuffled(n: usize, rng: &mut SplitMix64) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    for i in (1..n).rev() {
        order.swap(i, rng.next_u64() as usize % (i + 1));
    }
    order
}

/// Panics unless `geometry` draws `dag` validly: one box per task and one edge per dependency, each
/// dependency in an earlier column than its dependent, every edge from its dependency box's right-middle
/// to its dependent box's left-middle, and no two boxes of a column overlapping.
fn check_drawing(dag: &Dag, geometry: &Geometry) {
    let id = |task: usize| geometry.nodes[task].id.as_str();
    assert_eq!(geometry.nodes.len(), dag.deps.len(), "one box per task");
    let mut drawn: Vec<(&str, &str)> = geometry.edges.iter().map(|e| (id(e.from), id(e.to))).collect();
    let names: Vec<String> = (0..dag.deps.len()).map(|i| format!("T{i}")).collect();
    let mut expected: Vec<(&str, &str)> =
        dag.edges().iter().map(|&(a, b)| (names[a].as_str(), names[b].as_str())).collect();
    drawn.sort_unstable();
    expected.sort_unstable();
    assert!(drawn == expected, "one edge per dependency");
    for e in &geometry.edges {
        let (from, to) = (&geometry.nodes[e.from], &geometry.nodes[e.to]);
        assert!(from.layer < to.layer, "{} is not left of {}", from.id, to.id);
        assert_eq!(e.points[0], (from.x + from.width, from.y + from.height / 2.0), "edge leaves {}", from.id);
        assert_eq!(e.points[e.points.len() - 1], (to.x, to.y + to.height / 2.0), "edge enters {}", to.id);
    }
    let mut columns: BTreeMap<usize, Vec<(f64, f64)>> = BTreeMap::new();
    for node in &geometry.nodes {
        columns.entry(node.layer).or_default().push((node.y, node.y + node.height));
    }
    for boxes in columns.values_mut() {
        boxes.sort_by(|a, b| a.0.total_cmp(&b.0));
        assert!(boxes.windows(2).all(|w| w[0].1 <= w[1].0), "boxes overlap");
    }
}

/// The worst (largest) median milliseconds of `layout` on `shape` at `n` tasks over its seeds, each
/// drawing checked, and the number of edges of the last seed's plan.
fn measure_shape(k: usize, shape: &Shape, n: usize) -> (f64, usize) {
    let (mut worst, mut edges) = (0.0f64, 0);
    for seed in 0..SHAPE_SEEDS {
        let mut rng = SplitMix64::new(SEED ^ ((n as u64) << 32) ^ ((k as u64) << 16) ^ seed);
        let deps = (shape.deps)(n, &mut rng);
        let order = shuffled(n, &mut rng);
        let dag = dag(deps, &order);
        let (ms, geometry) = timed(|| layout(&dag.plan, &LayoutOptions::default()));
        check_drawing(&dag, &geometry);
        worst = worst.max(ms);
        edges = dag.edges().len();
    }
    (worst, edges)
}

fn main() -> ExitCode {
    let wall = Instant::now();
    println!(
        "layout_bench: seed {SEED:#x}; random DAGs, a task depends on 1-{MAX_DEPS} earlier tasks (a few sources),"
    );
    println!(
        "  {:.0}% of them among the ~2√n before it, the rest among the ~8√n before it; times: median of {RUNS} runs",
        P_NEAR * 100.0
    );
    println!("  crossings between adjacent layers, long edges counted in every gap they pass (see the doc comment)");
    let header = format!(
        "{:>5} {:>5} {:>6} {:>7} {:>8} {:>9} {:>7} {:>7} {:>8} {:>7} {:>7} {:>7} {:>9} {:>9}",
        "graph",
        "edges",
        "layers",
        "virtual",
        "ms",
        "crossings",
        "n_layer",
        "n_virt",
        "naive",
        "naive/x",
        "s_layer",
        "s_virt",
        "s_ms",
        "s_crossing"
    );
    let mut last = Vec::new();
    for &(n, count) in &SIZES {
        println!();
        println!(
            "{n} tasks, {count} graphs (n_ = naive; naive/x = naive crossings / layout crossings; s_ = rust-sugiyama)"
        );
        println!("{header}");
        let mut rows = Vec::with_capacity(count);
        for k in 0..count {
            let mut rng = SplitMix64::new(SEED ^ ((n as u64) << 32) ^ k as u64);
            let row = measure(&random_dag(n, &mut rng));
            println!(
                "{k:>5} {:>5} {:>6} {:>7} {:>8.2} {:>9} {:>7} {:>7} {:>8} {:>7.1} {:>7} {:>7} {:>9.2} {:>9}",
                row.edges,
                row.layers,
                row.virtual_nodes,
                row.ms,
                row.crossings,
                row.naive_layers,
                row.naive_virtual,
                row.naive_crossings,
                row.naive_crossings as f64 / row.crossings.max(1) as f64,
                row.sugiyama_layers,
                row.sugiyama_virtual,
                row.sugiyama_ms,
                row.sugiyama_crossings
            );
            rows.push(row);
        }
        println!(
            "{:>5} {:>5} {:>6} {:>7} {:>8.2} {:>9} {:>7} {:>7} {:>8} {:>7.1} {:>7} {:>7} {:>9.2} {:>9}",
            "med",
            column(&rows, |r| r.edges as f64),
            column(&rows, |r| r.layers as f64),
            column(&rows, |r| r.virtual_nodes as f64),
            column(&rows, |r| r.ms),
            column(&rows, |r| r.crossings as f64),
            column(&rows, |r| r.naive_layers as f64),
            column(&rows, |r| r.naive_virtual as f64),
            column(&rows, |r| r.naive_crossings as f64),
            column(&rows, |r| r.naive_crossings as f64 / r.crossings.max(1) as f64),
            column(&rows, |r| r.sugiyama_layers as f64),
            column(&rows, |r| r.sugiyama_virtual as f64),
            column(&rows, |r| r.sugiyama_ms),
            column(&rows, |r| r.sugiyama_crossings as f64)
        );
        last = rows;
    }
    println!();
    println!("shapes: plan order shuffled; ms = the worst over {SHAPE_SEEDS} seeds of the median of {RUNS} runs");
    println!("{:>10} {:>6} {:>6} {:>8} {:>7}", "shape", "tasks", "edges", "ms", "target");
    // Worst milliseconds up to 1,000 tasks and beyond, and the shape closest to (or furthest past) its target.
    let (mut worst_1000, mut worst_10000, mut worst_shape, mut worst_share) = (0.0f64, 0.0f64, String::new(), 0.0);
    for (k, shape) in SHAPES.iter().enumerate() {
        for &n in shape.sizes {
            let (ms, edges) = measure_shape(k, shape, n);
            let target = if n <= 1_000 { TARGET_MS_1000 } else { TARGET_MS_10000 };
            println!("{:>10} {n:>6} {edges:>6} {ms:>8.2} {:>7}", shape.name, format!("{target} {}", mark(ms < target)));
            if n <= 1_000 {
                worst_1000 = worst_1000.max(ms);
            } else {
                worst_10000 = worst_10000.max(ms);
            }
            if ms / target > worst_share {
                (worst_share, worst_shape) = (ms / target, format!("{}_{n}", shape.name));
            }
        }
    }

    let a = column(&last, |r| r.ms);
    let b = column(&last, |r| r.crossings as f64);
    let c = column(&last, |r| r.naive_crossings as f64);
    let d = column(&last, |r| r.sugiyama_ms);
    let e = column(&last, |r| r.sugiyama_crossings as f64);
    let targets = [a < 50.0, a < d, b <= e, b <= c / 5.0, worst_1000 < TARGET_MS_1000, worst_10000 < TARGET_MS_10000];
    println!();
    println!(
        "targets (1,000 tasks, medians): a < 50 {}  a < d {}  b <= e {}  b <= c/5 {}",
        mark(targets[0]),
        mark(targets[1]),
        mark(targets[2]),
        mark(targets[3])
    );
    println!(
        "targets (shapes, worst): up to 1,000 tasks < {TARGET_MS_1000} ms {}  up to 10,000 < {TARGET_MS_10000} ms {}   ({:.1} s in all)",
        mark(targets[4]),
        mark(targets[5]),
        wall.elapsed().as_secs_f64()
    );
    println!(
        "layout: ms_1000={a:.2} crossings_1000={b} naive_crossings_1000={c} sugiyama_ms_1000={d:.2} sugiyama_crossings_1000={e}"
    );
    println!("layout-shapes: worst_ms_1000={worst_1000:.2} worst_ms_10000={worst_10000:.2} worst_shape={worst_shape}");
    if targets.iter().all(|&met| met) {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
