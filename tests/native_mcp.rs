//! The MCP client over the scripted transport: the Streamable HTTP handshake (initialize, session
//! id, initialized notification), JSON and SSE answers, paged tool lists, a new session after a
//! 404, the typed errors; and the HTTP provider offering MCP tools to the model and calling them
//! under the egress rules, with the call in the tool-call log.

#![cfg(not(target_arch = "wasm32"))]

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use planwright::engine::TaskRequest;
use planwright::io::cancel::CancelToken;
use planwright::io::runtime::Runtime;
use planwright::io::scripted_transport::{BodyStep, ScriptedAnswer, ScriptedTransport};
use planwright::io::sim_runtime::SimRuntime;
use planwright::io::transport::HttpRequest;
use planwright::llm::http_provider::HttpProvider;
use planwright::llm::mcp::{McpClient, McpError, McpServer, McpToolInfo, ToolOutput};
use planwright::llm::provider::Provider;
use planwright::llm::settings::{ProviderKind, ProviderSettings};
use planwright::llm::tools::ToolAccess;
use serde_json::{json, Value};

#[path = "support/block_on.rs"]
mod block_on;
use block_on::block_on;

const MCP: &str = "http://127.0.0.1:8788/mcp";
const LLM: &str = "http://llm.test/v1";

fn json_answer(headers: &[(&str, &str)], value: &Value) -> ScriptedAnswer {
    let mut all = vec![("content-type", "application/json")];
    all.extend_from_slice(headers);
    ScriptedAnswer::text(200, &all, &value.to_string())
}

/// An SSE answer: a priming event, a notification, then `value`, split mid-event.
fn sse_answer(value: &Value) -> ScriptedAnswer {
    let note = json!({"jsonrpc": "2.0", "method": "notifications/message", "params": {"data": "working"}});
    let text = format!("id: 0\nretry: 3000\ndata:\n\ndata: {note}\n\ndata: {value}\n\n");
    let (a, b) = text.split_at(text.len() - 7);
    match ScriptedAnswer::text(200, &[("content-type", "text/event-stream")], a) {
        ScriptedAnswer::Response { after_ms, status, headers, mut body } => {
            body.push(BodyStep::Bytes(b.as_bytes().to_vec()));
            ScriptedAnswer::Response { after_ms, status, headers, body }
        }
        other => other,
    }
}

fn body_of(request: &HttpRequest) -> Value {
    serde_json::from_str(request.body.as_deref().unwrap_or("null")).unwrap()
}

/// A scripted MCP server: sessions `s1`, `s2`, … (a session given in `expired` answers 404),
/// two pages of tools (the second as SSE), and tools `add` (SSE answer), `fail` (`isError`),
/// `picture` (an image) and `broken` (a JSON-RPC error).
struct FakeServer {
    sessions: Cell<u32>,
    expired: RefCell<Vec<String>>,
    version: &'static str,
}

impl FakeServer {
    fn new(version: &'static str) -> Rc<Self> {
        Rc::new(FakeServer { sessions: Cell::new(0), expired: RefCell::default(), version })
    }

    fn answer(&self, request: &HttpRequest) -> ScriptedAnswer {
        if request.method == "DELETE" {
            return ScriptedAnswer::text(if self.version == "2025-03-26" { 405 } else { 200 }, &[], "");
        }
        let body = body_of(request);
        let id = body["id"].clone();
        let reply = |result: Value| json!({"jsonrpc": "2.0", "id": id, "result": result});
        let session = request.header_value("mcp-session-id").map(str::to_string);
        if session.as_ref().is_some_and(|s| self.expired.borrow().contains(s)) {
            return ScriptedAnswer::text(404, &[], "session not found");
        }
        match body["method"].as_str().unwrap() {
            "initialize" => {
                self.sessions.set(self.sessions.get() + 1);
                let session = format!("s{}", self.sessions.get());
                let result = json!({"protocolVersion": self.version, "capabilities": {"tools": {}},
                    "serverInfo": {"name": "fake", "version": "1"}});
                json_answer(&[("mcp-session-id", &session)], &reply(result))
            }
            "notifications/initialized" => ScriptedAnswer::text(202, &[], ""),
            "tools/list" => match body["params"]["cursor"].as_str() {
                None => json_answer(
                    &[],
                    &reply(json!({"tools": [{"name": "add", "description": "Add", "inputSchema": {"type": "object"}}],
                        "nextCursor": "page2"})),
                ),
                Some(_) => {
                    sse_answer(&reply(json!({"tools": [{"name": "lookup", "inputSchema": {"type": "object"}}]})))
                }
            },
            "tools/call" => match body["params"]["name"].as_str().unwrap() {
                "add" => {
                    let args = &body["params"]["arguments"];
                    let sum = args["a"].as_i64().unwrap() + args["b"].as_i64().unwrap();
                    sse_answer(&reply(json!({"content": [{"type": "text", "text": sum.to_string()}]})))
                }
                "held" => match sse_answer(&reply(json!({"content": [{"type": "text", "text": "done"}]}))) {
                    // The response, then a stream the server keeps open for an hour.
                    ScriptedAnswer::Response { after_ms, status, headers, mut body } => {
                        body.push(BodyStep::Pause(3_600_000));
                        body.push(BodyStep::Bytes(b": still here\n\n".to_vec()));
                        ScriptedAnswer::Response { after_ms, status, headers, body }
                    }
                    other => other,
                },
                "fail" => json_answer(
                    &[],
                    &reply(json!({"content": [{"type": "text", "text": "no entry for `x`"}], "isError": true})),
                ),
                "picture" => json_answer(
                    &[],
                    &reply(json!({"content": [{"type": "image", "mimeType": "image/png", "data": "AAAA"}]})),
                ),
                _ => json_answer(
                    &[],
                    &json!({"jsonrpc": "2.0", "id": id,
                    "error": {"code": -32602, "message": "Unknown tool: broken"}}),
                ),
            },
            other => panic!("unexpected method {other}"),
        }
    }
}

fn scripted(rt: &SimRuntime, server: &Rc<FakeServer>) -> ScriptedTransport {
    let server = server.clone();
    ScriptedTransport::new(Rc::new(rt.clone()), move |r: &HttpRequest| server.answer(r))
}

fn methods(transport: &ScriptedTransport) -> Vec<String> {
    transport.sent().iter().map(|(_, r)| body_of(r)["method"].as_str().unwrap_or("?").to_string()).collect()
}

#[test]
fn the_handshake_keeps_the_session_and_lists_every_page() {
    let rt = SimRuntime::new(1);
    let server = FakeServer::new("2025-06-18");
    let transport = scripted(&rt, &server);
    let client = Rc::new(McpClient::new(Rc::new(transport.clone()), MCP, "tok-1"));
    let listing = client.clone();
    let tools = block_on(&rt, async move { listing.list_tools(&CancelToken::new()).await }).unwrap();
    let names: Vec<&str> = tools.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["add", "lookup"]);
    assert_eq!(tools[0].description, "Add");
    assert_eq!(methods(&transport), ["initialize", "notifications/initialized", "tools/list", "tools/list"]);
    let sent = transport.sent();
    let init = &sent[0].1;
    assert_eq!(body_of(init)["params"]["protocolVersion"], "2025-06-18");
    assert_eq!(body_of(init)["params"]["clientInfo"]["name"], "planwright");
    assert_eq!(init.header_value("mcp-session-id"), None);
    for (_, request) in &sent {
        assert_eq!(request.method, "POST");
        assert_eq!(request.header_value("accept"), Some("application/json, text/event-stream"));
        assert_eq!(request.header_value("authorization"), Some("Bearer tok-1"));
    }
    for (_, request) in &sent[1..] {
        assert_eq!(request.header_value("mcp-session-id"), Some("s1"), "the session id is echoed");
        assert_eq!(request.header_value("mcp-protocol-version"), Some("2025-06-18"));
    }
    assert_eq!(body_of(&sent[3].1)["params"]["cursor"], "page2");

    let calling = client.clone();
    let output =
        block_on(
            &rt,
            async move { calling.call_tool("add", json!({"a": 2, "b": 40}), 1 << 20, &CancelToken::new()).await },
        );
    assert_eq!(output, Ok(ToolOutput { text: "42".into(), is_error: false }), "read from the SSE stream");
    assert_eq!(methods(&transport).len(), 5, "no second handshake");
}

#[test]
fn a_call_ends_with_its_response_even_when_the_server_keeps_the_stream_open() {
    let rt = SimRuntime::new(1);
    let server = FakeServer::new("2025-06-18");
    let client = Rc::new(McpClient::new(Rc::new(scripted(&rt, &server)), MCP, ""));
    let calling = client.clone();
    let started = rt.now_ms();
    let output = block_on(&rt, async move { calling.call_tool("held", json!({}), 4096, &CancelToken::new()).await });
    assert!(format!("{output:?}").contains("done"), "{output:?}");
    let waited = rt.now_ms() - started;
    assert!(waited < 1_000.0, "the call waited {waited} ms for a stream it had its answer from");
}

#[test]
fn an_expired_session_is_started_again_once() {
    let rt = SimRuntime::new(2);
    let server = FakeServer::new("2025-03-26");
    let transport = scripted(&rt, &server);
    let client = Rc::new(McpClient::new(Rc::new(transport.clone()), MCP, ""));
    let c = client.clone();
    block_on(&rt, async move { c.list_tools(&CancelToken::new()).await }).unwrap();
    server.expired.borrow_mut().push("s1".into());
    let c = client.clone();
    let output =
        block_on(&rt, async move { c.call_tool("add", json!({"a": 1, "b": 1}), 1 << 20, &CancelToken::new()).await });
    assert_eq!(output.unwrap().text, "2");
    let sent = transport.sent();
    let tail: Vec<(String, Option<String>)> = sent[4..]
        .iter()
        .map(|(_, r)| {
            (body_of(r)["method"].as_str().unwrap().to_string(), r.header_value("mcp-session-id").map(str::to_string))
        })
        .collect();
    assert_eq!(
        tail,
        [
            ("tools/call".into(), Some("s1".into())),
            ("initialize".into(), None),
            ("notifications/initialized".into(), Some("s2".into())),
            ("tools/call".into(), Some("s2".into())),
        ]
    );
    assert_eq!(sent[5].1.header_value("mcp-protocol-version"), None);
    assert_eq!(sent[6].1.header_value("mcp-protocol-version"), Some("2025-03-26"), "the older version is accepted");
    assert!(sent[4].1.header_value("authorization").is_none(), "no token, no header");

    // A server that keeps answering 404 gets one new session, then the error.
    server.expired.borrow_mut().push("s2".into());
    server.expired.borrow_mut().push("s3".into());
    let c = client.clone();
    let error = block_on(&rt, async move { c.call_tool("add", json!({}), 1 << 20, &CancelToken::new()).await });
    assert!(matches!(error, Err(McpError::Status { status: 404, .. })), "{error:?}");
}

/// The error `client` gets listing tools from a server answering with `answer`.
fn list_error(answer: impl Fn(&HttpRequest) -> ScriptedAnswer + 'static) -> McpError {
    let rt = SimRuntime::new(3);
    let transport = ScriptedTransport::new(Rc::new(rt.clone()), answer);
    let client = McpClient::new(Rc::new(transport), MCP, "t");
    block_on(&rt, async move { client.list_tools(&CancelToken::new()).await }).unwrap_err()
}

#[test]
fn failures_are_typed_and_say_what_to_do() {
    let blocked = list_error(|_| ScriptedAnswer::Unreachable { after_ms: 5 });
    assert_eq!(blocked, McpError::Blocked { url: MCP.into() });
    let message = blocked.to_string();
    for needle in ["CORS", "Mcp-Session-Id", "Mcp-Protocol-Version", "expose", "scripts/serve --proxy"] {
        assert!(message.contains(needle), "{needle} in {message}");
    }
    let unauthorized = list_error(|_| ScriptedAnswer::text(401, &[], "who are you"));
    assert_eq!(unauthorized, McpError::Unauthorized { status: 401 });
    assert!(unauthorized.to_string().contains("bearer token"));
    assert_eq!(list_error(|_| ScriptedAnswer::text(403, &[], "")), McpError::Unauthorized { status: 403 });
    let old = FakeServer::new("2024-11-05");
    let version = list_error(move |r| old.answer(r));
    assert_eq!(version, McpError::UnsupportedVersion { version: "2024-11-05".into() });
    assert!(version.to_string().contains("supports 2025-06-18 and 2025-03-26"));
    let rpc = list_error(|r| {
        json_answer(
            &[],
            &json!({"jsonrpc": "2.0", "id": body_of(r)["id"], "error": {"code": -32600, "message": "nope"}}),
        )
    });
    assert_eq!(rpc, McpError::Rpc { code: -32600, message: "nope".into() });
    let html = list_error(|_| ScriptedAnswer::text(200, &[("content-type", "text/html")], "<html>hi</html>"));
    assert!(matches!(&html, McpError::BadAnswer(why) if why.contains("<html>hi</html>")), "{html:?}");
    let status = list_error(|_| ScriptedAnswer::text(500, &[], "boom"));
    assert_eq!(status, McpError::Status { status: 500, body: "boom".into() });
}

fn research(kind: &str) -> TaskRequest {
    TaskRequest {
        model: None,
        goal: "g".into(),
        task_id: "T1".into(),
        name: "Add".into(),
        description: "Add numbers".into(),
        kind: Some(kind.into()),
        dependency_results: vec![],
        attempt: 1,
        timeout_ms: 60_000,
    }
}

/// Settings with the fake server added (tools `add`, `fail`, `picture`, `broken`, offered to
/// research tasks) and a model that calls `call` with `arguments`, then repeats the tool result.
fn provider_for(rt: &SimRuntime, call: &'static str, arguments: Value) -> (HttpProvider, ScriptedTransport) {
    let server = FakeServer::new("2025-06-18");
    let transport = ScriptedTransport::new(Rc::new(rt.clone()), move |r: &HttpRequest| {
        if !r.url.starts_with(LLM) {
            return server.answer(r);
        }
        let body = body_of(r);
        let messages = body["messages"].as_array().unwrap();
        let offered = body["tools"].as_array().is_some_and(|t| !t.is_empty());
        if let Some(result) = messages.iter().find(|m| m["role"] == "tool").or((!offered).then_some(&body["model"])) {
            let text = result["content"].as_str().unwrap_or("no tools");
            return json_answer(&[], &json!({"choices": [{"message": {"content": text}, "finish_reason": "stop"}]}));
        }
        let names: Vec<&str> =
            body["tools"].as_array().unwrap().iter().map(|t| t["function"]["name"].as_str().unwrap()).collect();
        assert!(names.contains(&call), "{call} offered among {names:?}");
        json_answer(
            &[],
            &json!({"choices": [{"message": {"role": "assistant", "content": "", "tool_calls": [
            {"id": "c1", "type": "function", "function": {"name": call, "arguments": arguments.to_string()}}
        ]}, "finish_reason": "tool_calls"}]}),
        )
    });
    let info = |name: &str| McpToolInfo {
        name: name.into(),
        description: format!("{name} tool"),
        input_schema: r#"{"type": "object"}"#.into(),
    };
    let settings = ProviderSettings {
        kind: ProviderKind::OpenAiCompatible,
        base_url: LLM.into(),
        model: "m".into(),
        stream: false,
        mcp_servers: vec![McpServer {
            for_types: vec!["research".into()],
            tools: ["add", "fail", "picture", "broken"].into_iter().map(info).collect(),
            ..McpServer::new(MCP, "tok-9")
        }],
        ..ProviderSettings::default()
    };
    (HttpProvider::new(settings, Rc::new(transport.clone()), Rc::new(rt.clone())), transport)
}

fn run(rt: &SimRuntime, provider: HttpProvider, kind: &'static str) -> planwright::llm::provider::AttemptOutcome {
    block_on(rt, async move { provider.execute(&research(kind), &CancelToken::new(), &mut |_| {}).await })
}

#[test]
fn the_model_calls_an_mcp_tool_through_the_provider() {
    let rt = SimRuntime::new(4);
    let (provider, transport) = provider_for(&rt, "127_0_0_1__add", json!({"a": 20, "b": 22}));
    let outcome = run(&rt, provider, "research");
    assert_eq!(outcome.result.as_deref(), Ok("42"));
    assert_eq!(outcome.tool_calls.len(), 1);
    let entry = &outcome.tool_calls[0];
    assert_eq!((entry.tool.as_str(), entry.method.as_str(), entry.url.as_str()), ("127_0_0_1__add", "POST", MCP));
    assert_eq!(
        entry.access,
        ToolAccess::Allowed,
        "the server's own (loopback) host counts as allowed: the user added it"
    );
    assert_eq!((entry.status, entry.bytes), (Some(200), 2));
    let to_server: Vec<HttpRequest> = transport.sent().into_iter().map(|(_, r)| r).filter(|r| r.url == MCP).collect();
    assert_eq!(to_server.len(), 4, "initialize, initialized, tools/call, then the session's end");
    assert!(to_server.iter().all(|r| r.header_value("authorization") == Some("Bearer tok-9")));
    assert_eq!(body_of(&to_server[2])["params"], json!({"name": "add", "arguments": {"a": 20, "b": 22}}));
    // The provider is gone once the attempt is over: it ended its session.
    assert_eq!((to_server[3].method, to_server[3].header_value("mcp-session-id")), ("DELETE", Some("s1")));
}

#[test]
fn tool_errors_reach_the_model_as_errors_not_crashes() {
    let rt = SimRuntime::new(5);
    let (provider, _) = provider_for(&rt, "127_0_0_1__fail", json!({}));
    let outcome = run(&rt, provider, "research");
    assert_eq!(outcome.result.as_deref(), Ok("error: tool `127_0_0_1__fail` reported an error: no entry for `x`"));
    let (provider, _) = provider_for(&rt, "127_0_0_1__broken", json!({}));
    let outcome = run(&rt, provider, "research");
    assert_eq!(
        outcome.result.as_deref(),
        Ok("error: tool `127_0_0_1__broken`: the MCP server answered with error -32602: Unknown tool: broken")
    );
    let (provider, _) = provider_for(&rt, "127_0_0_1__picture", json!({}));
    let outcome = run(&rt, provider, "research");
    assert_eq!(outcome.result.as_deref(), Ok("[image content, not shown: image/png]"));
}

#[test]
fn mcp_tools_are_offered_only_to_the_chosen_task_types() {
    let rt = SimRuntime::new(6);
    let (provider, transport) = provider_for(&rt, "unused", json!({}));
    let outcome = run(&rt, provider, "writing");
    assert!(outcome.result.is_ok(), "{:?}", outcome.result);
    let (_, first) = &transport.sent()[0];
    assert!(body_of(first).get("tools").is_none_or(|t| t.as_array().is_none_or(|a| a.is_empty())), "{first:?}");
    assert!(transport.sent().iter().all(|(_, r)| r.url != MCP), "nothing sent to the MCP server");
}

#[test]
fn closing_ends_the_session_with_a_delete_and_the_next_request_starts_another() {
    let rt = SimRuntime::new(4);
    let server = FakeServer::new("2025-06-18");
    let transport = scripted(&rt, &server);
    let client = Rc::new(McpClient::new(Rc::new(transport.clone()), MCP, "tok-1"));
    let using = client.clone();
    block_on(&rt, async move {
        using.list_tools(&CancelToken::new()).await.unwrap();
        using.close(&CancelToken::new()).await;
    });
    let sent = transport.sent();
    let (_, delete) = sent.last().unwrap();
    assert_eq!(delete.method, "DELETE");
    assert_eq!(delete.header_value("mcp-session-id"), Some("s1"));
    assert_eq!(delete.header_value("mcp-protocol-version"), Some("2025-06-18"));
    assert_eq!(delete.header_value("authorization"), Some("Bearer tok-1"));
    assert_eq!(delete.body, None);
    // Closed twice: nothing more is sent. Used again: a new session.
    let using = client.clone();
    let sent_before = transport.sent().len();
    block_on(&rt, async move { using.close(&CancelToken::new()).await });
    assert_eq!(transport.sent().len(), sent_before);
    let using = client.clone();
    block_on(&rt, async move { using.list_tools(&CancelToken::new()).await.unwrap() });
    assert_eq!(transport.sent()[sent_before].1.header_value("mcp-session-id"), None, "a new initialize");
    assert_eq!(server.sessions.get(), 2);
}

#[test]
fn a_server_that_refuses_to_end_sessions_or_gives_none_is_left_alone() {
    // 405 to the DELETE: closing still returns, and nothing breaks.
    let rt = SimRuntime::new(5);
    let server = FakeServer::new("2025-03-26");
    let transport = scripted(&rt, &server);
    let client = Rc::new(McpClient::new(Rc::new(transport.clone()), MCP, ""));
    let using = client.clone();
    block_on(&rt, async move {
        using.list_tools(&CancelToken::new()).await.unwrap();
        using.close(&CancelToken::new()).await;
    });
    assert_eq!(transport.sent().last().unwrap().1.method, "DELETE");
    // A server that keeps no sessions (no Mcp-Session-Id) gets no DELETE.
    let rt = SimRuntime::new(6);
    let stateless = ScriptedTransport::new(Rc::new(rt.clone()), |r: &HttpRequest| {
        let id = body_of(r)["id"].clone();
        match body_of(r)["method"].as_str() {
            Some("initialize") => json_answer(
                &[],
                &json!({"jsonrpc": "2.0", "id": id, "result": {"protocolVersion": "2025-06-18", "capabilities": {}}}),
            ),
            Some("tools/list") => json_answer(&[], &json!({"jsonrpc": "2.0", "id": id, "result": {"tools": []}})),
            _ => ScriptedAnswer::text(202, &[], ""),
        }
    });
    let client = Rc::new(McpClient::new(Rc::new(stateless.clone()), MCP, ""));
    let using = client.clone();
    block_on(&rt, async move {
        using.list_tools(&CancelToken::new()).await.unwrap();
        using.close(&CancelToken::new()).await;
    });
    assert!(stateless.sent().iter().all(|(_, r)| r.method == "POST"));
}
