//! The list of validation errors and warnings.

use leptos::prelude::*;

use crate::app::state::AppState;
use crate::plan::validate::Severity;

/// Errors (which block the run) and warnings of the current plan.
#[component]
pub fn ValidationList() -> impl IntoView {
    let state = expect_context::<AppState>();
    view! {
        <ul class="validation" data-testid="validation-issues" aria-label="Validation issues">
            {move || {
                state.issues.get().into_iter().map(|issue| {
                    let (class, label) = match issue.severity {
                        Severity::Error => ("issue issue-error", "Error"),
                        Severity::Warning => ("issue issue-warning", "Warning"),
                    };
                    view! { <li class=class><strong>{label}": "</strong>{issue.message}</li> }
                }).collect_view()
            }}
        </ul>
    }
}
