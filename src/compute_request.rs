//! Pure work the page hands to its compute worker (`src/bin/compute_worker.rs`), so that neither
//! its code nor its running time is the page's: drawing a plan, writing a run's trace, reading a
//! plan typed, imported or linked (the tolerant parser: fences, prose, aliases). Requests
//! and answers cross as JSON; [`ComputeRequest::answer`] is the work itself, the same in the worker
//! and in place (tests).

use serde::{Deserialize, Serialize};

use crate::layout::{Geometry, LayoutRequest};
use crate::otlp::TraceRecords;
use crate::plan::parse::parse_plan;
use crate::plan::Plan;

/// A piece of work.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum ComputeRequest {
    /// Draw a plan.
    Layout(LayoutRequest),
    /// Write a run's trace as OTLP/JSON.
    Trace(Box<TraceRecords>),
    /// Read a plan typed, imported or linked, as an LLM's answer is read (`plan::parse`).
    ParsePlan(String),
}

/// What a piece of work gave.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum ComputeAnswer {
    /// The drawing.
    Layout(Geometry),
    /// The OTLP/JSON text.
    Trace(String),
    /// The plan read.
    Plan(Plan),
    /// Why the text is not a plan (the parser's message).
    NotAPlan(String),
}

impl ComputeRequest {
    /// Does the work.
    pub fn answer(&self) -> ComputeAnswer {
        match self {
            ComputeRequest::Layout(request) => ComputeAnswer::Layout(request.draw()),
            ComputeRequest::Trace(records) => ComputeAnswer::Trace(records.export()),
            ComputeRequest::ParsePlan(text) => {
                parse_plan(text).map_or_else(|e| ComputeAnswer::NotAPlan(e.to_string()), ComputeAnswer::Plan)
            }
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
    fn a_plan_text_is_read_as_the_parser_reads_it_and_a_bad_one_gets_its_message() {
        let ask = |text: &str| -> Result<ComputeAnswer, String> {
            let request = serde_json::to_string(&ComputeRequest::ParsePlan(text.into())).unwrap();
            serde_json::from_str(&answer_json(&request)).unwrap()
        };
        let fenced = format!("Here you go:\n```json\n{}\n```", diamond().to_json_pretty());
        assert_eq!(ask(&fenced), Ok(ComputeAnswer::Plan(parse_plan(&fenced).unwrap())));
        let broken = r#"{"tasks": [{"id": "T1", "depends_on": ["T9"]}"#;
        assert_eq!(ask(broken), Ok(ComputeAnswer::NotAPlan(parse_plan(broken).unwrap_err().to_string())));
    }

    #[test]
    fn an_unreadable_request_is_answered_with_why() {
        let answer: Result<ComputeAnswer, String> = serde_json::from_str(&answer_json("{\"Nope\":1}")).unwrap();
        assert!(answer.unwrap_err().starts_with("the request could not be read: unknown variant `Nope`"));
    }
}
