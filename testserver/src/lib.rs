//! A local OpenAI- and Anthropic-compatible HTTP server with scripted behaviour, for Planwright's browser tests.
//!
//! The request's `model` field picks a scenario (see `README.md`); everything is stateless except
//! small counters, so parallel tests with different prompts or models do not interfere.

mod anthropic;
mod openai;
mod routing;
mod scenarios;
mod sse;

use std::sync::Arc;
use std::time::Duration;

use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;

use routing::State;

/// Whether responses carry CORS headers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cors {
    /// Every response allows any origin (the default).
    Allow,
    /// No CORS headers at all, like a server that was never set up for browsers (`--no-cors`): a page
    /// on another origin cannot read its answers, and preflighted requests fail.
    Omit,
}

/// Serves HTTP/1.1 on `listener` until no request has arrived for `idle_exit`.
pub async fn serve(listener: TcpListener, idle_exit: Duration, cors: Cors) {
    let state = Arc::new(State::new(cors));
    loop {
        let deadline = state.last_request() + idle_exit;
        tokio::select! {
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else { continue };
                let state = state.clone();
                tokio::spawn(async move {
                    let service = service_fn(move |request| routing::handle(request, state.clone()));
                    // Client hang-ups and deliberately truncated bodies end the connection with an error; both are fine.
                    let _ = http1::Builder::new().serve_connection(TokioIo::new(stream), service).await;
                });
            }
            () = tokio::time::sleep_until(deadline) => {
                if state.last_request() + idle_exit <= tokio::time::Instant::now() {
                    return;
                }
            }
        }
    }
}
