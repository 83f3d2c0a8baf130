//! Retries for the requests that are not tasks — the plan, its repair round, subtasks, re-plans,
//! the connection check — with the same rules as tasks: retryable errors get exponential back-off,
//! and a 429 that says when to come back is waited out without spending an attempt, within a
//! total wait budget.

use crate::engine::TaskError;

/// Attempts of one plan-shaped request (the first included) for errors other than a timed 429.
pub const REQUEST_ATTEMPTS: u32 = 3;
/// First back-off in milliseconds; doubles per attempt.
pub const REQUEST_BACKOFF_MS: u64 = 1_000;
/// Longest single wait, in milliseconds.
pub const REQUEST_BACKOFF_MAX_MS: u64 = 30_000;
/// Most time spent waiting out `Retry-After` answers for one request, in milliseconds.
pub const RATE_LIMIT_WAIT_BUDGET_MS: u64 = 120_000;

/// Where a request stands in its retries.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequestRetry {
    attempts: u32,
    waited_ms: u64,
}

impl RequestRetry {
    /// How long to wait before trying again after `error`, or `None` to give up.
    pub fn after(&mut self, error: &TaskError) -> Option<u64> {
        if !error.retryable {
            return None;
        }
        if let (true, Some(wait)) = (error.rate_limited, error.retry_after_ms) {
            if self.waited_ms + wait <= RATE_LIMIT_WAIT_BUDGET_MS {
                self.waited_ms += wait;
                return Some(wait);
            }
        }
        self.attempts += 1;
        if self.attempts >= REQUEST_ATTEMPTS {
            return None;
        }
        let backoff = (REQUEST_BACKOFF_MS << (self.attempts - 1).min(20)).min(REQUEST_BACKOFF_MAX_MS);
        Some(backoff.max(error.retry_after_ms.unwrap_or(0)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rate_limited(after_ms: Option<u64>) -> TaskError {
        TaskError { retry_after_ms: after_ms, rate_limited: true, ..TaskError::retryable("HTTP 429") }
    }

    #[test]
    fn timed_429s_cost_no_attempt_until_the_budget_is_spent() {
        let mut retry = RequestRetry::default();
        for _ in 0..10 {
            assert_eq!(retry.after(&rate_limited(Some(1_000))), Some(1_000));
        }
        let mut retry = RequestRetry::default();
        assert_eq!(retry.after(&rate_limited(Some(RATE_LIMIT_WAIT_BUDGET_MS))), Some(RATE_LIMIT_WAIT_BUDGET_MS));
        // Past the budget a 429 is an ordinary retryable failure, within the attempts.
        assert!(retry.after(&rate_limited(Some(1_000))).is_some());
        assert!(retry.after(&rate_limited(Some(1_000))).is_some());
        assert_eq!(retry.after(&rate_limited(Some(1_000))), None);
    }

    #[test]
    fn other_errors_back_off_and_give_up_after_the_attempts() {
        let mut retry = RequestRetry::default();
        assert_eq!(retry.after(&TaskError::retryable("HTTP 503")), Some(1_000));
        assert_eq!(retry.after(&TaskError::retryable("HTTP 503")), Some(2_000));
        assert_eq!(retry.after(&TaskError::retryable("HTTP 503")), None);
        assert_eq!(RequestRetry::default().after(&TaskError::permanent("HTTP 401")), None);
        assert_eq!(RequestRetry::default().after(&rate_limited(None)), Some(1_000));
    }
}
