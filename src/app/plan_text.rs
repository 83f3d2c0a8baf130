//! Plans typed, imported or linked are read by the compute worker: the tolerant parser (fences,
//! prose, aliases; `plan::parse`) stays out of the page's Wasm.

use std::rc::Rc;

use leptos::prelude::*;

use super::state::AppState;
use crate::compute_request::{ComputeAnswer, ComputeRequest};
use crate::io::compute::Compute;
use crate::plan::Plan;

/// The plan `text` holds, read by the page's compute worker, or why there is none (the parser's
/// message, or why the worker could not read it).
pub async fn read_plan(state: AppState, text: String) -> Result<Plan, String> {
    let compute: Rc<dyn Compute> = state.env.with_value(|env| env.compute.clone());
    match compute.run(ComputeRequest::ParsePlan(text)).await {
        Ok(ComputeAnswer::Plan(plan)) => Ok(plan),
        Ok(ComputeAnswer::NotAPlan(why)) => Err(why),
        Ok(_) => Err("the compute worker answered with something else: reload the page".into()),
        Err(error) => Err(format!("{error} (reload the page)")),
    }
}
