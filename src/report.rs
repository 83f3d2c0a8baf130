//! The deliverable of a run: the outputs of the plan's final tasks, in plan order, as one Markdown
//! document with a heading per task.
//!
//! A task is *final* when no task depends on it. Subtasks stand in for their parent: a final task
//! that was expanded is represented by its own final subtasks (those no task depends on),
//! recursively, since the parent's result merely joins every subtask's output; a subtask of a task
//! that something depends on is an intermediate step and is left out.

use crate::engine::{TaskState, TaskStatus};
use crate::plan::{Plan, Task};

/// The final tasks of `plan` whose outputs make the deliverable, in plan order (see the module
/// documentation for subtasks).
pub fn final_tasks(plan: &Plan) -> Vec<&Task> {
    let depended_on: std::collections::HashSet<&str> =
        plan.tasks.iter().flat_map(|t| t.depends_on.iter().map(String::as_str)).collect();
    let has_children: std::collections::HashSet<&str> = plan.tasks.iter().filter_map(|t| t.parent.as_deref()).collect();
    // A task counts when it and every ancestor are final, and it has no subtasks of its own.
    let counts = |task: &Task| {
        let mut current = Some(task);
        let mut steps = 0;
        while let Some(t) = current {
            if depended_on.contains(t.id.as_str()) || steps > plan.tasks.len() {
                return false;
            }
            steps += 1;
            current = t.parent.as_deref().and_then(|p| plan.task(p));
        }
        !has_children.contains(task.id.as_str())
    };
    plan.tasks.iter().filter(|t| counts(t)).collect()
}

/// The deliverable as Markdown: a title with the goal, then for each final task a heading
/// (`## T5 — Write the report`) and its output, or a note saying why it has none.
pub fn assemble<'a>(goal: &str, plan: &Plan, state_of: impl Fn(&str) -> Option<&'a TaskState>) -> String {
    let mut document = format!("# {}\n", one_line(goal));
    for task in final_tasks(plan) {
        document.push_str(&format!("\n## {} — {}\n\n", task.id, one_line(&task.name)));
        let state = state_of(&task.id);
        let result = state.and_then(|s| s.result.as_deref()).filter(|r| !r.trim().is_empty());
        match (result, state.map_or(TaskStatus::Pending, |s| s.status)) {
            (Some(result), _) => document.push_str(result.trim_end()),
            (None, TaskStatus::Skipped) => document.push_str("_Skipped: no output._"),
            (None, status) => document.push_str(&format!("_No output yet ({})._", status.as_str())),
        }
        document.push('\n');
    }
    document
}

/// `text` on one line, as a heading needs.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;
    use crate::plan::Task;

    fn done(result: &str) -> TaskState {
        TaskState { status: TaskStatus::Completed, result: Some(result.into()), ..TaskState::default() }
    }

    #[test]
    fn final_tasks_are_those_nothing_depends_on_in_plan_order() {
        let plan = Plan {
            tasks: vec![
                Task::new("T1", "Scope", &[]),
                Task::new("T3", "Summary", &["T1"]),
                Task::new("T2", "Appendix", &["T1"]),
            ],
            critical_path: vec![],
        };
        let ids: Vec<&str> = final_tasks(&plan).iter().map(|t| t.id.as_str()).collect();
        assert_eq!(ids, ["T3", "T2"]);
    }

    #[test]
    fn an_expanded_final_task_is_represented_by_its_final_subtasks() {
        let plan = Plan {
            tasks: vec![
                Task::new("T1", "Research", &[]),
                Task::subtask("T1.1", "T1", &[]),
                Task::new("T2", "Report", &["T1"]),
                Task::subtask("T2.1", "T2", &[]),
                Task::subtask("T2.2", "T2", &["T2.1"]),
                Task::subtask("T2.3", "T2", &[]),
            ],
            critical_path: vec![],
        };
        let ids: Vec<&str> = final_tasks(&plan).iter().map(|t| t.id.as_str()).collect();
        // T1's subtasks are intermediate (T2 depends on T1); T2.1 feeds T2.2.
        assert_eq!(ids, ["T2.2", "T2.3"]);
    }

    #[test]
    fn the_document_has_a_heading_per_final_task_and_says_what_is_missing() {
        let plan = Plan {
            tasks: vec![
                Task::new("T1", "Scope", &[]),
                Task::new("T2", "Draft\nreport", &["T1"]),
                Task::new("T3", "Table", &["T1"]),
                Task::new("T4", "Extra", &["T1"]),
                Task::new("T5", "Later", &["T1"]),
            ],
            critical_path: vec![],
        };
        let states: HashMap<&str, TaskState> = HashMap::from([
            ("T1", done("scope text")),
            ("T2", done("# Report\n\nBody.\n\n")),
            ("T3", done("| a |\n|---|\n| 1 |")),
            ("T4", TaskState { status: TaskStatus::Skipped, ..TaskState::default() }),
        ]);
        let document = assemble("Write  a\nreport", &plan, |id| states.get(id));
        assert_eq!(
            document,
            "# Write a report\n\n## T2 — Draft report\n\n# Report\n\nBody.\n\n## T3 — Table\n\n| a |\n|---|\n| 1 |\n\n\
             ## T4 — Extra\n\n_Skipped: no output._\n\n## T5 — Later\n\n_No output yet (pending)._\n"
        );
        assert!(!document.contains("scope text"));
    }
}
