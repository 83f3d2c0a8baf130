//! Pure work the page hands to its compute worker (`src/bin/compute_worker.rs`), so that neither
//! its code nor its running time is the page's: drawing a plan and writing a run's trace. Requests
//! and answers cross as JSON; [`ComputeRequest::answer`] is the work itself, the same in the worker
//! and in place (tests).

use serde::{Deserialize, Serialize};

use crate::layout::{Geometry, LayoutRequest};
use crate::otlp::TraceRecords;

/// A piece of work.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum ComputeRequest {
    /// Draw a plan.
    Layout(LayoutRequest),
    /// Write a run's trace as OTLP/JSON.
    Trace(Box<TraceRecords>),
}

/// What a piece of work gave.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum ComputeAnswer {
    /// The drawing.
    Layout(Geometry),
    /// The OTLP/JSON text.
    Trace(String),
}

impl ComputeRequest {
    /// Does the work.
    pub fn answer(&self) -> ComputeAnswer {
        match self {
            ComputeRequest::Layout(request) => ComputeAnswer::Layout(request.draw()),
            ComputeRequest::Trace(records) => ComputeAnswer::Trace(records.export()),
        }
    }
}

/// The worker's answer to a request in JSON: `Ok` with the answer, or `Err` with why the request
/// could not be read.
pub fn answer_json(request: &str) -> String {
    let answer = serde_json::from_str::<ComputeRequest>(request)
        .map(|request| request.answer())
        .map_err(|e| format!("the request could not be read: {e}"));
    serde_json::to_string(&answer).unwrap_or_default()
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::layout::{layout, LayoutOptions};
    use crate::plan::test_plans::diamond;

    #[test]
    fn a_request_is_answered_through_json() {
        let request = ComputeRequest::Layout(LayoutRequest::fresh(&diamond(), &LayoutOptions::default()));
        let answer: Result<ComputeAnswer, String> =
            serde_json::from_str(&answer_json(&serde_json::to_string(&request).unwrap())).unwrap();
        assert_eq!(answer, Ok(ComputeAnswer::Layout(layout(&diamond(), &LayoutOptions::default()))));
    }

    #[test]
    fn an_unreadable_request_is_answered_with_why() {
        let answer: Result<ComputeAnswer, String> = serde_json::from_str(&answer_json("{\"Nope\":1}")).unwrap();
        assert!(answer.unwrap_err().starts_with("the request could not be read: unknown variant `Nope`"));
    }
}
