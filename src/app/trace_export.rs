//! The **Trace** button: the shown run as an OpenTelemetry trace file (`<run>.otlp.json`).

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::download::download;
use super::state::AppState;
use crate::compute_request::{ComputeAnswer, ComputeRequest};
use crate::otlp::TraceRecords;

/// Downloads the shown workflow's run as OTLP/JSON, read from its checkpoints and written by the
/// app's compute (the page's: the compute worker).
pub fn export_trace(state: AppState) {
    let (Some(store), Some(id)) = (state.store.try_get_value().flatten(), state.workflow_id.get_untracked()) else {
        return state.error("There is no saved run to export yet.");
    };
    let compute = state.env.with_value(|env| env.compute.clone());
    spawn_local(async move {
        let records = match TraceRecords::read(&store, &id).await {
            Ok(records) => records,
            Err(e) => return state.error(e.to_string()),
        };
        let saved = match compute.run(ComputeRequest::Trace(Box::new(records))).await {
            Ok(ComputeAnswer::Trace(text)) => {
                download(&format!("{id}.otlp.json"), "application/json", &text).map_err(|e| e.to_string())
            }
            Ok(_) => Err("the trace could not be exported: the compute worker answered something else".into()),
            Err(e) => Err(format!("the trace could not be exported: {e}")),
        };
        if let Err(message) = saved {
            state.error(message);
        }
    });
}
