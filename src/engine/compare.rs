//! Two runs of the same plan shape compared task by task: status, attempts, result, tokens, cost
//! and latency side by side. A task *differs* when its outcome does — its status or its result.

use std::collections::{HashMap, HashSet};

use super::state::TaskState;
use crate::line_diff::{line_diff, DiffLine};
use crate::plan::{Plan, TaskId};

/// One task of both runs.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskComparison {
    /// Task id (the same in both runs).
    pub id: TaskId,
    /// Its name in the right run.
    pub name: String,
    /// Its state in the left run (pending if it had none).
    pub left: TaskState,
    /// Its state in the right run.
    pub right: TaskState,
}

impl TaskComparison {
    /// True when the outcome differs: the status or the result.
    pub fn differs(&self) -> bool {
        self.left.status != self.right.status || self.left.result != self.right.result
    }

    /// The result's lines, left to right.
    pub fn result_diff(&self) -> Vec<DiffLine<'_>> {
        line_diff(self.left.result.as_deref().unwrap_or(""), self.right.result.as_deref().unwrap_or(""))
    }
}

/// Tokens (prompt and completion) a task used.
pub fn tokens(state: &TaskState) -> u64 {
    state.usage.prompt_tokens + state.usage.completion_tokens
}

/// Two runs side by side, in the right run's plan order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RunComparison {
    /// One row per task.
    pub rows: Vec<TaskComparison>,
    /// Ids of the tasks that differ.
    pub differing: HashSet<TaskId>,
}

/// Compares the left run (`left` plan and task states) with the right one. The plans must have the
/// same task ids and dependencies, else the message says what differs.
pub fn compare_runs(
    left: (&Plan, &HashMap<TaskId, TaskState>),
    right: (&Plan, &HashMap<TaskId, TaskState>),
) -> Result<RunComparison, String> {
    let (left_shape, right_shape) = (shape(left.0), shape(right.0));
    if left_shape != right_shape {
        // In plan order.
        let only = |a: &Plan, b: &HashMap<&str, Vec<&str>>| {
            let ids: Vec<&str> = a.tasks.iter().map(|t| t.id.as_str()).filter(|id| !b.contains_key(id)).collect();
            ids.join(", ")
        };
        let (only_left, only_right) = (only(left.0, &right_shape), only(right.0, &left_shape));
        return Err(if only_left.is_empty() && only_right.is_empty() {
            "the two runs' plans have the same tasks but different dependencies".into()
        } else {
            format!(
                "the two runs' plans have different tasks (only in the first: {}; only in the second: {})",
                if only_left.is_empty() { "none" } else { &only_left },
                if only_right.is_empty() { "none" } else { &only_right }
            )
        });
    }
    let state = |states: &HashMap<TaskId, TaskState>, id: &str| states.get(id).cloned().unwrap_or_default();
    let rows: Vec<TaskComparison> = right
        .0
        .tasks
        .iter()
        .map(|t| TaskComparison {
            id: t.id.clone(),
            name: t.name.clone(),
            left: state(left.1, &t.id),
            right: state(right.1, &t.id),
        })
        .collect();
    let differing = rows.iter().filter(|r| r.differs()).map(|r| r.id.clone()).collect();
    Ok(RunComparison { rows, differing })
}

/// Each task id of `plan` with its dependency ids.
fn shape(plan: &Plan) -> HashMap<&str, Vec<&str>> {
    plan.tasks.iter().map(|t| (t.id.as_str(), t.depends_on.iter().map(String::as_str).collect())).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{TaskStatus, TaskUsage};
    use crate::plan::Task;

    fn plan() -> Plan {
        Plan {
            tasks: vec![Task::new("T1", "a", &[]), Task::new("T2", "b", &["T1"]), Task::new("T3", "c", &["T1"])],
            critical_path: vec![],
        }
    }

    fn done(result: &str, tokens: u64) -> TaskState {
        TaskState {
            status: TaskStatus::Completed,
            attempts: 1,
            result: Some(result.into()),
            usage: TaskUsage { prompt_tokens: tokens, ..TaskUsage::default() },
            ..TaskState::default()
        }
    }

    #[test]
    fn exactly_the_tasks_whose_status_or_result_changed_differ() {
        let left: HashMap<TaskId, TaskState> = [
            ("T1".to_string(), done("same", 5)),
            ("T2".to_string(), TaskState { status: TaskStatus::Failed, ..TaskState::default() }),
            ("T3".to_string(), done("old\nline", 5)),
        ]
        .into();
        let mut right = left.clone();
        right.insert("T2".into(), done("now done", 9));
        right.insert("T3".into(), done("new\nline", 5));
        right.get_mut("T1").unwrap().usage.latency_ms = 99.0; // usage alone is no different outcome
        let c = compare_runs((&plan(), &left), (&plan(), &right)).unwrap();
        assert_eq!(
            c.rows.iter().map(|r| (r.id.as_str(), r.differs())).collect::<Vec<_>>(),
            [("T1", false), ("T2", true), ("T3", true)]
        );
        assert_eq!(c.differing, ["T2".to_string(), "T3".to_string()].into());
        assert_eq!(tokens(&c.rows[1].right), 9);
        assert_eq!(c.rows[2].result_diff(), [DiffLine::Removed("old"), DiffLine::Added("new"), DiffLine::Same("line")]);
        let same = compare_runs((&plan(), &left), (&plan(), &left)).unwrap();
        assert!(same.differing.is_empty());
    }

    #[test]
    fn runs_of_different_shapes_are_refused_with_what_differs() {
        let states = HashMap::new();
        let mut other = plan();
        other.tasks[2].id = "T9".into();
        let error = compare_runs((&plan(), &states), (&other, &states)).unwrap_err();
        assert_eq!(error, "the two runs' plans have different tasks (only in the first: T3; only in the second: T9)");
        let mut rewired = plan();
        rewired.tasks[2].depends_on.clear();
        let error = compare_runs((&plan(), &states), (&rewired, &states)).unwrap_err();
        assert!(error.contains("different dependencies"), "{error}");
    }
}
