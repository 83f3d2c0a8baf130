//! Test helpers: random plans and the layered graph the pipeline builds from them.

use super::proper::LayeredGraph;
use crate::engine::rng::SplitMix64;
use crate::plan::graph::PlanGraph;
use crate::plan::{Plan, Task};

/// A plan of `n` tasks `T0..`; task `i` depends on up to `max_deps` random tasks among the `window` before it.
pub(crate) fn random_plan(rng: &mut SplitMix64, n: usize, max_deps: usize, window: usize) -> Plan {
    let tasks = (0..n)
        .map(|i| {
            let ids: Vec<String> = if i == 0 {
                Vec::new()
            } else {
                let count = rng.next_u64() as usize % (max_deps + 1);
                (0..count).map(|_| format!("T{}", i - 1 - rng.next_u64() as usize % i.min(window))).collect()
            };
            let deps: Vec<&str> = ids.iter().map(String::as_str).collect();
            Task::new(&format!("T{i}"), "", &deps)
        })
        .collect();
    Plan { tasks, critical_path: vec![] }
}

/// The proper layered graph the layout pipeline builds for `plan`, which must have every edge in it
/// (no channels: test plans are small).
pub(crate) fn layered(plan: &Plan) -> LayeredGraph {
    let layered = super::layered(&PlanGraph::new(plan));
    assert!(layered.channelled.is_empty(), "a test plan exceeds the budget of virtual nodes");
    layered.g
}

/// The naive proper layered graph of `plan`: longest-path layers, each in plan order (`layers`).
#[cfg(not(target_arch = "wasm32"))] // used by the native-only tests
pub(crate) fn naive_layered(plan: &Plan) -> LayeredGraph {
    use super::acyclic::split_cycles;
    use super::layering::longest_path;

    let graph = PlanGraph::new(plan);
    let edges = split_cycles(&graph);
    LayeredGraph::new(&longest_path(graph.len(), &edges.forward), &edges.forward)
}
