//! The **Trace** button: the shown run as an OpenTelemetry trace file (`<run>.otlp.json`).

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::download::download;
use super::state::AppState;
use crate::otlp::export_from_store;

/// Downloads the shown workflow's run as OTLP/JSON, read from its checkpoints.
pub fn export_trace(state: AppState) {
    let (Some(store), Some(id)) = (state.store.try_get_value().flatten(), state.workflow_id.get_untracked()) else {
        return state.error("There is no saved run to export yet.");
    };
    spawn_local(async move {
        let saved = match export_from_store(&store, &id).await {
            Ok(text) => download(&format!("{id}.otlp.json"), "application/json", &text).map_err(|e| e.to_string()),
            Err(e) => Err(e.to_string()),
        };
        if let Err(message) = saved {
            state.error(message);
        }
    });
}
