//! When a pending task may start: one rule, read either from a run's bookkeeping
//! ([`Run::is_ready`]) or from a plan and the task states a page holds ([`is_ready_in_plan`]).

use super::run::Run;
use super::state::{TaskState, TaskStatus};
use crate::plan::Task;

/// The rule: a task may start when it is pending, not waiting out a retry backoff, and its gates are
/// open (every dependency done, and its parent, if it has one, opened).
pub fn may_start(state: &TaskState, gates_open: bool) -> bool {
    state.status == TaskStatus::Pending && !state.retry_wait && gates_open
}

/// Whether `task` (in `state`) may start, for a view that holds the plan and task states but no
/// [`Run`]: `status_of` gives any task's status by id (a task not in the plan yet counts as pending).
/// Reads only the task's dependencies and parent.
pub fn is_ready_in_plan(task: &Task, state: &TaskState, status_of: impl Fn(&str) -> TaskStatus) -> bool {
    let dependencies_done = task.depends_on.iter().filter(|d| **d != task.id).all(|d| status_of(d).is_done());
    let parent_opened = task.parent.as_deref().is_none_or(|p| status_of(p).lets_subtasks_start());
    may_start(state, dependencies_done && parent_opened)
}

impl Run {
    /// Whether task `id` may start as soon as a slot is free: pending, not waiting out a retry
    /// backoff, its dependencies done and its parent opened. False for an unknown id.
    pub fn is_ready(&self, id: &str) -> bool {
        self.topo.index_of(id).is_some_and(|i| self.can_start(i))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status_of<'a>(pairs: &'a [(&'a str, TaskStatus)]) -> impl Fn(&str) -> TaskStatus + 'a {
        move |id| pairs.iter().find(|(k, _)| *k == id).map_or(TaskStatus::Pending, |(_, s)| *s)
    }

    #[test]
    fn a_pending_task_is_ready_once_its_dependencies_are_done_and_its_parent_opened() {
        let task = Task { parent: Some("P".into()), ..Task::new("B", "b", &["A", "B"]) };
        let pending = TaskState::default();
        let ready = |pairs: &[(&str, TaskStatus)]| is_ready_in_plan(&task, &pending, status_of(pairs));
        assert!(ready(&[("A", TaskStatus::Completed), ("P", TaskStatus::Running)]), "a self-dependency is ignored");
        assert!(ready(&[("A", TaskStatus::Skipped), ("P", TaskStatus::Failed)]), "a failed parent was opened");
        assert!(!ready(&[("A", TaskStatus::Running), ("P", TaskStatus::Running)]));
        assert!(!ready(&[("A", TaskStatus::Completed)]), "the parent has not been opened");
        assert!(!ready(&[("A", TaskStatus::Completed), ("P", TaskStatus::Blocked)]));
        assert!(!ready(&[("P", TaskStatus::Running)]), "a dependency not in the plan yet is not done");
        let waiting = TaskState { retry_wait: true, ..TaskState::default() };
        let done = status_of(&[("A", TaskStatus::Completed), ("P", TaskStatus::Running)]);
        assert!(!is_ready_in_plan(&task, &waiting, &done), "waiting out a backoff");
        let running = TaskState { status: TaskStatus::Running, ..TaskState::default() };
        assert!(!is_ready_in_plan(&task, &running, &done));
    }
}
