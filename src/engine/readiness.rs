//! When a pending task may start: one rule, read either from a run's bookkeeping
//! ([`Run::is_ready`]) or from a plan and the task states a page holds ([`is_ready_in_plan`]).

use super::run::Run;
use super::state::{TaskState, TaskStatus};

/// The rule: a task may start when it is pending, not waiting out a retry backoff, and its gates are
/// open (every dependency done, and its parent, if it has one, opened).
pub fn may_start(state: &TaskState, gates_open: bool) -> bool {
    state.status == TaskStatus::Pending && !state.retry_wait && gates_open
}

/// Whether a task in `state` may start, for a view that holds task states but no [`Run`]: given the
/// statuses of the tasks it depends on and of its parent, if it has one (a task not in the plan yet
/// counts as pending).
pub fn is_ready_in_plan(
    state: &TaskState,
    dependencies: impl IntoIterator<Item = TaskStatus>,
    parent: Option<TaskStatus>,
) -> bool {
    let dependencies_done = dependencies.into_iter().all(TaskStatus::is_done);
    may_start(state, dependencies_done && parent.is_none_or(TaskStatus::lets_subtasks_start))
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
    use TaskStatus::{Blocked, Completed, Failed, Pending, Running, Skipped};

    #[test]
    fn a_pending_task_is_ready_once_its_dependencies_are_done_and_its_parent_opened() {
        let pending = TaskState::default();
        let ready = |deps: &[TaskStatus], parent| is_ready_in_plan(&pending, deps.iter().copied(), parent);
        assert!(ready(&[], None));
        assert!(ready(&[Completed, Skipped], Some(Running)));
        assert!(ready(&[Completed], Some(Failed)), "a parent failed by another subtask was opened");
        assert!(!ready(&[Completed, Running], None));
        assert!(!ready(&[Completed], Some(Pending)), "the parent has not been opened");
        assert!(!ready(&[Completed], Some(Blocked)), "the parent never will be");
        let waiting = TaskState { retry_wait: true, ..TaskState::default() };
        assert!(!is_ready_in_plan(&waiting, [Completed], None), "waiting out a backoff");
        let running = TaskState { status: Running, ..TaskState::default() };
        assert!(!is_ready_in_plan(&running, [], None));
    }
}
