//! Anthropic Messages (`POST /v1/messages`), including the browser-access header check and forced `submit_plan`.

use hyper::header::HeaderMap;
use hyper::StatusCode;
use serde_json::{json, Value};

use crate::routing::{self, event_stream, header, Response, State};
use crate::scenarios::{self, tokens, Conversation, Outcome, Turn};
use crate::sse::{self, Ending};

/// The tool a planner forces to get its plan as a structured `tool_use` input.
const PLAN_TOOL: &str = "submit_plan";

/// `POST /v1/messages`: header checks, then the scenario chosen by `model`, streamed when `stream` is true.
pub async fn messages(headers: &HeaderMap, body: &[u8], state: &State) -> Response {
    let request: Value = match serde_json::from_slice(body) {
        Ok(request) => request,
        Err(e) => return error(400, &format!("the body is not JSON: {e}"), None),
    };
    let conversation = conversation(&request);
    state.counters.seen(&conversation.model);
    if header(headers, "anthropic-dangerous-direct-browser-access") != "true" {
        return error(400, "CORS requests must set 'anthropic-dangerous-direct-browser-access' header", None);
    }
    if header(headers, "anthropic-version").is_empty() {
        return error(400, "anthropic-version: header is required", None);
    }
    match header(headers, "x-api-key") {
        "" => return error(401, "x-api-key header is required", None),
        "bad" => return error(401, "invalid x-api-key", None),
        _ => {}
    }
    let decision = scenarios::decide(&conversation, &state.counters);
    tokio::time::sleep(decision.delay).await;

    let message = Message { model: &conversation.model, input_tokens: conversation.prompt_tokens() };
    let stream = request["stream"] == true;
    let (block, usage) = match decision.outcome {
        Outcome::Fail { status, message, retry_after } => return error(status, &message, retry_after),
        Outcome::NotJson => return routing::not_json(),
        Outcome::Empty if stream => return event_stream(message.events(None, true), Ending::Close),
        Outcome::Empty => return routing::json(StatusCode::OK, &message.whole(None, true)),
        Outcome::Truncated { text } if stream => {
            let mut frames = message.events(Some(&Block::Text(text)), true);
            frames.truncate(4); // message_start, content_block_start, two deltas
            frames.push(
                "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"te"
                    .into(),
            );
            return event_stream(frames, Ending::Abort);
        }
        Outcome::Truncated { text } => {
            let whole = message.whole(Some(&Block::Text(text)), true).to_string();
            let half = whole[..whole.len() / 2].to_string();
            return routing::streamed("application/json", sse::play(vec![half], Ending::Abort));
        }
        Outcome::Answer { text, usage } => {
            let plan = forces_plan_tool(&request).then(|| serde_json::from_str::<Value>(&text).ok()).flatten();
            let block = match plan {
                Some(plan) if plan.is_object() => Block::ToolUse { name: PLAN_TOOL.to_string(), input: plan },
                _ => Block::Text(text),
            };
            (block, usage)
        }
        Outcome::ToolCall { name, arguments } => {
            let input = serde_json::from_str(&arguments).unwrap_or_default();
            (Block::ToolUse { name, input }, true)
        }
    };
    if stream {
        event_stream(message.events(Some(&block), usage), Ending::Close)
    } else {
        routing::json(StatusCode::OK, &message.whole(Some(&block), usage))
    }
}

/// Whether `tool_choice` forces the `submit_plan` tool, and the request offers it.
fn forces_plan_tool(request: &Value) -> bool {
    let offered = request["tools"].as_array().is_some_and(|tools| tools.iter().any(|t| t["name"] == PLAN_TOOL));
    offered && request["tool_choice"] == json!({"type": "tool", "name": PLAN_TOOL})
}

/// The request reduced for the scenarios; `tool_result` blocks become `tool` turns.
fn conversation(request: &Value) -> Conversation {
    let mut turns = Vec::new();
    for message in request["messages"].as_array().map(Vec::as_slice).unwrap_or_default() {
        let role = message["role"].as_str().unwrap_or("user").to_string();
        let blocks = match &message["content"] {
            Value::Array(blocks) => blocks.as_slice(),
            content => {
                turns.push(Turn { role, text: scenarios::text_of(content) });
                continue;
            }
        };
        let (results, others): (Vec<&Value>, Vec<&Value>) = blocks.iter().partition(|b| b["type"] == "tool_result");
        for result in results {
            turns.push(Turn { role: "tool".into(), text: scenarios::text_of(&result["content"]) });
        }
        if !others.is_empty() {
            turns.push(Turn { role, text: others.into_iter().map(scenarios::text_of).collect() });
        }
    }
    Conversation {
        model: request["model"].as_str().unwrap_or("").to_string(),
        system: scenarios::text_of(&request["system"]),
        turns,
        has_tools: request["tools"].as_array().is_some_and(|tools| !tools.is_empty()),
        structured: request.pointer("/tool_choice/type") == Some(&json!("tool"))
            || request.pointer("/output_format/type") == Some(&json!("json_schema")),
    }
}

/// An Anthropic-style error response; `error-503` becomes 529 `overloaded_error`.
fn error(status: u16, message: &str, retry_after: Option<u32>) -> Response {
    let (status, kind) = match status {
        400 => (400, "invalid_request_error"),
        401 => (401, "authentication_error"),
        403 => (403, "permission_error"),
        404 => (404, "not_found_error"),
        429 => (429, "rate_limit_error"),
        503 => (529, "overloaded_error"),
        _ => (500, "api_error"),
    };
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    routing::error(status, &json!({"type": "error", "error": {"type": kind, "message": message}}), retry_after)
}

/// One content block of the answer.
enum Block {
    Text(String),
    ToolUse { name: String, input: Value },
}

impl Block {
    /// Characters counted for output tokens.
    fn chars(&self) -> usize {
        match self {
            Block::Text(text) => text.chars().count(),
            Block::ToolUse { input, .. } => input.to_string().chars().count(),
        }
    }

    fn stop_reason(&self) -> &'static str {
        match self {
            Block::Text(_) => "end_turn",
            Block::ToolUse { .. } => "tool_use",
        }
    }

    /// The whole block, as in a non-streamed message.
    fn whole(&self) -> Value {
        match self {
            Block::Text(text) => json!({"type": "text", "text": text}),
            Block::ToolUse { name, input } => {
                json!({"type": "tool_use", "id": "toolu_1", "name": name, "input": input})
            }
        }
    }

    /// The `content_block_start` block and the deltas that fill it.
    fn streamed(&self) -> (Value, Vec<Value>) {
        match self {
            Block::Text(text) => (
                json!({"type": "text", "text": ""}),
                sse::pieces(text).into_iter().map(|piece| json!({"type": "text_delta", "text": piece})).collect(),
            ),
            Block::ToolUse { name, input } => (
                json!({"type": "tool_use", "id": "toolu_1", "name": name, "input": {}}),
                sse::pieces(&input.to_string())
                    .into_iter()
                    .map(|piece| json!({"type": "input_json_delta", "partial_json": piece}))
                    .collect(),
            ),
        }
    }
}

/// Builds messages and stream events for one model and prompt.
struct Message<'a> {
    model: &'a str,
    input_tokens: u64,
}

impl Message<'_> {
    /// A whole (non-streamed) message; no block means empty content.
    fn whole(&self, block: Option<&Block>, usage: bool) -> Value {
        let mut message = json!({
            "id": "msg_1", "type": "message", "role": "assistant", "model": self.model,
            "content": block.map(Block::whole).into_iter().collect::<Vec<_>>(),
            "stop_reason": block.map_or("end_turn", Block::stop_reason), "stop_sequence": null,
        });
        if usage {
            let output_tokens = tokens(block.map_or(0, Block::chars));
            message["usage"] = json!({"input_tokens": self.input_tokens, "output_tokens": output_tokens});
        }
        message
    }

    /// The event frames of a streamed message, in order: `message_start`, `content_block_start`,
    /// `content_block_delta`…, `content_block_stop`, `message_delta`, `message_stop`. No block means no block events.
    fn events(&self, block: Option<&Block>, usage: bool) -> Vec<String> {
        let mut start = json!({
            "id": "msg_1", "type": "message", "role": "assistant", "model": self.model,
            "content": [], "stop_reason": null, "stop_sequence": null,
        });
        let mut message_delta = json!({
            "type": "message_delta",
            "delta": {"stop_reason": block.map_or("end_turn", Block::stop_reason), "stop_sequence": null},
        });
        if usage {
            start["usage"] = json!({"input_tokens": self.input_tokens, "output_tokens": 0});
            message_delta["usage"] = json!({"output_tokens": tokens(block.map_or(0, Block::chars))});
        }
        let mut frames = vec![sse::event(&json!({"type": "message_start", "message": start}))];
        if let Some(block) = block {
            let (content_block, deltas) = block.streamed();
            frames
                .push(sse::event(&json!({"type": "content_block_start", "index": 0, "content_block": content_block})));
            for delta in deltas {
                frames.push(sse::event(&json!({"type": "content_block_delta", "index": 0, "delta": delta})));
            }
            frames.push(sse::event(&json!({"type": "content_block_stop", "index": 0})));
        }
        frames.push(sse::event(&message_delta));
        frames.push(sse::event(&json!({"type": "message_stop"})));
        frames
    }
}
