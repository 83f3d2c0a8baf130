//! Forking the shown run at one task: edit the task's description, type and model, or pin its output,
//! then start a new run that reuses every result the change cannot reach.

use leptos::prelude::*;

use crate::app::fork::start_fork;
use crate::app::state::AppState;
use crate::engine::ForkSpec;
use crate::plan::task_type::TaskType;
use crate::plan::Task;

/// The Fork button of the inspector and, once pressed, its form. `refused` says why the engine
/// refuses a fork here (the button is then disabled with that reason).
#[component]
pub fn ForkForm(task: Task, refused: Option<String>) -> impl IntoView {
    let state = expect_context::<AppState>();
    let description = RwSignal::new(task.description.clone());
    let kind = RwSignal::new(task.kind.clone().unwrap_or_default());
    let model = RwSignal::new(task.model.clone().unwrap_or_default());
    let pinned = RwSignal::new(String::new());
    let id = task.id.clone();
    let start = move |_| {
        let kind = kind.get_untracked();
        let pin = pinned.get_untracked();
        let model = model.get_untracked();
        start_fork(
            state,
            ForkSpec {
                task: id.clone(),
                description: description.get_untracked(),
                kind: (!kind.is_empty()).then_some(kind),
                model: (!model.trim().is_empty()).then(|| model.trim().to_owned()),
                pinned_output: (!pin.trim().is_empty()).then_some(pin),
            },
        );
    };
    let current_kind = task.kind.clone().unwrap_or_default();
    // Refused: a disabled button that says why. Allowed: the button opens the form.
    let disabled = refused
        .map(|why| view! { <button data-testid="fork-button" disabled=true title=why>"Fork from here…"</button> });
    let form = disabled.is_none().then(|| view! {
        <details class="fork-form" data-testid="fork-form">
            <summary data-testid="fork-button" class="button"
                title="Start a new run from this task: results it cannot change are reused; it and its dependents run again">
                "Fork from here…"
            </summary>
            <label for="fork-description">"Description (what the task is asked)"</label>
            <textarea id="fork-description" data-testid="fork-description" rows="3"
                prop:value=task.description.clone()
                on:input=move |ev| description.set(event_target_value(&ev))></textarea>
            <label for="fork-type">"Type"</label>
            <select id="fork-type" data-testid="fork-type" on:change=move |ev| kind.set(event_target_value(&ev))>
                {std::iter::once("").chain(TaskType::ALL.map(TaskType::key)).map(|k| {
                    let label = if k.is_empty() { "untyped" } else { k };
                    view! { <option value=k selected=current_kind == k>{label}</option> }
                }).collect_view()}
            </select>
            <label for="fork-model">"Model (empty: the type's model, else the provider's)"</label>
            <input id="fork-model" data-testid="fork-model" prop:value=task.model.clone().unwrap_or_default()
                on:input=move |ev| model.set(event_target_value(&ev)) />
            <label for="pin-output">"Pin the output (optional: the task is completed with this text and sends no request)"</label>
            <textarea id="pin-output" data-testid="pin-output-input" rows="3"
                on:input=move |ev| pinned.set(event_target_value(&ev))></textarea>
            <button class="primary" data-testid="fork-start" on:click=start>"Start the fork"</button>
        </details>
    });
    view! { {disabled}{form} }
}
