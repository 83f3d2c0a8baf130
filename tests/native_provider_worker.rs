//! The provider worker's protocol, both ends natively: the page's `RemoteProviders` and the
//! worker's `ProviderHost` joined by an in-memory channel that carries every message as JSON, as
//! the browser does. A call through the worker answers what the same provider answers in place;
//! streamed tasks and tokens arrive in order; the worker's questions about unknown hosts reach the
//! page's gate (and "allow this host" the page's allowlist), and are withdrawn when their task gives
//! up; cancelling, dropping and a crashed worker end calls; secrets cross to the worker and nowhere
//! else.

#![cfg(not(target_arch = "wasm32"))]

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

use futures::channel::mpsc;
use futures::future::{FutureExt, LocalBoxFuture};
use futures::StreamExt;
use planwright::engine::TaskRequest;
use planwright::io::cancel::CancelToken;
use planwright::io::egress_gate::{EgressDecision, EgressGate, EgressQuestion};
use planwright::io::runtime::Runtime;
use planwright::io::scripted_gate::ScriptedGate;
use planwright::io::scripted_transport::{BodyStep, ScriptedAnswer, ScriptedTransport};
use planwright::io::sim_runtime::SimRuntime;
use planwright::io::transport::HttpRequest;
use planwright::llm::egress::Egress;
use planwright::llm::mcp::{McpError, McpServer, McpToolInfo};
use planwright::llm::provider::Provider;
use planwright::llm::remote::protocol::{FromWorker, ToWorker};
use planwright::llm::remote::{ProviderHost, RemoteProviders};
use planwright::llm::settings::{ProviderKind, ProviderSettings};
use planwright::llm::source::{DirectProviders, ProviderSource};
use planwright::llm::template::Template;
use planwright::llm::tools::ToolAccess;
use planwright::plan::Task;
use serde_json::{json, Value};

#[path = "support/block_on.rs"]
mod block_on;
use block_on::block_on;

const LLM: &str = "http://llm.test/v1";
const MCP: &str = "http://mcp.test/mcp";

/// Providers made in place that remember each one they made (to see when the worker drops it).
struct Recording {
    direct: DirectProviders,
    made: RefCell<Vec<Weak<dyn Provider>>>,
}

impl ProviderSource for Recording {
    fn connect(&self, settings: ProviderSettings, egress: Egress) -> Rc<dyn Provider> {
        let provider = self.direct.connect(settings, egress);
        self.made.borrow_mut().push(Rc::downgrade(&provider));
        provider
    }

    fn list_mcp_tools(
        &self,
        url: &str,
        token: &str,
        cancel: &CancelToken,
    ) -> LocalBoxFuture<'static, Result<Vec<McpToolInfo>, McpError>> {
        self.direct.list_mcp_tools(url, token, cancel)
    }

    fn tool_names(
        &self,
        settings: &ProviderSettings,
        kinds: Vec<String>,
    ) -> LocalBoxFuture<'static, Result<Vec<Vec<String>>, String>> {
        self.direct.tool_names(settings, kinds)
    }
}

/// The page's end joined to a worker's end on `rt`: every message crosses as JSON text, and the
/// page's messages are kept (as sent) for the tests to read.
struct Wire {
    page: RemoteProviders,
    source: Rc<Recording>,
    sent: Rc<RefCell<Vec<String>>>,
}

fn wire(rt: &SimRuntime, transport: &ScriptedTransport) -> Wire {
    let runtime: Rc<dyn Runtime> = Rc::new(rt.clone());
    let direct = DirectProviders { transport: Rc::new(transport.clone()), runtime: runtime.clone() };
    let source = Rc::new(Recording { direct, made: RefCell::default() });
    let (to_worker, mut worker_inbox) = mpsc::unbounded::<String>();
    let (to_page, mut page_inbox) = mpsc::unbounded::<String>();
    let sent = Rc::new(RefCell::new(Vec::new()));
    let log = sent.clone();
    let port = Box::new(move |message: ToWorker| {
        let text = serde_json::to_string(&message).unwrap();
        log.borrow_mut().push(text.clone());
        let _ = to_worker.unbounded_send(text);
    });
    let page = RemoteProviders::new(port, Box::new(|| {}), runtime.clone());
    let out = Box::new(move |message: FromWorker| {
        let _ = to_page.unbounded_send(serde_json::to_string(&message).unwrap());
    });
    let host = ProviderHost::new(source.clone(), out, runtime.clone());
    rt.spawn(Box::pin(async move {
        while let Some(text) = worker_inbox.next().await {
            host.receive(serde_json::from_str(&text).unwrap());
        }
    }));
    let receiver = page.clone();
    rt.spawn(Box::pin(async move {
        while let Some(text) = page_inbox.next().await {
            receiver.receive(serde_json::from_str(&text).unwrap());
        }
    }));
    Wire { page, source, sent }
}

/// A token that fires `ms` from now on `rt`.
fn cancel_after(rt: &SimRuntime, ms: u64) -> CancelToken {
    let cancel = CancelToken::new();
    let (timer, sleep) = (cancel.clone(), rt.sleep(ms));
    rt.spawn(Box::pin(async move {
        sleep.await;
        timer.cancel();
    }));
    cancel
}

fn endpoint() -> ProviderSettings {
    ProviderSettings {
        kind: ProviderKind::OpenAiCompatible,
        base_url: LLM.into(),
        model: "m".into(),
        api_key: "sk-worker".into(),
        needs_key: true,
        ..ProviderSettings::default()
    }
}

fn request(task_id: &str) -> TaskRequest {
    TaskRequest {
        model: None,
        goal: "goal".into(),
        task_id: task_id.into(),
        name: "Look it up".into(),
        description: "Fetch the page".into(),
        kind: Some("research".into()),
        dependency_results: vec![],
        attempt: 1,
        timeout_ms: 60_000,
    }
}

/// An SSE answer streaming `pieces` as tokens, `pause_ms` apart, then a stop.
fn streamed(pieces: &[&str], pause_ms: u64) -> ScriptedAnswer {
    let mut body = Vec::new();
    for piece in pieces {
        let chunk = json!({"choices": [{"delta": {"content": piece}, "finish_reason": null}]});
        body.push(BodyStep::Bytes(format!("data: {chunk}\n\n").into_bytes()));
        body.push(BodyStep::Pause(pause_ms));
    }
    let end = json!({"choices": [{"delta": {}, "finish_reason": "stop"}]});
    body.push(BodyStep::Bytes(format!("data: {end}\n\ndata: [DONE]\n\n").into_bytes()));
    let headers = vec![("content-type".to_string(), "text/event-stream".to_string())];
    ScriptedAnswer::Response { after_ms: 5, status: 200, headers, body }
}

fn json_answer(value: &Value) -> ScriptedAnswer {
    ScriptedAnswer::text(200, &[("content-type", "application/json")], &value.to_string())
}

/// A model that calls `http_get` on `url` once, then answers with what the tool returned; every
/// other host answers `page <url>`.
fn tool_model(rt: &SimRuntime, url: &'static str) -> ScriptedTransport {
    ScriptedTransport::new(Rc::new(rt.clone()), move |r: &HttpRequest| {
        if !r.url.starts_with(LLM) {
            return ScriptedAnswer::text(200, &[], &format!("page {}", r.url));
        }
        let body: Value = serde_json::from_str(r.body.as_deref().unwrap()).unwrap();
        let messages = body["messages"].as_array().unwrap();
        if let Some(result) = messages.iter().find(|m| m["role"] == "tool") {
            let text = result["content"].as_str().unwrap();
            return json_answer(&json!({"choices": [{"message": {"content": text}, "finish_reason": "stop"}]}));
        }
        let arguments = json!({ "url": url }).to_string();
        let call = json!({"id": "c1", "type": "function", "function": {"name": "http_get", "arguments": arguments}});
        json_answer(&json!({"choices": [{"message": {"role": "assistant", "content": "", "tool_calls": [call]},
            "finish_reason": "tool_calls"}]}))
    })
}

#[test]
fn a_demo_plan_through_the_worker_streams_its_tasks_and_equals_the_plan_made_in_place() {
    let demo = ProviderSettings::default();
    assert_eq!(demo.kind, ProviderKind::Demo);
    let in_place = {
        let rt = SimRuntime::new(3);
        let direct = DirectProviders {
            transport: Rc::new(ScriptedTransport::new(Rc::new(rt.clone()), |_| unreachable!())),
            runtime: Rc::new(rt.clone()),
        };
        let provider = direct.connect(demo.clone(), Egress::default());
        block_on(&rt, async move { provider.plan("Research tea", Some(Template::ResearchReport), &mut |_| {}).await })
    }
    .expect("the Demo plans");

    let rt = SimRuntime::new(3);
    let wire = wire(&rt, &ScriptedTransport::new(Rc::new(rt.clone()), |_| unreachable!()));
    let provider = wire.page.connect(demo, Egress::default());
    let streamed: Rc<RefCell<Vec<Task>>> = Rc::default();
    let seen = streamed.clone();
    let answer = block_on(&rt, async move {
        provider.plan("Research tea", Some(Template::ResearchReport), &mut |task| seen.borrow_mut().push(task)).await
    })
    .expect("the Demo plans through the worker");
    assert_eq!(answer, in_place, "the worker's answer is the provider's own");
    assert_eq!(*streamed.borrow(), answer.plan.tasks, "every task streamed in, in order, before the answer");
}

#[test]
fn an_attempt_streams_its_tokens_and_the_secrets_reach_only_the_worker() {
    let rt = SimRuntime::new(5);
    let transport = ScriptedTransport::new(Rc::new(rt.clone()), |_| streamed(&["Hel", "lo ", "world"], 20));
    let wire = wire(&rt, &transport);
    let mut settings = endpoint();
    settings.extra_headers = "X-Team: t-123".into();
    settings.mcp_servers.push(McpServer::new(MCP, "mcp-token"));
    let provider = wire.page.connect(settings.clone(), Egress::default());
    assert_eq!(provider.missing_credentials(), None, "the page answers this itself, from the settings");
    let deltas = Rc::new(RefCell::new(Vec::<String>::new()));
    let seen = deltas.clone();
    let outcome = block_on(&rt, async move {
        provider.execute(&request("T1"), &CancelToken::new(), &mut |d| seen.borrow_mut().push(d.to_string())).await
    });
    assert_eq!(outcome.result.as_deref(), Ok("Hello world"));
    assert_eq!(*deltas.borrow(), ["Hel", "lo ", "world"], "each token crossed as it came");

    let sent = transport.sent();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].1.header_value("authorization"), Some("Bearer sk-worker"), "the key reached the worker");
    assert_eq!(sent[0].1.header_value("x-team"), Some("t-123"), "so did the extra headers");
    let open: ToWorker = serde_json::from_str(&wire.sent.borrow()[0]).unwrap();
    let ToWorker::Open { setup, .. } = open else { panic!("the provider is opened first") };
    assert!(setup.settings.api_key.is_empty(), "the settings' own serde form still leaves the key out");
    let restored = setup.into_settings();
    assert!(restored == settings, "the worker makes the provider from the same settings, secrets included");
    assert_eq!(restored.mcp_servers[0].token, "mcp-token");
}

#[test]
fn the_workers_question_reaches_the_pages_gate_and_allow_host_reaches_the_pages_allowlist() {
    let rt = SimRuntime::new(7);
    let transport = tool_model(&rt, "https://docs.example/tea");
    let wire = wire(&rt, &transport);
    let gate = ScriptedGate::new(&[EgressDecision::AllowHost]);
    let egress = Egress {
        gate: Some(Rc::new(gate.clone())),
        page_origin: Some("http://127.0.0.1:8080".into()),
        ..Egress::default()
    };
    let hosts = egress.hosts.clone();
    let provider = wire.page.connect(endpoint(), egress);
    let again = provider.clone();
    let outcome =
        block_on(&rt, async move { provider.execute(&request("T1"), &CancelToken::new(), &mut |_| {}).await });
    assert_eq!(outcome.result.as_deref(), Ok("page https://docs.example/tea"));
    assert_eq!(outcome.tool_calls[0].access, ToolAccess::AskedAllowedHost);
    let asked = gate.asked();
    assert_eq!(asked.len(), 1);
    assert_eq!((asked[0].task_id.as_str(), asked[0].host.as_str()), ("T1", "docs.example"));
    assert_eq!(*hosts.borrow(), ["docs.example"], "the page's allowlist has the host (the driver saves it)");

    let outcome = block_on(&rt, async move { again.execute(&request("T2"), &CancelToken::new(), &mut |_| {}).await });
    assert_eq!(outcome.tool_calls[0].access, ToolAccess::Allowed, "the host is allowed now: nobody is asked");
    assert_eq!(gate.asked().len(), 1);
}

#[test]
fn a_provider_without_a_gate_is_denied_without_asking_and_a_host_the_page_allows_crosses_with_the_call() {
    let rt = SimRuntime::new(8);
    let transport = tool_model(&rt, "https://docs.example/tea");
    let wire = wire(&rt, &transport);
    let egress = Egress::default();
    let hosts = egress.hosts.clone();
    let provider = wire.page.connect(endpoint(), egress);
    let again = provider.clone();
    let outcome =
        block_on(&rt, async move { provider.execute(&request("T1"), &CancelToken::new(), &mut |_| {}).await });
    assert_eq!(outcome.tool_calls[0].access, ToolAccess::Denied);
    assert!(transport.sent().iter().all(|(_, r)| r.url.starts_with(LLM)), "nothing reached docs.example");

    // The workflow's allowlist lives in the page (restored from the record): the next call takes it along.
    hosts.borrow_mut().push("docs.example".into());
    let outcome = block_on(&rt, async move { again.execute(&request("T2"), &CancelToken::new(), &mut |_| {}).await });
    assert_eq!(outcome.tool_calls[0].access, ToolAccess::Allowed);
    assert_eq!(outcome.result.as_deref(), Ok("page https://docs.example/tea"));
}

/// A gate that never answers and notes when its question is dropped.
#[derive(Default)]
struct SilentGate {
    asked: Cell<u32>,
    withdrawn: Rc<Cell<u32>>,
}

struct Dropped(Rc<Cell<u32>>);

impl Drop for Dropped {
    fn drop(&mut self) {
        self.0.set(self.0.get() + 1);
    }
}

impl EgressGate for SilentGate {
    fn ask(&self, _: EgressQuestion) -> LocalBoxFuture<'static, EgressDecision> {
        self.asked.set(self.asked.get() + 1);
        let dropped = Dropped(self.withdrawn.clone());
        async move {
            let _dropped = dropped;
            futures::future::pending::<EgressDecision>().await
        }
        .boxed_local()
    }
}

#[test]
fn a_cancelled_attempt_withdraws_its_question_from_the_page_and_ends_in_the_worker() {
    let rt = SimRuntime::new(9);
    let transport = tool_model(&rt, "https://docs.example/tea");
    let wire = wire(&rt, &transport);
    let gate = Rc::new(SilentGate::default());
    let provider = wire.page.connect(endpoint(), Egress { gate: Some(gate.clone()), ..Egress::default() });
    let cancel = cancel_after(&rt, 1_000);
    let outcome = block_on(&rt, async move { provider.execute(&request("T1"), &cancel, &mut |_| {}).await });
    assert_eq!(gate.asked.get(), 1, "the question reached the page");
    assert_eq!(gate.withdrawn.get(), 1, "and left it when the attempt was cancelled");
    assert!(outcome.result.is_err(), "{outcome:?}");
    assert_eq!(outcome.tool_calls[0].access, ToolAccess::Denied);
    assert!(wire.sent.borrow().iter().any(|m| m.contains("Cancel")), "the page told the worker");
}

#[test]
fn cancelling_a_stalled_stream_ends_the_attempt_and_dropping_the_provider_drops_it_in_the_worker() {
    let rt = SimRuntime::new(10);
    let transport = ScriptedTransport::new(Rc::new(rt.clone()), |_| streamed(&["a", "b"], 3_600_000));
    let wire = wire(&rt, &transport);
    let provider = wire.page.connect(endpoint(), Egress::default());
    let cancel = cancel_after(&rt, 2_000);
    let (attempt, clock) = (provider.clone(), rt.clone());
    let started = rt.now_ms();
    let (outcome, ended) = block_on(&rt, async move {
        let outcome = attempt.execute(&request("T1"), &cancel, &mut |_| {}).await;
        (outcome, clock.now_ms())
    });
    assert!(ended - started < 10_000.0, "the attempt ended at the cancel, not at the stall's end");
    assert!(outcome.result.is_err());

    assert_eq!(wire.source.made.borrow().len(), 1);
    assert!(wire.source.made.borrow()[0].upgrade().is_some(), "the worker keeps the provider while the page does");
    drop(provider);
    rt.run_until_idle(u64::MAX);
    assert!(wire.source.made.borrow()[0].upgrade().is_none(), "the page dropped it: so did the worker");
}

#[test]
fn a_crashed_worker_fails_the_calls_waiting_and_every_later_one_with_a_message_that_says_so() {
    let rt = SimRuntime::new(11);
    let transport = ScriptedTransport::new(Rc::new(rt.clone()), |_| streamed(&["a"], 3_600_000));
    let wire = wire(&rt, &transport);
    let provider = wire.page.connect(endpoint(), Egress::default());
    let page = wire.page.clone();
    let crash = rt.sleep(500);
    rt.spawn(Box::pin(async move {
        crash.await;
        page.fail("the worker could not be loaded or crashed".into());
    }));
    let attempt = provider.clone();
    let outcome = block_on(&rt, async move { attempt.execute(&request("T1"), &CancelToken::new(), &mut |_| {}).await });
    let error = outcome.result.unwrap_err();
    assert!(error.message.contains("provider worker is not available") && !error.retryable, "{error:?}");
    let later = block_on(&rt, async move { provider.test_connection().await }).unwrap_err();
    assert_eq!(later.message, error.message);
    let cancel = CancelToken::new();
    let listed = block_on(&rt, wire.page.list_mcp_tools(MCP, "", &cancel));
    assert!(matches!(listed, Err(McpError::Relayed(ref why)) if why.contains("reload the page")), "{listed:?}");
}

#[test]
fn an_mcp_servers_tools_are_listed_through_the_worker_and_its_session_ended() {
    let rt = SimRuntime::new(12);
    let transport = ScriptedTransport::new(Rc::new(rt.clone()), |r: &HttpRequest| {
        if r.method == "DELETE" {
            return ScriptedAnswer::text(200, &[], "");
        }
        let body: Value = serde_json::from_str(r.body.as_deref().unwrap()).unwrap();
        let reply = |result: Value| json!({"jsonrpc": "2.0", "id": body["id"], "result": result});
        match body["method"].as_str().unwrap() {
            "initialize" => ScriptedAnswer::text(
                200,
                &[("content-type", "application/json"), ("mcp-session-id", "s1")],
                &reply(json!({"protocolVersion": "2025-06-18", "capabilities": {"tools": {}}})).to_string(),
            ),
            "tools/list" => json_answer(&reply(json!({"tools": [{"name": "add", "description": "Add two numbers",
                "inputSchema": {"type": "object"}}]}))),
            _ => ScriptedAnswer::text(202, &[], ""),
        }
    });
    let wire = wire(&rt, &transport);
    let cancel = CancelToken::new();
    let tools = block_on(&rt, wire.page.list_mcp_tools(MCP, "tok", &cancel)).expect("listed");
    assert_eq!(
        tools.iter().map(|t| (t.name.as_str(), t.description.as_str())).collect::<Vec<_>>(),
        [("add", "Add two numbers")]
    );
    let sent = transport.sent();
    assert!(sent.iter().all(|(_, r)| r.header_value("authorization") == Some("Bearer tok")));
    assert_eq!(sent.last().map(|(_, r)| r.method), Some("DELETE"), "the session ended once listed");
}

#[test]
fn an_mcp_servers_refusal_reaches_the_page_as_its_message_and_a_listing_given_up_as_aborted() {
    let rt = SimRuntime::new(13);
    let transport = ScriptedTransport::new(Rc::new(rt.clone()), |r: &HttpRequest| {
        if r.header_value("authorization") == Some("Bearer wrong") {
            ScriptedAnswer::text(401, &[], "")
        } else {
            // A server that takes an hour to answer.
            ScriptedAnswer::Response { after_ms: 3_600_000, status: 200, headers: vec![], body: vec![] }
        }
    });
    let wire = wire(&rt, &transport);
    let cancel = CancelToken::new();
    let refused = block_on(&rt, wire.page.list_mcp_tools(MCP, "wrong", &cancel)).unwrap_err();
    assert_eq!(
        refused.to_string(),
        McpError::Unauthorized { status: 401 }.to_string(),
        "the worker's message, word for word"
    );

    let cancel = cancel_after(&rt, 5_000);
    let given_up = block_on(&rt, wire.page.list_mcp_tools(MCP, "", &cancel)).unwrap_err();
    assert_eq!(given_up, McpError::Aborted, "the page's own timeout reads as such (the settings explain it)");
}

#[test]
fn the_tools_of_each_task_type_are_named_by_the_worker_and_broken_user_tools_say_why() {
    let rt = SimRuntime::new(14);
    let wire = wire(&rt, &ScriptedTransport::new(Rc::new(rt.clone()), |_| unreachable!()));
    let mut settings = ProviderSettings {
        user_tools: r#"[{"name":"weather","description":"d","parameters":{"type":"object"},
            "kind":{"type":"user_http","url":"https://x/{city}","method":"GET"},"for_types":["research"]}]"#
            .into(),
        ..ProviderSettings::default()
    };
    let kinds = vec!["research".to_string(), "writing".to_string(), "mystery".to_string()];
    let names = block_on(&rt, wire.page.tool_names(&settings, kinds.clone())).expect("named");
    assert_eq!(names, settings.tool_names(&kinds).unwrap(), "as the settings name them in place");
    assert_eq!(names[0], ["http_get", "extract_json", "weather"]);
    assert!(names[1].is_empty() && names[2].is_empty());

    settings.user_tools = "[{".into();
    let broken = block_on(&rt, wire.page.tool_names(&settings, kinds)).unwrap_err();
    assert!(broken.starts_with("user tools are not a JSON list of tools"), "{broken}");
}
