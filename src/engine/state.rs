//! Per-task execution state, as the engine tracks it and as checkpoints store it.

use serde::{Deserialize, Serialize};

use crate::plan::TaskId;

/// Where a task is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize)]
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

// Read through the shared key reader (`crate::unit_key`); written by the derived `Serialize`, whose
// names these are (the round-trip test holds them together).
impl<'de> serde::Deserialize<'de> for TaskStatus {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        const KEYS: &[&str] = &["pending", "running", "completed", "failed", "blocked", "skipped"];
        const ALL: [TaskStatus; 6] = [
            TaskStatus::Pending,
            TaskStatus::Running,
            TaskStatus::Completed,
            TaskStatus::Failed,
            TaskStatus::Blocked,
            TaskStatus::Skipped,
        ];
        crate::unit_key::read_key(deserializer, KEYS).map(|i| ALL[i])
    }
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

    /// For a task with subtasks: true when it has been opened, so its subtasks may start. A pending
    /// one has not started yet and a blocked one never will; in any other status it was opened.
    pub fn lets_subtasks_start(self) -> bool {
        !matches!(self, TaskStatus::Pending | TaskStatus::Blocked)
    }
}

/// Tokens, time and money one task's LLM calls used, summed over its attempts.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct TaskUsage {
    /// LLM calls made (tool rounds count separately).
    pub calls: u32,
    /// Prompt (input) tokens.
    pub prompt_tokens: u64,
    /// Completion (output) tokens.
    pub completion_tokens: u64,
    /// True when some count was estimated because the response carried no usage.
    pub estimated: bool,
    /// Time spent waiting for responses, in milliseconds.
    pub latency_ms: f64,
    /// Cost in US dollars, when the model's price is known.
    pub cost_usd: Option<f64>,
    /// The model the calls used (the last one, when attempts used several).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// The provider that answered (`openai`, `anthropic`, `planwright.demo`), like the model.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
}

impl TaskUsage {
    /// Adds `other` to this usage.
    pub fn add(&mut self, other: &TaskUsage) {
        self.calls += other.calls;
        self.prompt_tokens += other.prompt_tokens;
        self.completion_tokens += other.completion_tokens;
        self.estimated |= other.estimated;
        self.latency_ms += other.latency_ms;
        self.cost_usd = match (self.cost_usd, other.cost_usd) {
            (Some(a), Some(b)) => Some(a + b),
            (a, b) => a.or(b),
        };
        if other.model.is_some() {
            self.model.clone_from(&other.model);
            self.provider.clone_from(&other.provider);
        }
    }
}

/// Everything the engine knows about one task; this is what a checkpoint stores.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct TaskState {
    /// Current status.
    pub status: TaskStatus,
    /// Attempts started so far: each dispatch gets the next number (a late answer is matched by it).
    pub attempts: u32,
    /// Dispatches that do not count against the retry budget: those made before the user last asked
    /// for a retry, those the user cancelled, and those answered by an HTTP 429 that said when to
    /// come back while the task's rate-limit waits fit their budget.
    #[serde(default)]
    pub attempt_base: u32,
    /// Dispatches answered by an HTTP 429 with `Retry-After` that cost no attempt.
    #[serde(default)]
    pub rate_limit_waits: u32,
    /// Waits those answers asked for, summed, in milliseconds (held against
    /// [`RunConfig::rate_limit_wait_budget_ms`](super::RunConfig::rate_limit_wait_budget_ms)).
    #[serde(default)]
    pub rate_limit_wait_ms: u64,
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
    /// LLM usage of the task so far.
    #[serde(default)]
    pub usage: TaskUsage,
    /// True when the task was running when the previous session stopped and is re-run.
    #[serde(default)]
    pub interrupted: bool,
}

impl TaskState {
    /// Attempts that count against the retry budget since the user last asked for a retry.
    pub fn attempts_spent(&self) -> u32 {
        self.attempts.saturating_sub(self.attempt_base)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_checkpoint_without_rate_limit_waits_reads_as_none_and_spent_attempts_exclude_forgiven_ones() {
        let old = r#"{"status":"failed","attempts":5,"attempt_base":2}"#;
        let state: TaskState = serde_json::from_str(old).unwrap();
        assert_eq!((state.rate_limit_waits, state.rate_limit_wait_ms), (0, 0));
        assert_eq!(state.attempts_spent(), 3);
        let back: TaskState = serde_json::from_str(&serde_json::to_string(&state).unwrap()).unwrap();
        assert_eq!(back, state);
    }

    #[test]
    fn a_checkpoint_without_a_model_reads_as_none_and_one_with_it_keeps_it() {
        let old = r#"{"status":"completed","attempts":1,"usage":{"calls":1,"prompt_tokens":3,"completion_tokens":4,"estimated":false,"latency_ms":1.0,"cost_usd":null}}"#;
        let state: TaskState = serde_json::from_str(old).unwrap();
        assert_eq!((&state.usage.model, &state.usage.provider), (&None, &None));
        let mut state = state;
        state.usage.model = Some("gpt-4o-mini".into());
        let json = serde_json::to_string(&state).unwrap();
        assert!(json.contains(r#""model":"gpt-4o-mini""#), "{json}");
        assert_eq!(serde_json::from_str::<TaskState>(&json).unwrap(), state);
    }

    #[test]
    fn usage_adds_up_and_keeps_estimates_and_unknown_costs_honest() {
        let mut total = TaskUsage::default();
        total.add(&TaskUsage {
            calls: 1,
            prompt_tokens: 10,
            completion_tokens: 5,
            estimated: false,
            latency_ms: 100.0,
            cost_usd: Some(0.5),
            model: Some("cheap".into()),
            provider: Some("openai".into()),
        });
        total.add(&TaskUsage {
            calls: 1,
            prompt_tokens: 1,
            completion_tokens: 2,
            estimated: true,
            latency_ms: 50.0,
            cost_usd: None,
            ..TaskUsage::default()
        });
        assert_eq!((total.calls, total.prompt_tokens, total.completion_tokens), (2, 11, 7));
        assert!(total.estimated);
        assert_eq!(total.latency_ms, 150.0);
        assert_eq!(total.cost_usd, Some(0.5));
        assert_eq!(total.model.as_deref(), Some("cheap"), "a call without a model keeps the one recorded");
        total.add(&TaskUsage { model: Some("strong".into()), ..TaskUsage::default() });
        assert_eq!(total.model.as_deref(), Some("strong"));
    }
}
