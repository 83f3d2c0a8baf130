//! Knobs of a run: concurrency, attempts, timeouts, backoff.

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
        }
    }
}
