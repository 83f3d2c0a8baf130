//! Bounded adaptive re-planning: what is sent to the LLM, and how its answer is merged so completed
//! work is never repeated or changed.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use crate::plan::{Plan, Task, TaskId};

/// Longest result excerpt sent per completed task.
pub const SUMMARY_CHARS: usize = 300;

/// A completed task as the re-planner sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CompletedTask {
    /// Task id (the new plan may depend on it).
    pub id: TaskId,
    /// Task name.
    pub name: String,
    /// The start of its result.
    pub summary: String,
}

/// Everything the LLM needs to revise the remaining work.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReplanRequest {
    /// The run's goal.
    pub goal: String,
    /// Which re-plan this is (1-based).
    pub number: u32,
    /// Done work, which the new plan must not repeat.
    pub completed: Vec<CompletedTask>,
    /// Pending, failed and blocked tasks: the work to revise.
    pub remaining: Vec<Task>,
    /// The failures that triggered the re-plan.
    pub failure: String,
}

/// A valid revised plan waiting for the user's approval.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReplanProposal {
    /// Which re-plan (1-based).
    pub number: u32,
    /// The failures that triggered it.
    pub trigger: String,
    /// Remaining tasks it drops.
    pub removed: Vec<TaskId>,
    /// Tasks it adds.
    pub added: Vec<TaskId>,
    /// The whole plan it would make (kept tasks plus the new remaining work).
    pub plan: Plan,
}

/// What one re-plan did, for the UI's diff and the checkpoint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReplanRecord {
    /// Which re-plan this was (1-based).
    pub number: u32,
    /// The failures that triggered it.
    pub trigger: String,
    /// Whether the answer was applied.
    pub accepted: bool,
    /// Ids of remaining tasks the new plan dropped.
    pub removed: Vec<TaskId>,
    /// Ids of tasks the new plan added.
    pub added: Vec<TaskId>,
    /// Why it was refused, or a short summary.
    pub note: String,
}

/// Result excerpt of at most [`SUMMARY_CHARS`] characters.
pub fn summarize(result: &str) -> String {
    let mut summary: String = result.chars().take(SUMMARY_CHARS).collect();
    if result.chars().count() > SUMMARY_CHARS {
        summary.push('…');
    }
    summary
}

/// The merged plan: `kept` tasks (done or running, unchanged, in their order) followed by the
/// answer's tasks whose ids are not kept. Returns it with the removed and added ids.
pub fn merge(old: &Plan, kept: &HashSet<TaskId>, answer: &Plan) -> (Plan, Vec<TaskId>, Vec<TaskId>) {
    let old_ids: HashSet<&TaskId> = old.tasks.iter().map(|t| &t.id).collect();
    let answer_ids: HashSet<&TaskId> = answer.tasks.iter().map(|t| &t.id).collect();
    let mut tasks: Vec<Task> = old.tasks.iter().filter(|t| kept.contains(&t.id)).cloned().collect();
    tasks.extend(answer.tasks.iter().filter(|t| !kept.contains(&t.id)).cloned());
    let removed = old
        .tasks
        .iter()
        .filter(|t| !kept.contains(&t.id) && !answer_ids.contains(&t.id))
        .map(|t| t.id.clone())
        .collect();
    let added = answer.tasks.iter().filter(|t| !old_ids.contains(&t.id)).map(|t| t.id.clone()).collect();
    (Plan { tasks, critical_path: Vec::new() }, removed, added)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merge_keeps_done_work_and_reports_the_diff() {
        let old = Plan {
            tasks: vec![Task::new("A", "a", &[]), Task::new("B", "b", &["A"]), Task::new("C", "c", &["B"])],
            critical_path: vec![],
        };
        let kept: HashSet<TaskId> = ["A".to_string()].into();
        // The answer tries to redo A (ignored), revises C and replaces B with B2.
        let answer = Plan {
            tasks: vec![Task::new("A", "redo", &[]), Task::new("B2", "b2", &["A"]), Task::new("C", "c2", &["B2"])],
            critical_path: vec![],
        };
        let (merged, removed, added) = merge(&old, &kept, &answer);
        let ids: Vec<&str> = merged.tasks.iter().map(|t| t.id.as_str()).collect();
        assert_eq!(ids, vec!["A", "B2", "C"]);
        assert_eq!(merged.tasks[0].name, "a", "kept work is unchanged");
        assert_eq!((removed, added), (vec!["B".to_string()], vec!["B2".to_string()]));
    }

    #[test]
    fn summaries_are_capped() {
        assert_eq!(summarize("short"), "short");
        let long = "x".repeat(SUMMARY_CHARS + 10);
        assert_eq!(summarize(&long).chars().count(), SUMMARY_CHARS + 1);
    }
}
