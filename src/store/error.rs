//! What can go wrong with checkpoint storage. Each message is fit for the UI's banner.

use thiserror::Error;

/// A checkpoint storage failure: what failed, and what the user can do where there is something.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum StoreError {
    /// IndexedDB could not be opened: missing (private mode), blocked, or at a newer version.
    #[error("checkpoint storage: cannot open IndexedDB ({0}); the run continues in memory only")]
    Unavailable(String),
    /// A write failed because the browser's storage quota for the page is used up.
    #[error(
        "checkpoint storage: {step}: storage is full (the browser's quota for this page is used up; delete \
         old workflows in History to free space) — {detail}"
    )]
    QuotaExceeded {
        /// The step that failed (`write task`, `commit`, …).
        step: &'static str,
        /// The browser's report.
        detail: String,
    },
    /// A write, delete or commit failed for another reason.
    #[error("checkpoint storage: {step}: {detail}")]
    Write {
        /// The step that failed (`begin write`, `write event`, `delete`, …).
        step: &'static str,
        /// The browser's report.
        detail: String,
    },
    /// A read failed.
    #[error("checkpoint storage: {step}: {detail}")]
    Read {
        /// The step that failed (`begin read`, `read workflows`, …).
        step: &'static str,
        /// The browser's report.
        detail: String,
    },
    /// A stored workflow record is not a readable workflow.
    #[error("checkpoint storage: workflow {id}: an unreadable workflow record was skipped ({detail})")]
    Corrupt {
        /// The workflow's id.
        id: String,
        /// Why it cannot be read.
        detail: String,
    },
    /// A stored workflow was saved by a newer Planwright, whose records this one cannot read.
    #[error("checkpoint storage: workflow {id} was saved by a newer Planwright (schema {schema}); it was skipped")]
    NewerSchema {
        /// The workflow's id.
        id: String,
        /// The record's schema version.
        schema: u32,
    },
    /// A record could not be written as JSON.
    #[error("checkpoint storage: a {what} record could not be encoded ({detail})")]
    Encode {
        /// Which kind of record (`workflow`, `task`, …).
        what: &'static str,
        /// The encoder's report.
        detail: String,
    },
}

impl StoreError {
    /// A failed write at `step`, reported by the browser as `detail`: [`StoreError::QuotaExceeded`]
    /// when that is a `QuotaExceededError`, else [`StoreError::Write`].
    pub fn write(step: &'static str, detail: String) -> Self {
        if detail.contains("QuotaExceeded") {
            StoreError::QuotaExceeded { step, detail }
        } else {
            StoreError::Write { step, detail }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_quota_failure_says_storage_is_full_and_how_to_free_space() {
        let error = StoreError::write("write task", "QuotaExceededError: The quota has been exceeded.".into());
        assert!(matches!(error, StoreError::QuotaExceeded { step: "write task", .. }), "{error:?}");
        assert_eq!(
            error.to_string(),
            "checkpoint storage: write task: storage is full (the browser's quota for this page is used up; \
             delete old workflows in History to free space) — QuotaExceededError: The quota has been exceeded."
        );
    }

    #[test]
    fn other_write_failures_name_the_step_and_the_browsers_report() {
        let error = StoreError::write("commit", "AbortError: the transaction was aborted".into());
        assert!(matches!(error, StoreError::Write { step: "commit", .. }), "{error:?}");
        assert_eq!(error.to_string(), "checkpoint storage: commit: AbortError: the transaction was aborted");
    }

    #[test]
    fn each_failure_says_what_failed() {
        let cases = [
            (
                StoreError::Unavailable("IndexedDB is not available in this browser".into()),
                "checkpoint storage: cannot open IndexedDB (IndexedDB is not available in this browser); the run \
                 continues in memory only",
            ),
            (
                StoreError::Read { step: "read workflows", detail: "UnknownError: disk".into() },
                "checkpoint storage: read workflows: UnknownError: disk",
            ),
            (
                StoreError::Corrupt { id: "wf-1".into(), detail: "expected value at line 1 column 1".into() },
                "checkpoint storage: workflow wf-1: an unreadable workflow record was skipped (expected value at \
                 line 1 column 1)",
            ),
            (
                StoreError::NewerSchema { id: "wf-2".into(), schema: 99 },
                "checkpoint storage: workflow wf-2 was saved by a newer Planwright (schema 99); it was skipped",
            ),
            (
                StoreError::Encode { what: "task", detail: "key must be a string".into() },
                "checkpoint storage: a task record could not be encoded (key must be a string)",
            ),
        ];
        for (error, message) in cases {
            assert_eq!(error.to_string(), message);
        }
    }

    #[test]
    fn it_is_a_standard_error_that_boxes_and_crosses_threads() {
        let boxed: Box<dyn std::error::Error + Send + Sync> =
            StoreError::Read { step: "read", detail: "gone".into() }.into();
        assert_eq!(boxed.to_string(), "checkpoint storage: read: gone");
        assert!(boxed.source().is_none());
    }
}
