//! The in-memory twin of `fetch`: a handler decides each answer (status, headers, body chunks with
//! pauses, a dropped connection), time passes on the [`Runtime`], and every request sent is kept
//! for the tests to inspect. The native tests and the simulation use it.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

use futures::future::{select, Either, LocalBoxFuture};
use futures::FutureExt;

use super::cancel::CancelToken;
use super::runtime::Runtime;
use super::transport::{HttpRequest, HttpResponse, ResponseBody, Transport, TransportError};

/// One step of a scripted body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BodyStep {
    /// These bytes arrive.
    Bytes(Vec<u8>),
    /// Nothing arrives for this many milliseconds.
    Pause(u64),
    /// The connection drops here.
    Drop,
}

/// A scripted answer to one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScriptedAnswer {
    /// No HTTP answer after `after_ms` (refused connection, CORS block).
    Unreachable {
        /// When the failure shows.
        after_ms: u64,
    },
    /// An HTTP answer whose head arrives after `after_ms`.
    Response {
        /// When the head arrives.
        after_ms: u64,
        /// Status code.
        status: u16,
        /// Headers (names lower-case).
        headers: Vec<(String, String)>,
        /// The body, step by step.
        body: Vec<BodyStep>,
    },
}

impl ScriptedAnswer {
    /// A complete answer with `status`, headers and body text, at once.
    pub fn text(status: u16, headers: &[(&str, &str)], body: &str) -> Self {
        ScriptedAnswer::Response {
            after_ms: 0,
            status,
            headers: headers.iter().map(|(n, v)| (n.to_ascii_lowercase(), v.to_string())).collect(),
            body: vec![BodyStep::Bytes(body.as_bytes().to_vec())],
        }
    }
}

/// Decides the answer to a request.
pub type Handler = Rc<dyn Fn(&HttpRequest) -> ScriptedAnswer>;

/// A transport answering from a handler.
#[derive(Clone)]
pub struct ScriptedTransport {
    runtime: Rc<dyn Runtime>,
    handler: Handler,
    sent: Rc<RefCell<Vec<(f64, HttpRequest)>>>,
}

impl ScriptedTransport {
    /// A transport whose answers come from `handler`, timed on `runtime`.
    pub fn new(runtime: Rc<dyn Runtime>, handler: impl Fn(&HttpRequest) -> ScriptedAnswer + 'static) -> Self {
        ScriptedTransport { runtime, handler: Rc::new(handler), sent: Rc::default() }
    }

    /// Every request sent so far with the time it was sent, oldest first.
    pub fn sent(&self) -> Vec<(f64, HttpRequest)> {
        self.sent.borrow().clone()
    }
}

/// Waits `ms` on `runtime` unless `cancel` fires first (then errors with `Aborted`).
async fn wait(runtime: &Rc<dyn Runtime>, ms: u64, cancel: &CancelToken) -> Result<(), TransportError> {
    if cancel.is_cancelled() {
        return Err(TransportError::Aborted);
    }
    if ms == 0 {
        return Ok(());
    }
    match select(runtime.sleep(ms), cancel.cancelled()).await {
        Either::Left(_) => Ok(()),
        Either::Right(_) => Err(TransportError::Aborted),
    }
}

impl Transport for ScriptedTransport {
    fn send(
        &self,
        request: HttpRequest,
        cancel: &CancelToken,
    ) -> LocalBoxFuture<'static, Result<HttpResponse, TransportError>> {
        self.sent.borrow_mut().push((self.runtime.now_ms(), request.clone()));
        let answer = (self.handler)(&request);
        let runtime = self.runtime.clone();
        let cancel = cancel.clone();
        async move {
            match answer {
                ScriptedAnswer::Unreachable { after_ms } => {
                    wait(&runtime, after_ms, &cancel).await?;
                    Err(TransportError::Network(format!("could not connect to {}", request.url)))
                }
                ScriptedAnswer::Response { after_ms, status, headers, body } => {
                    wait(&runtime, after_ms, &cancel).await?;
                    let body = ScriptedBody { runtime, cancel, steps: body.into() };
                    Ok(HttpResponse { status, headers, body: Box::new(body) })
                }
            }
        }
        .boxed_local()
    }
}

struct ScriptedBody {
    runtime: Rc<dyn Runtime>,
    cancel: CancelToken,
    steps: VecDeque<BodyStep>,
}

impl ResponseBody for ScriptedBody {
    fn next_chunk(&mut self) -> LocalBoxFuture<'_, Result<Option<Vec<u8>>, TransportError>> {
        async move {
            loop {
                if self.cancel.is_cancelled() {
                    return Err(TransportError::Aborted);
                }
                match self.steps.pop_front() {
                    None => return Ok(None),
                    Some(BodyStep::Bytes(bytes)) => return Ok(Some(bytes)),
                    Some(BodyStep::Pause(ms)) => wait(&self.runtime, ms, &self.cancel).await?,
                    Some(BodyStep::Drop) => return Err(TransportError::BodyBroken("the connection was reset".into())),
                }
            }
        }
        .boxed_local()
    }
}
