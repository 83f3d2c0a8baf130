//! Paste a plan as JSON, or copy the current one.

use leptos::prelude::*;

use crate::app::actions::import_plan;
use crate::app::share::{copy_plan_json, download_plan, share_link};
use crate::app::state::AppState;

/// Import box and export button.
#[component]
pub fn ImportPanel() -> impl IntoView {
    let state = expect_context::<AppState>();
    let export = move |_| {
        if let Some(plan) = state.plan.get_untracked() {
            state.import_text.set(plan.to_json_pretty());
            state.info("The current plan is in the box below as JSON.");
        }
    };
    view! {
        <details class="panel import">
            <summary>"Import / export / share"</summary>
            <textarea
                data-testid="import-input"
                rows="8"
                placeholder=r#"{"tasks":[{"id":"T1","name":"…","description":"…","depends_on":[]}],"critical_path":["T1"]}"#
                prop:value=move || state.import_text.get()
                on:input=move |ev| state.import_text.set(event_target_value(&ev))
            ></textarea>
            <div class="row">
                <button data-testid="import-button" on:click=move |_| import_plan(state)>"Import"</button>
                <button on:click=export disabled=move || state.plan.with(Option::is_none)>"Show current plan"</button>
            </div>
            <div class="row">
                <button data-testid="share-link-button" disabled=move || state.plan.with(Option::is_none)
                    on:click=move |_| share_link(state) title="A link that carries the plan (never your settings or key)">"Share link"</button>
                <button data-testid="copy-json-button" disabled=move || state.plan.with(Option::is_none)
                    on:click=move |_| copy_plan_json(state)>"Copy JSON"</button>
                <button data-testid="download-json-button" disabled=move || state.plan.with(Option::is_none)
                    on:click=move |_| download_plan(state)>"Download"</button>
            </div>
        </details>
    }
}
