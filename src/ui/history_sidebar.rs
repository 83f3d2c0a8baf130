//! The sidebar of saved workflows: forks listed under their parents, each comparable with another run.

use leptos::prelude::*;

use super::reactive::effect;
use crate::app::compare::compare_workflows;
use crate::app::history::{
    clear_all, delete_workflow, duplicate_workflow, export_workflow, open_workflow, refresh_history,
};
use crate::app::settings_storage::save_retention;
use crate::app::state::AppState;
use crate::engine::Progress;
use crate::store::family::family_order;

/// Past and current workflows with open, duplicate, delete and export; retention and clear all.
#[component]
pub fn HistorySidebar() -> impl IntoView {
    let state = expect_context::<AppState>();
    // Refresh when the shown workflow or its status changes, and once the store is open.
    effect(move |_| {
        state.workflow_id.track();
        state.run_status.track();
        state.phase.track();
        refresh_history(state);
    });
    let items = move || {
        let items = state.history.get();
        let order =
            family_order(items.iter().map(|i| (i.id.as_str(), i.forked_from.as_ref().map(|f| f.workflow_id.as_str()))));
        order
            .into_iter()
            .map(|(index, depth)| {
                let item = items[index].clone();
                let current = state.workflow_id.with(|w| w.as_deref() == Some(item.id.as_str()));
                let (open_id, dup_id, del_id, exp_id) = (item.id.clone(), item.id.clone(), item.id.clone(), item.id.clone());
                let date = js_sys::Date::new(&item.updated_ms.into()).to_locale_string("default", &wasm_bindgen::JsValue::UNDEFINED);
                // The shown workflow's line follows the live run rather than the last write.
                let (status, p) = if current {
                    let total = state.plan.with(|p| p.as_ref().map_or(0, |p| p.tasks.len()));
                    (state.run_status.get(), state.tasks.with(|t| Progress::count(total, t.values())))
                } else {
                    (item.status, item.progress)
                };
                // A fork says where it came from and compares itself with its parent.
                let fork = item.forked_from.clone().map(|origin| {
                    let (left, right) = (origin.workflow_id.clone(), item.id.clone());
                    view! {
                        <div class="history-meta" data-testid="history-forked-from">
                            {format!("forked from {} at {}", origin.workflow_id, origin.task_id)}
                        </div>
                        <button data-testid="compare-button" on:click=move |_| compare_workflows(state, left.clone(), right.clone())
                            title="Compare this fork with its parent, task by task">"Compare with parent"</button>
                    }
                });
                let compare_shown = (!current).then(|| {
                    let other = item.id.clone();
                    view! {
                        <button data-testid="compare-shown-button" title="Compare this run with the one shown, task by task"
                            on:click=move |_| {
                                if let Some(shown) = state.workflow_id.get_untracked() {
                                    compare_workflows(state, other.clone(), shown);
                                }
                            }>"Compare with shown"</button>
                    }
                });
                view! {
                    <li class="history-item" class:current=current class:fork=(depth > 0) data-testid="history-item"
                        data-workflow-id=item.id.clone() style:margin-left=format!("{}rem", depth.min(4))>
                        <button class="link history-goal" on:click=move |_| open_workflow(state, open_id.clone()) title="Open">{item.goal.clone()}</button>
                        <div class="history-meta">
                            {format!("{} · {}/{} done{} · {}", status.as_str(), p.completed + p.skipped, p.total,
                                if p.failed + p.blocked > 0 { format!(", {} failed/blocked", p.failed + p.blocked) } else { String::new() },
                                String::from(date))}
                        </div>
                        {fork}
                        <div class="row">
                            <button data-testid="history-duplicate" on:click=move |_| duplicate_workflow(state, dup_id.clone())>"Duplicate"</button>
                            <button data-testid="history-export" on:click=move |_| export_workflow(state, exp_id.clone())>"Export"</button>
                            <button data-testid="history-delete" on:click=move |_| delete_workflow(state, del_id.clone())>"Delete"</button>
                            {compare_shown}
                        </div>
                    </li>
                }
            })
            .collect_view()
    };
    view! {
        <details class="panel history" data-testid="history" open=true>
            <summary>"History"</summary>
            <ul class="history-list">{items}</ul>
            <label for="retention">"Delete finished workflows after (days, 0 = never)"</label>
            <input id="retention" data-testid="retention-input" type="number" min="0" max="3650"
                prop:value=move || state.retention_days.get().to_string()
                on:change=move |ev| {
                    if let Ok(days) = event_target_value(&ev).trim().parse::<u32>() {
                        state.retention_days.set(days.min(3650));
                        save_retention(&state);
                        refresh_history(state);
                    }
                }/>
            <div class="row"><button data-testid="history-clear" on:click=move |_| clear_all(state)>"Clear all…"</button></div>
        </details>
    }
}
