//! HTTP as the providers and tools use it: a request, a response whose body arrives in chunks, and
//! cancellation. The browser's `fetch` is one implementation; a scripted in-memory one serves the
//! tests and the simulation.

use futures::future::LocalBoxFuture;

use super::cancel::CancelToken;
use super::utf8_decoder::Utf8Decoder;

/// An HTTP request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpRequest {
    /// Upper-case method (`GET`, `POST`, …).
    pub method: &'static str,
    /// Absolute URL.
    pub url: String,
    /// Headers in order; a later value replaces an earlier one of the same name.
    pub headers: Vec<(String, String)>,
    /// Body text, if any.
    pub body: Option<String>,
}

impl HttpRequest {
    /// A request without headers or body.
    pub fn new(method: &'static str, url: &str) -> Self {
        HttpRequest { method, url: url.to_string(), headers: Vec::new(), body: None }
    }

    /// Adds (or replaces) header `name`.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    /// Sets the body.
    pub fn body(mut self, body: String) -> Self {
        self.body = Some(body);
        self
    }

    /// The value of header `name` (case-insensitive).
    pub fn header_value(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// Why a request got no (complete) answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransportError {
    /// No HTTP answer: refused connection, DNS failure, or a CORS block (browsers do not say which).
    #[error("network error or CORS block: {0}")]
    Network(String),
    /// No HTTP answer from a server on another origin than the page's: refused, or a CORS block.
    /// A server that sends no CORS headers fails exactly like this (browsers do not say which).
    #[error("network error or CORS block from {origin}: {detail}")]
    CrossOrigin {
        /// The server's origin (`scheme://host:port`).
        origin: String,
        /// What the browser said.
        detail: String,
    },
    /// The request was cancelled.
    #[error("aborted")]
    Aborted,
    /// The request could not be built (a bad URL or header).
    #[error("the request was refused before sending: {0}")]
    InvalidRequest(String),
    /// The body sent nothing for longer than the read timeout.
    #[error("the stream sent nothing for {} s (read timeout; the server stalled)", idle_ms / 1000)]
    Stalled {
        /// The read timeout that passed, in milliseconds.
        idle_ms: u64,
    },
    /// The connection broke while the body was arriving.
    #[error("the response stream broke off: {0}")]
    BodyBroken(String),
}

/// A response body arriving in chunks.
pub trait ResponseBody {
    /// The next chunk of bytes, `None` at the end of the body.
    fn next_chunk(&mut self) -> LocalBoxFuture<'_, Result<Option<Vec<u8>>, TransportError>>;
}

/// A body with nothing in it.
pub struct EmptyBody;

impl ResponseBody for EmptyBody {
    fn next_chunk(&mut self) -> LocalBoxFuture<'_, Result<Option<Vec<u8>>, TransportError>> {
        Box::pin(async { Ok(None) })
    }
}

/// An HTTP response whose body has not been read yet.
pub struct HttpResponse {
    /// Status code.
    pub status: u16,
    /// Headers (names lower-case).
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Box<dyn ResponseBody>,
}

impl HttpResponse {
    /// The value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    /// Whether the status is 2xx.
    pub fn ok(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// Reads the body as text, feeding it to `on_text` as it arrives (multi-byte characters split
    /// across chunks are kept whole; invalid bytes become U+FFFD at once, see [`Utf8Decoder`]). Stops after `cap` bytes
    /// and reports whether the body was cut there.
    pub async fn read_text(&mut self, cap: usize, mut on_text: impl FnMut(&str)) -> Result<bool, TransportError> {
        self.read_text_while(cap, |text| {
            on_text(text);
            true
        })
        .await
    }

    /// [`read_text`](Self::read_text), stopping as soon as `on_text` returns `false` (the rest of
    /// the body is left unread): for a stream that holds what the caller wants before its end.
    pub async fn read_text_while(
        &mut self,
        cap: usize,
        mut on_text: impl FnMut(&str) -> bool,
    ) -> Result<bool, TransportError> {
        let mut decoder = Utf8Decoder::new();
        let mut read = 0usize;
        while let Some(chunk) = self.body.next_chunk().await? {
            let kept = chunk.len().min(cap.saturating_sub(read));
            read += kept;
            let text = decoder.push(&chunk[..kept]);
            if !text.is_empty() && !on_text(&text) {
                return Ok(false);
            }
            if kept < chunk.len() {
                return Ok(true);
            }
        }
        let rest = decoder.finish();
        if !rest.is_empty() {
            on_text(&rest);
        }
        Ok(false)
    }

    /// The whole body as text, cut at `cap` bytes.
    pub async fn text(&mut self, cap: usize) -> Result<String, TransportError> {
        let mut text = String::new();
        self.read_text(cap, |piece| text.push_str(piece)).await?;
        Ok(text)
    }
}

/// Sends HTTP requests.
pub trait Transport {
    /// Sends `request`; the future ends with the response head (the body is read from it), or an
    /// error when no HTTP answer came. Cancelling `cancel` aborts the request and any body read.
    fn send(
        &self,
        request: HttpRequest,
        cancel: &CancelToken,
    ) -> LocalBoxFuture<'static, Result<HttpResponse, TransportError>>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_replace_case_insensitively() {
        let request = HttpRequest::new("GET", "http://x/").header("Authorization", "a").header("authorization", "b");
        assert_eq!(request.headers.len(), 1);
        assert_eq!(request.header_value("AUTHORIZATION"), Some("b"));
    }
}
