//! Drawing a plan: the page asks its layout worker ([`super::layout_worker::WorkerLayout`]), so the
//! layout code and its longest runs stay off the main thread and out of the page's Wasm; tests draw
//! in place ([`InPlaceLayout`]).

use futures::future::{ready, FutureExt, LocalBoxFuture};
use thiserror::Error;

use crate::layout::{Geometry, LayoutRequest};

/// Why a plan was not drawn.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum LayoutError {
    /// The worker could not be started or stopped working.
    #[error("the layout worker is unavailable: {0}")]
    Unavailable(String),
    /// The worker's answer is not a drawing, or it could not read the request.
    #[error("the layout worker's answer could not be read: {0}")]
    BadAnswer(String),
}

/// Draws plans.
pub trait Layouter {
    /// The drawing `request` asks for, or why there is none.
    fn draw(&self, request: LayoutRequest) -> LocalBoxFuture<'static, Result<Geometry, LayoutError>>;
}

/// Draws in the calling thread, at once.
pub struct InPlaceLayout;

impl Layouter for InPlaceLayout {
    fn draw(&self, request: LayoutRequest) -> LocalBoxFuture<'static, Result<Geometry, LayoutError>> {
        ready(Ok(request.draw())).boxed_local()
    }
}
