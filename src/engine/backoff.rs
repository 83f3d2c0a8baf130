//! Retry delays: exponential backoff with full jitter, never shorter than `Retry-After`.

use super::config::RunConfig;
use super::rng::SplitMix64;

/// Delay before attempt `next_attempt` (2 = first retry): uniform in `[0, min(max, base·2^(n-2))]`,
/// raised to `retry_after_ms` when the server asked for a longer wait.
pub fn retry_delay_ms(config: &RunConfig, next_attempt: u32, retry_after_ms: Option<u64>, rng: &mut SplitMix64) -> u64 {
    let exponent = next_attempt.saturating_sub(2).min(30);
    let ceiling = config.backoff_base_ms.saturating_mul(1u64 << exponent).min(config.backoff_max_ms);
    let jittered = (rng.next_f64() * ceiling as f64) as u64;
    jittered.max(retry_after_ms.unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delay_stays_under_the_doubling_ceiling_and_honours_retry_after() {
        let config = RunConfig { backoff_base_ms: 100, backoff_max_ms: 1_000, ..RunConfig::default() };
        let mut rng = SplitMix64::new(3);
        for attempt in 2..12 {
            let ceiling = (100u64 << (attempt - 2)).min(1_000);
            for _ in 0..50 {
                assert!(retry_delay_ms(&config, attempt, None, &mut rng) <= ceiling);
            }
        }
        assert!(retry_delay_ms(&config, 2, Some(5_000), &mut rng) >= 5_000);
    }
}
