//! Time travel over the shown run's recorded event log (read from IndexedDB): show the run as it
//! stood after any entry, step, play, and go back to the live view. It reads the store and shows
//! states on the task board; it never changes the run or the store.

use std::rc::Rc;

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::state::AppState;
use crate::store::event_log::EventLog;
use crate::store::CheckpointStore;

/// Pause between two steps while playing, in milliseconds.
const PLAY_STEP_MS: u32 = 250;

/// Most steps a replay takes (about 20 s): a longer log is replayed several changes a step.
const PLAY_STEPS: usize = 80;

/// The scrubber's state.
#[derive(Clone, Copy)]
pub struct TimeTravel {
    /// The shown workflow's log as last loaded.
    log: StoredValue<Rc<EventLog>, LocalStorage>,
    /// Entries in the loaded log (the scrubber's end: the live view).
    pub len: RwSignal<usize>,
    /// The entry shown (`None`: the live view).
    pub position: RwSignal<Option<usize>>,
    /// True while playing forward.
    pub playing: RwSignal<bool>,
}

impl Default for TimeTravel {
    fn default() -> Self {
        TimeTravel {
            log: StoredValue::new_local(Rc::new(EventLog::default())),
            len: RwSignal::new(0),
            position: RwSignal::new(None),
            playing: RwSignal::new(false),
        }
    }
}

impl TimeTravel {
    /// The clock of the shown moment: the time of the shown entry, `None` in the live view.
    pub fn shown_time(&self) -> Option<f64> {
        let k = self.position.get()?;
        self.log.with_value(|log| log.time_of(k)).or(Some(0.0))
    }

    /// One line on the shown moment, e.g. `after change 5 of 12: T3 failed`, or `live`.
    pub fn caption(&self) -> String {
        let len = self.len.get();
        match self.position.get() {
            None => format!("live · {len} recorded changes"),
            Some(0) => format!("before the first of {len} changes"),
            Some(k) => {
                let change = self.log.with_value(|log| log.change(k).map(|(id, s)| format!("{id} {}", s.as_str())));
                format!("after change {k} of {len}: {}", change.unwrap_or_default())
            }
        }
    }
}

/// Reads the shown workflow's log from the store, then calls `then` with its length.
pub fn load_log(state: AppState, then: Box<dyn FnOnce(usize)>) {
    let (Some(store), Some(id)) = (state.store.get_value(), state.workflow_id.get_untracked()) else {
        return leave(state);
    };
    spawn_local(async move {
        // Through the store's trait, whose boxed reads are compiled once for every caller.
        let store: &dyn CheckpointStore = &store;
        let events = store.events(&id).await;
        let tasks = store.tasks(&id).await;
        let (Ok(events), Ok((tasks, _))) = (events, tasks) else {
            return state.error("The run's recorded changes could not be read.");
        };
        if state.workflow_id.try_get_untracked().flatten().as_deref() != Some(id.as_str()) {
            return; // another workflow is shown now
        }
        let finals = tasks.into_iter().map(|t| (t.task_id, t.state)).collect();
        let log = EventLog::new(&events, &finals);
        let len = log.len();
        state.travel.log.set_value(Rc::new(log));
        state.travel.len.set(len);
        then(len);
    });
}

/// Shows the run as it stood after entry `k`; the end of the log (or beyond) is the live view.
pub fn travel_to(state: AppState, k: usize) {
    let travel = state.travel;
    if k >= travel.len.get_untracked() {
        return leave(state);
    }
    let states = travel.log.with_value(|log| log.states_after(k));
    state.tasks.show_past(&states);
    travel.position.set(Some(k));
}

/// Moves `delta` entries from the shown one (from the live view: from the end of a fresh log).
pub fn step(state: AppState, delta: isize) {
    match state.travel.position.get_untracked() {
        Some(k) => travel_to(state, k.saturating_add_signed(delta)),
        None if delta < 0 => load_log(state, Box::new(move |len| travel_to(state, len.saturating_add_signed(delta)))),
        None => {}
    }
}

/// Plays the log forward from the shown entry (from the start in the live view) up to the live
/// view, in at most [`PLAY_STEPS`] steps; pressing again pauses.
pub fn toggle_play(state: AppState) {
    let travel = state.travel;
    if travel.playing.get_untracked() {
        return travel.playing.set(false);
    }
    travel.playing.set(true);
    let play = move || {
        spawn_local(async move {
            while travel.playing.try_get_untracked() == Some(true) {
                let Some(k) = travel.position.get_untracked() else { break };
                travel_to(state, k + (travel.len.get_untracked() / PLAY_STEPS).max(1));
                gloo_timers::future::TimeoutFuture::new(PLAY_STEP_MS).await;
            }
            let _ = travel.playing.try_set(false);
        })
    };
    if travel.position.get_untracked().is_none() {
        load_log(
            state,
            Box::new(move |_| {
                travel_to(state, 0);
                play();
            }),
        );
    } else {
        play();
    }
}

/// Back to the live view.
pub fn leave(state: AppState) {
    state.tasks.show_live();
    let _ = state.travel.position.try_set(None);
    let _ = state.travel.playing.try_set(false);
}
