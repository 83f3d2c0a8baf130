//! Plan edits that keep a plan valid: adding subtasks to a task.

use super::model::{Plan, Task};
use super::validate::{has_errors, validate, Severity, MAX_DEPTH};

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

/// `plan` with `subtasks` added under task `parent` (their `parent` field is set), or a message
/// saying why not: unknown task, no subtasks, deeper than [`MAX_DEPTH`] levels, or a plan that
/// would not validate (duplicate ids, cycles, missing dependencies).
pub fn with_subtasks(plan: &Plan, parent: &str, subtasks: Vec<Task>) -> Result<Plan, String> {
    let depth = depth_of(plan, parent).ok_or_else(|| format!("there is no task {parent}"))? + 1;
    if subtasks.is_empty() {
        return Err(format!("expanding {parent} needs at least one subtask"));
    }
    if depth > MAX_DEPTH {
        return Err(format!(
            "expanding {parent} would make the plan {depth} levels deep; at most {MAX_DEPTH} are allowed"
        ));
    }
    let mut expanded = plan.clone();
    expanded.tasks.extend(subtasks.into_iter().map(|t| Task { parent: Some(parent.to_string()), ..t }));
    let issues = validate(&expanded);
    if has_errors(&issues) {
        let errors: Vec<String> =
            issues.into_iter().filter(|i| i.severity == Severity::Error).map(|i| i.message).collect();
        return Err(format!("expanding {parent} was refused: {}", errors.join("; ")));
    }
    Ok(expanded)
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert!(with_subtasks(&plan, "L4", vec![Task::new("L5", "x", &[])]).unwrap_err().contains("5 levels"));
        assert!(with_subtasks(&plan, "nope", vec![Task::new("x", "x", &[])]).unwrap_err().contains("no task nope"));
        assert!(with_subtasks(&plan, "L1", vec![]).unwrap_err().contains("at least one"));
        let err = with_subtasks(&plan, "L1", vec![Task::new("L2", "dup", &[])]).unwrap_err();
        assert!(err.contains("refused"), "{err}");
    }
}
