//! Task states as the page sees them: one map for totals, and one signal per task so a change to one
//! task redraws only that task's node. While the user looks at a past moment of the run (time
//! travel), the board shows that moment and keeps the live states aside until it shows them again.

use std::collections::HashMap;

use leptos::prelude::*;

use crate::engine::TaskState;
use crate::plan::TaskId;

/// The task states of the shown run, kept twice: a map for views that summarise every task (progress,
/// totals, timeline) and a signal per task for views of one task (graph nodes). Every view reads the
/// *shown* state of a task here — the live one, or the one of the moment the time-travel scrubber
/// points at — so it needs no other accessor.
#[derive(Clone, Copy)]
pub struct TaskBoard {
    all: RwSignal<HashMap<TaskId, TaskState>>,
    cells: StoredValue<HashMap<TaskId, ArcRwSignal<TaskState>>, LocalStorage>,
    /// The live states while a past moment is shown (`None`: the live states are shown).
    live: StoredValue<Option<HashMap<TaskId, TaskState>>, LocalStorage>,
}

impl Default for TaskBoard {
    fn default() -> Self {
        TaskBoard {
            all: RwSignal::new(HashMap::new()),
            cells: StoredValue::new_local(HashMap::new()),
            live: StoredValue::new_local(None),
        }
    }
}

impl TaskBoard {
    /// Reads every task state, tracking the whole map.
    pub fn with<R>(&self, f: impl FnOnce(&HashMap<TaskId, TaskState>) -> R) -> R {
        self.all.with(f)
    }

    /// A copy of every task state, untracked.
    pub fn get_untracked(&self) -> HashMap<TaskId, TaskState> {
        self.all.get_untracked()
    }

    /// The signal of task `id`'s state (pending until the task has a state). It lives as long as the board.
    pub fn cell(&self, id: &str) -> ArcRwSignal<TaskState> {
        if let Some(cell) = self.cells.with_value(|cells| cells.get(id).cloned()) {
            return cell;
        }
        let initial = self.all.with_untracked(|all| all.get(id).cloned().unwrap_or_default());
        let cell = ArcRwSignal::new(initial);
        self.cells.update_value(|cells| {
            cells.insert(id.to_string(), cell.clone());
        });
        cell
    }

    /// Makes the board hold exactly `states` (a run's tasks), notifying only the tasks whose state
    /// changed (ignored after unmount). While a past moment is shown, the live states are replaced.
    pub fn sync<'a>(&self, states: impl IntoIterator<Item = (&'a TaskId, &'a TaskState)>) {
        let states: Vec<_> = states.into_iter().collect();
        if self.is_showing_past() {
            let live = states.into_iter().map(|(id, s)| (id.clone(), s.clone())).collect();
            self.live.set_value(Some(live));
            return;
        }
        self.show(states);
    }

    /// True while a past moment is shown instead of the live states.
    pub fn is_showing_past(&self) -> bool {
        self.live.try_with_value(Option::is_some).unwrap_or(false)
    }

    /// Shows `states` (a past moment: tasks left out are pending) and keeps the live states aside.
    pub fn show_past(&self, states: &[(TaskId, TaskState)]) {
        if !self.is_showing_past() {
            let Some(live) = self.all.try_get_untracked() else { return };
            self.live.set_value(Some(live));
        }
        self.show(states.iter().map(|(id, s)| (id, s)).collect());
    }

    /// Shows the live states again (after [`TaskBoard::show_past`]).
    pub fn show_live(&self) {
        if let Some(Some(live)) = self.live.try_update_value(Option::take) {
            self.show(live.iter().collect());
        }
    }

    /// Makes the shown states exactly `states`, notifying only the tasks whose state changed.
    fn show(&self, states: Vec<(&TaskId, &TaskState)>) {
        let Some((changed, removed)) = self.all.try_with_untracked(|all| {
            let changed: Vec<_> = states
                .iter()
                .filter(|(id, s)| all.get(*id) != Some(*s))
                .map(|(id, s)| ((*id).clone(), (*s).clone()))
                .collect();
            let kept = states.len() - changed.iter().filter(|(id, _)| !all.contains_key(id)).count();
            let removed: Vec<TaskId> = if kept < all.len() {
                let present: std::collections::HashSet<&TaskId> = states.iter().map(|(id, _)| *id).collect();
                all.keys().filter(|id| !present.contains(id)).cloned().collect()
            } else {
                Vec::new()
            };
            (changed, removed)
        }) else {
            return;
        };
        self.apply(changed, removed);
    }

    /// Sets the state of one task (its live state, while a past moment is shown).
    pub fn set(&self, id: TaskId, state: TaskState) {
        if self.is_showing_past() {
            let _ = self.live.try_update_value(|live| {
                live.get_or_insert_with(HashMap::new).insert(id, state);
            });
            return;
        }
        if self.all.try_with_untracked(|all| all.get(&id) != Some(&state)) == Some(true) {
            self.apply(vec![(id, state)], Vec::new());
        }
    }

    fn apply(&self, changed: Vec<(TaskId, TaskState)>, removed: Vec<TaskId>) {
        if changed.is_empty() && removed.is_empty() {
            return;
        }
        self.cells.with_value(|cells| {
            for (id, s) in &changed {
                if let Some(cell) = cells.get(id) {
                    cell.set(s.clone());
                }
            }
            for id in &removed {
                if let Some(cell) = cells.get(id) {
                    cell.set(TaskState::default());
                }
            }
        });
        self.all.update(|all| {
            for id in &removed {
                all.remove(id);
            }
            all.extend(changed);
        });
    }

    /// Forgets every task state (a new plan or a new run), and any past moment shown.
    pub fn clear(&self) {
        let _ = self.live.try_set_value(None);
        if self.all.with_untracked(HashMap::is_empty) {
            return;
        }
        let removed = self.all.with_untracked(|all| all.keys().cloned().collect());
        self.apply(Vec::new(), removed);
    }
}
