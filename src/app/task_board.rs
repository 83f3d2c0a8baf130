//! Task states as the page sees them: one map for totals, and one signal per task so a change to one
//! task redraws only that task's node.

use std::collections::HashMap;

use leptos::prelude::*;

use crate::engine::TaskState;
use crate::plan::TaskId;

/// The task states of the shown run, kept twice: a map for views that summarise every task (progress,
/// totals, timeline) and a signal per task for views of one task (graph nodes).
#[derive(Clone, Copy)]
pub struct TaskBoard {
    all: RwSignal<HashMap<TaskId, TaskState>>,
    cells: StoredValue<HashMap<TaskId, ArcRwSignal<TaskState>>, LocalStorage>,
}

impl Default for TaskBoard {
    fn default() -> Self {
        TaskBoard { all: RwSignal::new(HashMap::new()), cells: StoredValue::new_local(HashMap::new()) }
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
    /// changed (ignored after unmount).
    pub fn sync<'a>(&self, states: impl IntoIterator<Item = (&'a TaskId, &'a TaskState)>) {
        let states: Vec<_> = states.into_iter().collect();
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

    /// Sets the state of one task.
    pub fn set(&self, id: TaskId, state: TaskState) {
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

    /// Forgets every task state (a new plan or a new run).
    pub fn clear(&self) {
        if self.all.with_untracked(HashMap::is_empty) {
            return;
        }
        let removed = self.all.with_untracked(|all| all.keys().cloned().collect());
        self.apply(Vec::new(), removed);
    }
}
