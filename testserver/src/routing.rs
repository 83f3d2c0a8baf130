//! Request routing, CORS, the control endpoints, and response helpers shared by both protocols.

use std::convert::Infallible;
use std::io;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::header::{HeaderMap, HeaderValue};
use hyper::{Method, Request, StatusCode};
use serde_json::{json, Value};
use tokio::time::Instant;

use crate::scenarios::Counters;
use crate::sse::{self, ChannelBody, Ending};
use crate::{anthropic, openai, Cors};

/// A response with either a whole or a streamed body.
pub type Response = hyper::Response<BoxBody<Bytes, io::Error>>;

/// Server-wide state.
pub struct State {
    /// Request counters.
    pub counters: Counters,
    /// When the last request arrived (for `--idle-exit`).
    last_request: Mutex<Instant>,
    /// Whether responses carry CORS headers.
    cors: Cors,
}

impl State {
    /// Fresh state; the idle clock starts now.
    pub fn new(cors: Cors) -> Self {
        State { counters: Counters::default(), last_request: Mutex::new(Instant::now()), cors }
    }

    /// When the last request arrived.
    pub fn last_request(&self) -> Instant {
        *self.last_request.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn touch(&self) {
        *self.last_request.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = Instant::now();
    }
}

/// Answers one request; every response carries the CORS headers, unless they are omitted.
pub async fn handle(request: Request<Incoming>, state: Arc<State>) -> Result<Response, Infallible> {
    state.touch();
    let requested_headers = request.headers().get("access-control-request-headers").cloned();
    let mut response = route(request, &state).await;
    if state.cors == Cors::Omit {
        return Ok(response);
    }
    let headers = response.headers_mut();
    // A bare `*` does not cover `Authorization`, so preflights get the requested names echoed back.
    let allow_headers = requested_headers.unwrap_or(HeaderValue::from_static("*"));
    headers.insert("access-control-allow-origin", HeaderValue::from_static("*"));
    headers.insert("access-control-allow-methods", HeaderValue::from_static("*"));
    headers.insert("access-control-allow-headers", allow_headers);
    headers.insert("access-control-expose-headers", HeaderValue::from_static("retry-after"));
    headers.insert("access-control-allow-private-network", HeaderValue::from_static("true"));
    headers.insert("access-control-max-age", HeaderValue::from_static("600"));
    Ok(response)
}

async fn route(request: Request<Incoming>, state: &State) -> Response {
    let (parts, body) = request.into_parts();
    let body = body.collect().await.map(|collected| collected.to_bytes()).unwrap_or_default();
    match (&parts.method, parts.uri.path()) {
        (&Method::OPTIONS, _) => empty(StatusCode::NO_CONTENT),
        (&Method::GET, "/health") => whole(StatusCode::OK, "text/plain", "ok"),
        (&Method::GET, "/v1/models") => openai::models(&parts.headers),
        (&Method::POST, "/v1/chat/completions") => openai::chat(&parts.headers, &body, state).await,
        (&Method::POST, "/v1/messages") => anthropic::messages(&parts.headers, &body, state).await,
        (&Method::GET, "/__calls") => {
            let model = query_param(parts.uri.query().unwrap_or(""), "model").unwrap_or_default();
            json(StatusCode::OK, &json!({"count": state.counters.calls(&model)}))
        }
        (_, "/__leak") => {
            state.counters.leak();
            whole(StatusCode::OK, "text/plain", "leaked")
        }
        (_, "/__hang") => {
            // A server that takes the request and never answers (the page's connect timeout).
            tokio::time::sleep(std::time::Duration::from_secs(3600)).await;
            empty(StatusCode::NO_CONTENT)
        }
        (&Method::GET, "/__leaks") => json(StatusCode::OK, &json!({"count": state.counters.leaks()})),
        (&Method::POST, "/__reset") => {
            state.counters.reset();
            empty(StatusCode::NO_CONTENT)
        }
        (method, path) => json(
            StatusCode::NOT_FOUND,
            &json!({"error": {"message": format!("testserver has no route {method} {path}"), "type": "not_found_error"}}),
        ),
    }
}

/// The decoded value of `name` in a URL query string.
fn query_param(query: &str, name: &str) -> Option<String> {
    query.split('&').find_map(|pair| {
        let (key, value) = pair.split_once('=')?;
        (key == name).then(|| percent_decode(value))
    })
}

/// `text` with `%XX` escapes and `+` decoded.
pub(crate) fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes.get(i + 1..i + 3).and_then(|h| u8::from_str_radix(std::str::from_utf8(h).ok()?, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (b'+', _) => {
                out.push(b' ');
                i += 1;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A response with a whole body.
pub fn whole(status: StatusCode, content_type: &'static str, body: impl Into<Bytes>) -> Response {
    let body = Full::new(body.into()).map_err(|never| match never {}).boxed();
    let mut response = hyper::Response::new(body);
    *response.status_mut() = status;
    response.headers_mut().insert("content-type", HeaderValue::from_static(content_type));
    response
}

fn empty(status: StatusCode) -> Response {
    let mut response = hyper::Response::new(Full::new(Bytes::new()).map_err(|never| match never {}).boxed());
    *response.status_mut() = status;
    response
}

/// A JSON response.
pub fn json(status: StatusCode, value: &Value) -> Response {
    whole(status, "application/json", value.to_string())
}

/// A JSON error response, with `Retry-After` when given.
pub fn error(status: StatusCode, body: &Value, retry_after: Option<u32>) -> Response {
    let mut response = json(status, body);
    if let Some(seconds) = retry_after {
        response.headers_mut().insert("retry-after", HeaderValue::from(seconds));
    }
    response
}

/// The `bad-json` answer: status 200 with HTML.
pub fn not_json() -> Response {
    whole(StatusCode::OK, "text/html", "<html>not json</html>")
}

/// A 200 response whose body is played frame by frame.
pub fn streamed(content_type: &'static str, body: ChannelBody) -> Response {
    let mut response = hyper::Response::new(body.boxed());
    response.headers_mut().insert("content-type", HeaderValue::from_static(content_type));
    response.headers_mut().insert("cache-control", HeaderValue::from_static("no-cache"));
    response
}

/// A 200 Server-Sent Events response playing `frames`.
pub fn event_stream(frames: Vec<String>, ending: Ending) -> Response {
    streamed("text/event-stream", sse::play(frames, ending))
}

/// Value of header `name`, or `""`.
pub fn header<'a>(headers: &'a HeaderMap, name: &str) -> &'a str {
    headers.get(name).and_then(|value| value.to_str().ok()).unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::query_param;

    #[test]
    fn query_params_are_decoded() {
        assert_eq!(query_param("a=1&model=llama3%3A8b", "model").as_deref(), Some("llama3:8b"));
        assert_eq!(query_param("model=ok", "other"), None);
    }
}
