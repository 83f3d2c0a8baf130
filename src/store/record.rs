//! What a checkpoint stores: workflow records and task records. Pure and secret-free by type.

use serde::{Deserialize, Serialize};

use crate::engine::{ReplanRecord, RunConfig, RunStatus, TaskState};
use crate::plan::{Plan, TaskId};

/// Version of the record layout; bumped with a migration when it changes.
pub const SCHEMA_VERSION: u32 = 1;

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

/// IndexedDB key of a task record: workflow id, a NUL separator, task id (so a key range selects
/// exactly one workflow's tasks).
pub fn task_key(workflow_id: &str, task_id: &str) -> String {
    format!("{workflow_id}\u{0}{task_id}")
}

/// Inclusive key range `(low, high)` covering every task of `workflow_id`.
pub fn task_key_range(workflow_id: &str) -> (String, String) {
    (format!("{workflow_id}\u{0}"), format!("{workflow_id}\u{0}\u{10FFFF}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn task_keys_of_a_workflow_fall_in_its_range_only() {
        let (low, high) = task_key_range("wf1");
        for task in ["T1", "T99", "zzz", ""] {
            let key = task_key("wf1", task);
            assert!(low <= key && key <= high, "{key:?}");
        }
        let other = task_key("wf10", "T1");
        assert!(!(low <= other && other <= high));
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
        };
        let json = serde_json::to_string(&record).unwrap();
        assert_eq!(serde_json::from_str::<WorkflowRecord>(&json).unwrap(), record);
    }
}
