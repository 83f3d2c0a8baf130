//! Accumulates a streamed OpenAI Chat Completions answer (`"stream": true`) from its SSE events.

use std::collections::BTreeMap;

use serde_json::Value;

use super::chat::{ChatOutcome, StreamDecoder, ToolCall, Usage};
use super::openai::{classify_http, error_message, usage_from_json};
use super::sse::SseEvent;
use crate::engine::TaskError;

/// The state of one streamed chat answer.
#[derive(Debug, Default)]
pub struct ChatStream {
    /// Content received so far.
    text: String,
    /// Tool calls by their `index`, as their pieces arrive.
    tool_calls: BTreeMap<u64, ToolCall>,
    /// Usage from the final chunk.
    usage: Option<Usage>,
    /// Chunks received (`[DONE]` excluded).
    chunks: usize,
    /// A choice reported its `finish_reason`.
    finished: bool,
    /// `[DONE]` arrived.
    done: bool,
}

impl ChatStream {
    /// An empty stream.
    pub fn new() -> Self {
        ChatStream::default()
    }
}

impl StreamDecoder for ChatStream {
    /// Takes in one SSE event and returns the content it added, if any. Errors for an `error`
    /// object in the stream or a chunk that is not JSON. Events after `[DONE]` are ignored.
    fn push_event(&mut self, event: &SseEvent) -> Result<Option<String>, TaskError> {
        let data = event.data.trim();
        if self.done || data.is_empty() {
            return Ok(None);
        }
        if data == "[DONE]" {
            self.done = true;
            return Ok(None);
        }
        let chunk: Value = serde_json::from_str(data).map_err(|e| {
            let start: String = data.chars().take(80).collect();
            TaskError::retryable(format!("the stream sent a chunk that is not JSON ({e}): {start:?}"))
        })?;
        if event.event.as_deref() == Some("error") || chunk.get("error").is_some() {
            return Err(stream_error(&chunk));
        }
        self.chunks += 1;
        if let Some(usage) = chunk.get("usage").and_then(usage_from_json) {
            self.usage = Some(usage);
        }
        let Some(choice) = chunk.pointer("/choices/0") else {
            return Ok(None);
        };
        self.finished |= choice.get("finish_reason").is_some_and(|r| !r.is_null());
        let Some(delta) = choice.get("delta") else {
            return Ok(None);
        };
        for (position, call) in delta.get("tool_calls").and_then(Value::as_array).into_iter().flatten().enumerate() {
            let index = call.get("index").and_then(Value::as_u64).unwrap_or(position as u64);
            let entry = self.tool_calls.entry(index).or_default();
            if let Some(id) = call.get("id").and_then(Value::as_str).filter(|id| !id.is_empty()) {
                entry.id = id.to_string();
            }
            if let Some(name) = call.pointer("/function/name").and_then(Value::as_str).filter(|n| !n.is_empty()) {
                entry.name = name.to_string();
            }
            if let Some(arguments) = call.pointer("/function/arguments").and_then(Value::as_str) {
                entry.arguments.push_str(arguments);
            }
        }
        match delta.get("content").and_then(Value::as_str) {
            Some(content) if !content.is_empty() => {
                self.text.push_str(content);
                Ok(Some(content.to_string()))
            }
            _ => Ok(None),
        }
    }

    /// The whole answer, once the stream has ended. A stream counts as complete when `[DONE]` or a
    /// `finish_reason` arrived (some servers omit `[DONE]`); otherwise it is an error, as is an
    /// answer with neither content nor tool calls. All these errors are retryable.
    fn finish(self: Box<Self>) -> Result<ChatOutcome, TaskError> {
        if !self.done && !self.finished {
            if self.chunks == 0 {
                return Err(TaskError::retryable("the stream was empty"));
            }
            let received = self.text.chars().count()
                + self.tool_calls.values().map(|call| call.arguments.chars().count()).sum::<usize>();
            return Err(TaskError::retryable(format!("the stream broke off after {received} characters")));
        }
        if self.text.trim().is_empty() && self.tool_calls.is_empty() {
            return Err(TaskError::retryable("the model returned an empty answer"));
        }
        let tool_calls = self
            .tool_calls
            .into_iter()
            .map(|(index, mut call)| {
                if call.id.is_empty() {
                    call.id = format!("call_{index}");
                }
                call
            })
            .collect();
        Ok(ChatOutcome { text: self.text, tool_calls, usage: self.usage })
    }
}

/// The error for an `error` chunk: classified by its HTTP-like `code` when it has one (OpenRouter),
/// retryable otherwise (a server-side failure mid-answer).
fn stream_error(chunk: &Value) -> TaskError {
    let message = error_message(chunk).map_or_else(|| chunk.to_string(), str::to_string);
    match chunk.pointer("/error/code").and_then(Value::as_u64).filter(|code| (400..600).contains(code)) {
        Some(code) => classify_http(code as u16, &message, None),
        None => TaskError::retryable(format!("the endpoint reported an error mid-stream: {message}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::llm::chat::decode_sse;

    /// Runs an SSE body through the parser and a [`ChatStream`]: the deltas and the outcome.
    fn run(body: &str) -> (Vec<String>, Result<ChatOutcome, TaskError>) {
        decode_sse(body, Box::new(ChatStream::new()))
    }

    fn chunk(delta: &str) -> String {
        format!("data: {{\"choices\":[{{\"index\":0,\"delta\":{delta},\"finish_reason\":null}}]}}\n\n")
    }

    #[test]
    fn accumulates_content_and_usage() {
        let body = chunk(r#"{"role":"assistant","content":""}"#)
            + &chunk(r#"{"content":"Hel"}"#)
            + &chunk(r#"{"content":"lo"}"#)
            + "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n"
            + "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":2}}\n\n"
            + "data: [DONE]\n\n";
        let (deltas, outcome) = run(&body);
        assert_eq!(deltas, ["Hel", "lo"]);
        let outcome = outcome.unwrap();
        assert_eq!(outcome.text, "Hello");
        assert!(outcome.tool_calls.is_empty());
        assert_eq!(outcome.usage, Some(Usage { prompt_tokens: 9, completion_tokens: 2, estimated: false }));
    }

    #[test]
    fn accumulates_tool_calls_by_index() {
        let body = chunk(
            r#"{"tool_calls":[{"index":0,"id":"call_a","type":"function","function":{"name":"search","arguments":""}}]}"#,
        ) + &chunk(r#"{"tool_calls":[{"index":0,"function":{"arguments":"{\"q\":"}}]}"#)
            + &chunk(r#"{"tool_calls":[{"index":1,"function":{"name":"clock","arguments":"{}"}}]}"#)
            + &chunk(r#"{"tool_calls":[{"index":0,"function":{"arguments":"\"rust\"}"}}]}"#)
            + "data: [DONE]\n\n";
        let (deltas, outcome) = run(&body);
        assert!(deltas.is_empty());
        let outcome = outcome.unwrap();
        assert_eq!(
            outcome.tool_calls,
            vec![
                ToolCall { id: "call_a".into(), name: "search".into(), arguments: r#"{"q":"rust"}"#.into() },
                ToolCall { id: "call_1".into(), name: "clock".into(), arguments: "{}".into() },
            ]
        );
        assert_eq!(outcome.text, "");
        assert_eq!(outcome.usage, None);
    }

    #[test]
    fn reports_empty_broken_and_blank_streams() {
        let (_, outcome) = run("");
        assert_eq!(outcome.unwrap_err(), TaskError::retryable("the stream was empty"));
        let (_, outcome) = run(": keep-alive\n\n");
        assert_eq!(outcome.unwrap_err().message, "the stream was empty");

        let (deltas, outcome) = run(&(chunk(r#"{"content":"Hello"}"#) + &chunk(r#"{"content":" wö"}"#)));
        assert_eq!(deltas, ["Hello", " wö"]);
        let error = outcome.unwrap_err();
        assert!(error.retryable);
        assert_eq!(error.message, "the stream broke off after 8 characters");

        let (_, outcome) = run(&(chunk(r#"{"content":"  "}"#) + "data: [DONE]\n\n"));
        let error = outcome.unwrap_err();
        assert!(error.retryable && error.message == "the model returned an empty answer");

        let (_, outcome) = run("data: [DONE]\n\n");
        assert_eq!(outcome.unwrap_err().message, "the model returned an empty answer");
    }

    #[test]
    fn a_finish_reason_completes_a_stream_without_done() {
        let body = chunk(r#"{"content":"ok"}"#)
            + "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}";
        assert_eq!(run(&body).1.unwrap().text, "ok");
    }

    #[test]
    fn in_stream_errors_and_bad_chunks_fail() {
        let (deltas, outcome) =
            run(&(chunk(r#"{"content":"a"}"#) + "data: {\"error\":{\"message\":\"server overloaded\"}}\n\n"));
        assert_eq!(deltas, ["a"]);
        let error = outcome.unwrap_err();
        assert!(error.retryable && error.message.contains("server overloaded"), "{error:?}");

        let (_, outcome) = run("data: {\"error\":{\"code\":401,\"message\":\"No auth credentials found\"}}\n\n");
        let error = outcome.unwrap_err();
        assert!(!error.retryable && error.message.starts_with("HTTP 401") && error.message.contains("credentials"));

        let (_, outcome) = run("event: error\ndata: {\"message\":\"boom\"}\n\n");
        assert!(outcome.unwrap_err().message.contains("boom"));

        let (_, outcome) = run("data: <html>\n\n");
        assert!(outcome.unwrap_err().message.contains("not JSON"));
    }

    #[test]
    fn events_after_done_are_ignored() {
        let mut stream = ChatStream::new();
        let event = |data: &str| SseEvent { event: None, data: data.to_string() };
        assert_eq!(stream.push_event(&event(&chunk(r#"{"content":"x"}"#)[6..])).unwrap(), Some("x".to_string()));
        assert_eq!(stream.push_event(&event("[DONE]")).unwrap(), None);
        assert_eq!(stream.push_event(&event("not json")).unwrap(), None);
        assert_eq!(Box::new(stream).finish().unwrap().text, "x");
    }
}
