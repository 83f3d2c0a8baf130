//! The time-travel bar: a scrubber over the shown run's recorded changes with play, step back and
//! step forward. The graph, progress, timeline and inspector show the moment it points at.

use leptos::prelude::*;

use crate::app::state::AppState;
use crate::app::time_travel::{leave, load_log, step, toggle_play, travel_to};
use crate::engine::RunStatus;

/// The scrubber panel (shown once a run has recorded changes).
#[component]
pub fn TimeScrubber() -> impl IntoView {
    let state = expect_context::<AppState>();
    let travel = state.travel;
    // Another workflow: back to the live view. Its log is read again when the run's status changes.
    Effect::new(move |shown: Option<Option<String>>| {
        let id = state.workflow_id.get();
        let status = state.run_status.get();
        if shown.is_some_and(|shown| shown != id) {
            leave(state);
        }
        if status != RunStatus::Idle {
            load_log(state, Box::new(|_| {}));
        }
        id
    });
    // From the live view, the log is read afresh before the user moves (a running run grows it).
    let refresh = move || {
        if travel.position.get_untracked().is_none() {
            load_log(state, Box::new(|_| {}));
        }
    };
    let value = move || travel.position.get().unwrap_or_else(|| travel.len.get()).to_string();
    // Hidden until the run has recorded changes.
    let display = move || if travel.len.get() == 0 && travel.position.get().is_none() { "none" } else { "" };
    view! {
        <div class="panel time-travel" data-testid="time-travel" style:display=display>
            <button data-testid="time-step-back" title="One change back" aria-label="One change back"
                on:click=move |_| step(state, -1)>"◀"</button>
            <button data-testid="time-play" on:click=move |_| toggle_play(state)
                title="Replay the recorded changes up to the live view; press again to pause">"Play"</button>
            <button data-testid="time-step-forward" title="One change forward (the end is the live view)"
                aria-label="One change forward" on:click=move |_| step(state, 1)>"▶"</button>
            <input type="range" data-testid="time-scrubber" min="0" aria-label="Moment of the run shown (the end is live)"
                max=move || travel.len.get().to_string() prop:value=value
                on:pointerdown=move |_| refresh() on:focus=move |_| refresh()
                on:input=move |ev| {
                    travel.playing.set(false);
                    if let Ok(k) = event_target_value(&ev).parse::<usize>() {
                        travel_to(state, k);
                    }
                }/>
            <span class="counts" data-testid="time-caption">{move || travel.caption()}</span>
        </div>
    }
}
