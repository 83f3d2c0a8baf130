//! What goes into the engine (events) and what comes out (commands).

use serde::{Deserialize, Serialize};

use super::replan::{ReplanProposal, ReplanRecord, ReplanRequest};
use super::state::{TaskState, TaskUsage};
use crate::plan::validate::Issue;
use crate::plan::{Plan, Task, TaskId};

/// Why an attempt failed, as the driver reports it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, thiserror::Error)]
#[error("{message}")]
pub struct TaskError {
    /// Human-readable cause, e.g. `HTTP 500: upstream overloaded`.
    pub message: String,
    /// Whether another attempt may succeed (network error, timeout, 408, 429, 5xx).
    pub retryable: bool,
    /// Server-requested wait before retrying (`Retry-After`), in milliseconds.
    pub retry_after_ms: Option<u64>,
    /// True for HTTP 429: the whole provider backs off, not only this task.
    #[serde(default)]
    pub rate_limited: bool,
}

impl TaskError {
    /// A retryable error with this message.
    pub fn retryable(message: impl Into<String>) -> Self {
        TaskError { message: message.into(), retryable: true, retry_after_ms: None, rate_limited: false }
    }

    /// A permanent error with this message.
    pub fn permanent(message: impl Into<String>) -> Self {
        TaskError { message: message.into(), retryable: false, retry_after_ms: None, rate_limited: false }
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
    /// The requests-per-minute window has room again.
    RateLimit,
    /// The provider-wide backoff after an HTTP 429 is over.
    ProviderBackoff,
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
    /// An attempt's LLM calls used this much (reported before its success or failure).
    UsageReported {
        /// Task id.
        task: TaskId,
        /// What the calls used.
        usage: TaskUsage,
    },
    /// A timer the engine requested has fired.
    TimerFired(Timer),
    /// A streamed plan delivered one complete task.
    TaskArrived(Task),
    /// The streamed plan is complete; the engine validates it as a whole.
    PlanComplete,
    /// Start nothing new; running tasks finish.
    Pause,
    /// Continue after a pause or a cancel.
    Resume,
    /// Abort every running request and start nothing new.
    Cancel,
    /// Run a failed task again; the tasks it blocked return to pending.
    Retry(TaskId),
    /// Mark a task done with an empty result so its dependents run.
    Skip(TaskId),
    /// Split a pending task into subtasks (at most 4 levels deep).
    Expand {
        /// The task to expand.
        task: TaskId,
        /// Its subtasks (their `parent` is set by the engine).
        subtasks: Vec<Task>,
    },
    /// The LLM answered a [`Command::RequestReplan`] with a plan for the remaining work.
    ReplanReady(Plan),
    /// Re-planning failed (no answer, or an answer that is not a valid plan).
    ReplanFailed(String),
    /// The user's answer to a [`Command::ReplanProposed`]: apply the revised plan, or keep the old one.
    ReplanDecision {
        /// True to apply the proposal.
        approve: bool,
    },
    /// The provider cannot take requests (e.g. it needs an API key and has none): nothing new starts
    /// until [`Event::ProviderAvailable`]. Not a pause: the run's status stays as it is, and Pause or
    /// Resume leave this alone. Not persisted: the page says it again after a reload.
    ProviderUnavailable {
        /// Why, for the page to show.
        reason: String,
    },
    /// The provider can take requests again: what is ready starts (unless the user paused the run).
    ProviderAvailable,
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
    /// Task type, which selects its tools.
    #[serde(default)]
    pub kind: Option<String>,
    /// The model the user chose for this task (`None`: its type's model or the provider's).
    #[serde(default)]
    pub model: Option<String>,
    /// Results of the tasks this one depends on, in plan order.
    pub dependency_results: Vec<DependencyResult>,
    /// Attempt number (1-based).
    pub attempt: u32,
    /// Timeout for this attempt in milliseconds.
    pub timeout_ms: u64,
}

/// Overall state of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RunStatus {
    /// Built but not started.
    Idle,
    /// Dispatching and waiting for tasks.
    Running,
    /// Paused by the user: running tasks finish, nothing new starts.
    Paused,
    /// Cancelled by the user: running requests were aborted.
    Cancelled,
    /// The (streamed) plan turned out invalid: nothing new starts.
    Halted,
    /// Every task is completed, skipped, failed or blocked.
    Finished,
}

// Read through the shared key reader (`crate::unit_key`); written by the derived `Serialize`, whose
// names these are (the round-trip test holds them together).
impl<'de> serde::Deserialize<'de> for RunStatus {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        const KEYS: &[&str] = &["idle", "running", "paused", "cancelled", "halted", "finished"];
        const ALL: [RunStatus; 6] = [
            RunStatus::Idle,
            RunStatus::Running,
            RunStatus::Paused,
            RunStatus::Cancelled,
            RunStatus::Halted,
            RunStatus::Finished,
        ];
        crate::unit_key::read_key(deserializer, KEYS).map(|i| ALL[i])
    }
}

impl RunStatus {
    /// Lowercase name for the UI.
    pub fn as_str(self) -> &'static str {
        match self {
            RunStatus::Idle => "idle",
            RunStatus::Running => "running",
            RunStatus::Paused => "paused",
            RunStatus::Cancelled => "cancelled",
            RunStatus::Halted => "halted",
            RunStatus::Finished => "finished",
        }
    }
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
    /// The plan changed (streamed to completion, expanded or re-planned): persist it.
    PlanChanged(Plan),
    /// Ask the LLM for a revised plan of the remaining work; answer with `ReplanReady`/`ReplanFailed`.
    RequestReplan(ReplanRequest),
    /// A valid re-plan waits for the user's approval (`RunConfig::approve_replans`); answer with
    /// `ReplanDecision`. Nothing new starts meanwhile.
    ReplanProposed(ReplanProposal),
    /// A re-plan was applied (or refused): record it for the UI and the checkpoint.
    ReplanRecorded(ReplanRecord),
    /// The complete (streamed) plan is invalid; these issues explain why nothing new starts.
    PlanInvalid(Vec<Issue>),
    /// A user action or an answer was refused; the message says why.
    Refused(String),
}
