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
    // A new workflow or run status: back to the live view, and the log is read again.
    Effect::new(move |_| {
        state.workflow_id.track();
        state.run_status.track();
        if state.run_status.get_untracked() != RunStatus::Idle {
            load_log(state, |_| {});
        }
    });
    Effect::new(move |_| {
        state.workflow_id.track();
        leave(state);
    });
    // From the live view, the log is read afresh before the user moves (a running run grows it).
    let refresh = move || {
        if travel.position.get_untracked().is_none() {
            load_log(state, |_| {});
        }
    };
    let value = move || travel.position.get().unwrap_or_else(|| travel.len.get()).to_string();
    view! {
        <Show when=move || (travel.len.get() > 0) || travel.position.get().is_some()>
            <div class="panel time-travel" class:past=move || travel.position.get().is_some() data-testid="time-travel">
                <button data-testid="time-step-back" title="One change back" aria-label="One change back"
                    on:click=move |_| step(state, -1)>"◀"</button>
                <button data-testid="time-play" on:click=move |_| toggle_play(state)
                    title="Replay the recorded changes up to the live view">
                    {move || if travel.playing.get() { "Pause" } else { "Play" }}
                </button>
                <button data-testid="time-step-forward" title="One change forward" aria-label="One change forward"
                    disabled=move || travel.position.get().is_none() on:click=move |_| step(state, 1)>"▶"</button>
                <input type="range" data-testid="time-scrubber" min="0" aria-label="Moment of the run shown"
                    max=move || travel.len.get().to_string() prop:value=value
                    on:pointerdown=move |_| refresh() on:focus=move |_| refresh()
                    on:input=move |ev| {
                        travel.playing.set(false);
                        if let Ok(k) = event_target_value(&ev).parse::<usize>() {
                            travel_to(state, k);
                        }
                    }/>
                <span class="counts" data-testid="time-caption">{move || travel.caption()}</span>
                <Show when=move || travel.position.get().is_some()>
                    <button data-testid="time-live" on:click=move |_| leave(state)>"Back to live"</button>
                </Show>
            </div>
        </Show>
    }
}
