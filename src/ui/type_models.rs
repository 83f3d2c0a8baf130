//! The model per task type in the run settings: a cheap model for research and data, a strong one
//! for writing and review, say. Blank fields use the provider's model.

use leptos::prelude::*;

use crate::app::state::AppState;
use crate::plan::task_type::TaskType;

/// One model field per task type (`data-testid="type-model-<type>"`).
#[component]
pub fn TypeModels() -> impl IntoView {
    let state = expect_context::<AppState>();
    view! {
        <h3 class="subhead">"Model per task type"</h3>
        <p class="hint">"Blank: the provider's model. A task's own model (inspector, before the run) comes first."</p>
        <div class="grid-2" data-testid="type-models">
            {TaskType::ALL.map(|t| {
                let key = t.key();
                let id = format!("type-model-{key}");
                view! {
                    <div>
                        <label for=id.clone()>{key}</label>
                        <input id=id.clone() data-testid=id type="text" placeholder=move || state.settings.with(|s| s.model.clone())
                            prop:value=move || state.settings.with(|s| s.type_models.get(t).to_string())
                            on:change=move |ev| state.settings.update(|s| s.type_models.set(t, &event_target_value(&ev)))/>
                    </div>
                }
            }).collect_view()}
        </div>
    }
}
