//! The page's [`Compute`]: the compute worker (`src/bin/compute_worker.rs`, built by Trunk as
//! `data-type="worker"`), reached through `planwright_worker_link`, does the work and answers as JSON.

use futures::future::{FutureExt, LocalBoxFuture};

use super::compute::{Compute, ComputeError};
use crate::compute_request::{ComputeAnswer, ComputeRequest};
use planwright_worker_link::page::{ask, start_worker};

/// The worker's loader script, beside the page (Trunk names it after the binary, without a hash).
const WORKER_URL: &str = "compute_worker_loader.js";

/// Works through the shared compute worker.
pub struct WorkerCompute;

impl Compute for WorkerCompute {
    fn run(&self, request: ComputeRequest) -> LocalBoxFuture<'static, Result<ComputeAnswer, ComputeError>> {
        let asked = serde_json::to_string(&request).map(|json| ask(WORKER_URL, json));
        async move {
            let json =
                asked.map_err(|e| ComputeError::BadAnswer(e.to_string()))?.await.map_err(ComputeError::Unavailable)?;
            serde_json::from_str::<Result<ComputeAnswer, String>>(&json)
                .map_err(|e| e.to_string())
                .and_then(|answer| answer)
                .map_err(ComputeError::BadAnswer)
        }
        .boxed_local()
    }

    fn prepare(&self) {
        start_worker(WORKER_URL);
    }
}
