//! What a checkpoint stores: workflow records and task records. Pure and secret-free by type.

use serde::{Deserialize, Serialize};

use crate::decimal::fixed;
use crate::engine::{ReplanProposal, ReplanRecord, RunConfig, RunStatus, TaskState, TaskUsage};
use crate::llm::tools::ToolCallLog;
use crate::plan::{Plan, TaskId};

/// Version of the record layout; bumped with a migration when it changes. Version 2 added the
/// `events` and `calls` stores; workflow and task records are unchanged from version 1.
pub const SCHEMA_VERSION: u32 = 2;

/// Longest prompt or response kept in a call record, in characters.
pub const CALL_TEXT_CAP: usize = 20_000;

/// One workflow: a goal, its plan and where the run is. Holds no provider settings, so no secret
/// can reach storage through it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WorkflowRecord {
    /// Unique id (also the IndexedDB key).
    pub id: String,
    /// Record layout version.
    pub schema_version: u32,
    /// The user's goal.
    pub goal: String,
    /// The validated plan being run.
    pub plan: Plan,
    /// Run settings (concurrency, attempts, timeouts).
    pub config: RunConfig,
    /// Run status at the last write.
    pub status: RunStatus,
    /// Creation time, ms since the epoch.
    pub created_ms: f64,
    /// Last update, ms since the epoch.
    pub updated_ms: f64,
    /// Every re-plan of the run, in order.
    #[serde(default)]
    pub replans: Vec<ReplanRecord>,
    /// A re-plan waiting for the user's approval, so a reload shows it again instead of running on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pending_replan: Option<ReplanProposal>,
    /// Hosts the user allowed tool calls to reach for this workflow ("allow this host"), normalised.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allowed_hosts: Vec<String>,
    /// For a fork: the run it was forked from and the task it was forked at.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub forked_from: Option<ForkOrigin>,
}

impl WorkflowRecord {
    /// A new, never-run workflow `id` for `goal` with `plan` and `config`, created at `now_ms`.
    pub fn new(id: &str, goal: &str, plan: Plan, config: RunConfig, now_ms: f64) -> Self {
        WorkflowRecord {
            id: id.to_string(),
            schema_version: SCHEMA_VERSION,
            goal: goal.to_string(),
            plan,
            config,
            status: RunStatus::Idle,
            created_ms: now_ms,
            updated_ms: now_ms,
            replans: Vec::new(),
            pending_replan: None,
            allowed_hosts: Vec::new(),
            forked_from: None,
        }
    }
}

/// Where a forked run came from: its parent run and the task the user forked at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ForkOrigin {
    /// The parent workflow's id (its records are never changed by the fork).
    pub workflow_id: String,
    /// The task the fork re-runs from (with its transitive dependents).
    pub task_id: TaskId,
}

/// The checkpointed state of one task of one workflow.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskRecord {
    /// Owning workflow id.
    pub workflow_id: String,
    /// Task id within the plan.
    pub task_id: TaskId,
    /// The task's state.
    pub state: TaskState,
}

/// One entry of a workflow's append-only event log: a task state change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventRecord {
    /// Owning workflow id.
    pub workflow_id: String,
    /// Task whose state changed.
    pub task_id: TaskId,
    /// Its new status (`pending`, `running`, …).
    pub status: String,
    /// Attempt number at the change.
    pub attempt: u32,
    /// When, ms since the epoch.
    pub at_ms: f64,
    /// The task's whole state after the change, without its result (a completed task's result is
    /// final and lives in its task record), so the run can be shown as it stood at this entry.
    /// Logs written before this field have only the status and attempt.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<TaskState>,
}

impl EventRecord {
    /// The log entry of task `task_id` of workflow `workflow_id` reaching `state` at `at_ms`.
    pub fn of(workflow_id: &str, task_id: &str, state: &TaskState, at_ms: f64) -> Self {
        EventRecord {
            workflow_id: workflow_id.into(),
            task_id: task_id.into(),
            status: state.status.as_str().to_string(),
            attempt: state.attempts,
            at_ms,
            state: Some(TaskState { result: None, ..state.clone() }),
        }
    }
}

/// One LLM call of a task: what was sent, what came back, what it used. Long texts are capped.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CallRecord {
    /// Owning workflow id.
    pub workflow_id: String,
    /// Task id.
    pub task_id: TaskId,
    /// Attempt number.
    pub attempt: u32,
    /// When the answer was in, ms since the epoch.
    pub at_ms: f64,
    /// The prompt sent (capped).
    pub prompt: String,
    /// The raw answer (capped).
    pub response: String,
    /// Whether either text was cut to [`CALL_TEXT_CAP`] characters.
    pub trimmed: bool,
    /// The attempt's tool calls, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tool_calls: Vec<ToolCallLog>,
    /// What the attempt's LLM calls used, with the model and provider (absent in older records).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage: Option<TaskUsage>,
}

impl CallRecord {
    /// A call record with `prompt` and `response` capped to [`CALL_TEXT_CAP`] characters each.
    pub fn capped(workflow_id: &str, task_id: &str, attempt: u32, at_ms: f64, prompt: &str, response: &str) -> Self {
        let cap = |text: &str| -> (String, bool) {
            let total = text.chars().count();
            if total <= CALL_TEXT_CAP {
                (text.to_string(), false)
            } else {
                let kept: String = text.chars().take(CALL_TEXT_CAP).collect();
                (format!("{kept}\n[trimmed: {} of {total} characters kept]", CALL_TEXT_CAP), true)
            }
        };
        let (prompt, p) = cap(prompt);
        let (response, r) = cap(response);
        CallRecord {
            workflow_id: workflow_id.into(),
            task_id: task_id.into(),
            attempt,
            at_ms,
            prompt,
            response,
            trimmed: p || r,
            tool_calls: Vec::new(),
            usage: None,
        }
    }
}

/// IndexedDB key of an event or call record: workflow id, NUL, zero-padded time, NUL, task id,
/// NUL, attempt — unique, ordered by time within a workflow, and inside [`task_key_range`].
pub fn log_key(workflow_id: &str, at_ms: f64, task_id: &str, attempt: u32) -> String {
    format!("{workflow_id}\u{0}{:0>16}\u{0}{task_id}\u{0}{attempt}", fixed(at_ms.max(0.0), 3))
}

/// IndexedDB key of a task record: workflow id, a NUL separator, task id (so a key range selects
/// exactly one workflow's tasks).
pub fn task_key(workflow_id: &str, task_id: &str) -> String {
    format!("{workflow_id}\u{0}{task_id}")
}

/// Key range `(low, high)`, `low` included and `high` excluded, holding exactly the keys that start
/// with `workflow_id` and a NUL: every task, event and call key of the workflow, whatever characters
/// its task ids have. `high` is the prefix with its NUL raised to U+0001, the next code unit, so it is
/// above every key with the prefix and below every other key above `low` — in IndexedDB's order
/// (UTF-16 code units) as in Rust's (bytes).
pub fn task_key_range(workflow_id: &str) -> (String, String) {
    (format!("{workflow_id}\u{0}"), format!("{workflow_id}\u{1}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whether `key` lies in the half-open range `(low, high)` as IndexedDB compares strings: by
    /// UTF-16 code units.
    fn in_range(key: &str, (low, high): &(String, String)) -> bool {
        key.encode_utf16().cmp(low.encode_utf16()).is_ge() && key.encode_utf16().cmp(high.encode_utf16()).is_lt()
    }

    #[test]
    fn task_keys_of_a_workflow_fall_in_its_range_only() {
        let range = task_key_range("wf1");
        // U+E000–U+FFFF (fullwidth "Ｔ1", private use) sort after surrogate pairs in UTF-16.
        for task in ["T1", "T99", "zzz", "", "Ｔ1", "\u{E000}", "\u{FFFF}", "😀", "\u{10FFFF}", "\u{0}", "\u{1}x"] {
            let key = task_key("wf1", task);
            assert!(in_range(&key, &range), "{key:?}");
        }
        for other in
            [task_key("wf10", "T1"), task_key("wf0", "Ｔ1"), task_key("wf2", ""), "wf1".into(), "wf1\u{1}".into()]
        {
            assert!(!in_range(&other, &range), "{other:?}");
        }
    }

    #[test]
    fn log_keys_order_by_time_and_stay_in_the_workflow_range() {
        let range = task_key_range("wf1");
        let early = log_key("wf1", 999.5, "T9", 1);
        let late = log_key("wf1", 1_000_000.0, "Ｔ1", 1);
        assert!(early < late);
        assert!(in_range(&early, &range) && in_range(&late, &range));
    }

    #[test]
    fn call_records_cap_long_texts_and_say_so() {
        let long = "y".repeat(CALL_TEXT_CAP + 5);
        let record = CallRecord::capped("w", "T1", 1, 0.0, "short", &long);
        assert!(record.trimmed);
        assert_eq!(record.prompt, "short");
        assert!(record
            .response
            .ends_with(&format!("[trimmed: {CALL_TEXT_CAP} of {} characters kept]", CALL_TEXT_CAP + 5)));
        assert!(!CallRecord::capped("w", "T1", 1, 0.0, "a", "b").trimmed);
    }

    #[test]
    fn records_round_trip_through_json() {
        let record = WorkflowRecord {
            id: "w".into(),
            schema_version: SCHEMA_VERSION,
            goal: "g".into(),
            plan: Plan::default(),
            config: RunConfig::default(),
            status: RunStatus::Running,
            created_ms: 1.0,
            updated_ms: 2.0,
            replans: vec![],
            pending_replan: None,
            allowed_hosts: Vec::new(),
            forked_from: None,
        };
        let json = serde_json::to_string(&record).unwrap();
        assert_eq!(serde_json::from_str::<WorkflowRecord>(&json).unwrap(), record);
    }
}
