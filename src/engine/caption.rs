//! How a task's state reads in the page: on its graph node an icon, the status word, elapsed time
//! and tokens; in the inspector its attempts.

use super::state::{TaskState, TaskStatus};
use crate::decimal::fixed;

/// The icon and word for a task: `ready` is a pending task whose dependencies are all done.
pub fn status_icon(status: TaskStatus, ready: bool) -> (&'static str, &'static str) {
    match status {
        TaskStatus::Pending if ready => ("◎", "ready"),
        TaskStatus::Pending => ("○", "pending"),
        TaskStatus::Running => ("⟳", "running"),
        TaskStatus::Completed => ("✓", "completed"),
        TaskStatus::Failed => ("✗", "failed"),
        TaskStatus::Blocked => ("⊘", "blocked"),
        TaskStatus::Skipped => ("↷", "skipped"),
    }
}

/// Elapsed time of a task as `1.2 s` / `2 m 05 s` (running tasks count to `now_ms`), if it started.
pub fn elapsed(state: &TaskState, now_ms: f64) -> Option<String> {
    let start = state.started_at_ms?;
    let end = match state.status {
        TaskStatus::Running => now_ms,
        _ => state.finished_at_ms.unwrap_or(now_ms),
    };
    let secs = ((end - start) / 1000.0).max(0.0);
    Some(if secs < 60.0 {
        format!("{} s", fixed(secs, 1))
    } else {
        format!("{} m {:02} s", (secs / 60.0) as u64, secs as u64 % 60)
    })
}

/// The node's second line, e.g. `T3 · ✓ completed · 1.2 s · 350 tok`.
pub fn caption(id: &str, state: &TaskState, ready: bool, now_ms: f64) -> String {
    let (icon, word) = status_icon(state.status, ready);
    let mut text = format!("{id} · {icon} {word}");
    if let Some(time) = elapsed(state, now_ms) {
        text.push_str(&format!(" · {time}"));
    }
    let tokens = state.usage.prompt_tokens + state.usage.completion_tokens;
    if tokens > 0 {
        text.push_str(&format!(" · {tokens} tok"));
    }
    text
}

/// The inspector's attempts line: attempts made, then the requests answered by an HTTP 429 that
/// said when to come back (they cost no attempt) and a re-run after a reload, e.g.
/// `1 (+3 answered HTTP 429 with Retry-After: 45.0 s waited, not counted)`.
pub fn attempts_line(state: &TaskState) -> String {
    let mut text = state.attempts.saturating_sub(state.rate_limit_waits).to_string();
    if state.rate_limit_waits > 0 {
        let secs = state.rate_limit_wait_ms as f64 / 1000.0;
        text.push_str(&format!(
            " (+{} answered HTTP 429 with Retry-After: {} s waited, not counted)",
            state.rate_limit_waits,
            fixed(secs, 1)
        ));
    }
    if state.interrupted {
        text.push_str(" (interrupted by a reload, re-run)");
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::TaskUsage;

    #[test]
    fn captions_show_icon_time_and_tokens() {
        let done = TaskState {
            status: TaskStatus::Completed,
            started_at_ms: Some(1_000.0),
            finished_at_ms: Some(2_200.0),
            usage: TaskUsage { prompt_tokens: 300, completion_tokens: 50, ..TaskUsage::default() },
            ..TaskState::default()
        };
        assert_eq!(caption("T3", &done, false, 9_999.0), "T3 · ✓ completed · 1.2 s · 350 tok");
        let running = TaskState { status: TaskStatus::Running, started_at_ms: Some(0.0), ..TaskState::default() };
        assert_eq!(caption("T1", &running, false, 125_000.0), "T1 · ⟳ running · 2 m 05 s");
        assert_eq!(caption("T2", &TaskState::default(), true, 0.0), "T2 · ◎ ready");
        assert_eq!(caption("T2", &TaskState::default(), false, 0.0), "T2 · ○ pending");
    }

    #[test]
    fn attempts_leave_out_rate_limit_waits_and_mention_them_and_reloads() {
        assert_eq!(attempts_line(&TaskState { attempts: 2, ..TaskState::default() }), "2");
        let waited = TaskState { attempts: 4, rate_limit_waits: 3, rate_limit_wait_ms: 45_000, ..TaskState::default() };
        assert_eq!(attempts_line(&waited), "1 (+3 answered HTTP 429 with Retry-After: 45.0 s waited, not counted)");
        let reloaded = TaskState { attempts: 2, interrupted: true, ..TaskState::default() };
        assert_eq!(attempts_line(&reloaded), "2 (interrupted by a reload, re-run)");
    }
}
