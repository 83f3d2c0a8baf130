//! The plan model: what the LLM answers and what Planwright exports.

use serde::{Deserialize, Serialize};

/// Identifier of a task inside a plan, e.g. `"T1"`.
pub type TaskId = String;

/// One unit of work in a plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Task {
    /// Unique id within the plan.
    pub id: TaskId,
    /// Short human-readable name.
    #[serde(default)]
    pub name: String,
    /// What the task must do; sent to the LLM when the task executes.
    #[serde(default)]
    pub description: String,
    /// Ids of tasks that must complete before this one starts.
    #[serde(default)]
    pub depends_on: Vec<TaskId>,
    /// Whether the task may run beside others (informational; the engine runs ready tasks in parallel).
    #[serde(default = "default_true")]
    pub can_parallelize: bool,
    /// Task type (e.g. `research`, `analysis`, `code`), which selects the tools it gets.
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Parent task id when this task is a subtask of an expanded task.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<TaskId>,
    /// The model this task uses, chosen by the user before the run (`None`: its type's model or
    /// the provider's). Kept in checkpoints; plans read from outside (answers, imports, links)
    /// never set it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
}

fn default_true() -> bool {
    true
}

impl Task {
    /// A task with the given id, name and dependencies and an empty description.
    pub fn new(id: &str, name: &str, depends_on: &[&str]) -> Self {
        Task {
            id: id.to_string(),
            name: name.to_string(),
            description: String::new(),
            depends_on: depends_on.iter().map(|d| d.to_string()).collect(),
            can_parallelize: true,
            kind: None,
            parent: None,
            model: None,
        }
    }

    /// A task named after its id, like [`Task::new`], that is a subtask of `parent`.
    pub fn subtask(id: &str, parent: &str, depends_on: &[&str]) -> Self {
        Task { parent: Some(parent.to_string()), ..Task::new(id, id, depends_on) }
    }
}

/// A whole plan: tasks plus the critical path the LLM claims.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Plan {
    /// The tasks, in the order the LLM gave them.
    pub tasks: Vec<Task>,
    /// The critical path as stated by the plan's author (checked by validation).
    #[serde(default)]
    pub critical_path: Vec<TaskId>,
}

impl Plan {
    /// The task with this id, if any.
    pub fn task(&self, id: &str) -> Option<&Task> {
        self.tasks.iter().find(|t| t.id == id)
    }

    /// Pretty-printed JSON in the export format.
    pub fn to_json_pretty(&self) -> String {
        serde_json::to_string_pretty(self).expect("a plan always serialises")
    }
}
