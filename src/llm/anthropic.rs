//! Anthropic's Messages API: URL, headers, request bodies, response and stream parsing, errors.
//! Pure; the fetch itself lives in the browser adapter.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use super::chat::{ChatOutcome, StreamDecoder, ToolCall, Usage};
use super::openai::{classify_http, json_body};
use super::prompt::ChatMessage;
use super::sse::SseEvent;
use crate::engine::TaskError;

/// The `anthropic-version` header value this code speaks.
pub const ANTHROPIC_VERSION: &str = "2023-06-01";

/// `max_tokens` when the options do not say otherwise (the API requires a value).
pub const DEFAULT_MAX_TOKENS: u32 = 4096;

/// Name of the tool through which a structured plan is returned.
pub const SUBMIT_PLAN_TOOL: &str = "submit_plan";

/// The `/v1/messages` URL under `base_url`, given with or without its `/v1`
/// (`https://api.anthropic.com` and `https://api.anthropic.com/v1` both work).
pub fn messages_url(base_url: &str) -> String {
    let base = base_url.trim().trim_end_matches('/');
    let base = base.strip_suffix("/messages").unwrap_or(base);
    let base = base.strip_suffix("/v1").unwrap_or(base);
    format!("{base}/v1/messages")
}

/// The request headers for `api_key`, including the opt-in that lets a browser page call the API.
pub fn headers(api_key: &str) -> Vec<(&'static str, String)> {
    vec![
        ("x-api-key", api_key.trim().to_string()),
        ("anthropic-version", ANTHROPIC_VERSION.to_string()),
        ("content-type", "application/json".to_string()),
        ("anthropic-dangerous-direct-browser-access", "true".to_string()),
    ]
}

/// Optional parts of a Messages request.
#[derive(Debug, Clone, PartialEq)]
pub struct AnthropicOptions {
    /// The most tokens the answer may have.
    pub max_tokens: u32,
    /// Stream the answer as SSE.
    pub stream: bool,
    /// Tool definitions, in the OpenAI shape (`{"type": "function", "function": {…}}`) or already
    /// in Anthropic's (`{"name", "description", "input_schema"}`).
    pub tools: Vec<Value>,
    /// A plan JSON Schema: the model must answer by calling the [`SUBMIT_PLAN_TOOL`] tool with it.
    pub plan_schema: Option<Value>,
}

impl Default for AnthropicOptions {
    fn default() -> Self {
        AnthropicOptions { max_tokens: DEFAULT_MAX_TOKENS, stream: false, tools: Vec::new(), plan_schema: None }
    }
}

/// The JSON body of a Messages request. System messages become the top-level `system`; an
/// assistant message's OpenAI `tool_calls` become `tool_use` blocks, and `tool` messages become
/// `tool_result` blocks (consecutive ones in one user turn, as the API requires).
pub fn messages_body(model: &str, messages: &[ChatMessage], options: &AnthropicOptions) -> Value {
    let system: Vec<&str> = messages.iter().filter(|m| m.role == "system").map(|m| m.content.as_str()).collect();
    let mut turns: Vec<Value> = Vec::new();
    for message in messages.iter().filter(|m| m.role != "system") {
        match (message.role.as_str(), &message.tool_call_id, &message.tool_calls) {
            ("tool", Some(id), _) => {
                let block = json!({ "type": "tool_result", "tool_use_id": id, "content": message.content });
                match turns.last_mut().and_then(tool_results) {
                    Some(blocks) => blocks.push(block),
                    None => turns.push(json!({ "role": "user", "content": [block] })),
                }
            }
            ("assistant", _, Some(calls)) => {
                let mut blocks = Vec::new();
                if !message.content.trim().is_empty() {
                    blocks.push(json!({ "type": "text", "text": message.content }));
                }
                blocks.extend(calls.as_array().into_iter().flatten().map(tool_use_block));
                turns.push(json!({ "role": "assistant", "content": blocks }));
            }
            (role, _, _) => turns.push(json!({ "role": role, "content": message.content })),
        }
    }
    let mut body = json!({
        "model": model,
        "max_tokens": options.max_tokens,
        "messages": turns,
        "stream": options.stream,
    });
    if !system.is_empty() {
        body["system"] = Value::String(system.join("\n\n"));
    }
    let mut tools: Vec<Value> = options.tools.iter().map(anthropic_tool).collect();
    if let Some(schema) = &options.plan_schema {
        tools.push(json!({
            "name": SUBMIT_PLAN_TOOL,
            "description": "Submit the plan.",
            "input_schema": schema,
        }));
        body["tool_choice"] = json!({ "type": "tool", "name": SUBMIT_PLAN_TOOL });
    }
    if !tools.is_empty() {
        body["tools"] = Value::Array(tools);
    }
    body
}

/// The content blocks of `turn` when it is a user turn made of tool results only.
fn tool_results(turn: &mut Value) -> Option<&mut Vec<Value>> {
    if turn["role"] != "user" {
        return None;
    }
    let blocks = turn.get_mut("content")?.as_array_mut()?;
    blocks.iter().all(|b| b["type"] == "tool_result").then_some(blocks)
}

/// A `tool_use` block for one OpenAI-shaped tool call (arguments that are not a JSON object become `{}`).
fn tool_use_block(call: &Value) -> Value {
    let arguments = call.pointer("/function/arguments");
    let input = match arguments {
        Some(Value::String(text)) => serde_json::from_str::<Value>(text).ok().filter(Value::is_object),
        Some(value) => Some(value.clone()).filter(Value::is_object),
        None => None,
    };
    json!({
        "type": "tool_use",
        "id": call.get("id").cloned().unwrap_or_default(),
        "name": call.pointer("/function/name").cloned().unwrap_or_default(),
        "input": input.unwrap_or_else(|| Value::Object(Map::new())),
    })
}

/// A tool definition in Anthropic's shape (OpenAI-shaped ones are converted; others pass through).
fn anthropic_tool(tool: &Value) -> Value {
    match tool.get("function") {
        Some(function) => {
            let mut out = json!({
                "name": function.get("name").cloned().unwrap_or_default(),
                "input_schema": function.get("parameters").cloned().unwrap_or_else(|| json!({ "type": "object" })),
            });
            if let Some(description) = function.get("description") {
                out["description"] = description.clone();
            }
            out
        }
        None => tool.clone(),
    }
}

/// The text, tool calls and usage of a Messages response body. Text blocks are joined; a
/// [`SUBMIT_PLAN_TOOL`] call is not listed as a tool call: its input JSON becomes the text.
pub fn parse_messages_outcome(body: &str) -> Result<ChatOutcome, TaskError> {
    let value = json_body(body)?;
    if value["type"] == "error" || value.get("error").is_some() {
        return Err(error_from_object(value.get("error").unwrap_or(&value)));
    }
    let Some(blocks) = value.get("content").and_then(Value::as_array) else {
        return Err(TaskError::permanent("the response has no `content`: is this the Anthropic Messages API?"));
    };
    let mut text = String::new();
    let mut plan = None;
    let mut tool_calls = Vec::new();
    for block in blocks {
        match block["type"].as_str() {
            Some("text") => text.push_str(block["text"].as_str().unwrap_or_default()),
            Some("tool_use") => {
                let name = block["name"].as_str().unwrap_or_default().to_string();
                let arguments = block.get("input").map_or_else(|| "{}".to_string(), Value::to_string);
                if name == SUBMIT_PLAN_TOOL {
                    plan = Some(arguments);
                } else {
                    let id = block["id"].as_str().unwrap_or_default().to_string();
                    tool_calls.push(ToolCall { id, name, arguments });
                }
            }
            _ => {}
        }
    }
    let text = plan.unwrap_or(text);
    if text.trim().is_empty() && tool_calls.is_empty() {
        return Err(TaskError::retryable("the model returned an empty answer"));
    }
    let usage = value.get("usage").map(|usage| Usage {
        prompt_tokens: input_tokens(usage).unwrap_or(0),
        completion_tokens: usage["output_tokens"].as_u64().unwrap_or(0),
        estimated: false,
    });
    Ok(ChatOutcome { text, tool_calls, usage })
}

/// All input tokens of a `usage` object (cache writes and reads included), if it counts any.
fn input_tokens(usage: &Value) -> Option<u64> {
    let counts: Vec<u64> = ["input_tokens", "cache_creation_input_tokens", "cache_read_input_tokens"]
        .iter()
        .filter_map(|key| usage.get(*key).and_then(Value::as_u64))
        .collect();
    (!counts.is_empty()).then(|| counts.iter().sum())
}

/// One content block of a streamed answer.
#[derive(Debug)]
struct Block {
    /// `tool_use` id (empty for text blocks).
    id: String,
    /// Tool name (`None` for text blocks).
    tool: Option<String>,
    /// Tool input JSON received so far.
    input: String,
}

/// The state of one streamed Messages answer.
#[derive(Debug, Default)]
pub struct AnthropicStream {
    /// Text received so far.
    text: String,
    /// Content blocks by index.
    blocks: BTreeMap<u64, Block>,
    /// Input tokens from `message_start`.
    prompt_tokens: Option<u64>,
    /// Output tokens (cumulative) from `message_start` and `message_delta`.
    completion_tokens: Option<u64>,
    /// Events received.
    events: usize,
    /// `message_stop` arrived.
    done: bool,
}

impl AnthropicStream {
    /// An empty stream.
    pub fn new() -> Self {
        AnthropicStream::default()
    }

    /// Applies a `content_block_delta`, returning the text it adds to the answer.
    fn apply_delta(&mut self, value: &Value) -> Option<String> {
        let delta = &value["delta"];
        match delta["type"].as_str() {
            Some("text_delta") => {
                let text = delta["text"].as_str().filter(|t| !t.is_empty())?;
                self.text.push_str(text);
                Some(text.to_string())
            }
            Some("input_json_delta") => {
                let piece = delta["partial_json"].as_str().filter(|p| !p.is_empty())?;
                let block = self.blocks.get_mut(&value["index"].as_u64().unwrap_or(0))?;
                block.input.push_str(piece);
                (block.tool.as_deref() == Some(SUBMIT_PLAN_TOOL)).then(|| piece.to_string())
            }
            _ => None,
        }
    }
}

impl StreamDecoder for AnthropicStream {
    /// Takes in one SSE event and returns the text it added, if any: a `text_delta`, or a piece of
    /// the [`SUBMIT_PLAN_TOOL`] input (so a streamed plan can be parsed as it arrives). Errors
    /// for an `error` event or data that is not JSON. Events after `message_stop` are ignored.
    fn push_event(&mut self, event: &SseEvent) -> Result<Option<String>, TaskError> {
        let data = event.data.trim();
        if self.done || data.is_empty() {
            return Ok(None);
        }
        let value: Value = serde_json::from_str(data).map_err(|e| {
            let start: String = data.chars().take(80).collect();
            TaskError::retryable(format!("the stream sent an event that is not JSON ({e}): {start:?}"))
        })?;
        self.events += 1;
        let kind = value["type"].as_str().or(event.event.as_deref()).unwrap_or_default();
        match kind {
            "error" => return Err(error_from_object(value.get("error").unwrap_or(&value))),
            "message_start" => {
                let usage = &value["message"]["usage"];
                self.prompt_tokens = input_tokens(usage).or(self.prompt_tokens);
                self.completion_tokens = usage["output_tokens"].as_u64().or(self.completion_tokens);
            }
            "content_block_start" => {
                let block = &value["content_block"];
                let tool =
                    (block["type"] == "tool_use").then(|| block["name"].as_str().unwrap_or_default().to_string());
                let id = block["id"].as_str().unwrap_or_default().to_string();
                self.blocks.insert(value["index"].as_u64().unwrap_or(0), Block { id, tool, input: String::new() });
            }
            "content_block_delta" => return Ok(self.apply_delta(&value)),
            "message_delta" => {
                let usage = &value["usage"];
                self.prompt_tokens = input_tokens(usage).or(self.prompt_tokens);
                self.completion_tokens = usage["output_tokens"].as_u64().or(self.completion_tokens);
            }
            "message_stop" => self.done = true,
            _ => {}
        }
        Ok(None)
    }

    /// The whole answer, once the stream has ended: like [`parse_messages_outcome`]. Errors
    /// (retryable) when nothing arrived, when `message_stop` is missing, or when the answer has
    /// neither text nor tool calls.
    fn finish(self: Box<Self>) -> Result<ChatOutcome, TaskError> {
        if !self.done {
            if self.events == 0 {
                return Err(TaskError::retryable("the stream was empty"));
            }
            let received = self.text.chars().count()
                + self.blocks.values().map(|block| block.input.chars().count()).sum::<usize>();
            return Err(TaskError::retryable(format!("the stream broke off after {received} characters")));
        }
        let mut text = self.text;
        let mut tool_calls = Vec::new();
        for block in self.blocks.into_values() {
            let Some(name) = block.tool else { continue };
            let arguments = if block.input.trim().is_empty() { "{}".to_string() } else { block.input };
            if name == SUBMIT_PLAN_TOOL {
                text = arguments;
            } else {
                tool_calls.push(ToolCall { id: block.id, name, arguments });
            }
        }
        if text.trim().is_empty() && tool_calls.is_empty() {
            return Err(TaskError::retryable("the model returned an empty answer"));
        }
        let usage = (self.prompt_tokens.is_some() || self.completion_tokens.is_some()).then(|| Usage {
            prompt_tokens: self.prompt_tokens.unwrap_or(0),
            completion_tokens: self.completion_tokens.unwrap_or(0),
            estimated: false,
        });
        Ok(ChatOutcome { text, tool_calls, usage })
    }
}

/// The error for an Anthropic `error` object (`{"type": "overloaded_error", "message": …}`) found
/// in a response body or a stream: overloads, rate limits and API errors are retryable.
fn error_from_object(error: &Value) -> TaskError {
    let kind = error["type"].as_str().unwrap_or("error");
    let message = error["message"].as_str().unwrap_or_default();
    let retryable = matches!(kind, "overloaded_error" | "rate_limit_error" | "api_error" | "timeout_error");
    TaskError {
        message: format!("Anthropic reported {kind}: {message}").trim_end().to_string(),
        retryable,
        retry_after_ms: None,
        rate_limited: kind == "rate_limit_error",
    }
}

/// A clear, classified error for an HTTP failure status, with the message of Anthropic's
/// `{"type": "error", "error": {"type", "message"}}` body. `retry_after` is the raw header.
pub fn http_error(status: u16, body: &str, retry_after: Option<&str>) -> TaskError {
    let detail = serde_json::from_str::<Value>(body)
        .ok()
        .and_then(|v| {
            let error = v.get("error")?;
            let message = error["message"].as_str()?;
            Some(match error["type"].as_str() {
                Some(kind) => format!("{message} ({kind})"),
                None => message.to_string(),
            })
        })
        .unwrap_or_else(|| body.chars().take(160).collect());
    classify_http(status, &detail, retry_after)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::llm::chat::decode_sse;

    #[test]
    fn builds_url_and_headers() {
        for base in [
            "https://api.anthropic.com",
            "https://api.anthropic.com/",
            " https://api.anthropic.com/v1 ",
            "https://api.anthropic.com/v1/",
            "https://api.anthropic.com/v1/messages",
        ] {
            assert_eq!(messages_url(base), "https://api.anthropic.com/v1/messages", "{base:?}");
        }
        assert_eq!(messages_url("http://localhost:8080/proxy"), "http://localhost:8080/proxy/v1/messages");
        let headers = headers(" sk-ant-x ");
        assert!(headers.contains(&("x-api-key", "sk-ant-x".to_string())));
        assert!(headers.contains(&("anthropic-version", "2023-06-01".to_string())));
        assert!(headers.contains(&("anthropic-dangerous-direct-browser-access", "true".to_string())));
        assert!(headers.iter().any(|(name, _)| *name == "content-type"));
    }

    #[test]
    fn body_moves_system_out_and_defaults_max_tokens() {
        let messages = [
            ChatMessage::text("system", "rules"),
            ChatMessage::text("system", "more rules"),
            ChatMessage::text("user", "hi"),
        ];
        let body = messages_body("claude-x", &messages, &AnthropicOptions::default());
        assert_eq!(body["system"], "rules\n\nmore rules");
        assert_eq!(body["max_tokens"], 4096);
        assert_eq!(body["stream"], false);
        assert_eq!(body["messages"], json!([{"role": "user", "content": "hi"}]));
        assert!(body.get("tools").is_none() && body.get("tool_choice").is_none());
        let body =
            messages_body("m", &messages[2..], &AnthropicOptions { stream: true, ..AnthropicOptions::default() });
        assert!(body.get("system").is_none());
        assert_eq!(body["stream"], true);
    }

    #[test]
    fn body_converts_tools_tool_calls_and_results() {
        let calls = json!([
            {"id": "c1", "type": "function", "function": {"name": "search", "arguments": "{\"q\":\"rust\"}"}},
            {"id": "c2", "type": "function", "function": {"name": "clock", "arguments": "not json"}},
        ]);
        let result =
            |id: &str, text: &str| ChatMessage { tool_call_id: Some(id.into()), ..ChatMessage::text("tool", text) };
        let messages = [
            ChatMessage::text("user", "find"),
            ChatMessage { tool_calls: Some(calls), ..ChatMessage::text("assistant", "") },
            result("c1", "found"),
            result("c2", "noon"),
            ChatMessage::text("user", "thanks"),
        ];
        let options = AnthropicOptions {
            tools: vec![
                json!({"type": "function", "function": {"name": "search", "description": "Web search",
                        "parameters": {"type": "object", "properties": {"q": {"type": "string"}}}}}),
                json!({"name": "native", "input_schema": {"type": "object"}}),
            ],
            plan_schema: Some(json!({"type": "object", "properties": {}})),
            ..AnthropicOptions::default()
        };
        let body = messages_body("m", &messages, &options);
        assert_eq!(
            body["messages"],
            json!([
                {"role": "user", "content": "find"},
                {"role": "assistant", "content": [
                    {"type": "tool_use", "id": "c1", "name": "search", "input": {"q": "rust"}},
                    {"type": "tool_use", "id": "c2", "name": "clock", "input": {}}]},
                {"role": "user", "content": [
                    {"type": "tool_result", "tool_use_id": "c1", "content": "found"},
                    {"type": "tool_result", "tool_use_id": "c2", "content": "noon"}]},
                {"role": "user", "content": "thanks"},
            ])
        );
        assert_eq!(
            body["tools"],
            json!([
                {"name": "search", "description": "Web search",
                 "input_schema": {"type": "object", "properties": {"q": {"type": "string"}}}},
                {"name": "native", "input_schema": {"type": "object"}},
                {"name": "submit_plan", "description": "Submit the plan.", "input_schema": {"type": "object", "properties": {}}},
            ])
        );
        assert_eq!(body["tool_choice"], json!({"type": "tool", "name": "submit_plan"}));
    }

    #[test]
    fn parses_text_tool_use_submit_plan_and_usage() {
        let body = r#"{"id":"msg_1","type":"message","role":"assistant","content":[
            {"type":"text","text":"Let me "},{"type":"text","text":"look."},
            {"type":"tool_use","id":"toolu_1","name":"search","input":{"q":"rust"}}],
            "stop_reason":"tool_use","usage":{"input_tokens":20,"cache_read_input_tokens":5,"output_tokens":7}}"#;
        let outcome = parse_messages_outcome(body).unwrap();
        assert_eq!(outcome.text, "Let me look.");
        assert_eq!(
            outcome.tool_calls,
            vec![ToolCall { id: "toolu_1".into(), name: "search".into(), arguments: r#"{"q":"rust"}"#.into() }]
        );
        assert_eq!(outcome.usage, Some(Usage { prompt_tokens: 25, completion_tokens: 7, estimated: false }));

        let plan = r#"{"content":[{"type":"tool_use","id":"t","name":"submit_plan",
            "input":{"tasks":[],"critical_path":[]}}],"usage":{"input_tokens":1,"output_tokens":2}}"#;
        let outcome = parse_messages_outcome(plan).unwrap();
        assert_eq!(serde_json::from_str::<Value>(&outcome.text).unwrap(), json!({"tasks": [], "critical_path": []}));
        assert!(outcome.tool_calls.is_empty());
    }

    #[test]
    fn reports_bad_empty_and_error_bodies() {
        assert!(parse_messages_outcome("<html>").unwrap_err().message.contains("not JSON"));
        assert!(parse_messages_outcome(r#"{"choices":[]}"#).unwrap_err().message.contains("`content`"));
        let empty = parse_messages_outcome(r#"{"content":[{"type":"text","text":""}]}"#).unwrap_err();
        assert!(empty.retryable && empty.message.contains("empty answer"));
        let error =
            parse_messages_outcome(r#"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#)
                .unwrap_err();
        assert!(error.retryable && error.message.contains("Overloaded"));
    }

    #[test]
    fn classifies_http_errors() {
        let body = |kind: &str, message: &str| {
            format!(r#"{{"type":"error","error":{{"type":"{kind}","message":"{message}"}}}}"#)
        };
        let e = http_error(401, &body("authentication_error", "invalid x-api-key"), None);
        assert!(!e.retryable && e.message.contains("check the API key") && e.message.contains("invalid x-api-key"));
        let e = http_error(529, &body("overloaded_error", "Overloaded"), None);
        assert!(e.retryable && !e.rate_limited && e.message.contains("overloaded"));
        let e = http_error(429, &body("rate_limit_error", "slow down"), Some("12"));
        assert!(e.retryable && e.rate_limited);
        assert_eq!(e.retry_after_ms, Some(12_000));
        let e = http_error(502, "Bad Gateway", None);
        assert!(e.retryable && e.message.ends_with("Bad Gateway"));
    }

    /// Runs an SSE body through the parser and an [`AnthropicStream`]: the deltas and the outcome.
    fn run(body: &str) -> (Vec<String>, Result<ChatOutcome, TaskError>) {
        decode_sse(body, Box::new(AnthropicStream::new()))
    }

    fn sse(events: &[(&str, Value)]) -> String {
        events.iter().map(|(name, data)| format!("event: {name}\ndata: {data}\n\n")).collect()
    }

    fn start() -> (&'static str, Value) {
        (
            "message_start",
            json!({"type": "message_start", "message": {"id": "msg_1", "content": [],
                   "usage": {"input_tokens": 25, "output_tokens": 1}}}),
        )
    }

    #[test]
    fn streams_text_tool_input_and_usage() {
        let body = sse(&[
            start(),
            (
                "content_block_start",
                json!({"type": "content_block_start", "index": 0,
                                           "content_block": {"type": "text", "text": ""}}),
            ),
            ("ping", json!({"type": "ping"})),
            (
                "content_block_delta",
                json!({"type": "content_block_delta", "index": 0,
                                           "delta": {"type": "text_delta", "text": "Hello"}}),
            ),
            (
                "content_block_delta",
                json!({"type": "content_block_delta", "index": 0,
                                           "delta": {"type": "text_delta", "text": "!"}}),
            ),
            ("content_block_stop", json!({"type": "content_block_stop", "index": 0})),
            (
                "content_block_start",
                json!({"type": "content_block_start", "index": 1,
                                           "content_block": {"type": "tool_use", "id": "toolu_1", "name": "search", "input": {}}}),
            ),
            (
                "content_block_delta",
                json!({"type": "content_block_delta", "index": 1,
                                           "delta": {"type": "input_json_delta", "partial_json": "{\"q\": "}}),
            ),
            (
                "content_block_delta",
                json!({"type": "content_block_delta", "index": 1,
                                           "delta": {"type": "input_json_delta", "partial_json": "\"rust\"}"}}),
            ),
            (
                "content_block_start",
                json!({"type": "content_block_start", "index": 2,
                                           "content_block": {"type": "tool_use", "id": "toolu_2", "name": "clock", "input": {}}}),
            ),
            (
                "message_delta",
                json!({"type": "message_delta", "delta": {"stop_reason": "tool_use"},
                                     "usage": {"output_tokens": 15}}),
            ),
            ("message_stop", json!({"type": "message_stop"})),
        ]);
        let (deltas, outcome) = run(&body);
        assert_eq!(deltas, ["Hello", "!"]);
        let outcome = outcome.unwrap();
        assert_eq!(outcome.text, "Hello!");
        assert_eq!(
            outcome.tool_calls,
            vec![
                ToolCall { id: "toolu_1".into(), name: "search".into(), arguments: r#"{"q": "rust"}"#.into() },
                ToolCall { id: "toolu_2".into(), name: "clock".into(), arguments: "{}".into() },
            ]
        );
        assert_eq!(outcome.usage, Some(Usage { prompt_tokens: 25, completion_tokens: 15, estimated: false }));
    }

    #[test]
    fn streams_a_submitted_plan_as_text() {
        let body = sse(&[
            start(),
            (
                "content_block_start",
                json!({"type": "content_block_start", "index": 0,
                                           "content_block": {"type": "tool_use", "id": "t", "name": "submit_plan", "input": {}}}),
            ),
            (
                "content_block_delta",
                json!({"type": "content_block_delta", "index": 0,
                                           "delta": {"type": "input_json_delta", "partial_json": "{\"tasks\": ["}}),
            ),
            (
                "content_block_delta",
                json!({"type": "content_block_delta", "index": 0,
                                           "delta": {"type": "input_json_delta", "partial_json": "], \"critical_path\": []}"}}),
            ),
            ("message_stop", json!({"type": "message_stop"})),
        ]);
        let (deltas, outcome) = run(&body);
        assert_eq!(deltas.concat(), "{\"tasks\": [], \"critical_path\": []}");
        let outcome = outcome.unwrap();
        assert_eq!(outcome.text, deltas.concat());
        assert!(outcome.tool_calls.is_empty());
    }

    #[test]
    fn stream_reports_errors_truncation_and_emptiness() {
        assert_eq!(run("").1.unwrap_err(), TaskError::retryable("the stream was empty"));

        let text = |t: &str| {
            (
                "content_block_delta",
                json!({"type": "content_block_delta", "index": 0,
                                           "delta": {"type": "text_delta", "text": t}}),
            )
        };
        let (deltas, outcome) = run(&sse(&[start(), text("Hé"), text("llo")]));
        assert_eq!(deltas, ["Hé", "llo"]);
        let error = outcome.unwrap_err();
        assert!(error.retryable);
        assert_eq!(error.message, "the stream broke off after 5 characters");

        let (_, outcome) = run(&sse(&[start(), ("message_stop", json!({"type": "message_stop"}))]));
        assert_eq!(outcome.unwrap_err().message, "the model returned an empty answer");

        let overloaded = json!({"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}});
        let (_, outcome) = run(&sse(&[start(), text("a"), ("error", overloaded)]));
        let error = outcome.unwrap_err();
        assert!(error.retryable && error.message.contains("overloaded_error: Overloaded"), "{error:?}");

        let invalid = json!({"type": "error", "error": {"type": "invalid_request_error", "message": "bad"}});
        assert!(!run(&sse(&[("error", invalid)])).1.unwrap_err().retryable);
        assert!(run("data: nope\n\n").1.unwrap_err().message.contains("not JSON"));
    }
}
