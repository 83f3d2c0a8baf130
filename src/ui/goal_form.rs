//! Goal input, template picker and the Plan button.

use leptos::prelude::*;

use crate::app::actions::request_plan;
use crate::app::state::{AppState, Phase};
use crate::llm::template::Template;

/// The goal form. Enter (without Shift) or the button asks for a plan.
#[component]
pub fn GoalForm() -> impl IntoView {
    let state = expect_context::<AppState>();
    let busy = move || matches!(state.phase.get(), Phase::Planning | Phase::Running | Phase::Loading);
    let on_template = move |ev: leptos::ev::Event| {
        let template = Template::from_key(&event_target_value(&ev));
        state.template.set(template);
        if let (Some(t), true) = (template, state.goal.get_untracked().trim().is_empty()) {
            state.goal.set(t.example_goal().to_string());
        }
    };
    view! {
        <form class="panel goal-form" on:submit=move |ev| { ev.prevent_default(); request_plan(state); }>
            <label for="goal">"Goal"</label>
            <textarea
                id="goal"
                data-testid="goal-input"
                rows="3"
                placeholder="e.g. Write a briefing on the state of solid-state batteries for EVs"
                prop:value=move || state.goal.get()
                on:input=move |ev| state.goal.set(event_target_value(&ev))
                on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                    if ev.key() == "Enter" && !ev.shift_key() {
                        ev.prevent_default();
                        if !busy() { request_plan(state); }
                    }
                }
            ></textarea>
            <label for="template">"Template"</label>
            <select id="template" data-testid="template-select" on:change=on_template>
                <option value="auto">"Detect from the goal"</option>
                {Template::ALL.into_iter().map(|t| view! { <option value=t.key()>{t.label()}</option> }).collect_view()}
            </select>
            <button type="submit" class="primary" data-testid="plan-button" disabled=busy>
                {move || if state.phase.get() == Phase::Planning { "Planning…" } else { "Plan" }}
            </button>
        </form>
    }
}
