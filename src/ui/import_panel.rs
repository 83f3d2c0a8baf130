//! Paste a plan as JSON, or copy the current one.

use leptos::prelude::*;

use crate::app::actions::import_plan;
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
            <summary>"Import / export plan JSON"</summary>
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
        </details>
    }
}
