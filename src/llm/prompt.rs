//! Every prompt Planwright sends, in one place and versioned.

use serde::{Deserialize, Serialize};

use super::template::Template;
use crate::engine::{ReplanRequest, TaskRequest};

/// Version of the built-in prompt set; recorded with each plan so answers can be traced to their prompt.
pub const PROMPT_VERSION: &str = "2026-11-25.1";

/// Default budget for dependency results in a task prompt, in characters.
pub const DEFAULT_DEPENDENCY_BUDGET: usize = 6_000;

const WORKER_RULES: &str =
    "You are one worker in a multi-step plan. Do only the task you are given, using the results \
of earlier tasks where useful. Answer with the task's result only.";

/// The prompts in force: the built-in set, or the user's edits of it (settings).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PromptSet {
    /// [`PROMPT_VERSION`] for the built-in set; `custom` once edited.
    pub version: String,
    /// System prompt for plans, expansions and re-plans.
    pub planner: String,
    /// System prompt for executing one task.
    pub worker: String,
    /// Most characters of dependency results sent with a task (shared among its dependencies).
    pub dependency_budget: usize,
}

impl Default for PromptSet {
    fn default() -> Self {
        PromptSet {
            version: PROMPT_VERSION.to_string(),
            planner: DECOMPOSE_RULES.to_string(),
            worker: WORKER_RULES.to_string(),
            dependency_budget: DEFAULT_DEPENDENCY_BUDGET,
        }
    }
}

/// `text` cut to at most `budget` characters, saying how much was left out.
fn trimmed(text: &str, budget: usize) -> String {
    let total = text.chars().count();
    if total <= budget {
        return text.to_string();
    }
    let kept: String = text.chars().take(budget).collect();
    format!("{kept}… [{} more characters trimmed]", total - budget)
}

/// One chat message, in the OpenAI Chat Completions shape.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatMessage {
    /// `system`, `user`, `assistant` or `tool`.
    pub role: String,
    /// Message text.
    pub content: String,
    /// For an assistant message that calls tools: the OpenAI `tool_calls` array.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub tool_calls: Option<serde_json::Value>,
    /// For a `tool` message: the id of the call it answers.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub tool_call_id: Option<String>,
}

impl ChatMessage {
    /// A plain text message with this role.
    pub fn text(role: &str, content: impl Into<String>) -> Self {
        ChatMessage { role: role.to_string(), content: content.into(), tool_calls: None, tool_call_id: None }
    }
}

/// The built-in planner prompt. Its rule on `type` lists every
/// [`TaskType`](crate::plan::task_type::TaskType) with its built-in tools
/// ([`builtin_tool_names`](crate::llm::tools::builtin_tool_names)); a test holds the text to that
/// table (written out rather than generated at run time, which costs bundle size).
const DECOMPOSE_RULES: &str = "You are a planning engine. Decompose the user's goal into a plan of atomic tasks.
Rules:
- Each task does one thing an LLM can do in one answer; 5 to 12 tasks in total.
- `depends_on` lists the ids of tasks whose results this task needs; no cycles, no self-dependencies.
- Tasks that do not need each other must not depend on each other, so they can run in parallel.
- `can_parallelize` is true when the task can run beside others.
- `type` is one of research, analysis, data, code, writing, review: it decides which tools the task gets
  (research: http_get, extract_json; analysis, data, code: calculate, extract_json; writing, review: none).
- `critical_path` is the longest chain of dependent task ids, first to last.
- Answer with JSON only, no prose, exactly in this shape:
{\"tasks\":[{\"id\":\"T1\",\"name\":\"...\",\"description\":\"...\",\"depends_on\":[],\"can_parallelize\":true,\"type\":\"research\"}],\"critical_path\":[\"T1\"]}";

/// Messages asking for a plan for `goal`, optionally shaped like `template`.
pub fn decompose_messages(prompts: &PromptSet, goal: &str, template: Option<Template>) -> Vec<ChatMessage> {
    let mut user = format!("Goal: {goal}");
    if let Some(template) = template {
        user.push_str("\n\n");
        user.push_str(template.shape_hint());
    }
    vec![ChatMessage::text("system", prompts.planner.as_str()), ChatMessage::text("user", user)]
}

/// Messages executing one task: the goal, the task, and the results of its dependencies.
/// Each dependency gets an equal share of `prompts.dependency_budget`; longer results are trimmed.
pub fn task_messages(prompts: &PromptSet, request: &TaskRequest) -> Vec<ChatMessage> {
    let system = prompts.worker.as_str();
    let share = prompts.dependency_budget / request.dependency_results.len().max(1);
    let mut user = format!(
        "Overall goal: {}\n\nYour task ({}): {}\n{}",
        request.goal, request.task_id, request.name, request.description
    );
    if !request.dependency_results.is_empty() {
        user.push_str("\n\nResults of the tasks this one depends on:");
        for dep in &request.dependency_results {
            user.push_str(&format!("\n\n### {} — {}\n{}", dep.id, dep.name, trimmed(&dep.result, share)));
        }
    }
    vec![ChatMessage::text("system", system), ChatMessage::text("user", user)]
}

/// Messages asking to decompose one task of a plan into subtasks.
pub fn expand_messages(prompts: &PromptSet, goal: &str, task: &crate::plan::Task) -> Vec<ChatMessage> {
    let user = format!(
        "Goal: {goal}\n\nDecompose this one task into 2 to 5 subtasks:\n{} — {}\n{}\n\nUse ids {}.1, {}.2, …; \
         `depends_on` may only name sibling subtasks. Answer with JSON in the shape above.",
        task.id, task.name, task.description, task.id, task.id
    );
    vec![ChatMessage::text("system", prompts.planner.as_str()), ChatMessage::text("user", user)]
}

/// Messages asking for a revised plan of the remaining work only, after failures.
pub fn replan_messages(prompts: &PromptSet, request: &ReplanRequest) -> Vec<ChatMessage> {
    let mut user = format!("Goal: {}\n\nSome tasks failed: {}\n", request.goal, request.failure);
    user.push_str("\nCompleted tasks (do NOT repeat them; new tasks may depend on their ids):");
    for done in &request.completed {
        user.push_str(&format!("\n- {} ({}): {}", done.id, done.name, done.summary));
    }
    let remaining = serde_json::to_string(&request.remaining).unwrap_or_default();
    user.push_str(&format!(
        "\n\nRemaining work, including the failed and blocked tasks:\n{remaining}\n\nRevise ONLY the remaining work \
         so the goal can still be reached: change, split, replace or drop tasks, avoiding what failed. Use new ids \
         for new tasks. Answer with the plan of the remaining tasks in the JSON shape above."
    ));
    vec![ChatMessage::text("system", prompts.planner.as_str()), ChatMessage::text("user", user)]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::DependencyResult;
    use crate::llm::tools::builtin_tool_names;
    use crate::plan::task_type::TaskType;

    #[test]
    fn decompose_prompt_carries_goal_template_and_json_rules() {
        let m = decompose_messages(&PromptSet::default(), "Plan a launch", Some(Template::DataPipeline));
        assert_eq!(m[0].role, "system");
        assert!(m[0].content.contains("JSON only"));
        assert!(m[0].content.contains("`type` is one of research"));
        assert!(m[1].content.starts_with("Goal: Plan a launch"));
        assert!(m[1].content.contains("data pipeline"));
        assert_eq!(decompose_messages(&PromptSet::default(), "x", None)[1].content, "Goal: x");
    }

    /// The planner's rule on `type` as [`TaskType`] and the tool table say it: every type, then each
    /// type's built-in tools (consecutive types with the same tools share an entry).
    fn type_rule() -> String {
        let mut groups: Vec<(Vec<&str>, &[&str])> = Vec::new();
        for kind in TaskType::ALL {
            let tools = builtin_tool_names(kind);
            match groups.last_mut() {
                Some((kinds, first)) if first.len() == tools.len() && tools.iter().all(|t| first.contains(t)) => {
                    kinds.push(kind.key())
                }
                _ => groups.push((vec![kind.key()], tools)),
            }
        }
        let entries: Vec<String> = groups
            .iter()
            .map(|(kinds, tools)| {
                let tools = if tools.is_empty() { "none".to_string() } else { tools.join(", ") };
                format!("{}: {tools}", kinds.join(", "))
            })
            .collect();
        let kinds: Vec<&str> = TaskType::ALL.iter().map(|k| k.key()).collect();
        format!(
            "- `type` is one of {}: it decides which tools the task gets\n  ({}).",
            kinds.join(", "),
            entries.join("; ")
        )
    }

    #[test]
    fn the_planner_prompt_lists_every_task_type_with_its_tools() {
        // A new type or a changed tool table must change this text (and PROMPT_VERSION with it).
        let rule = type_rule();
        assert!(DECOMPOSE_RULES.contains(&format!("run beside others.\n{rule}\n- `critical_path`")), "{rule}");
    }

    #[test]
    fn expand_prompt_names_the_task_and_the_id_scheme() {
        let task =
            crate::plan::Task { description: "find sources".into(), ..crate::plan::Task::new("T2", "Research", &[]) };
        let user = &expand_messages(&PromptSet::default(), "Write a report", &task)[1].content;
        for needle in ["Write a report", "T2 — Research", "find sources", "T2.1"] {
            assert!(user.contains(needle), "missing {needle:?} in {user}");
        }
    }

    #[test]
    fn replan_prompt_lists_completed_work_remaining_tasks_and_the_failure() {
        let request = ReplanRequest {
            goal: "Ship it".into(),
            number: 1,
            completed: vec![crate::engine::replan::CompletedTask {
                id: "T1".into(),
                name: "Scope".into(),
                summary: "scoped".into(),
            }],
            remaining: vec![crate::plan::Task::new("T2", "Build", &["T1"])],
            failure: "T2 (Build): HTTP 500".into(),
        };
        let user = &replan_messages(&PromptSet::default(), &request)[1].content;
        for needle in ["Ship it", "T2 (Build): HTTP 500", "- T1 (Scope): scoped", "\"id\":\"T2\"", "do NOT repeat"] {
            assert!(user.contains(needle), "missing {needle:?} in {user}");
        }
    }

    #[test]
    fn dependency_results_are_trimmed_to_the_budget() {
        let prompts = PromptSet { dependency_budget: 100, ..PromptSet::default() };
        let dep = |id: &str| DependencyResult { id: id.into(), name: "n".into(), result: "x".repeat(500) };
        let request = TaskRequest {
            model: None,
            goal: "g".into(),
            task_id: "T3".into(),
            name: "t".into(),
            description: "d".into(),
            kind: None,
            dependency_results: vec![dep("T1"), dep("T2")],
            attempt: 1,
            timeout_ms: 1,
        };
        let user = &task_messages(&prompts, &request)[1].content;
        assert_eq!(user.matches(&"x".repeat(50)).count(), 2);
        assert!(!user.contains(&"x".repeat(51)));
        assert_eq!(user.matches("[450 more characters trimmed]").count(), 2);
    }

    #[test]
    fn task_prompt_carries_goal_description_and_dependency_results() {
        let request = TaskRequest {
            model: None,
            goal: "Write a report".into(),
            task_id: "T3".into(),
            name: "Draft".into(),
            description: "Draft it".into(),
            kind: None,
            dependency_results: vec![DependencyResult {
                id: "T1".into(),
                name: "Research".into(),
                result: "facts".into(),
            }],
            attempt: 1,
            timeout_ms: 1,
        };
        let user = &task_messages(&PromptSet::default(), &request)[1].content;
        for needle in ["Write a report", "T3", "Draft it", "### T1 — Research\nfacts"] {
            assert!(user.contains(needle), "missing {needle:?} in {user}");
        }
    }
}
