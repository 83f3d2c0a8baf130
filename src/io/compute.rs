//! Handing pure work off the main thread: the page's [`Compute`] is its compute worker
//! ([`super::compute_worker::WorkerCompute`]), so the layout and trace code stay out of the page's
//! Wasm and a large plan's layout never blocks it; tests work in place ([`InPlaceCompute`]).

use futures::future::{ready, FutureExt, LocalBoxFuture};
use thiserror::Error;

use crate::compute_request::{ComputeAnswer, ComputeRequest};

/// Why a piece of work was not done.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ComputeError {
    /// The worker could not be started or stopped working.
    #[error("the compute worker is unavailable: {0}")]
    Unavailable(String),
    /// The worker's answer could not be read, or it could not read the request.
    #[error("the compute worker's answer could not be read: {0}")]
    BadAnswer(String),
}

/// Does pure work.
pub trait Compute {
    /// The answer to `request`, or why there is none.
    fn run(&self, request: ComputeRequest) -> LocalBoxFuture<'static, Result<ComputeAnswer, ComputeError>>;

    /// Gets ready for work (a worker starts loading), so that the first request does not wait for it.
    fn prepare(&self) {}
}

/// Works in the calling thread, at once.
pub struct InPlaceCompute;

impl Compute for InPlaceCompute {
    fn run(&self, request: ComputeRequest) -> LocalBoxFuture<'static, Result<ComputeAnswer, ComputeError>> {
        ready(Ok(request.answer())).boxed_local()
    }
}
