//! The message banner for errors and information.

use leptos::prelude::*;

use crate::app::state::AppState;

/// Shows the current notice with a dismiss button.
#[component]
pub fn NoticeBanner() -> impl IntoView {
    let state = expect_context::<AppState>();
    move || {
        state.notice.get().map(|notice| {
            let class = if notice.is_error { "notice notice-error" } else { "notice notice-info" };
            view! {
                <div class=class role=if notice.is_error { "alert" } else { "status" } data-testid="notice">
                    <span>{notice.text}</span>
                    <button class="dismiss" aria-label="Dismiss message" on:click=move |_| state.notice.set(None)>"×"</button>
                </div>
            }
        })
    }
}
