//! OpenAI-compatible Chat Completions: request bodies, response parsing, error classification.
//! Pure; the fetch itself lives in the browser adapter.

use serde_json::{json, Value};

use super::chat::{ChatOutcome, ToolCall, Usage};
use super::prompt::ChatMessage;
use crate::engine::TaskError;
use crate::io::transport::TransportError;

/// The `/chat/completions` URL under `base_url` (e.g. `http://localhost:11434/v1`).
pub fn chat_url(base_url: &str) -> String {
    format!("{}/chat/completions", base_url.trim().trim_end_matches('/'))
}

/// Optional parts of a chat request.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ChatOptions {
    /// Stream the answer as SSE, with token usage in the last chunk.
    pub stream: bool,
    /// A JSON Schema the answer must follow (OpenAI strict structured outputs, `response_format`).
    pub json_schema: Option<Value>,
    /// Ollama's `format` field: `"json"` or a JSON Schema.
    pub ollama_format: Option<Value>,
    /// Tool definitions in the OpenAI shape (`{"type": "function", "function": {…}}`).
    pub tools: Vec<Value>,
}

/// Name under which [`ChatOptions::json_schema`] is sent.
const SCHEMA_NAME: &str = "answer";

/// The JSON body of a non-streaming chat request.
pub fn chat_body(model: &str, messages: &[ChatMessage]) -> Value {
    chat_body_with(model, messages, &ChatOptions::default())
}

/// The JSON body of a chat request with `options`.
pub fn chat_body_with(model: &str, messages: &[ChatMessage], options: &ChatOptions) -> Value {
    let mut body = json!({ "model": model, "messages": messages, "stream": options.stream });
    if options.stream {
        body["stream_options"] = json!({ "include_usage": true });
    }
    if let Some(schema) = &options.json_schema {
        body["response_format"] =
            json!({ "type": "json_schema", "json_schema": { "name": SCHEMA_NAME, "strict": true, "schema": schema } });
    }
    if let Some(format) = &options.ollama_format {
        body["format"] = format.clone();
    }
    if !options.tools.is_empty() {
        body["tools"] = Value::Array(options.tools.clone());
    }
    body
}

/// Parses a response body as JSON, or explains what came back instead.
pub(crate) fn json_body(body: &str) -> Result<Value, TaskError> {
    serde_json::from_str(body).map_err(|e| {
        let start: String = body.chars().take(80).collect();
        TaskError::retryable(format!(
            "the endpoint answered with something that is not JSON ({e}); it starts with: {start:?}"
        ))
    })
}

/// The assistant text of a chat completion response body.
pub fn parse_chat_response(body: &str) -> Result<String, TaskError> {
    let outcome = parse_chat_outcome(body)?;
    if outcome.text.trim().is_empty() {
        return Err(TaskError::retryable("the model returned an empty answer"));
    }
    Ok(outcome.text)
}

/// The text, tool calls and usage of a chat completion response body.
pub fn parse_chat_outcome(body: &str) -> Result<ChatOutcome, TaskError> {
    let value = json_body(body)?;
    if let Some(message) = error_message(&value) {
        return Err(TaskError::permanent(format!("the endpoint reported an error: {message}")));
    }
    let Some(message) = value.pointer("/choices/0/message").filter(|m| m.is_object()) else {
        return Err(TaskError::permanent(
            "the response has no `choices[0].message`: is this a Chat Completions endpoint?",
        ));
    };
    let text = message.get("content").and_then(Value::as_str).unwrap_or_default().to_string();
    let tool_calls: Vec<ToolCall> = message
        .get("tool_calls")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
        .map(|(i, call)| ToolCall {
            id: call.get("id").and_then(Value::as_str).map_or_else(|| format!("call_{i}"), str::to_string),
            name: call.pointer("/function/name").and_then(Value::as_str).unwrap_or_default().to_string(),
            arguments: match call.pointer("/function/arguments") {
                Some(Value::String(s)) => s.clone(),
                Some(other) if !other.is_null() => other.to_string(),
                _ => "{}".to_string(),
            },
        })
        .collect();
    if text.trim().is_empty() && tool_calls.is_empty() {
        return Err(TaskError::retryable("the model returned an empty answer"));
    }
    Ok(ChatOutcome { text, tool_calls, usage: value.get("usage").and_then(usage_from_json) })
}

/// Reported usage from an OpenAI `usage` object.
pub(crate) fn usage_from_json(usage: &Value) -> Option<Usage> {
    let count = |key: &str| usage.get(key).and_then(Value::as_u64);
    match (count("prompt_tokens"), count("completion_tokens")) {
        (None, None) => None,
        (prompt, completion) => Some(Usage {
            prompt_tokens: prompt.unwrap_or(0),
            completion_tokens: completion.unwrap_or(0),
            estimated: false,
        }),
    }
}

/// The message of an `error` in a response body: `{"error": {"message": …}}` or `{"error": "…"}` (Ollama).
pub(crate) fn error_message(value: &Value) -> Option<&str> {
    match value.get("error")? {
        Value::String(message) => Some(message),
        error => error.get("message").and_then(Value::as_str),
    }
}

/// A clear, classified error for an HTTP failure status. `retry_after` is the raw `Retry-After` header.
pub fn http_error(status: u16, body: &str, retry_after: Option<&str>) -> TaskError {
    let detail = serde_json::from_str::<Value>(body)
        .ok()
        .and_then(|v| error_message(&v).map(str::to_string))
        .unwrap_or_else(|| body.chars().take(160).collect());
    classify_http(status, &detail, retry_after)
}

/// The error for HTTP `status` with the provider's explanation `detail`, for every provider:
/// whether it is worth retrying, and after how long (`retry_after` is the raw `Retry-After` header).
pub fn classify_http(status: u16, detail: &str, retry_after: Option<&str>) -> TaskError {
    let (hint, retryable) = match status {
        401 | 403 => ("check the API key", false),
        404 => ("check the base URL and the model name", false),
        400 => ("the endpoint rejected the request", false),
        408 => ("the endpoint timed out", true),
        429 => ("rate limited; backing off", true),
        529 => ("the provider is overloaded", true),
        500..=599 => ("the endpoint had a server error", true),
        _ => ("unexpected status", false),
    };
    TaskError {
        message: format!("HTTP {status}: {hint}. {detail}").trim_end().to_string(),
        retryable,
        retry_after_ms: retry_after.and_then(crate::decimal::parse_decimal).map(|secs| (secs * 1000.0).ceil() as u64),
        rate_limited: status == 429,
    }
}

/// The message for a request to `url` that never got an HTTP answer (CORS, refused connection,
/// DNS). When the server is on another origin than the page, it names the command that serves the
/// page with a same-origin proxy to it.
pub fn network_error(url: &str, error: &TransportError) -> TaskError {
    let mut message = format!(
        "could not reach {url}: the connection was refused or blocked by CORS. Is the server running? A local \
         server must allow this page's origin: Ollama needs OLLAMA_ORIGINS set to this origin (or *), \
         llama.cpp server and LM Studio need CORS enabled."
    );
    if let TransportError::CrossOrigin { origin, .. } = error {
        message.push_str(&format!(
            " If it sends no CORS headers, serve this page with a proxy to it: scripts/serve --proxy {origin} \
             (then pick \"via proxy\" under the base URL)."
        ));
    }
    TaskError::retryable(message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_url_and_body() {
        assert_eq!(chat_url("http://localhost:11434/v1/ "), "http://localhost:11434/v1/chat/completions");
        let body = chat_body("llama3", &[ChatMessage::text("user", "hi")]);
        assert_eq!(body["model"], "llama3");
        assert_eq!(body["messages"][0]["content"], "hi");
        assert_eq!(body["stream"], false);
        assert!(body.get("stream_options").is_none() && body.get("tools").is_none());
        assert_eq!(body["messages"][0].as_object().unwrap().len(), 2, "no null tool fields");
    }

    #[test]
    fn body_options_add_streaming_schema_format_and_tools() {
        let options = ChatOptions {
            stream: true,
            json_schema: Some(json!({"type": "object"})),
            ollama_format: Some(json!("json")),
            tools: vec![json!({"type": "function", "function": {"name": "search"}})],
        };
        let result = ChatMessage { tool_call_id: Some("c1".into()), ..ChatMessage::text("tool", "found") };
        let body = chat_body_with("m", &[ChatMessage::text("user", "hi"), result], &options);
        assert_eq!(body["stream"], true);
        assert_eq!(body["stream_options"], json!({"include_usage": true}));
        assert_eq!(body["response_format"]["type"], "json_schema");
        assert_eq!(body["response_format"]["json_schema"]["strict"], true);
        assert_eq!(body["response_format"]["json_schema"]["schema"], json!({"type": "object"}));
        assert_eq!(body["format"], "json");
        assert_eq!(body["tools"][0]["function"]["name"], "search");
        assert_eq!(body["messages"][1], json!({"role": "tool", "content": "found", "tool_call_id": "c1"}));
    }

    #[test]
    fn parses_content_and_reports_bad_bodies() {
        let ok = r#"{"choices":[{"message":{"role":"assistant","content":"hello"}}]}"#;
        assert_eq!(parse_chat_response(ok).unwrap(), "hello");
        assert!(parse_chat_response("<html>").unwrap_err().message.contains("not JSON"));
        assert!(parse_chat_response(r#"{"error":{"message":"bad model"}}"#).unwrap_err().message.contains("bad model"));
        assert!(parse_chat_response(r#"{"choices":[]}"#).unwrap_err().message.contains("choices[0]"));
        assert!(parse_chat_response(r#"{"error":"model not found"}"#).unwrap_err().message.contains("not found"));
        let empty = parse_chat_response(r#"{"choices":[{"message":{"content":" "}}]}"#).unwrap_err();
        assert!(empty.retryable && empty.message.contains("empty answer"));
    }

    #[test]
    fn parses_tool_calls_and_usage() {
        let body = r#"{"choices":[{"message":{"role":"assistant","content":null,"tool_calls":[
            {"id":"call_a","type":"function","function":{"name":"search","arguments":"{\"q\":\"rust\"}"}},
            {"type":"function","function":{"name":"clock","arguments":{"tz":"UTC"}}}]}}],
            "usage":{"prompt_tokens":12,"completion_tokens":5,"total_tokens":17}}"#;
        let outcome = parse_chat_outcome(body).unwrap();
        assert_eq!(outcome.text, "");
        assert_eq!(
            outcome.tool_calls,
            vec![
                ToolCall { id: "call_a".into(), name: "search".into(), arguments: r#"{"q":"rust"}"#.into() },
                ToolCall { id: "call_1".into(), name: "clock".into(), arguments: r#"{"tz":"UTC"}"#.into() },
            ]
        );
        assert_eq!(outcome.usage, Some(Usage { prompt_tokens: 12, completion_tokens: 5, estimated: false }));
        assert!(parse_chat_response(body).unwrap_err().message.contains("empty answer"));
        let plain = parse_chat_outcome(r#"{"choices":[{"message":{"content":"hi"}}]}"#).unwrap();
        assert_eq!((plain.text.as_str(), plain.usage), ("hi", None));
    }

    #[test]
    fn classifies_http_errors() {
        let e = http_error(401, r#"{"error":{"message":"Incorrect API key"}}"#, None);
        assert!(!e.retryable && e.message.contains("API key") && e.message.contains("Incorrect"));
        let e = http_error(429, "", Some("3"));
        assert!(e.retryable);
        assert_eq!(e.retry_after_ms, Some(3000));
        assert!(http_error(503, "down", None).retryable);
        assert!(!http_error(404, "", None).retryable);
        let e = http_error(500, r#"{"error":"llama runner crashed"}"#, Some("0.5"));
        assert!(e.retryable && e.message.ends_with("llama runner crashed"));
        assert_eq!(e.retry_after_ms, Some(500));
        let e = classify_http(529, "Overloaded", None);
        assert!(e.retryable && !e.rate_limited && e.message.contains("overloaded"));
        let refused = TransportError::Network("TypeError: Failed to fetch".into());
        assert!(network_error("http://x", &refused).message.contains("OLLAMA_ORIGINS"));
        assert!(!network_error("http://x", &refused).message.contains("scripts/serve"));
        let blocked = TransportError::CrossOrigin {
            origin: "http://127.0.0.1:9".into(),
            detail: "TypeError: Failed to fetch".into(),
        };
        let message = network_error("http://127.0.0.1:9/v1/chat/completions", &blocked).message;
        assert!(message.contains("scripts/serve --proxy http://127.0.0.1:9 "), "{message}");
    }
}
