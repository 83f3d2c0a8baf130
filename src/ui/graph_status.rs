//! Where the graph reads the task states it shows: the one place that decides which states the boxes,
//! the far-out view and the minimap draw (today the live run's; a view "as of" another moment swaps its
//! source here).

use std::collections::HashMap;

use leptos::prelude::*;

use crate::app::state::AppState;
use crate::engine::TaskState;
use crate::plan::TaskId;

/// The shown state of task `id`, as a signal of its own: a change to one task notifies only its readers.
pub fn shown_state(state: &AppState, id: &str) -> ArcSignal<TaskState> {
    state.tasks.cell(id).read_only().into()
}

/// Reads the shown states of every task (views that draw them all), tracking them.
pub fn with_shown_states<R>(state: &AppState, f: impl FnOnce(&HashMap<TaskId, TaskState>) -> R) -> R {
    state.tasks.with(f)
}
