//! How big a plan Planwright reads and runs, and the errors that say so.
//!
//! The limits bound the memory and time a hostile share link, a pasted text or a runaway answer can
//! claim. Parsing ([`parse_plan`](super::parse::parse_plan)) and validation
//! ([`validate`](super::validate::validate)) both check them.

use thiserror::Error;

use super::model::Plan;

/// Most bytes of plan text read (1 MiB): an LLM answer, the import box, or the JSON a share link
/// decompresses to.
pub const MAX_PLAN_TEXT_BYTES: usize = 1 << 20;
/// Most tasks in a plan.
pub const MAX_TASKS: usize = 10_000;
/// Most dependencies in a plan: the entries of every task's `depends_on`, added up.
pub const MAX_DEPENDENCIES: usize = 100_000;

/// A plan, or the text of one, over a limit.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum LimitError {
    /// The text is longer than [`MAX_PLAN_TEXT_BYTES`].
    #[error(
        "This plan text is {} bytes; Planwright reads at most {} bytes (1 MiB).",
        grouped(*.bytes),
        grouped(MAX_PLAN_TEXT_BYTES as u64)
    )]
    TextTooLong {
        /// Length of the text in bytes.
        bytes: u64,
    },
    /// The plan has more than [`MAX_TASKS`] tasks.
    #[error("This plan has {} tasks; Planwright runs at most {}.", grouped(*.tasks as u64), grouped(MAX_TASKS as u64))]
    TooManyTasks {
        /// Number of tasks in the plan.
        tasks: usize,
    },
    /// The plan has more than [`MAX_DEPENDENCIES`] dependencies.
    #[error(
        "This plan has {} dependencies; Planwright runs at most {}.",
        grouped(*.dependencies as u64),
        grouped(MAX_DEPENDENCIES as u64)
    )]
    TooManyDependencies {
        /// Number of dependencies in the plan.
        dependencies: usize,
    },
}

/// Checks that `bytes` of plan text are within [`MAX_PLAN_TEXT_BYTES`].
pub fn check_text_len(bytes: u64) -> Result<(), LimitError> {
    if bytes > MAX_PLAN_TEXT_BYTES as u64 {
        return Err(LimitError::TextTooLong { bytes });
    }
    Ok(())
}

/// Checks `plan` against [`MAX_TASKS`] and [`MAX_DEPENDENCIES`].
pub fn check_plan(plan: &Plan) -> Result<(), LimitError> {
    let tasks = plan.tasks.len();
    if tasks > MAX_TASKS {
        return Err(LimitError::TooManyTasks { tasks });
    }
    let dependencies = plan.tasks.iter().map(|task| task.depends_on.len()).sum();
    if dependencies > MAX_DEPENDENCIES {
        return Err(LimitError::TooManyDependencies { dependencies });
    }
    Ok(())
}

/// `n` with a comma between groups of three digits, e.g. `12,345`.
fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::Task;

    #[test]
    fn numbers_are_grouped_by_thousands() {
        for (n, text) in [(0, "0"), (999, "999"), (1_000, "1,000"), (12_345, "12,345"), (1_048_576, "1,048,576")] {
            assert_eq!(grouped(n), text);
        }
    }

    #[test]
    fn limits_say_how_far_over_they_are() {
        assert_eq!(check_text_len(MAX_PLAN_TEXT_BYTES as u64), Ok(()));
        assert_eq!(
            check_text_len(4 << 20).unwrap_err().to_string(),
            "This plan text is 4,194,304 bytes; Planwright reads at most 1,048,576 bytes (1 MiB)."
        );
        let plan = |tasks: usize, deps: usize| Plan {
            tasks: (0..tasks)
                .map(|i| Task {
                    depends_on: vec!["T0".to_string(); if i == 0 { deps } else { 0 }],
                    ..Task::new("T", "t", &[])
                })
                .collect(),
            critical_path: Vec::new(),
        };
        assert_eq!(check_plan(&plan(MAX_TASKS, MAX_DEPENDENCIES)), Ok(()));
        assert_eq!(
            check_plan(&plan(12_345, 0)).unwrap_err().to_string(),
            "This plan has 12,345 tasks; Planwright runs at most 10,000."
        );
        assert_eq!(
            check_plan(&plan(1, 123_456)).unwrap_err().to_string(),
            "This plan has 123,456 dependencies; Planwright runs at most 100,000."
        );
    }
}
