//! End-to-end tests: the server runs in-process on an ephemeral port and is driven with raw HTTP/1.1.

use std::net::SocketAddr;
use std::time::Duration;

use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// Starts a server of its own for one test.
async fn start() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(planwright_testserver::serve(listener, Duration::from_secs(30), planwright_testserver::Cors::Allow));
    addr
}

/// A raw HTTP response.
struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
    /// Whether the body ended properly (terminating chunk or full `Content-Length`).
    complete: bool,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    /// The `data:` payloads of an SSE body.
    fn data_lines(&self) -> Vec<&str> {
        self.body.lines().filter_map(|line| line.strip_prefix("data: ")).collect()
    }

    /// The `event:` names of an SSE body.
    fn event_names(&self) -> Vec<&str> {
        self.body.lines().filter_map(|line| line.strip_prefix("event: ")).collect()
    }
}

/// Sends one request on a fresh connection and reads until the server closes it.
async fn send(addr: SocketAddr, method: &str, path: &str, headers: &[(&str, &str)], body: &str) -> Reply {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let mut request = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str(&format!("Content-Length: {}\r\n\r\n{body}", body.len()));
    stream.write_all(request.as_bytes()).await.unwrap();

    let mut raw = Vec::new();
    let mut buffer = [0u8; 4096];
    // A deliberately truncated body may end in a reset rather than a clean close.
    while let Ok(n @ 1..) = stream.read(&mut buffer).await {
        raw.extend_from_slice(&buffer[..n]);
    }
    let raw = String::from_utf8_lossy(&raw).into_owned();
    let (head, rest) = raw.split_once("\r\n\r\n").expect("a complete response head");
    let mut lines = head.lines();
    let status = lines.next().unwrap().split(' ').nth(1).unwrap().parse().unwrap();
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(": "))
        .map(|(name, value)| (name.to_ascii_lowercase(), value.to_string()))
        .collect();
    let chunked = headers.iter().any(|(n, v)| n == "transfer-encoding" && v == "chunked");
    let (body, complete) = if chunked { dechunk(rest) } else { (rest.to_string(), true) };
    Reply { status, headers, body, complete }
}

/// Decodes a chunked body; `true` when the terminating zero-size chunk arrived.
fn dechunk(mut rest: &str) -> (String, bool) {
    let mut body = String::new();
    while let Some((size, after)) = rest.split_once("\r\n") {
        let Ok(size) = usize::from_str_radix(size.trim(), 16) else { break };
        if size == 0 {
            return (body, true);
        }
        body.push_str(&after[..size.min(after.len())]);
        rest = after.get(size + 2..).unwrap_or("");
    }
    (body, false)
}

async fn chat(addr: SocketAddr, request: Value) -> Reply {
    send(addr, "POST", "/v1/chat/completions", &[("Content-Type", "application/json")], &request.to_string()).await
}

const ANTHROPIC_HEADERS: [(&str, &str); 4] = [
    ("Content-Type", "application/json"),
    ("anthropic-dangerous-direct-browser-access", "true"),
    ("anthropic-version", "2023-06-01"),
    ("x-api-key", "test"),
];

fn task_messages(task: &str) -> Value {
    json!([
        {"role": "system", "content": "You are one worker in a multi-step plan."},
        {"role": "user", "content": format!("Overall goal: g\n\nYour task ({task}): Draft\nDraft it")},
    ])
}

#[tokio::test]
async fn cors_headers_on_preflight_and_on_errors() {
    let addr = start().await;
    let preflight = send(
        addr,
        "OPTIONS",
        "/v1/chat/completions",
        &[("Origin", "http://localhost:8080"), ("Access-Control-Request-Headers", "authorization,content-type")],
        "",
    )
    .await;
    assert_eq!(preflight.status, 204);
    assert_eq!(preflight.header("access-control-allow-origin"), Some("*"));
    assert_eq!(preflight.header("access-control-allow-headers"), Some("authorization,content-type"));
    assert_eq!(preflight.header("access-control-allow-methods"), Some("*"));

    let failed = chat(addr, json!({"model": "error-401", "messages": task_messages("T1")})).await;
    assert_eq!(failed.status, 401);
    assert_eq!(failed.header("access-control-allow-origin"), Some("*"));
    assert_eq!(failed.header("access-control-expose-headers"), Some("retry-after"));
    assert_eq!(failed.json()["error"]["type"], "authentication_error");
}

#[tokio::test]
async fn no_cors_sends_no_cors_headers_but_answers() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(planwright_testserver::serve(listener, Duration::from_secs(30), planwright_testserver::Cors::Omit));
    let preflight = send(addr, "OPTIONS", "/v1/chat/completions", &[("Origin", "http://localhost:8080")], "").await;
    let answer = chat(addr, json!({"model": "ok", "messages": task_messages("T1")})).await;
    assert_eq!(answer.status, 200);
    for reply in [&preflight, &answer] {
        assert!(reply.headers.iter().all(|(name, _)| !name.to_ascii_lowercase().starts_with("access-control-")));
    }
}

#[tokio::test]
async fn ok_answers_tasks_and_plans_as_json() {
    let addr = start().await;
    let reply = chat(addr, json!({"model": "ok", "messages": task_messages("T3")})).await;
    assert_eq!(reply.status, 200);
    let body = reply.json();
    assert_eq!(body["choices"][0]["message"]["content"], "Result of T3 from testserver");
    assert_eq!(body["usage"]["completion_tokens"], 7); // 28 characters
    assert_eq!(body["usage"]["total_tokens"], body["usage"]["prompt_tokens"].as_u64().unwrap() + 7);

    let plan_messages =
        json!([{"role": "system", "content": "You are a planning engine."}, {"role": "user", "content": "Goal: x"}]);
    let reply = chat(addr, json!({"model": "no-usage", "messages": plan_messages})).await;
    let body = reply.json();
    assert!(body.get("usage").is_none());
    let plan: Value = serde_json::from_str(body["choices"][0]["message"]["content"].as_str().unwrap()).unwrap();
    assert_eq!(plan["tasks"][3]["depends_on"], json!(["T2", "T3"]));
    assert_eq!(plan["critical_path"], json!(["T1", "T2", "T4"]));

    let html = chat(addr, json!({"model": "bad-json", "messages": []})).await;
    assert_eq!((html.status, html.header("content-type")), (200, Some("text/html")));
}

#[tokio::test]
async fn stream_sends_pieces_then_usage_then_done() {
    let addr = start().await;
    let request = json!({
        "model": "ok", "stream": true, "stream_options": {"include_usage": true}, "messages": task_messages("T2"),
    });
    let reply = chat(addr, request).await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("content-type"), Some("text/event-stream"));
    assert!(reply.complete);
    let lines = reply.data_lines();
    assert_eq!(lines.last(), Some(&"[DONE]"));
    let chunks: Vec<Value> = lines[..lines.len() - 1].iter().map(|l| serde_json::from_str(l).unwrap()).collect();
    let text: String = chunks.iter().filter_map(|c| c["choices"][0]["delta"]["content"].as_str()).collect();
    assert_eq!(text, "Result of T2 from testserver");
    assert!(chunks.iter().filter_map(|c| c["choices"][0]["delta"]["content"].as_str()).count() >= 3);
    let usage = &chunks.last().unwrap()["usage"];
    assert_eq!(usage["completion_tokens"], 7);
}

#[tokio::test]
async fn once_429_sets_retry_after_then_succeeds() {
    let addr = start().await;
    let request = json!({"model": "once-429", "messages": task_messages("T1")});
    let first = chat(addr, request.clone()).await;
    assert_eq!(first.status, 429);
    assert_eq!(first.header("retry-after"), Some("1"));
    assert_eq!(first.header("access-control-expose-headers"), Some("retry-after"));
    let second = chat(addr, request).await;
    assert_eq!(second.status, 200);
    assert_eq!(second.json()["choices"][0]["message"]["content"], "Result of T1 from testserver");
    // A different conversation has its own first time.
    assert_eq!(chat(addr, json!({"model": "once-429", "messages": task_messages("T9")})).await.status, 429);
}

#[tokio::test]
async fn truncated_stream_stops_mid_line_without_done() {
    let addr = start().await;
    let reply = chat(addr, json!({"model": "truncated-stream", "stream": true, "messages": task_messages("T1")})).await;
    assert_eq!(reply.status, 200);
    assert!(!reply.complete, "the body must not end properly");
    assert!(reply.body.ends_with(r#"data: {"choices":[{"delta":{"cont"#), "{}", reply.body);
    assert!(!reply.body.contains("[DONE]"));
    assert_eq!(reply.data_lines().len(), 3);
}

#[tokio::test]
async fn anthropic_requires_the_browser_access_header_and_a_key() {
    let addr = start().await;
    let body = json!({"model": "ok", "max_tokens": 100, "messages": [{"role": "user", "content": "hi"}]}).to_string();
    let reply = send(addr, "POST", "/v1/messages", &ANTHROPIC_HEADERS[..1], &body).await;
    assert_eq!(reply.status, 400);
    assert_eq!(reply.header("access-control-allow-origin"), Some("*"));
    assert_eq!(
        reply.json(),
        json!({"type": "error", "error": {"type": "invalid_request_error",
            "message": "CORS requests must set 'anthropic-dangerous-direct-browser-access' header"}})
    );
    let mut bad_key = ANTHROPIC_HEADERS;
    bad_key[3].1 = "bad";
    let reply = send(addr, "POST", "/v1/messages", &bad_key, &body).await;
    assert_eq!((reply.status, reply.json()["error"]["type"].as_str()), (401, Some("authentication_error")));
    let reply = send(addr, "POST", "/v1/messages", &ANTHROPIC_HEADERS, &body).await;
    assert_eq!(reply.json()["content"][0]["text"], "Hello from testserver");
}

#[tokio::test]
async fn anthropic_stream_events_come_in_order() {
    let addr = start().await;
    let body = json!({
        "model": "ok", "max_tokens": 100, "stream": true, "system": "You are one worker.",
        "messages": [{"role": "user", "content": "Your task (T4): Report"}],
    });
    let reply = send(addr, "POST", "/v1/messages", &ANTHROPIC_HEADERS, &body.to_string()).await;
    assert_eq!(reply.header("content-type"), Some("text/event-stream"));
    let names = reply.event_names();
    let deltas = names.iter().filter(|n| **n == "content_block_delta").count();
    assert!(deltas >= 3);
    let mut expected = vec!["message_start", "content_block_start"];
    expected.extend(std::iter::repeat_n("content_block_delta", deltas));
    expected.extend(["content_block_stop", "message_delta", "message_stop"]);
    assert_eq!(names, expected);
    let data: Vec<Value> = reply.data_lines().iter().map(|l| serde_json::from_str(l).unwrap()).collect();
    let text: String = data.iter().filter_map(|d| d["delta"]["text"].as_str()).collect();
    assert_eq!(text, "Result of T4 from testserver");
    assert!(data[0]["message"]["usage"]["input_tokens"].as_u64().unwrap() > 0);
    assert_eq!(data[data.len() - 2]["usage"]["output_tokens"], 7);
}

#[tokio::test]
async fn anthropic_forced_submit_plan_returns_tool_use() {
    let addr = start().await;
    let body = json!({
        "model": "ok", "max_tokens": 1000, "system": "You are a planning engine.",
        "messages": [{"role": "user", "content": "Goal: x"}],
        "tools": [{"name": "submit_plan", "input_schema": {"type": "object"}}],
        "tool_choice": {"type": "tool", "name": "submit_plan"},
    });
    let reply = send(addr, "POST", "/v1/messages", &ANTHROPIC_HEADERS, &body.to_string()).await;
    let message = reply.json();
    assert_eq!(message["stop_reason"], "tool_use");
    assert_eq!(message["content"][0]["type"], "tool_use");
    assert_eq!(message["content"][0]["name"], "submit_plan");
    assert_eq!(message["content"][0]["input"]["tasks"][0]["id"], "T1");
}

#[tokio::test]
async fn tools_round_trip() {
    let addr = start().await;
    let tools = json!([{"type": "function", "function": {"name": "calculate", "parameters": {"type": "object"}}}]);
    let mut messages = vec![json!({"role": "user", "content": "What is 6*7?"})];
    let first = chat(addr, json!({"model": "tools", "messages": messages, "tools": tools})).await.json();
    assert_eq!(first["choices"][0]["finish_reason"], "tool_calls");
    let call = &first["choices"][0]["message"]["tool_calls"][0];
    assert_eq!(call["function"]["name"], "calculate");
    assert_eq!(call["function"]["arguments"], r#"{"expression":"6*7"}"#);

    messages.push(first["choices"][0]["message"].clone());
    messages.push(json!({"role": "tool", "tool_call_id": "call_1", "content": "42"}));
    let second = chat(addr, json!({"model": "tools", "messages": messages, "tools": tools})).await.json();
    assert_eq!(second["choices"][0]["message"]["content"], "Tool said: 42");

    let streamed =
        chat(addr, json!({"model": "tools", "stream": true, "messages": [messages[0]], "tools": tools})).await;
    let arguments: String = streamed
        .data_lines()
        .iter()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter_map(|c| c["choices"][0]["delta"]["tool_calls"][0]["function"]["arguments"].as_str().map(String::from))
        .collect();
    assert_eq!(arguments, r#"{"expression":"6*7"}"#);
}

#[tokio::test]
async fn calls_are_counted_per_model_and_reset() {
    let addr = start().await;
    for task in ["T1", "T2"] {
        chat(addr, json!({"model": "counted", "messages": task_messages(task)})).await;
    }
    chat(addr, json!({"model": "other", "messages": task_messages("T1")})).await;
    assert_eq!(send(addr, "GET", "/__calls?model=counted", &[], "").await.json(), json!({"count": 2}));
    assert_eq!(send(addr, "GET", "/__calls?model=unseen", &[], "").await.json(), json!({"count": 0}));
    assert_eq!(send(addr, "POST", "/__reset", &[], "").await.status, 204);
    assert_eq!(send(addr, "GET", "/__calls?model=counted", &[], "").await.json(), json!({"count": 0}));
    assert_eq!(send(addr, "GET", "/health", &[], "").await.body, "ok");
    let models = send(addr, "GET", "/v1/models", &[("Authorization", "Bearer bad")], "").await;
    assert_eq!(models.status, 401);
}

#[tokio::test]
async fn idle_server_stops_by_itself() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let served = planwright_testserver::serve(listener, Duration::from_millis(200), planwright_testserver::Cors::Allow);
    tokio::time::timeout(Duration::from_secs(2), served).await.expect("serve returns once idle");
}
