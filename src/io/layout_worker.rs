//! The page's layouter: the layout worker (`src/bin/layout_worker.rs`, built by Trunk as
//! `data-type="worker"`), reached through [`super::worker_link`], draws the plan and answers the
//! drawing as JSON.

use futures::future::{FutureExt, LocalBoxFuture};

use super::layouter::{LayoutError, Layouter};
use super::worker_link::ask;
use crate::layout::{Geometry, LayoutRequest};

/// The worker's loader script, beside the page (Trunk names it after the binary, without a hash).
const WORKER_URL: &str = "layout_worker_loader.js";

/// Draws through the shared layout worker.
pub struct WorkerLayout;

impl Layouter for WorkerLayout {
    fn draw(&self, request: LayoutRequest) -> LocalBoxFuture<'static, Result<Geometry, LayoutError>> {
        let asked = serde_json::to_string(&request).map(|json| ask(WORKER_URL, json));
        async move {
            let json =
                asked.map_err(|e| LayoutError::BadAnswer(e.to_string()))?.await.map_err(LayoutError::Unavailable)?;
            serde_json::from_str::<Result<Geometry, String>>(&json)
                .map_err(|e| e.to_string())
                .and_then(|answer| answer)
                .map_err(LayoutError::BadAnswer)
        }
        .boxed_local()
    }
}
