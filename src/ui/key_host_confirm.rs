//! Asks whether credentials held back when the base URL moved to another server may go there
//! (`data-testid="key-host-confirm"`); until the user answers, they are sent nowhere.

use leptos::prelude::*;

use crate::app::credentials::{forget_held_credentials, send_held_credentials};
use crate::app::state::AppState;
use crate::llm::credential_scope::origin;

/// The question, shown while credentials are held back.
#[component]
pub fn KeyHostConfirm() -> impl IntoView {
    let state = expect_context::<AppState>();
    move || {
        let held = state.held_credentials.get()?;
        let from = held.origin.clone().unwrap_or_else(|| "the previous base URL".into());
        let to = state.settings.with(|s| origin(&s.base_url)).unwrap_or_else(|| "the new base URL".into());
        Some(view! {
            <div class="key-host-confirm" role="alert" data-testid="key-host-confirm">
                <p>{format!("Held back {}, entered for {from}: the base URL now points at {to}.", held.what())}</p>
                <div class="row">
                    <button data-testid="key-host-send" on:click=move |_| send_held_credentials(state)>
                        {format!("Send to {to}")}
                    </button>
                    <button data-testid="key-host-forget" on:click=move |_| forget_held_credentials(state)>"Forget"</button>
                </div>
            </div>
        })
    }
}
