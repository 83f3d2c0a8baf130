//! Forking the shown run at a task: the parent is read from the store, the fork is saved as a new
//! workflow that names its parent, then opened and resumed like any saved run — from the store.

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::actions::new_workflow_id;
use super::history::open_workflow;
use super::state::AppState;
use crate::driver::fork::save_fork;
use crate::driver::restore::load_workflow;
use crate::engine::ForkSpec;

/// Forks the shown workflow as `spec` asks and shows the fork running.
pub fn start_fork(state: AppState, spec: ForkSpec) {
    if state.read_only.get_untracked().is_some() {
        return state.error("Another tab runs this workflow: take over first.");
    }
    let (Some(store), Some(parent_id)) = (state.store.get_value(), state.workflow_id.get_untracked()) else {
        return state.error("Forking needs the saved run, and storage is unavailable.");
    };
    spawn_local(async move {
        let parent = match load_workflow(&store, &parent_id).await {
            Ok(Some(parent)) => parent,
            Ok(None) => return state.error("The run to fork is no longer stored."),
            Err(e) => return state.error(e.to_string()),
        };
        let now = js_sys::Date::now();
        match save_fork(&store, &parent, &spec, new_workflow_id(now), now).await {
            Ok((fork, record)) => {
                open_workflow(state, record.id);
                state.info(format!(
                    "Forked at {}: {} result(s) reused; running again: {}.",
                    spec.task,
                    fork.seeded.len(),
                    fork.rerun.join(", ")
                ));
            }
            Err(e) => state.error(e.to_string()),
        }
    });
}
