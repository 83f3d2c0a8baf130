//! The Run button and the progress summary.

use leptos::prelude::*;

use crate::app::actions::start_run;
use crate::app::state::{AppState, Phase};
use crate::engine::Progress;
use crate::plan::validate::has_errors;

/// Run button, progress bar and counts.
#[component]
pub fn RunBar() -> impl IntoView {
    let state = expect_context::<AppState>();
    let progress = Memo::new(move |_| {
        let total = state.plan.with(|p| p.as_ref().map_or(0, |p| p.tasks.len()));
        state.tasks.with(|tasks| Progress::count(total, tasks.values()))
    });
    let can_run = move || {
        state.plan.with(Option::is_some)
            && !state.issues.with(|i| has_errors(i))
            && matches!(state.phase.get(), Phase::Ready | Phase::Finished)
    };
    let label = move || match state.phase.get() {
        Phase::Running => "Running…",
        Phase::Finished => "Run again",
        _ => "Run",
    };
    view! {
        <div class="panel run-bar">
            <button class="primary" data-testid="run-button" disabled=move || !can_run() on:click=move |_| start_run(state)>
                {label}
            </button>
            <div class="progress" role="progressbar" aria-label="Run progress"
                aria-valuemin="0" aria-valuemax="100" aria-valuenow=move || format!("{:.0}", progress.get().percent_done())>
                <div class="progress-fill" style:width=move || format!("{:.1}%", progress.get().percent_done())></div>
            </div>
            <span class="counts" data-testid="run-counts">
                {move || {
                    let p = progress.get();
                    format!("{} / {} done · {} running · {} failed · {} blocked", p.completed, p.total, p.running, p.failed, p.blocked)
                }}
            </span>
        </div>
    }
}
