//! Knobs of a run: concurrency, attempts, timeouts, backoff, rate limits, re-planning.

use serde::{Deserialize, Serialize};

/// Settings for one run. `Default` gives the values the UI starts with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunConfig {
    /// Most tasks in flight at once.
    pub max_parallel: usize,
    /// Attempts per task before it fails (1 = no retry).
    pub max_attempts: u32,
    /// Per-attempt timeout in milliseconds.
    pub timeout_ms: u64,
    /// First retry's backoff ceiling in milliseconds; doubles each attempt (full jitter).
    pub backoff_base_ms: u64,
    /// Backoff ceiling in milliseconds.
    pub backoff_max_ms: u64,
    /// Seed for the backoff jitter, so a run is reproducible.
    pub seed: u64,
    /// Most task requests started per minute (`None`: no cap).
    #[serde(default)]
    pub requests_per_minute: Option<u32>,
    /// Consecutive task failures that trigger a re-plan of the remaining work (0: never re-plan).
    #[serde(default = "default_replan_after")]
    pub replan_after_failures: u32,
    /// Most re-plans per run.
    #[serde(default = "default_max_replans")]
    pub max_replans: u32,
    /// Hold each re-plan for the user's approval before it replaces the remaining work (false:
    /// apply it at once).
    #[serde(default)]
    pub approve_replans: bool,
    /// Per task, how long (ms, summed) it may wait on HTTP 429 answers that say when to come back
    /// (`Retry-After`) without spending attempts; past it, such an answer costs an attempt.
    #[serde(default = "default_rate_limit_wait_budget_ms")]
    pub rate_limit_wait_budget_ms: u64,
}

fn default_replan_after() -> u32 {
    2
}

fn default_max_replans() -> u32 {
    3
}

fn default_rate_limit_wait_budget_ms() -> u64 {
    600_000
}

impl Default for RunConfig {
    fn default() -> Self {
        RunConfig {
            max_parallel: 3,
            max_attempts: 3,
            timeout_ms: 300_000,
            backoff_base_ms: 1_000,
            backoff_max_ms: 60_000,
            seed: 1,
            requests_per_minute: None,
            replan_after_failures: default_replan_after(),
            max_replans: default_max_replans(),
            approve_replans: false,
            rate_limit_wait_budget_ms: default_rate_limit_wait_budget_ms(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_saved_before_the_rate_limit_wait_budget_existed_get_the_default() {
        let mut old = serde_json::to_value(RunConfig::default()).unwrap();
        old.as_object_mut().unwrap().remove("rate_limit_wait_budget_ms");
        let read: RunConfig = serde_json::from_value(old).unwrap();
        assert_eq!(read.rate_limit_wait_budget_ms, 600_000);
        assert_eq!(read, RunConfig::default());
    }
}
