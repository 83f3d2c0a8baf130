//! What goes into the engine (events) and what comes out (commands).

use serde::{Deserialize, Serialize};

use super::state::{TaskState, TaskStatus};
use crate::plan::TaskId;

/// Why an attempt failed, as the driver reports it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskError {
    /// Human-readable cause, e.g. `HTTP 500: upstream overloaded`.
    pub message: String,
    /// Whether another attempt may succeed (network error, timeout, 408, 429, 5xx).
    pub retryable: bool,
    /// Server-requested wait before retrying (`Retry-After`), in milliseconds.
    pub retry_after_ms: Option<u64>,
}

impl TaskError {
    /// A retryable error with this message.
    pub fn retryable(message: impl Into<String>) -> Self {
        TaskError { message: message.into(), retryable: true, retry_after_ms: None }
    }

    /// A permanent error with this message.
    pub fn permanent(message: impl Into<String>) -> Self {
        TaskError { message: message.into(), retryable: false, retry_after_ms: None }
    }
}

/// A timer the engine asked the driver to start.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Timer {
    /// The attempt `attempt` of `task` ran past its timeout.
    Timeout {
        /// Task id.
        task: TaskId,
        /// Attempt number the timer belongs to.
        attempt: u32,
    },
    /// The backoff before retrying `task` is over.
    Retry {
        /// Task id.
        task: TaskId,
    },
}

/// Input to [`super::Run::handle`].
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// Start (or continue after a resume) dispatching tasks.
    Start,
    /// An attempt returned a result.
    TaskSucceeded {
        /// Task id.
        task: TaskId,
        /// Attempt number from the matching dispatch.
        attempt: u32,
        /// The task's output text.
        output: String,
    },
    /// An attempt failed.
    TaskFailed {
        /// Task id.
        task: TaskId,
        /// Attempt number from the matching dispatch.
        attempt: u32,
        /// What went wrong.
        error: TaskError,
    },
    /// A timer the engine requested has fired.
    TimerFired(Timer),
}

/// A dependency's output handed to a task's request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DependencyResult {
    /// Dependency task id.
    pub id: TaskId,
    /// Dependency task name.
    pub name: String,
    /// Its result text.
    pub result: String,
}

/// Everything a provider needs to execute one attempt of one task.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskRequest {
    /// The run's overall goal.
    pub goal: String,
    /// Task id.
    pub task_id: TaskId,
    /// Task name.
    pub name: String,
    /// Task description.
    pub description: String,
    /// Results of the tasks this one depends on, in plan order.
    pub dependency_results: Vec<DependencyResult>,
    /// Attempt number (1-based).
    pub attempt: u32,
    /// Timeout for this attempt in milliseconds.
    pub timeout_ms: u64,
}

/// Overall state of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RunStatus {
    /// Built but not started.
    Idle,
    /// Dispatching and waiting for tasks.
    Running,
    /// Every task is completed, failed or blocked.
    Finished,
}

/// Output of [`super::Run::handle`]; the driver performs them in order.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// Persist this task state before performing any later command.
    Checkpoint {
        /// Task id.
        task: TaskId,
        /// Its new state.
        state: TaskState,
    },
    /// Send a request for this task.
    Dispatch(TaskRequest),
    /// Cancel the in-flight request of this attempt.
    Abort {
        /// Task id.
        task: TaskId,
        /// Attempt number.
        attempt: u32,
    },
    /// Fire `timer` after `after_ms` milliseconds.
    StartTimer {
        /// Which timer.
        timer: Timer,
        /// Delay in milliseconds.
        after_ms: u64,
    },
    /// The run's status changed.
    RunStatusChanged(RunStatus),
}

impl Command {
    /// The status a checkpoint command records, if this is one.
    pub fn checkpoint_status(&self) -> Option<TaskStatus> {
        match self {
            Command::Checkpoint { state, .. } => Some(state.status),
            _ => None,
        }
    }
}
