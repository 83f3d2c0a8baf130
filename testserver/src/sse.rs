//! Streamed response bodies: a channel-fed body, Server-Sent Events framing, and text splitting.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use hyper::body::{Body, Frame};
use serde_json::Value;
use tokio::sync::mpsc;

/// Gap between two streamed frames.
const PIECE_GAP: Duration = Duration::from_millis(10);

/// Characters per streamed piece.
const PIECE_CHARS: usize = 8;

/// A response body fed by [`play`]; an error item makes hyper drop the connection mid-body.
pub struct ChannelBody(mpsc::Receiver<io::Result<Bytes>>);

impl Body for ChannelBody {
    type Data = Bytes;
    type Error = io::Error;

    fn poll_frame(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<io::Result<Frame<Bytes>>>> {
        self.0.poll_recv(cx).map(|item| item.map(|chunk| chunk.map(Frame::data)))
    }
}

/// How a played body ends.
pub enum Ending {
    /// Finish the body normally.
    Close,
    /// Cut the connection without finishing the body (no terminating chunk), like a dropped proxy.
    Abort,
}

/// A body that sends `frames` one by one, [`PIECE_GAP`] apart, then ends as told.
/// Stops early if the client goes away.
pub fn play(frames: Vec<String>, ending: Ending) -> ChannelBody {
    let (tx, rx) = mpsc::channel(16);
    tokio::spawn(async move {
        for (i, frame) in frames.into_iter().enumerate() {
            if i > 0 {
                tokio::time::sleep(PIECE_GAP).await;
            }
            if tx.send(Ok(Bytes::from(frame))).await.is_err() {
                return;
            }
        }
        if let Ending::Abort = ending {
            // Give hyper time to flush the last frame: it drops buffered bytes when the body fails.
            tokio::time::sleep(PIECE_GAP).await;
            let _ = tx.send(Err(io::Error::other("truncated on purpose"))).await;
        }
    });
    ChannelBody(rx)
}

/// One `data:` event (OpenAI style).
pub fn data(data: &Value) -> String {
    format!("data: {data}\n\n")
}

/// One named event (Anthropic style); its data carries the same `type`.
pub fn event(data: &Value) -> String {
    format!("event: {}\ndata: {data}\n\n", data["type"].as_str().unwrap_or("message"))
}

/// Splits `text` into pieces of about eight characters, never inside a UTF-8 character.
pub fn pieces(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    chars.chunks(PIECE_CHARS).map(|chunk| chunk.iter().collect()).collect()
}

#[cfg(test)]
mod tests {
    use super::pieces;

    #[test]
    fn pieces_cover_the_text_in_order() {
        let text = "Result of T3 from testserver — ✓";
        let parts = pieces(text);
        assert!(parts.iter().all(|p| p.chars().count() <= 8));
        assert_eq!(parts.concat(), text);
        assert!(pieces("").is_empty());
    }
}
