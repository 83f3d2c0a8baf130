//! OpenAI Chat Completions (`POST /v1/chat/completions`) and model list (`GET /v1/models`).

use hyper::header::HeaderMap;
use hyper::StatusCode;
use serde_json::{json, Value};

use crate::routing::{self, event_stream, header, Response, State};
use crate::scenarios::{self, tokens, Conversation, Outcome, Turn};
use crate::sse::{self, Ending};

/// `GET /v1/models`: two models; `Authorization: Bearer bad` gets 401.
pub fn models(headers: &HeaderMap) -> Response {
    if bad_key(headers) {
        return error(401, "Incorrect API key provided: bad", None);
    }
    routing::json(
        StatusCode::OK,
        &json!({"object": "list", "data": [{"id": "ok", "object": "model"}, {"id": "tools", "object": "model"}]}),
    )
}

/// `POST /v1/chat/completions`: the scenario chosen by `model`, streamed when `stream` is true.
pub async fn chat(headers: &HeaderMap, body: &[u8], state: &State) -> Response {
    let request: Value = match serde_json::from_slice(body) {
        Ok(request) => request,
        Err(e) => return error(400, &format!("the body is not JSON: {e}"), None),
    };
    let conversation = conversation(&request);
    state.counters.seen(&conversation.model);
    if bad_key(headers) {
        return error(401, "Incorrect API key provided: bad", None);
    }
    let decision = scenarios::decide(&conversation, &state.counters);
    tokio::time::sleep(decision.delay).await;

    let chunk = Chunk { model: &conversation.model };
    let prompt_tokens = conversation.prompt_tokens();
    let usage = |completion_chars: usize| {
        let completion = tokens(completion_chars);
        json!({"prompt_tokens": prompt_tokens, "completion_tokens": completion, "total_tokens": prompt_tokens + completion})
    };
    let stream = request["stream"] == true;
    let stream_usage = request.pointer("/stream_options/include_usage") == Some(&Value::Bool(true));

    match decision.outcome {
        Outcome::Fail { status, message, retry_after } => error(status, &message, retry_after),
        Outcome::NotJson => routing::not_json(),
        Outcome::Empty if stream => event_stream(vec![done()], Ending::Close),
        Outcome::Empty => routing::json(StatusCode::OK, &json!({"choices": [{"message": {"content": ""}}]})),
        Outcome::Answer { text, usage: with_usage } if stream => {
            let mut frames = content_chunks(&chunk, &text);
            frames.push(chunk.frame(json!({}), "stop"));
            if with_usage && stream_usage {
                frames.push(chunk.usage(usage(text.chars().count())));
            }
            frames.push(done());
            event_stream(frames, Ending::Close)
        }
        Outcome::Answer { text, usage: with_usage } => {
            let message = json!({"role": "assistant", "content": text});
            let mut completion = chunk.completion(message, "stop");
            if with_usage {
                completion["usage"] = usage(text.chars().count());
            }
            routing::json(StatusCode::OK, &completion)
        }
        Outcome::Truncated { text } if stream => {
            let mut frames: Vec<String> = content_chunks(&chunk, &text).into_iter().take(2).collect();
            frames.push(r#"data: {"choices":[{"delta":{"cont"#.to_string());
            event_stream(frames, Ending::Abort)
        }
        Outcome::Truncated { text } => {
            let mut completion = chunk.completion(json!({"role": "assistant", "content": text}), "stop");
            completion["usage"] = usage(text.chars().count());
            let whole = completion.to_string();
            let half = whole[..whole.len() / 2].to_string();
            routing::streamed("application/json", sse::play(vec![half], Ending::Abort))
        }
        Outcome::ToolCall { name, arguments } if stream => {
            let call =
                json!({"index": 0, "id": "call_1", "type": "function", "function": {"name": name, "arguments": ""}});
            let mut frames = vec![chunk.frame(json!({"role": "assistant", "tool_calls": [call]}), Value::Null)];
            for piece in sse::pieces(&arguments) {
                frames.push(
                    chunk.frame(json!({"tool_calls": [{"index": 0, "function": {"arguments": piece}}]}), Value::Null),
                );
            }
            frames.push(chunk.frame(json!({}), "tool_calls"));
            if stream_usage {
                frames.push(chunk.usage(usage(arguments.len())));
            }
            frames.push(done());
            event_stream(frames, Ending::Close)
        }
        Outcome::ToolCall { name, arguments } => {
            let call = json!({"id": "call_1", "type": "function", "function": {"name": name, "arguments": arguments}});
            let message = json!({"role": "assistant", "content": null, "tool_calls": [call]});
            let mut completion = chunk.completion(message, "tool_calls");
            completion["usage"] = usage(arguments.len());
            routing::json(StatusCode::OK, &completion)
        }
    }
}

/// The request reduced for the scenarios.
fn conversation(request: &Value) -> Conversation {
    let messages = request["messages"].as_array().map(Vec::as_slice).unwrap_or_default();
    let mut system = String::new();
    let mut turns = Vec::new();
    for message in messages {
        let role = message["role"].as_str().unwrap_or("user");
        let text = scenarios::text_of(&message["content"]);
        match role {
            "system" | "developer" => system.push_str(&text),
            _ => turns.push(Turn { role: role.to_string(), text }),
        }
    }
    Conversation {
        model: request["model"].as_str().unwrap_or("").to_string(),
        system,
        turns,
        has_tools: request["tools"].as_array().is_some_and(|tools| !tools.is_empty()),
        structured: request.pointer("/response_format/type") == Some(&json!("json_schema")),
    }
}

fn bad_key(headers: &HeaderMap) -> bool {
    header(headers, "authorization") == "Bearer bad"
}

/// An OpenAI-style error response.
fn error(status: u16, message: &str, retry_after: Option<u32>) -> Response {
    let kind = match status {
        400 => "invalid_request_error",
        401 => "authentication_error",
        403 => "permission_error",
        404 => "not_found_error",
        429 => "rate_limit_error",
        _ => "server_error",
    };
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    routing::error(status, &json!({"error": {"message": message, "type": kind}}), retry_after)
}

/// Builds completion objects and stream chunks for one model.
struct Chunk<'a> {
    model: &'a str,
}

impl Chunk<'_> {
    /// A whole (non-streamed) completion.
    fn completion(&self, message: Value, finish_reason: &str) -> Value {
        json!({
            "id": "chatcmpl-testserver", "object": "chat.completion", "created": 0, "model": self.model,
            "choices": [{"index": 0, "message": message, "finish_reason": finish_reason}],
        })
    }

    /// One stream chunk frame.
    fn frame(&self, delta: Value, finish_reason: impl Into<Value>) -> String {
        sse::data(&json!({
            "id": "chatcmpl-testserver", "object": "chat.completion.chunk", "created": 0, "model": self.model,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish_reason.into()}],
        }))
    }

    /// The final usage-only chunk frame (`stream_options.include_usage`).
    fn usage(&self, usage: Value) -> String {
        sse::data(&json!({
            "id": "chatcmpl-testserver", "object": "chat.completion.chunk", "created": 0, "model": self.model,
            "choices": [], "usage": usage,
        }))
    }
}

/// One chunk frame per piece of `text`; the first also carries the role.
fn content_chunks(chunk: &Chunk, text: &str) -> Vec<String> {
    sse::pieces(text)
        .into_iter()
        .enumerate()
        .map(|(i, piece)| {
            let delta = if i == 0 { json!({"role": "assistant", "content": piece}) } else { json!({"content": piece}) };
            chunk.frame(delta, Value::Null)
        })
        .collect()
}

fn done() -> String {
    "data: [DONE]\n\n".to_string()
}
