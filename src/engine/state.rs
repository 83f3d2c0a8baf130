//! Per-task execution state, as the engine tracks it and as checkpoints store it.

use serde::{Deserialize, Serialize};

use crate::plan::TaskId;

/// Where a task is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TaskStatus {
    /// Not started yet (or waiting for a retry).
    #[default]
    Pending,
    /// A request for it is in flight.
    Running,
    /// Finished with a result.
    Completed,
    /// Gave up after its attempts.
    Failed,
    /// Cannot run because a task it depends on (transitively) failed.
    Blocked,
    /// Marked done by the user without running; dependents run with an empty result.
    Skipped,
}

impl TaskStatus {
    /// The lowercase name used in the DOM (`data-status`) and in checkpoints.
    pub fn as_str(self) -> &'static str {
        match self {
            TaskStatus::Pending => "pending",
            TaskStatus::Running => "running",
            TaskStatus::Completed => "completed",
            TaskStatus::Failed => "failed",
            TaskStatus::Blocked => "blocked",
            TaskStatus::Skipped => "skipped",
        }
    }

    /// True for states a run ends in.
    pub fn is_terminal(self) -> bool {
        matches!(self, TaskStatus::Completed | TaskStatus::Failed | TaskStatus::Blocked | TaskStatus::Skipped)
    }

    /// True when dependents may use the task's result (completed or skipped).
    pub fn is_done(self) -> bool {
        matches!(self, TaskStatus::Completed | TaskStatus::Skipped)
    }
}

/// Everything the engine knows about one task; this is what a checkpoint stores.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct TaskState {
    /// Current status.
    pub status: TaskStatus,
    /// Attempts started so far.
    pub attempts: u32,
    /// Attempts made before the user last asked for a retry (the retry budget counts from here).
    #[serde(default)]
    pub attempt_base: u32,
    /// The task's output once completed.
    #[serde(default)]
    pub result: Option<String>,
    /// The last error (for failed tasks, or the error a retry follows).
    #[serde(default)]
    pub error: Option<String>,
    /// For blocked tasks: the failed task that blocks this one.
    #[serde(default)]
    pub blocked_by: Option<TaskId>,
    /// Time (ms on the driver's clock) the current or last attempt started.
    #[serde(default)]
    pub started_at_ms: Option<f64>,
    /// Time (ms on the driver's clock) the task reached a terminal state.
    #[serde(default)]
    pub finished_at_ms: Option<f64>,
    /// True while a failed attempt waits for its backoff timer before the next one.
    #[serde(default)]
    pub retry_wait: bool,
    /// True when the task was running when the previous session stopped and is re-run.
    #[serde(default)]
    pub interrupted: bool,
}
