//! What each re-plan removed and added.

use leptos::prelude::*;

use crate::app::state::AppState;

/// The list of re-plans of the current run (hidden while there are none).
#[component]
pub fn ReplanHistory() -> impl IntoView {
    let state = expect_context::<AppState>();
    move || {
        let replans = state.replans.get();
        (!replans.is_empty()).then(|| {
            let items = replans
                .into_iter()
                .map(|r| {
                    let verdict = if r.accepted { "applied" } else { "not applied" };
                    let diff = if r.accepted {
                        format!("removed: {} · added: {}", join_or_none(&r.removed), join_or_none(&r.added))
                    } else {
                        String::new()
                    };
                    view! {
                        <li>
                            <strong>{format!("Re-plan #{} ({verdict})", r.number)}</strong>
                            <div class="replan-note">{r.note}</div>
                            <div class="replan-diff">{diff}</div>
                            <div class="replan-trigger">{format!("after: {}", r.trigger)}</div>
                        </li>
                    }
                })
                .collect_view();
            view! {
                <section class="panel replans" data-testid="replan-history">
                    <h2>"Re-plans"</h2>
                    <ul>{items}</ul>
                </section>
            }
        })
    }
}

fn join_or_none(ids: &[String]) -> String {
    if ids.is_empty() {
        "none".to_string()
    } else {
        ids.join(", ")
    }
}
