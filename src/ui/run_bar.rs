//! The Run button and the progress summary.

use leptos::prelude::*;

use super::reactive::memo;
use crate::app::actions::{control, start_run, take_over};
use crate::app::editing::can_edit;
use crate::app::state::{AppState, Phase};
use crate::decimal::fixed;
use crate::engine::{eta_ms, Event, Progress, RunStatus, RunTotals};
use crate::plan::validate::has_errors;

/// Run button, progress bar and counts.
#[component]
pub fn RunBar() -> impl IntoView {
    let state = expect_context::<AppState>();
    let progress = memo(move |_| {
        let total = state.plan.with(|p| p.as_ref().map_or(0, |p| p.tasks.len()));
        state.tasks.with(|tasks| Progress::count(total, tasks.values()))
    });
    let can_run = move || {
        state.plan.with(Option::is_some)
            && !state.issues.with(|i| has_errors(i))
            && matches!(state.phase.get(), Phase::Ready | Phase::Finished)
            && state.read_only.with(Option::is_none)
            && state.preview.with(Option::is_none)
    };
    let label = move || match state.phase.get() {
        Phase::Running => "Running…",
        Phase::Finished => "Run again",
        _ if can_edit(&state) => "Approve and run",
        _ => "Run",
    };
    let totals = move || state.tasks.with(|tasks| RunTotals::of(tasks.values()).summary());
    let status = move || state.run_status.get();
    let can_pause = move || status() == RunStatus::Running;
    let can_resume = move || matches!(status(), RunStatus::Paused | RunStatus::Cancelled);
    let can_cancel = move || matches!(status(), RunStatus::Running | RunStatus::Paused);
    view! {
        <div class="panel run-bar">
            <button class="primary" data-testid="run-button" disabled=move || !can_run() on:click=move |_| start_run(state)>
                {label}
            </button>
            <button data-testid="pause-button" disabled=move || !can_pause() on:click=move |_| control(state, Event::Pause)
                title="Running tasks finish; nothing new starts">"Pause"</button>
            <button data-testid="resume-button" disabled=move || !can_resume() on:click=move |_| control(state, Event::Resume)>"Resume"</button>
            <button data-testid="cancel-button" disabled=move || !can_cancel() on:click=move |_| control(state, Event::Cancel)
                title="Abort the requests in flight">"Cancel"</button>
            <span class="run-status" data-testid="run-status">{move || status().as_str()}</span>
            {move || state.waiting.get().map(|reason| view! {
                <span class="read-only" data-testid="run-waiting" title=reason>"Waiting for the API key"</span>
            })}
            {move || state.read_only.get().map(|_| view! {
                <span class="read-only" data-testid="read-only">"Running in another tab (read-only)"</span>
                <button data-testid="take-over-button" on:click=move |_| take_over(state)
                    title="Wait for the other tab to let go, then run the workflow here">"Take over"</button>
            })}
            <div class="progress" role="progressbar" aria-label="Run progress"
                aria-valuemin="0" aria-valuemax="100" aria-valuenow=move || fixed(progress.get().percent_done(), 0)>
                <div class="progress-fill" style:width=move || format!("{}%", fixed(progress.get().percent_done(), 1))></div>
            </div>
            <span class="counts" data-testid="run-totals" title="Tokens, cost and wall time of the run">{totals}</span>
            <span class="counts" data-testid="run-counts">
                {move || {
                    let p = progress.get();
                    if p.total == 0 {
                        return "No plan yet".to_string();
                    }
                    let mut text = format!("{} / {} done · {} running · {} failed · {} blocked", p.completed, p.total, p.running, p.failed, p.blocked);
                    if p.skipped > 0 {
                        text.push_str(&format!(" · {} skipped", p.skipped));
                    }
                    if state.run_status.get() == RunStatus::Running {
                        let parallel = state.run_config.with(|c| c.max_parallel);
                        if let Some(eta) = state.tasks.with(|t| eta_ms(t.values(), p.total, parallel)) {
                            text.push_str(&format!(" · about {} s left", fixed(eta / 1000.0, 0)));
                        }
                    }
                    text
                }}
            </span>
        </div>
    }
}
