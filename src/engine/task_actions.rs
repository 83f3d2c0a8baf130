//! What the user may do with one task (retry, skip, expand into subtasks, edit, fork), decided by one rule
//! from what the engine knows: for a run ([`Run::task_actions`]) or, before a run exists, for a plan
//! and the task states a page holds ([`task_actions_in_plan`]). [`Run::handle`] refuses exactly
//! what the rule refuses.

use super::event::RunStatus;
use super::run::Run;
use super::state::{TaskState, TaskStatus};
use crate::plan::edit::depth_of;
use crate::plan::validate::MAX_DEPTH;
use crate::plan::Plan;

/// What decides the actions allowed on one task.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TaskFacts {
    /// The run's status (`Idle` for a plan that has no run yet).
    pub run_status: RunStatus,
    /// The task's status.
    pub status: TaskStatus,
    /// Attempts started so far.
    pub attempts: u32,
    /// Number of its subtasks (0: a leaf, which is executed itself).
    pub subtasks: usize,
    /// Its subtasks not done yet.
    pub open_subtasks: usize,
    /// Its level in the hierarchy (a top-level task is at 1).
    pub depth: usize,
}

/// Which user actions a task allows now, and why the others are refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskActions {
    /// [`Event::Retry`](super::Event::Retry) is accepted.
    pub retry: bool,
    /// [`Event::Skip`](super::Event::Skip) is accepted.
    pub skip: bool,
    /// [`Event::Expand`](super::Event::Expand) is accepted (given valid subtasks).
    pub expand: bool,
    /// The task's name, description, type and dependencies may be edited (only before it runs).
    pub edit: bool,
    /// A new run may be forked from the task ([`Run::fork`]).
    pub fork: bool,
    /// Why each refused action is refused.
    pub why_not: WhyNot,
}

/// The reason for each refused action (`None` where the action is allowed), for a disabled button's
/// tooltip; [`Run::handle`] refuses with the same words.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct WhyNot {
    /// Why the task cannot be retried.
    pub retry: Option<String>,
    /// Why it cannot be skipped.
    pub skip: Option<String>,
    /// Why it cannot be expanded.
    pub expand: Option<String>,
    /// Why it cannot be edited.
    pub edit: Option<String>,
    /// Why no run can be forked from it.
    pub fork: Option<String>,
}

impl TaskActions {
    /// The rule: what may be done with task `id` given `facts`.
    ///
    /// - retry: a failed task without subtasks (a parent is retried through its failed subtask);
    /// - skip: a task not done yet whose subtasks, if any, are all done;
    /// - expand: a pending task (a task with subtasks is pending until it is opened) above the
    ///   deepest level ([`MAX_DEPTH`]);
    /// - edit: a pending task that never ran, while the run has not started;
    /// - fork: a task without subtasks (it is what gets executed), once the run has stopped
    ///   (finished or cancelled).
    pub fn of(id: &str, facts: &TaskFacts) -> TaskActions {
        let why_not = WhyNot {
            retry: retry_refusal(id, facts.status, facts.subtasks),
            skip: skip_refusal(id, facts.status, facts.open_subtasks),
            expand: expand_refusal(id, facts.status, facts.depth),
            edit: edit_refusal(facts),
            fork: fork_refusal(id, facts.run_status, facts.subtasks),
        };
        TaskActions {
            retry: why_not.retry.is_none(),
            skip: why_not.skip.is_none(),
            expand: why_not.expand.is_none(),
            edit: why_not.edit.is_none(),
            fork: why_not.fork.is_none(),
            why_not,
        }
    }
}

/// Why no run can be forked from task `id` (with `subtasks`) of a run in `run_status`, if none can.
pub(super) fn fork_refusal(id: &str, run_status: RunStatus, subtasks: usize) -> Option<String> {
    if !matches!(run_status, RunStatus::Finished | RunStatus::Cancelled) {
        return Some(format!(
            "a run can be forked once it has stopped (finished or cancelled); this one is {}",
            run_status.as_str()
        ));
    }
    (subtasks > 0).then(|| format!("{id} has subtasks: fork from one of them"))
}

/// Why task `id` (in `status`, with `subtasks`) cannot be retried, if it cannot.
pub(super) fn retry_refusal(id: &str, status: TaskStatus, subtasks: usize) -> Option<String> {
    if status != TaskStatus::Failed {
        return Some(format!("only a failed task can be retried; {id} is {}", status.as_str()));
    }
    (subtasks > 0).then(|| format!("{id} has subtasks: retry the failed subtask instead"))
}

/// Why task `id` (in `status`, with `open_subtasks` not done) cannot be skipped, if it cannot.
pub(super) fn skip_refusal(id: &str, status: TaskStatus, open_subtasks: usize) -> Option<String> {
    if status.is_done() {
        return Some(format!("{id} is already {}", status.as_str()));
    }
    (open_subtasks > 0).then(|| format!("{id} has unfinished subtasks: skip those instead"))
}

/// Why task `id` (in `status`, at level `depth`) cannot be expanded into subtasks, if it cannot
/// (whatever subtasks are offered).
pub(super) fn expand_refusal(id: &str, status: TaskStatus, depth: usize) -> Option<String> {
    if status != TaskStatus::Pending {
        return Some(format!("only a pending task can be expanded; {id} is {}", status.as_str()));
    }
    (depth >= MAX_DEPTH).then(|| {
        format!("expanding {id} would make the plan {} levels deep; at most {MAX_DEPTH} are allowed", depth + 1)
    })
}

/// Why a task cannot be edited, if it cannot.
fn edit_refusal(facts: &TaskFacts) -> Option<String> {
    if facts.run_status != RunStatus::Idle {
        return Some("the plan can only be edited before it runs".into());
    }
    (facts.status != TaskStatus::Pending || facts.attempts > 0)
        .then(|| "only a task that never ran can be edited".into())
}

/// What may be done with task `id` of `plan` when the page has no [`Run`] (a plan being edited, or
/// a run shown from its checkpoints): `state` is the task's state and `status_of` gives any task's
/// status by id (a task without a state is pending). `None` when `plan` has no task `id`.
pub fn task_actions_in_plan(
    plan: &Plan,
    run_status: RunStatus,
    id: &str,
    state: &TaskState,
    status_of: impl Fn(&str) -> TaskStatus,
) -> Option<TaskActions> {
    let depth = depth_of(plan, id)?;
    let (mut subtasks, mut open_subtasks) = (0, 0);
    for child in plan.tasks.iter().filter(|t| t.parent.as_deref() == Some(id) && t.id != id) {
        subtasks += 1;
        open_subtasks += usize::from(!status_of(&child.id).is_done());
    }
    let facts =
        TaskFacts { run_status, status: state.status, attempts: state.attempts, subtasks, open_subtasks, depth };
    Some(TaskActions::of(id, &facts))
}

impl Run {
    /// What may be done with task `id` now; `None` for an unknown id.
    pub fn task_actions(&self, id: &str) -> Option<TaskActions> {
        let i = self.topo.index_of(id)?;
        Some(TaskActions::of(id, &self.task_facts(i)))
    }

    /// What the run knows about task `i` that decides its actions.
    fn task_facts(&self, i: usize) -> TaskFacts {
        TaskFacts {
            run_status: self.status,
            status: self.states[i].status,
            attempts: self.states[i].attempts,
            subtasks: self.topo.children[i].len(),
            open_subtasks: self.open_children[i],
            depth: self.topo.depth(i),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(status: TaskStatus) -> TaskFacts {
        TaskFacts { run_status: RunStatus::Running, status, attempts: 1, subtasks: 0, open_subtasks: 0, depth: 1 }
    }

    #[test]
    fn a_leaf_can_be_retried_only_when_failed_and_skipped_until_done() {
        let failed = TaskActions::of("T1", &facts(TaskStatus::Failed));
        assert!(failed.retry && failed.skip && !failed.expand && !failed.edit);
        let done = TaskActions::of("T1", &facts(TaskStatus::Completed));
        assert!(!done.retry && !done.skip);
        assert_eq!(done.why_not.skip.as_deref(), Some("T1 is already completed"));
        assert_eq!(done.why_not.retry.as_deref(), Some("only a failed task can be retried; T1 is completed"));
        let blocked = TaskActions::of("T1", &facts(TaskStatus::Blocked));
        assert!(!blocked.retry && blocked.skip && !blocked.expand);
        assert_eq!(blocked.why_not.expand.as_deref(), Some("only a pending task can be expanded; T1 is blocked"));
    }

    #[test]
    fn a_task_with_subtasks_is_retried_and_skipped_through_them() {
        let parent = TaskFacts { subtasks: 2, open_subtasks: 1, ..facts(TaskStatus::Failed) };
        let actions = TaskActions::of("P", &parent);
        assert!(!actions.retry && !actions.skip && !actions.expand);
        assert_eq!(actions.why_not.retry.as_deref(), Some("P has subtasks: retry the failed subtask instead"));
        assert_eq!(actions.why_not.skip.as_deref(), Some("P has unfinished subtasks: skip those instead"));
        let all_done = TaskFacts { open_subtasks: 0, ..parent };
        assert!(TaskActions::of("P", &all_done).skip);
    }

    #[test]
    fn only_a_pending_task_above_the_deepest_level_expands_and_only_before_the_run_it_is_edited() {
        let fresh = TaskFacts { run_status: RunStatus::Idle, attempts: 0, ..facts(TaskStatus::Pending) };
        let actions = TaskActions::of("T1", &fresh);
        assert!(actions.expand && actions.edit && actions.skip && !actions.retry);
        assert_eq!(
            actions.why_not,
            WhyNot { retry: actions.why_not.retry.clone(), fork: actions.why_not.fork.clone(), ..WhyNot::default() }
        );
        let deepest = TaskActions::of("T1", &TaskFacts { depth: MAX_DEPTH, ..fresh });
        assert!(!deepest.expand);
        assert!(deepest.why_not.expand.unwrap().contains("5 levels deep; at most 4"));
        let running = TaskActions::of("T1", &TaskFacts { run_status: RunStatus::Running, ..fresh });
        assert!(running.expand && !running.edit);
        assert_eq!(running.why_not.edit.as_deref(), Some("the plan can only be edited before it runs"));
        let retried = TaskActions::of("T1", &TaskFacts { attempts: 1, ..fresh });
        assert!(!retried.edit && retried.expand, "a pending task waiting for its retry may still be expanded");
        let started = TaskActions::of("T1", &facts(TaskStatus::Running));
        assert_eq!(started.why_not.expand.as_deref(), Some("only a pending task can be expanded; T1 is running"));
    }

    #[test]
    fn a_leaf_can_be_forked_only_once_the_run_has_stopped() {
        for (run_status, allowed) in [
            (RunStatus::Finished, true),
            (RunStatus::Cancelled, true),
            (RunStatus::Running, false),
            (RunStatus::Paused, false),
            (RunStatus::Idle, false),
            (RunStatus::Halted, false),
        ] {
            let actions = TaskActions::of("T1", &TaskFacts { run_status, ..facts(TaskStatus::Failed) });
            assert_eq!(actions.fork, allowed, "{run_status:?}");
        }
        let running = TaskActions::of("T1", &facts(TaskStatus::Completed));
        assert_eq!(
            running.why_not.fork.as_deref(),
            Some("a run can be forked once it has stopped (finished or cancelled); this one is running")
        );
        let parent = TaskFacts { run_status: RunStatus::Finished, subtasks: 2, ..facts(TaskStatus::Completed) };
        assert_eq!(
            TaskActions::of("P", &parent).why_not.fork.as_deref(),
            Some("P has subtasks: fork from one of them")
        );
    }

    #[test]
    fn in_a_plan_without_a_run_a_parent_counts_its_subtasks() {
        use crate::plan::Task;
        let plan = Plan {
            tasks: vec![Task::new("P", "p", &[]), Task::subtask("P1", "P", &[]), Task::subtask("P2", "P", &[])],
            critical_path: vec![],
        };
        let pending = TaskState::default();
        let actions = task_actions_in_plan(&plan, RunStatus::Idle, "P", &pending, |_| TaskStatus::Pending).unwrap();
        assert!(!actions.skip && actions.expand && actions.edit);
        let leaf = task_actions_in_plan(&plan, RunStatus::Idle, "P1", &pending, |_| TaskStatus::Pending).unwrap();
        assert!(leaf.skip && leaf.expand);
        assert!(task_actions_in_plan(&plan, RunStatus::Idle, "Q", &pending, |_| TaskStatus::Pending).is_none());
    }
}
