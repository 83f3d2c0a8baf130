//! Plan edits that keep a plan valid: adding subtasks to a task. [`EditError`] says why an edit,
//! here or in [`editor`](super::editor), was refused.

use thiserror::Error;

use super::model::{Plan, Task, TaskId};
use super::validate::{validate, Issue, Severity, MAX_DEPTH};

/// Why an edit of a plan was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum EditError {
    /// The edit names a task the plan does not have.
    #[error("there is no task {id}")]
    UnknownTask {
        /// The id named.
        id: TaskId,
    },
    /// A task was to depend on itself.
    #[error("{task} cannot depend on itself")]
    SelfDependency {
        /// The task.
        task: TaskId,
    },
    /// The dependency to add is already there.
    #[error("{task} already depends on {dependency}")]
    AlreadyDependent {
        /// The dependent task.
        task: TaskId,
        /// The task it depends on.
        dependency: TaskId,
    },
    /// The dependency to remove is not there.
    #[error("{task} does not depend on {dependency}")]
    NotDependent {
        /// The task.
        task: TaskId,
        /// The task it does not depend on.
        dependency: TaskId,
    },
    /// A task was to be renamed to a blank name.
    #[error("{task} needs a name")]
    BlankName {
        /// The task.
        task: TaskId,
    },
    /// A task was to be expanded into no subtasks.
    #[error("expanding {parent} needs at least one subtask")]
    NoSubtasks {
        /// The task to expand.
        parent: TaskId,
    },
    /// Expanding a task would nest the plan deeper than [`MAX_DEPTH`] levels.
    #[error("expanding {parent} would make the plan {depth} levels deep; at most {MAX_DEPTH} are allowed")]
    TooDeep {
        /// The task to expand.
        parent: TaskId,
        /// The depth its subtasks would have.
        depth: usize,
    },
    /// The expanded plan would not validate (duplicate ids, cycles, missing dependencies).
    #[error(
        "expanding {parent} was refused: {}",
        .issues.iter().map(|i| i.message.as_str()).collect::<Vec<_>>().join("; ")
    )]
    Invalid {
        /// The task to expand.
        parent: TaskId,
        /// The expanded plan's validation errors (never empty; warnings are left out).
        issues: Vec<Issue>,
    },
}

/// Depth of task `id` in the hierarchy (a task without parent has depth 1); `None` if unknown.
pub fn depth_of(plan: &Plan, id: &str) -> Option<usize> {
    let mut depth = 1;
    let mut current = plan.task(id)?;
    while let Some(parent) = current.parent.as_deref().and_then(|p| plan.task(p)) {
        depth += 1;
        current = parent;
        if depth > plan.tasks.len() {
            break; // a parent loop; validation reports it
        }
    }
    Some(depth)
}

/// `plan` with `subtasks` added under task `parent` (their `parent` field is set), or why not:
/// unknown task, no subtasks, deeper than [`MAX_DEPTH`] levels, or a plan that would not validate
/// (duplicate ids, cycles, missing dependencies).
pub fn with_subtasks(plan: &Plan, parent: &str, subtasks: Vec<Task>) -> Result<Plan, EditError> {
    let parent_id = || parent.to_string();
    let depth = depth_of(plan, parent).ok_or_else(|| EditError::UnknownTask { id: parent_id() })? + 1;
    if subtasks.is_empty() {
        return Err(EditError::NoSubtasks { parent: parent_id() });
    }
    if depth > MAX_DEPTH {
        return Err(EditError::TooDeep { parent: parent_id(), depth });
    }
    let mut expanded = plan.clone();
    expanded.tasks.extend(subtasks.into_iter().map(|t| Task { parent: Some(parent_id()), ..t }));
    let issues: Vec<Issue> = validate(&expanded).into_iter().filter(|i| i.severity == Severity::Error).collect();
    if !issues.is_empty() {
        return Err(EditError::Invalid { parent: parent_id(), issues });
    }
    Ok(expanded)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::validate::IssueKind;

    #[test]
    fn adds_subtasks_under_their_parent() {
        let plan = Plan { tasks: vec![Task::new("A", "a", &[])], critical_path: vec![] };
        let expanded =
            with_subtasks(&plan, "A", vec![Task::new("A.1", "x", &[]), Task::new("A.2", "y", &["A.1"])]).unwrap();
        assert_eq!(expanded.tasks.len(), 3);
        assert_eq!(expanded.tasks[2].parent.as_deref(), Some("A"));
        assert_eq!(depth_of(&expanded, "A.2"), Some(2));
    }

    #[test]
    fn refuses_unknown_tasks_empty_lists_a_fifth_level_and_invalid_results() {
        let mut plan = Plan { tasks: vec![Task::new("L1", "a", &[])], critical_path: vec![] };
        for (parent, child) in [("L1", "L2"), ("L2", "L3"), ("L3", "L4")] {
            plan = with_subtasks(&plan, parent, vec![Task::new(child, child, &[])]).unwrap();
        }
        let err = with_subtasks(&plan, "L4", vec![Task::new("L5", "x", &[])]).unwrap_err();
        assert_eq!(err, EditError::TooDeep { parent: "L4".into(), depth: 5 });
        assert_eq!(err.to_string(), "expanding L4 would make the plan 5 levels deep; at most 4 are allowed");
        let err = with_subtasks(&plan, "nope", vec![Task::new("x", "x", &[])]).unwrap_err();
        assert_eq!(err, EditError::UnknownTask { id: "nope".into() });
        assert_eq!(err.to_string(), "there is no task nope");
        let err = with_subtasks(&plan, "L1", vec![]).unwrap_err();
        assert_eq!(err, EditError::NoSubtasks { parent: "L1".into() });
        assert_eq!(err.to_string(), "expanding L1 needs at least one subtask");
        let err = with_subtasks(&plan, "L1", vec![Task::new("L2", "dup", &[])]).unwrap_err();
        assert!(err.to_string().starts_with("expanding L1 was refused: "), "{err}");
    }

    #[test]
    fn an_invalid_expansion_carries_its_errors() {
        let plan = Plan { tasks: vec![Task::new("A", "a", &[]), Task::new("B", "b", &["A"])], critical_path: vec![] };
        let err =
            with_subtasks(&plan, "A", vec![Task::new("B", "dup", &[]), Task::new("A.1", "x", &["Q"])]).unwrap_err();
        let EditError::Invalid { parent, issues } = &err else { panic!("{err:?}") };
        assert_eq!(parent, "A");
        let kinds: Vec<IssueKind> = issues.iter().map(|i| i.kind).collect();
        assert!(kinds.contains(&IssueKind::DuplicateId) && kinds.contains(&IssueKind::MissingDependency), "{kinds:?}");
        let messages: Vec<&str> = issues.iter().map(|i| i.message.as_str()).collect();
        assert_eq!(err.to_string(), format!("expanding A was refused: {}", messages.join("; ")));
    }
}
