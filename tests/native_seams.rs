//! The driver, the HTTP provider and restore, natively: over the simulated runtime, the scripted
//! transport and the in-memory store — the code the page runs, without a browser.

#![cfg(not(target_arch = "wasm32"))]

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use futures::FutureExt;
use planwright::driver::restore::load_workflow;
use planwright::driver::run_loop::{Driver, DriverHooks, DriverPorts};
use planwright::engine::{Run, RunConfig, RunStatus, TaskRequest, TaskStatus};
use planwright::io::cancel::CancelToken;
use planwright::io::runtime::Runtime;
use planwright::io::scripted_transport::{BodyStep, ScriptedAnswer, ScriptedTransport};
use planwright::io::sim_runtime::SimRuntime;
use planwright::io::transport::HttpRequest;
use planwright::llm::demo::DemoConfig;
use planwright::llm::egress::Egress;
use planwright::llm::http_provider::HttpProvider;
use planwright::llm::provider::{connect, Provider};
use planwright::llm::settings::{ProviderKind, ProviderSettings};
use planwright::plan::{Plan, Task};
use planwright::store::record::WorkflowRecord;
use planwright::store::{CheckpointStore, MemoryStore};

#[path = "support/driver_page.rs"]
mod driver_page;
use driver_page::start;

const KEY: &str = "sk-test-native";

fn plan(n: usize) -> Plan {
    let tasks = (1..=n)
        .map(|i| {
            let deps: Vec<String> = if i > 1 { vec![format!("T{}", i - 1)] } else { vec![] };
            let deps: Vec<&str> = deps.iter().map(String::as_str).collect();
            Task::new(&format!("T{i}"), &format!("Step {i}"), &deps)
        })
        .collect();
    Plan { tasks, critical_path: vec![] }
}

fn workflow(plan: &Plan, config: &RunConfig) -> WorkflowRecord {
    WorkflowRecord::new("wf-native", "Native goal", plan.clone(), config.clone(), 0.0)
}

fn endpoint(api_key: &str) -> ProviderSettings {
    ProviderSettings {
        kind: ProviderKind::OpenAiCompatible,
        base_url: "http://llm.test/v1".into(),
        model: "m".into(),
        api_key: api_key.into(),
        needs_key: true,
        ..ProviderSettings::default()
    }
}

fn json_answer(content: &str) -> ScriptedAnswer {
    let body = serde_json::json!({
        "choices": [{"message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 3, "completion_tokens": 2}
    });
    ScriptedAnswer::text(200, &[("content-type", "application/json")], &body.to_string())
}

/// An attempt of task T1 of type `kind`.
fn task_request(kind: Option<&str>) -> TaskRequest {
    TaskRequest {
        model: None,
        goal: "g".into(),
        task_id: "T1".into(),
        name: "Step".into(),
        description: "Do the step.".into(),
        kind: kind.map(str::to_string),
        dependency_results: vec![],
        attempt: 1,
        timeout_ms: 10_000,
    }
}

/// Runs `work` on `rt` until nothing is left to do, and returns what it produced.
fn run_to_end<T: 'static>(rt: &SimRuntime, work: impl std::future::Future<Output = T> + 'static) -> T {
    let slot = Rc::new(RefCell::new(None));
    let out = slot.clone();
    rt.spawn(Box::pin(async move {
        *out.borrow_mut() = Some(work.await);
    }));
    rt.run_until_idle(u64::MAX);
    let produced = slot.borrow_mut().take();
    produced.expect("the work finished")
}

fn stored_statuses(store: &MemoryStore) -> BTreeMap<String, TaskStatus> {
    let (tasks, _) = store.tasks("wf-native").now_or_never().unwrap().unwrap();
    tasks.into_iter().map(|t| (t.task_id, t.state.status)).collect()
}

#[test]
fn a_demo_run_completes_and_the_store_and_page_follow_the_engine() {
    let rt = SimRuntime::new(1);
    let settings = ProviderSettings {
        demo: DemoConfig { seed: 3, failure_rate: 0.0, latency_ms: 100 },
        ..ProviderSettings::default()
    };
    let transport = Rc::new(ScriptedTransport::new(Rc::new(rt.clone()), |_| panic!("the Demo sends no request")));
    let provider = connect(settings, transport, Rc::new(rt.clone()), Egress::default());
    let (plan, config) = (plan(6), RunConfig::default());
    let store = MemoryStore::new();
    let (driver, page) =
        start(Run::new("g", plan.clone(), config.clone()), workflow(&plan, &config), provider, &store, &rt);
    rt.run_until_idle(u64::MAX);
    driver.with_run(|run| {
        assert_eq!(run.status(), RunStatus::Finished);
        for (id, state) in run.task_states() {
            assert_eq!(state.status, TaskStatus::Completed, "{id}");
            assert_eq!(page.borrow().get(id), Some(state), "the page follows {id}");
        }
    });
    assert!(stored_statuses(&store).values().all(|s| *s == TaskStatus::Completed));
    assert_eq!(store.calls("wf-native").now_or_never().unwrap().unwrap().len(), 6, "one call record per attempt");
}

#[test]
fn a_restart_from_the_store_runs_only_what_was_not_completed() {
    let rt = SimRuntime::new(2);
    let runtime: Rc<dyn Runtime> = Rc::new(rt.clone());
    let transport = Rc::new(ScriptedTransport::new(runtime.clone(), |_| ScriptedAnswer::Response {
        after_ms: 1_000,
        status: 200,
        headers: vec![("content-type".into(), "application/json".into())],
        body: vec![BodyStep::Bytes(br#"{"choices":[{"message":{"content":"done"},"finish_reason":"stop"}]}"#.to_vec())],
    }));
    let provider: Rc<dyn Provider> = Rc::new(HttpProvider::new(endpoint(KEY), transport.clone(), runtime.clone()));
    let (plan, config) = (plan(5), RunConfig::default());
    let store = MemoryStore::new();
    let (driver, _) =
        start(Run::new("g", plan.clone(), config.clone()), workflow(&plan, &config), provider.clone(), &store, &rt);
    rt.run_until_idle(2_500); // two of five tasks done, the third in flight
    driver.stop();
    rt.crash();
    let before = transport.sent().len();
    let done_before: Vec<String> =
        stored_statuses(&store).into_iter().filter(|(_, s)| *s == TaskStatus::Completed).map(|(id, _)| id).collect();
    assert_eq!(done_before, ["T1", "T2"]);

    let stored = load_workflow(&store, "wf-native").now_or_never().unwrap().unwrap().unwrap();
    assert_eq!(stored.states["T3"].status, TaskStatus::Running, "the store says T3 was in flight");
    let (driver, _) = start(stored.run(), stored.record, provider, &store, &rt);
    rt.run_until_idle(u64::MAX);
    driver.with_run(|run| assert_eq!(run.status(), RunStatus::Finished));
    let resent: Vec<String> = transport.sent()[before..]
        .iter()
        .map(|(_, r)| {
            let body = r.body.clone().unwrap_or_default();
            ["T1", "T2", "T3", "T4", "T5"].iter().find(|id| body.contains(&format!("({id})"))).unwrap().to_string()
        })
        .collect();
    assert_eq!(resent, ["T3", "T4", "T5"], "completed tasks are never sent again; the interrupted one is");
}

#[test]
fn a_run_without_its_key_sends_nothing_and_goes_on_once_the_key_is_entered() {
    let rt = SimRuntime::new(3);
    let runtime: Rc<dyn Runtime> = Rc::new(rt.clone());
    let transport = Rc::new(ScriptedTransport::new(runtime.clone(), |r: &HttpRequest| {
        assert_eq!(r.header_value("authorization"), Some(&*format!("Bearer {KEY}")), "never without the key");
        json_answer("done")
    }));
    let waiting = Rc::new(RefCell::new(Vec::new()));
    let (plan, config) = (plan(3), RunConfig::default());
    let store = MemoryStore::new();
    let keyless: Rc<dyn Provider> = Rc::new(HttpProvider::new(endpoint(""), transport.clone(), runtime.clone()));
    let said = waiting.clone();
    let hooks =
        DriverHooks { on_waiting: Box::new(move |reason| said.borrow_mut().push(reason)), ..DriverHooks::default() };
    let ports = DriverPorts { provider: keyless, store: Some(Rc::new(store.clone())), runtime: runtime.clone() };
    let driver = Driver::start(Run::new("g", plan.clone(), config.clone()), workflow(&plan, &config), ports, hooks);
    rt.run_until_idle(600_000);
    assert!(transport.sent().is_empty(), "no request without the key");
    assert!(waiting.borrow()[0].as_deref().unwrap().contains("API key"), "{:?}", waiting.borrow());
    driver.with_run(|run| {
        assert_eq!(run.status(), RunStatus::Running, "waiting is not a failure");
        assert!(run.provider_unavailable().is_some());
    });
    driver.set_provider(Rc::new(HttpProvider::new(endpoint(KEY), transport.clone(), runtime)));
    rt.run_until_idle(u64::MAX);
    driver.with_run(|run| assert_eq!(run.status(), RunStatus::Finished));
    assert_eq!(transport.sent().len(), 3);
    assert_eq!(waiting.borrow().last(), Some(&None), "the page hears that the run goes on");
}

#[test]
fn planning_waits_out_a_429_with_retry_after_instead_of_failing() {
    let rt = SimRuntime::new(4);
    let runtime: Rc<dyn Runtime> = Rc::new(rt.clone());
    let calls = Rc::new(RefCell::new(0));
    let counter = calls.clone();
    let transport = Rc::new(ScriptedTransport::new(runtime.clone(), move |_| {
        *counter.borrow_mut() += 1;
        if *counter.borrow() == 1 {
            ScriptedAnswer::text(429, &[("retry-after", "1")], r#"{"error":{"message":"rate limited"}}"#)
        } else {
            json_answer(&serde_json::to_string(&plan(2)).unwrap())
        }
    }));
    let provider = HttpProvider::new(endpoint(KEY), transport.clone(), runtime);
    let answer =
        run_to_end(&rt, async move { provider.plan("g", None, &mut |_| {}).await }).expect("the plan after the wait");
    assert_eq!(answer.plan.tasks.len(), 2);
    let sent = transport.sent();
    assert_eq!(sent.len(), 2);
    assert!(sent[1].0 - sent[0].0 >= 1_000.0, "Retry-After: 1 was honoured");
}

#[test]
fn an_invalid_plan_gets_one_repair_round() {
    let rt = SimRuntime::new(5);
    let runtime: Rc<dyn Runtime> = Rc::new(rt.clone());
    let answers = Rc::new(RefCell::new(vec![
        json_answer(&serde_json::to_string(&plan(2)).unwrap()),
        json_answer(r#"{"tasks":[{"id":"A","depends_on":["A"]}]}"#),
    ]));
    let queue = answers.clone();
    let transport = Rc::new(ScriptedTransport::new(runtime.clone(), move |_| queue.borrow_mut().pop().unwrap()));
    let provider = HttpProvider::new(endpoint(KEY), transport.clone(), runtime);
    let answer = run_to_end(&rt, async move { provider.plan("g", None, &mut |_| {}).await }).unwrap();
    assert_eq!((answer.repairs, answer.plan.tasks.len(), answer.usage.calls), (1, 2, 2));
    let repair = transport.sent()[1].1.body.clone().unwrap();
    assert!(repair.contains("That plan cannot be used"), "the error went back to the model");
}

#[test]
fn after_the_repair_round_an_invalid_plan_is_shown_and_an_unreadable_one_is_an_error() {
    let cyclic = r#"{"tasks":[{"id":"A","name":"a","depends_on":["B"]},{"id":"B","name":"b","depends_on":["A"]}]}"#;
    let plan_of = |first: &str, second: &str| {
        let rt = SimRuntime::new(9);
        let runtime: Rc<dyn Runtime> = Rc::new(rt.clone());
        let answers = Rc::new(RefCell::new(vec![json_answer(second), json_answer(first)]));
        let transport = Rc::new(ScriptedTransport::new(runtime.clone(), move |_| answers.borrow_mut().pop().unwrap()));
        let provider = HttpProvider::new(endpoint(KEY), transport.clone(), runtime);
        let answer = run_to_end(&rt, async move { provider.plan("g", None, &mut |_| {}).await });
        let repair = transport.sent()[1].1.body.clone().unwrap();
        (answer, repair)
    };

    let (answer, repair) = plan_of(cyclic, cyclic);
    assert!(repair.contains("That plan cannot be used: cycle"), "the validation error went back: {repair}");
    let answer = answer.unwrap();
    assert_eq!((answer.repairs, answer.plan.tasks.len()), (1, 2), "still invalid: shown with its issues");

    let (answer, repair) = plan_of("no plan", "still no plan");
    assert!(repair.contains("That plan cannot be used: no JSON object found in the answer"), "{repair}");
    let error = answer.unwrap_err();
    assert!(!error.retryable, "{error:?}");
    assert_eq!(
        error.message,
        "the plan could not be read even after a repair round: no JSON object found in the answer (it starts \
         with: 'still no plan')"
    );
}

#[test]
fn a_tool_round_runs_the_tool_and_returns_its_result_to_the_model() {
    let rt = SimRuntime::new(6);
    let runtime: Rc<dyn Runtime> = Rc::new(rt.clone());
    let transport = Rc::new(ScriptedTransport::new(runtime.clone(), |r: &HttpRequest| {
        let body = r.body.clone().unwrap_or_default();
        if body.contains("\"role\":\"tool\"") {
            assert!(body.contains("42"), "the tool's result went back: {body}");
            return json_answer("The answer is 42.");
        }
        let call = serde_json::json!({
            "choices": [{"message": {"role": "assistant", "content": "", "tool_calls": [
                {"id": "c1", "type": "function", "function": {"name": "calculate", "arguments": "{\"expression\":\"6*7\"}"}}
            ]}, "finish_reason": "tool_calls"}]
        });
        ScriptedAnswer::text(200, &[("content-type", "application/json")], &call.to_string())
    }));
    let provider = HttpProvider::new(endpoint(KEY), transport.clone(), runtime);
    let request = task_request(Some("analysis"));
    let outcome = run_to_end(&rt, async move { provider.execute(&request, &CancelToken::new(), &mut |_| {}).await });
    assert_eq!(outcome.result.as_deref(), Ok("The answer is 42."));
    assert_eq!(outcome.usage.calls, 2);
    assert_eq!(transport.sent().len(), 2);
}

#[test]
fn failed_tool_calls_reach_the_model_as_errors_it_can_read() {
    let rt = SimRuntime::new(8);
    let runtime: Rc<dyn Runtime> = Rc::new(rt.clone());
    let transport = Rc::new(ScriptedTransport::new(runtime.clone(), |r: &HttpRequest| {
        if r.url.starts_with("https://tools.test/") {
            return ScriptedAnswer::text(404, &[("content-type", "text/plain")], "no such page");
        }
        let body = r.body.clone().unwrap_or_default();
        if body.contains("\"role\":\"tool\"") {
            return json_answer(&body);
        }
        let call = |id: &str, name: &str, arguments: &str| serde_json::json!({"id": id, "type": "function", "function": {"name": name, "arguments": arguments}});
        let calls = serde_json::json!({
            "choices": [{"message": {"role": "assistant", "content": "", "tool_calls": [
                call("c1", "http_get", r#"{"url": "https://tools.test/page"}"#),
                call("c2", "shell", "{}"),
                call("c3", "http_get", r#"{"url": "file:///etc/passwd"}"#),
            ]}, "finish_reason": "tool_calls"}]
        });
        ScriptedAnswer::text(200, &[("content-type", "application/json")], &calls.to_string())
    }));
    // tools.test is pre-approved: this test is about errors, not about asking.
    let settings = ProviderSettings { tool_hosts: "tools.test".into(), ..endpoint(KEY) };
    let provider = HttpProvider::new(settings, transport.clone(), runtime);
    let request = TaskRequest {
        model: None,
        goal: "g".into(),
        task_id: "T1".into(),
        name: "Look it up".into(),
        description: "Fetch the page".into(),
        kind: Some("research".into()),
        dependency_results: vec![],
        attempt: 1,
        timeout_ms: 10_000,
    };
    let outcome = run_to_end(&rt, async move { provider.execute(&request, &CancelToken::new(), &mut |_| {}).await });
    // The scripted model echoes the conversation it was sent, tool results included.
    let echoed = outcome.result.unwrap();
    let results: Vec<String> = serde_json::from_str::<serde_json::Value>(&echoed).unwrap()["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["role"] == "tool")
        .map(|m| m["content"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        results,
        [
            "error: HTTP 404: no such page",
            "error: there is no tool named shell",
            "error: tool `http_get`: only http:// and https:// URLs can be fetched, not `file:///etc/passwd`",
        ]
    );
    assert_eq!(transport.sent().len(), 3, "two model calls and the one fetch");
}

#[test]
fn a_stream_cut_mid_body_is_a_retryable_failure_and_the_text_before_it_was_shown() {
    let rt = SimRuntime::new(7);
    let runtime: Rc<dyn Runtime> = Rc::new(rt.clone());
    let transport = Rc::new(ScriptedTransport::new(runtime.clone(), |_| ScriptedAnswer::Response {
        after_ms: 10,
        status: 200,
        headers: vec![("content-type".into(), "text/event-stream".into())],
        body: vec![
            BodyStep::Bytes(b"data: {\"choices\":[{\"delta\":{\"content\":\"Hel\"}}]}\n\n".to_vec()),
            BodyStep::Pause(50),
            BodyStep::Drop,
        ],
    }));
    let provider = HttpProvider::new(endpoint(KEY), transport, runtime);
    let request = task_request(None);
    let (text, outcome) = run_to_end(&rt, async move {
        let mut text = String::new();
        let outcome = provider.execute(&request, &CancelToken::new(), &mut |d| text.push_str(d)).await;
        (text, outcome)
    });
    assert_eq!(text, "Hel");
    let error = outcome.result.unwrap_err();
    assert!(error.retryable && error.message.contains("broke off"), "{error:?}");
}

#[test]
fn a_stalled_stream_is_cut_by_the_read_timeout_long_before_the_task_timeout() {
    let rt = SimRuntime::new(8);
    let runtime: Rc<dyn Runtime> = Rc::new(rt.clone());
    let transport = Rc::new(ScriptedTransport::new(runtime.clone(), |_| ScriptedAnswer::Response {
        after_ms: 10,
        status: 200,
        headers: vec![("content-type".into(), "text/event-stream".into())],
        body: vec![
            BodyStep::Bytes(b"data: {\"choices\":[{\"delta\":{\"content\":\"Hel\"}}]}\n\n".to_vec()),
            BodyStep::Pause(10 * 60_000),
        ],
    }));
    let settings = ProviderSettings { read_timeout_secs: 20, ..endpoint(KEY) };
    let provider = HttpProvider::new(settings, transport, runtime);
    let request = task_request(None);
    let clock = rt.clone();
    let (ended_at, outcome) = run_to_end(&rt, async move {
        let outcome = provider.execute(&request, &CancelToken::new(), &mut |_| {}).await;
        (clock.elapsed_ms(), outcome)
    });
    let error = outcome.result.unwrap_err();
    assert!(error.retryable && error.message.contains("read timeout"), "{error:?}");
    assert!((20_000..21_000).contains(&ended_at), "cut after the 20 s read timeout, at {ended_at} ms");
}
