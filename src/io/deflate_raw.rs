//! Raw DEFLATE (RFC 1951) through the browser's `CompressionStream` and `DecompressionStream`, so
//! the bundle carries no compressor. Inflating stops at a size cap: a small input that inflates to
//! gigabytes (a decompression bomb) is cut off after the cap, not held in memory.

use js_sys::{Reflect, Uint8Array};
use thiserror::Error;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{ReadableStream, ReadableStreamDefaultReader, WritableStream, WritableStreamDefaultWriter};

#[wasm_bindgen]
extern "C" {
    /// The platform's `CompressionStream` (a transform stream).
    type CompressionStream;
    #[wasm_bindgen(constructor, catch)]
    fn new(format: &str) -> Result<CompressionStream, JsValue>;

    /// The platform's `DecompressionStream` (a transform stream).
    type DecompressionStream;
    #[wasm_bindgen(constructor, catch)]
    fn new(format: &str) -> Result<DecompressionStream, JsValue>;
}

/// Why raw DEFLATE could not be made or read.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DeflateError {
    /// The browser has no such stream (or refused the format).
    #[error("no {0}('deflate-raw')")]
    Unsupported(&'static str),
    /// The input is not valid raw DEFLATE (truncated, altered, or data after its end).
    #[error("invalid data")]
    Invalid,
    /// Inflating produced more than the cap; it stopped there.
    #[error("more than {0} bytes")]
    TooLarge(usize),
}

/// Bytes fed to the stream at a time when inflating: each holds back at most ~1 MB of output
/// (DEFLATE's ratio is at most 1032:1), and the next is written only when that was read.
const INFLATE_INPUT_CHUNK: usize = 1024;

/// `bytes` compressed as raw DEFLATE.
pub async fn deflate(bytes: &[u8]) -> Result<Vec<u8>, DeflateError> {
    let stream: JsValue =
        CompressionStream::new("deflate-raw").map_err(|_| DeflateError::Unsupported("CompressionStream"))?.into();
    transform(&stream, bytes, bytes.len(), usize::MAX).await
}

/// The bytes the raw DEFLATE `bytes` inflates to, if at most `cap`.
pub async fn inflate(bytes: &[u8], cap: usize) -> Result<Vec<u8>, DeflateError> {
    let stream: JsValue =
        DecompressionStream::new("deflate-raw").map_err(|_| DeflateError::Unsupported("DecompressionStream"))?.into();
    transform(&stream, bytes, INFLATE_INPUT_CHUNK, cap).await
}

/// Writes `input` into the transform stream `stream` (`chunk` bytes at a time, each once the stream
/// asks for more) while reading its output, which must stay within `cap` bytes.
async fn transform(stream: &JsValue, input: &[u8], chunk: usize, cap: usize) -> Result<Vec<u8>, DeflateError> {
    let part = |name: &str| Reflect::get(stream, &name.into()).map_err(|_| DeflateError::Invalid);
    let writable: WritableStream = part("writable")?.unchecked_into();
    let readable: ReadableStream = part("readable")?.unchecked_into();
    let writer = writable.get_writer().map_err(|_| DeflateError::Invalid)?;
    let reader: ReadableStreamDefaultReader = readable.get_reader().unchecked_into();
    let chunks: Vec<Uint8Array> = input.chunks(chunk.max(1)).map(Uint8Array::from).collect();
    wasm_bindgen_futures::spawn_local(write_all(writer, chunks));
    let mut out = Vec::new();
    loop {
        let read = JsFuture::from(reader.read()).await.map_err(|_| DeflateError::Invalid)?;
        if Reflect::get(&read, &"done".into()).ok().and_then(|d| d.as_bool()).unwrap_or(true) {
            return Ok(out);
        }
        let value: Uint8Array =
            Reflect::get(&read, &"value".into()).map_err(|_| DeflateError::Invalid)?.unchecked_into();
        if out.len() + value.length() as usize > cap {
            // Cancelling errors the writable side too: the writer stops.
            let _ = reader.cancel();
            return Err(DeflateError::TooLarge(cap));
        }
        out.extend(value.to_vec());
    }
}

/// Writes `chunks` one after the other (each once the stream took the one before) then closes;
/// stops at the first failure (the reading side cancelled, or the data is invalid: the reader
/// reports that).
async fn write_all(writer: WritableStreamDefaultWriter, chunks: Vec<Uint8Array>) {
    for chunk in chunks {
        if JsFuture::from(writer.write_with_chunk(&chunk)).await.is_err() {
            return;
        }
    }
    let _ = JsFuture::from(writer.close()).await;
}
