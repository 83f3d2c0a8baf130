//! OpenAI-compatible Chat Completions: request bodies, response parsing, error classification.
//! Pure; the fetch itself lives in the browser adapter.

use serde_json::{json, Value};

use super::prompt::ChatMessage;
use crate::engine::TaskError;

/// The `/chat/completions` URL under `base_url` (e.g. `http://localhost:11434/v1`).
pub fn chat_url(base_url: &str) -> String {
    format!("{}/chat/completions", base_url.trim().trim_end_matches('/'))
}

/// The JSON body of a non-streaming chat request.
pub fn chat_body(model: &str, messages: &[ChatMessage]) -> Value {
    json!({ "model": model, "messages": messages, "stream": false })
}

/// The assistant text of a chat completion response body.
pub fn parse_chat_response(body: &str) -> Result<String, TaskError> {
    let value: Value = serde_json::from_str(body).map_err(|e| {
        let start: String = body.chars().take(80).collect();
        TaskError::retryable(format!(
            "the endpoint answered with something that is not JSON ({e}); it starts with: {start:?}"
        ))
    })?;
    if let Some(message) = value.pointer("/error/message").and_then(Value::as_str) {
        return Err(TaskError::permanent(format!("the endpoint reported an error: {message}")));
    }
    match value.pointer("/choices/0/message/content").and_then(Value::as_str) {
        Some(text) if !text.trim().is_empty() => Ok(text.to_string()),
        Some(_) => Err(TaskError::retryable("the model returned an empty answer")),
        None => Err(TaskError::permanent(
            "the response has no `choices[0].message.content`: is this a Chat Completions endpoint?",
        )),
    }
}

/// A clear, classified error for an HTTP failure status. `retry_after` is the raw `Retry-After` header.
pub fn http_error(status: u16, body: &str, retry_after: Option<&str>) -> TaskError {
    let detail = serde_json::from_str::<Value>(body)
        .ok()
        .and_then(|v| v.pointer("/error/message").and_then(Value::as_str).map(str::to_string))
        .unwrap_or_else(|| body.chars().take(160).collect());
    let (hint, retryable) = match status {
        401 | 403 => ("check the API key", false),
        404 => ("check the base URL and the model name", false),
        400 => ("the endpoint rejected the request", false),
        408 => ("the endpoint timed out", true),
        429 => ("rate limited; backing off", true),
        500..=599 => ("the endpoint had a server error", true),
        _ => ("unexpected status", false),
    };
    TaskError {
        message: format!("HTTP {status}: {hint}. {detail}").trim_end().to_string(),
        retryable,
        retry_after_ms: retry_after.and_then(|s| s.trim().parse::<f64>().ok()).map(|secs| (secs * 1000.0) as u64),
        rate_limited: status == 429,
    }
}

/// The message for a request that never got an HTTP answer (CORS, refused connection, DNS).
pub fn network_error(url: &str) -> TaskError {
    TaskError::retryable(format!(
        "could not reach {url}: the connection was refused or blocked by CORS. Is the server running? A local \
         server must allow this page's origin: Ollama needs OLLAMA_ORIGINS set to this origin (or *), \
         llama.cpp server and LM Studio need CORS enabled."
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_url_and_body() {
        assert_eq!(chat_url("http://localhost:11434/v1/ "), "http://localhost:11434/v1/chat/completions");
        let body = chat_body("llama3", &[ChatMessage { role: "user".into(), content: "hi".into() }]);
        assert_eq!(body["model"], "llama3");
        assert_eq!(body["messages"][0]["content"], "hi");
    }

    #[test]
    fn parses_content_and_reports_bad_bodies() {
        let ok = r#"{"choices":[{"message":{"role":"assistant","content":"hello"}}]}"#;
        assert_eq!(parse_chat_response(ok).unwrap(), "hello");
        assert!(parse_chat_response("<html>").unwrap_err().message.contains("not JSON"));
        assert!(parse_chat_response(r#"{"error":{"message":"bad model"}}"#).unwrap_err().message.contains("bad model"));
        assert!(parse_chat_response(r#"{"choices":[]}"#).unwrap_err().message.contains("choices[0]"));
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
        assert!(network_error("http://x").message.contains("OLLAMA_ORIGINS"));
    }
}
