//! The history of workflows: list, open, duplicate, delete, export, retention, clear all.

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::actions::{new_workflow_id, open_saved, stop_driver};
use super::download::download;
use super::state::{AppState, HistoryItem};
use crate::engine::{Progress, RunStatus};
use crate::store::indexed_db::Store;
use crate::store::record::SCHEMA_VERSION;
use crate::store::retention::expired;

fn store_of(state: &AppState) -> Option<Store> {
    state.store.try_get_value().flatten()
}

/// Quiet time before a requested history refresh runs; requests within it are merged, so a burst
/// of status changes (a resume, a run starting) reads storage once.
const REFRESH_QUIET_MS: u32 = 250;

/// Reloads the history list from storage (applying the retention setting first), shortly.
pub fn refresh_history(state: AppState) {
    let Some(store) = store_of(&state) else { return };
    let generation = state.history_generation.get_value().wrapping_add(1);
    state.history_generation.set_value(generation);
    spawn_local(async move {
        gloo_timers::future::TimeoutFuture::new(REFRESH_QUIET_MS).await;
        if state.history_generation.try_get_value() != Some(generation) {
            return; // a later request supersedes this one
        }
        let (mut workflows, problems) = match store.workflows().await {
            Ok(found) => found,
            Err(e) => return state.error(e.to_string()),
        };
        let Some(days) = state.retention_days.try_get_untracked() else { return };
        for id in expired(&workflows, js_sys::Date::now(), days) {
            if let Err(e) = store.delete_workflow(&id).await {
                state.error(e.to_string());
            }
        }
        workflows.retain(|w| !expired(std::slice::from_ref(w), js_sys::Date::now(), days).contains(&w.id));
        let mut items = Vec::with_capacity(workflows.len());
        for w in workflows {
            let (tasks, _) = store.tasks(&w.id).await.unwrap_or_default();
            let progress = Progress::count(w.plan.tasks.len(), tasks.iter().map(|t| &t.state));
            let forked_from = w.forked_from;
            items.push(HistoryItem {
                id: w.id,
                goal: w.goal,
                status: w.status,
                progress,
                updated_ms: w.updated_ms,
                forked_from,
            });
        }
        let _ = state.history.try_set(items);
        if !problems.is_empty() {
            state.error(format!("Some saved workflows were skipped: {}", problems.join("; ")));
        }
    });
}

/// Loads the recorded calls of task `task_id` of the shown workflow into the inspector.
pub fn load_calls(state: AppState, task_id: String) {
    let (Some(store), Some(workflow_id)) = (store_of(&state), state.workflow_id.get_untracked()) else {
        return state.selected_calls.set(Vec::new());
    };
    spawn_local(async move {
        let calls = store.calls(&workflow_id).await.unwrap_or_default();
        let _ = state.selected_calls.try_set(calls.into_iter().filter(|c| c.task_id == task_id).collect());
    });
}

/// Opens workflow `id` (resuming it if it was running). Not inlined: the history, a fork and a
/// comparison share one copy.
#[inline(never)]
pub fn open_workflow(state: AppState, id: String) {
    let Some(store) = store_of(&state) else { return };
    stop_driver(&state);
    spawn_local(async move {
        if let Err(e) = store.set_current(&id).await {
            return state.error(e.to_string());
        }
        open_saved(state, &store, &id).await;
    });
}

/// Copies workflow `id`'s goal and plan into a new workflow that has not run yet.
pub fn duplicate_workflow(state: AppState, id: String) {
    let Some(store) = store_of(&state) else { return };
    spawn_local(async move {
        let Ok(Some(mut record)) = store.workflow(&id).await else {
            return state.error("That workflow could not be read.");
        };
        let now = js_sys::Date::now();
        record.id = new_workflow_id(now);
        record.forked_from = None;
        record.status = RunStatus::Idle;
        record.created_ms = now;
        record.updated_ms = now;
        record.replans.clear();
        record.schema_version = SCHEMA_VERSION;
        if let Err(e) = store.put_workflow(&record).await {
            return state.error(e.to_string());
        }
        stop_driver(&state);
        open_saved(state, &store, &record.id).await;
        refresh_history(state);
    });
}

/// Deletes workflow `id` with its tasks, events and calls (stopping it first if it is shown).
pub fn delete_workflow(state: AppState, id: String) {
    let Some(store) = store_of(&state) else { return };
    if state.workflow_id.get_untracked().as_deref() == Some(id.as_str()) {
        stop_driver(&state);
        state.workflow_id.set(None);
    }
    spawn_local(async move {
        match store.delete_workflow(&id).await {
            Ok(()) => state.info("Workflow deleted."),
            Err(e) => state.error(e.to_string()),
        }
        refresh_history(state);
    });
}

/// Downloads workflow `id`'s plan as JSON (no settings, no key: the record holds none).
pub fn export_workflow(state: AppState, id: String) {
    let Some(store) = store_of(&state) else { return };
    spawn_local(async move {
        match store.workflow(&id).await {
            Ok(Some(record)) => {
                let name = format!("planwright-plan-{}.json", record.id);
                if let Err(e) = download(&name, "application/json", &record.plan.to_json_pretty()) {
                    state.error(e.to_string());
                }
            }
            _ => state.error("That workflow could not be read."),
        }
    });
}

/// Deletes every workflow after the user confirms.
pub fn clear_all(state: AppState) {
    let confirmed = web_sys::window()
        .and_then(|w| {
            w.confirm_with_message("Delete every saved workflow and its results? This cannot be undone.").ok()
        })
        .unwrap_or(false);
    if !confirmed {
        return;
    }
    let Some(store) = store_of(&state) else { return };
    stop_driver(&state);
    spawn_local(async move {
        let ids: Vec<String> =
            state.history.try_get_untracked().unwrap_or_default().into_iter().map(|h| h.id).collect();
        for id in ids {
            if let Err(e) = store.delete_workflow(&id).await {
                state.error(e.to_string());
            }
        }
        state.info("Every saved workflow was deleted.");
        refresh_history(state);
    });
}
