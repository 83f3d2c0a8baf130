//! Comparing two saved runs side by side: both are read from the store, compared by the engine's
//! rule, and the right one is shown on the graph with the differing tasks marked.

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::history::open_workflow;
use super::state::AppState;
use crate::driver::restore::load_workflow;
use crate::engine::compare::{compare_runs, RunComparison};

/// A comparison on the page.
#[derive(Debug, Clone, PartialEq)]
pub struct ShownComparison {
    /// The left run's workflow id.
    pub left_id: String,
    /// The right run's workflow id (the one shown on the graph).
    pub right_id: String,
    /// The rows.
    pub comparison: RunComparison,
}

/// Compares workflow `left_id` with `right_id`, showing the right one; runs of different plan
/// shapes get a message saying what differs.
pub fn compare_workflows(state: AppState, left_id: String, right_id: String) {
    let Some(store) = state.store.get_value() else { return };
    spawn_local(async move {
        let (left, right) = match (load_workflow(&store, &left_id).await, load_workflow(&store, &right_id).await) {
            (Ok(Some(left)), Ok(Some(right))) => (left, right),
            (Err(e), _) | (_, Err(e)) => return state.error(e.to_string()),
            _ => return state.error("One of the runs to compare is no longer stored."),
        };
        let compared = compare_runs((&left.record.plan, &left.states), (&right.record.plan, &right.states));
        let comparison = match compared {
            Ok(comparison) => comparison,
            Err(why) => return state.error(format!("These runs cannot be compared: {why}.")),
        };
        if state.workflow_id.get_untracked().as_deref() != Some(right_id.as_str()) {
            open_workflow(state, right_id.clone());
        }
        let differing = comparison.differing.len();
        let _ = state.comparison.try_set(Some(ShownComparison { left_id, right_id, comparison }));
        state.info(format!("{differing} task(s) differ (marked on the graph)."));
    });
}

/// Closes the comparison.
pub fn close_comparison(state: AppState) {
    state.comparison.set(None);
}
