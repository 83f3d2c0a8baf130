//! Counts of tasks by status, for progress bars and summaries.

use super::state::{TaskState, TaskStatus, TaskUsage};
use crate::decimal::fixed;

/// How many tasks are in each status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Progress {
    /// All tasks.
    pub total: usize,
    /// Pending tasks.
    pub pending: usize,
    /// Running tasks.
    pub running: usize,
    /// Completed tasks.
    pub completed: usize,
    /// Failed tasks.
    pub failed: usize,
    /// Blocked tasks.
    pub blocked: usize,
    /// Skipped tasks.
    pub skipped: usize,
}

impl Progress {
    /// Counts `states`; `total` tasks exist in the plan (states not yet recorded count as pending).
    pub fn count<'a>(total: usize, states: impl IntoIterator<Item = &'a TaskState>) -> Progress {
        let mut p = Progress { total, ..Progress::default() };
        for state in states {
            match state.status {
                TaskStatus::Pending => {}
                TaskStatus::Running => p.running += 1,
                TaskStatus::Completed => p.completed += 1,
                TaskStatus::Failed => p.failed += 1,
                TaskStatus::Blocked => p.blocked += 1,
                TaskStatus::Skipped => p.skipped += 1,
            }
        }
        p.pending = total.saturating_sub(p.running + p.completed + p.failed + p.blocked + p.skipped);
        p
    }

    /// Share of tasks in a terminal state, in percent.
    pub fn percent_done(&self) -> f64 {
        if self.total == 0 {
            0.0
        } else {
            100.0 * (self.completed + self.failed + self.blocked + self.skipped) as f64 / self.total as f64
        }
    }
}

/// Estimated time left in milliseconds: the mean duration of finished tasks times the tasks still
/// to run, spread over `max_parallel` slots. `None` until a task has finished or when none remain.
pub fn eta_ms<'a>(states: impl IntoIterator<Item = &'a TaskState>, total: usize, max_parallel: usize) -> Option<f64> {
    let mut finished = 0usize;
    let mut spent = 0.0;
    let mut terminal = 0usize;
    for state in states {
        if state.status.is_terminal() {
            terminal += 1;
        }
        if let (TaskStatus::Completed, Some(start), Some(end)) =
            (state.status, state.started_at_ms, state.finished_at_ms)
        {
            finished += 1;
            spent += (end - start).max(0.0);
        }
    }
    let left = total.saturating_sub(terminal);
    (finished > 0 && left > 0).then(|| spent / finished as f64 * left as f64 / max_parallel.max(1) as f64)
}

/// Usage of a whole run plus its wall time.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RunTotals {
    /// Summed usage of every task.
    pub usage: TaskUsage,
    /// From the first start to the last finish, in milliseconds (0 before anything started).
    pub wall_ms: f64,
}

impl RunTotals {
    /// Totals over `states`.
    pub fn of<'a>(states: impl IntoIterator<Item = &'a TaskState>) -> RunTotals {
        let mut totals = RunTotals::default();
        let (mut first, mut last) = (f64::INFINITY, f64::NEG_INFINITY);
        for state in states {
            totals.usage.add(&state.usage);
            if let Some(start) = state.started_at_ms {
                first = first.min(start);
                last = last.max(state.finished_at_ms.unwrap_or(start));
            }
        }
        if first.is_finite() && last >= first {
            totals.wall_ms = last - first;
        }
        totals
    }

    /// One line for the UI, e.g. `1,234 tokens (estimated) · $0.0012 · 12.3 s` (or that nothing ran yet).
    pub fn summary(&self) -> String {
        if self.usage.calls == 0 && self.wall_ms == 0.0 {
            return "nothing has run yet".to_string();
        }
        let tokens = self.usage.prompt_tokens + self.usage.completion_tokens;
        let mut text = format!("{tokens} tokens");
        if self.usage.estimated {
            text.push_str(" (estimated)");
        }
        if let Some(cost) = self.usage.cost_usd {
            text.push_str(&format!(" · ${}", fixed(cost, 4)));
        }
        text.push_str(&format!(" · {} s", fixed(self.wall_ms / 1000.0, 1)));
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eta_spreads_the_mean_duration_over_the_slots() {
        let done = TaskState {
            status: TaskStatus::Completed,
            started_at_ms: Some(0.0),
            finished_at_ms: Some(2_000.0),
            ..TaskState::default()
        };
        assert_eq!(eta_ms(std::slice::from_ref(&done), 7, 3), Some(4_000.0));
        assert_eq!(eta_ms(&[], 7, 3), None);
        assert_eq!(eta_ms(&[done], 1, 3), None);
    }

    #[test]
    fn totals_sum_usage_and_span_the_run() {
        let s = |start: f64, end: f64, tokens: u64| TaskState {
            started_at_ms: Some(start),
            finished_at_ms: Some(end),
            usage: TaskUsage {
                calls: 1,
                prompt_tokens: tokens,
                completion_tokens: 1,
                cost_usd: Some(0.5),
                ..TaskUsage::default()
            },
            ..TaskState::default()
        };
        let totals = RunTotals::of(&[s(1_000.0, 3_000.0, 10), s(2_000.0, 6_000.0, 20)]);
        assert_eq!(totals.usage.prompt_tokens, 30);
        assert_eq!(totals.wall_ms, 5_000.0);
        assert_eq!(totals.summary(), "32 tokens · $1.0000 · 5.0 s");
        assert_eq!(RunTotals::of(&[]).wall_ms, 0.0);
        assert_eq!(RunTotals::of(&[TaskState::default()]).summary(), "nothing has run yet");
    }

    #[test]
    fn counts_each_status_and_treats_missing_as_pending() {
        let s = |status| TaskState { status, ..TaskState::default() };
        let states = [s(TaskStatus::Completed), s(TaskStatus::Failed), s(TaskStatus::Running), s(TaskStatus::Blocked)];
        let p = Progress::count(6, &states);
        assert_eq!((p.completed, p.failed, p.running, p.blocked, p.pending), (1, 1, 1, 1, 2));
        assert_eq!(p.percent_done(), 50.0);
        assert_eq!(Progress::count(0, &[]).percent_done(), 0.0);
    }
}
