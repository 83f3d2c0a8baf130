//! Counts of tasks by status, for progress bars and summaries.

use super::state::{TaskState, TaskStatus};

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

#[cfg(test)]
mod tests {
    use super::*;

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
