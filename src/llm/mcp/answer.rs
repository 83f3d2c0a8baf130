//! Reading the JSON-RPC response to one request from an MCP server's answer, which is either a
//! JSON body or an SSE stream of messages (the response is the message with the request's id).

use serde_json::Value;

use super::error::McpError;
use crate::io::transport::{HttpResponse, TransportError};
use crate::llm::sse::SseParser;

/// The `result` of the response with `id` in `response`'s body (read up to `cap` bytes): the
/// body itself, or one of the messages of an SSE stream — read only until that message arrives,
/// since a server may keep the stream open after it. A JSON-RPC error becomes [`McpError::Rpc`].
pub async fn rpc_result(response: &mut HttpResponse, id: u64, cap: usize) -> Result<Value, McpError> {
    let sse = response.header("content-type").is_some_and(|t| t.contains("text/event-stream"));
    let mut text = String::new();
    let mut parser = SseParser::new();
    let mut found = None;
    let read = response
        .read_text_while(cap, |piece| {
            text.push_str(piece);
            if sse {
                found = parser.push(piece).iter().find_map(|event| matching(&event.data, id));
            }
            found.is_none()
        })
        .await;
    read.map_err(|error| match error {
        TransportError::Aborted => McpError::Aborted,
        other => McpError::Broken(other.to_string()),
    })?;
    if found.is_none() {
        found =
            if sse { parser.finish().iter().find_map(|event| matching(&event.data, id)) } else { matching(&text, id) };
    }
    found.unwrap_or_else(|| Err(McpError::BadAnswer(format!("no JSON-RPC response with id {id} in {}", start(&text)))))
}

/// The outcome of the response with `id` in the JSON-RPC message (or batch) `text`, if it holds one.
fn matching(text: &str, id: u64) -> Option<Result<Value, McpError>> {
    let message: Value = serde_json::from_str(text).ok()?;
    let messages = match message {
        Value::Array(batch) => batch,
        single => vec![single],
    };
    let mut response = messages.into_iter().find(|m| m["id"].as_u64() == Some(id) && m.get("method").is_none())?;
    Some(match response.get_mut("error") {
        Some(error) => Err(McpError::Rpc {
            code: error["code"].as_i64().unwrap_or(0),
            message: error["message"].as_str().unwrap_or("(no message)").to_string(),
        }),
        None => Ok(response.get_mut("result").map(Value::take).unwrap_or(Value::Null)),
    })
}

/// The first 200 characters of `text`, for a message.
pub fn start(text: &str) -> String {
    let cut: String = text.chars().take(200).collect();
    if cut.len() < text.len() {
        format!("{cut}…")
    } else {
        cut
    }
}
