//! Reads a fetch response body chunk by chunk as UTF-8 text (for SSE streams).

use js_sys::{Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{ReadableStream, ReadableStreamDefaultReader};

use super::utf8_decoder::Utf8Decoder;
use crate::engine::TaskError;

/// Feeds the body of `stream` to `on_text` as text arrives (decoded by [`Utf8Decoder`]: multi-byte
/// characters split across network chunks are kept whole, invalid bytes become U+FFFD at once).
/// Errors if the connection breaks mid-body.
pub async fn read_text(stream: ReadableStream, mut on_text: impl FnMut(&str)) -> Result<(), TaskError> {
    let reader: ReadableStreamDefaultReader = stream.get_reader().unchecked_into();
    let mut decoder = Utf8Decoder::new();
    loop {
        let chunk = JsFuture::from(reader.read())
            .await
            .map_err(|e| TaskError::retryable(format!("the response stream broke off: {}", describe(&e))))?;
        let done = Reflect::get(&chunk, &"done".into()).ok().and_then(|d| d.as_bool()).unwrap_or(true);
        if done {
            break;
        }
        if let Ok(value) = Reflect::get(&chunk, &"value".into()) {
            let text = decoder.push(&Uint8Array::new(&value).to_vec());
            if !text.is_empty() {
                on_text(&text);
            }
        }
    }
    let rest = decoder.finish();
    if !rest.is_empty() {
        on_text(&rest);
    }
    Ok(())
}

fn describe(error: &JsValue) -> String {
    error
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| error.as_string())
        .unwrap_or_else(|| "connection lost".into())
}
