//! A read (idle) timeout on a response body: a stream that sends nothing for too long is cut, apart
//! from the task's overall timeout — a stalled server is noticed in seconds, not minutes.

use std::rc::Rc;

use futures::future::{select, Either, LocalBoxFuture};
use futures::FutureExt;

use super::runtime::Runtime;
use super::transport::{ResponseBody, TransportError};

/// `inner`, failing with [`TransportError::Stalled`] when no chunk arrives within `idle_ms`.
pub struct IdleBody {
    inner: Box<dyn ResponseBody>,
    runtime: Rc<dyn Runtime>,
    idle_ms: u64,
}

impl IdleBody {
    /// Wraps `inner` with a read timeout of `idle_ms` on `runtime`.
    pub fn new(inner: Box<dyn ResponseBody>, runtime: Rc<dyn Runtime>, idle_ms: u64) -> Self {
        IdleBody { inner, runtime, idle_ms }
    }
}

impl ResponseBody for IdleBody {
    fn next_chunk(&mut self) -> LocalBoxFuture<'_, Result<Option<Vec<u8>>, TransportError>> {
        let sleep = self.runtime.sleep(self.idle_ms);
        let idle_ms = self.idle_ms;
        async move {
            match select(self.inner.next_chunk(), sleep).await {
                Either::Left((chunk, _)) => chunk,
                Either::Right(_) => Err(TransportError::Stalled { idle_ms }),
            }
        }
        .boxed_local()
    }
}
