//! HTTP through the browser's `fetch`: the body is read from its `ReadableStream`, a cancel aborts
//! the request through an `AbortController`.

use futures::future::LocalBoxFuture;
use js_sys::{Reflect, Uint8Array};
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, Headers, ReadableStreamDefaultReader, RequestInit, Response};

use super::cancel::CancelToken;
use super::transport::{HttpRequest, HttpResponse, ResponseBody, Transport, TransportError};

#[wasm_bindgen]
extern "C" {
    /// The global `fetch` (works in windows and workers alike).
    #[wasm_bindgen(js_name = "fetch")]
    fn fetch_with_request(request: &web_sys::Request) -> js_sys::Promise;
}

/// The page's `fetch`.
#[derive(Debug, Clone, Copy, Default)]
pub struct FetchTransport;

impl Transport for FetchTransport {
    fn send(
        &self,
        request: HttpRequest,
        cancel: &CancelToken,
    ) -> LocalBoxFuture<'static, Result<HttpResponse, TransportError>> {
        let cancel = cancel.clone();
        Box::pin(async move {
            if cancel.is_cancelled() {
                return Err(TransportError::Aborted);
            }
            let controller = AbortController::new().map_err(|e| TransportError::InvalidRequest(js_text(&e)))?;
            let request = build(&request, &controller)?;
            let abort = controller.clone();
            cancel.on_cancel(move || abort.abort());
            let answer = JsFuture::from(fetch_with_request(&request)).await;
            if cancel.is_cancelled() {
                return Err(TransportError::Aborted);
            }
            let response: Response = answer
                .map_err(|e| unanswered(&request.url(), js_text(&e)))?
                .dyn_into()
                .map_err(|_| TransportError::Network("fetch did not return a Response".into()))?;
            let mut headers = Vec::new();
            for name in ["content-type", "retry-after", "mcp-session-id"] {
                if let Ok(Some(value)) = response.headers().get(name) {
                    headers.push((name.to_string(), value));
                }
            }
            let reader = response.body().map(|body| body.get_reader().unchecked_into::<ReadableStreamDefaultReader>());
            Ok(HttpResponse { status: response.status(), headers, body: Box::new(FetchBody { reader, cancel }) })
        })
    }
}

/// The error of a request to `url` that got no HTTP answer: [`TransportError::CrossOrigin`] when
/// `url` is on another origin than the page (a CORS block shows exactly so), else `Network`.
fn unanswered(url: &str, detail: String) -> TransportError {
    let origin = web_sys::Url::new(url).map(|u| u.origin()).unwrap_or_default();
    let page = js_sys::Reflect::get(&js_sys::global(), &"origin".into()).ok().and_then(|o| o.as_string());
    if origin.starts_with("http") && page.as_deref() != Some(origin.as_str()) {
        TransportError::CrossOrigin { origin, detail }
    } else {
        TransportError::Network(detail)
    }
}

/// The browser `Request` for `request`, or why the browser refused it.
fn build(request: &HttpRequest, controller: &AbortController) -> Result<web_sys::Request, TransportError> {
    let refused = |e: JsValue| TransportError::InvalidRequest(js_text(&e));
    let init = RequestInit::new();
    init.set_method(request.method);
    let headers = Headers::new().map_err(refused)?;
    for (name, value) in &request.headers {
        headers.set(name, value).map_err(refused)?;
    }
    init.set_headers(&headers);
    if let Some(body) = &request.body {
        init.set_body(&JsValue::from_str(body));
    }
    init.set_signal(Some(&controller.signal()));
    web_sys::Request::new_with_str_and_init(&request.url, &init).map_err(refused)
}

struct FetchBody {
    reader: Option<ReadableStreamDefaultReader>,
    cancel: CancelToken,
}

impl ResponseBody for FetchBody {
    fn next_chunk(&mut self) -> LocalBoxFuture<'_, Result<Option<Vec<u8>>, TransportError>> {
        Box::pin(async move {
            let Some(reader) = &self.reader else { return Ok(None) };
            let chunk = JsFuture::from(reader.read()).await;
            if self.cancel.is_cancelled() {
                return Err(TransportError::Aborted);
            }
            let chunk = chunk.map_err(|e| TransportError::BodyBroken(js_text(&e)))?;
            let done = Reflect::get(&chunk, &"done".into()).ok().and_then(|d| d.as_bool()).unwrap_or(true);
            if done {
                self.reader = None;
                return Ok(None);
            }
            let value = Reflect::get(&chunk, &"value".into()).map_err(|e| TransportError::BodyBroken(js_text(&e)))?;
            Ok(Some(Uint8Array::new(&value).to_vec()))
        })
    }
}

impl Drop for FetchBody {
    fn drop(&mut self) {
        // An unread rest of the body is not downloaded.
        if let Some(reader) = self.reader.take() {
            let _ = reader.cancel();
        }
    }
}

/// A thrown JavaScript value as text (`error.toString()` for an `Error`, e.g. "TypeError: …").
fn js_text(value: &JsValue) -> String {
    match value.dyn_ref::<js_sys::Error>() {
        Some(error) => String::from(error.to_string()),
        None => value.as_string().unwrap_or_else(|| format!("{value:?}")),
    }
}
