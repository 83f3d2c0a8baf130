//! A model per task type (and per task) through the real driver and HTTP provider over the
//! scripted transport: each task's requests name its model, its cost is priced by that model, its
//! call record keeps it; and the run's OTLP/JSON trace export, parsed with the official
//! OpenTelemetry protobuf JSON mapping (`opentelemetry-proto`).

#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeMap;
use std::rc::Rc;

use futures::FutureExt;
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::common::v1::any_value::Value as AnyValue;
use opentelemetry_proto::tonic::trace::v1::{status::StatusCode, Span};
use planwright::engine::{Run, RunConfig, RunStatus, RunTotals, TaskStatus};
use planwright::io::runtime::Runtime;
use planwright::io::scripted_transport::{BodyStep, ScriptedAnswer, ScriptedTransport};
use planwright::io::sim_runtime::SimRuntime;
use planwright::io::transport::HttpRequest;
use planwright::llm::http_provider::HttpProvider;
use planwright::llm::provider::Provider;
use planwright::llm::settings::{ProviderKind, ProviderSettings};
use planwright::otlp::{export_from_store, TraceExportError};
use planwright::plan::task_type::TaskType;
use planwright::plan::{Plan, Task};
use planwright::store::record::WorkflowRecord;
use planwright::store::{CheckpointStore, MemoryStore};
use serde_json::{json, Value};

#[path = "support/driver_page.rs"]
mod driver_page;
use driver_page::{start, Page};

const WORKFLOW: &str = "wf-models";

fn task(id: &str, kind: &str, deps: &[&str], model: Option<&str>) -> Task {
    Task { kind: Some(kind.into()), model: model.map(str::to_string), ..Task::new(id, &format!("Step {id}"), deps) }
}

/// T1 research (its type has a cheap model), T2 analysis (calls a tool; the provider's model), T3
/// writing with a model of its own, T4 review (the endpoint refuses it: it fails).
fn plan() -> Plan {
    Plan {
        tasks: vec![
            task("T1", "research", &[], None),
            task("T2", "analysis", &[], None),
            task("T3", "writing", &["T1", "T2"], Some("mine")),
            task("T4", "review", &["T1"], None),
        ],
        critical_path: vec![],
    }
}

fn settings() -> ProviderSettings {
    let mut settings = ProviderSettings {
        kind: ProviderKind::OpenAiCompatible,
        base_url: "http://llm.test/v1".into(),
        model: "strong".into(),
        price_table: "cheap 1 1\nstrong 10 10\nmine 100 100".into(),
        ..ProviderSettings::default()
    };
    settings.type_models.set(TaskType::Research, "cheap");
    settings.type_models.set(TaskType::Data, "cheap");
    settings
}

fn answer(status: u16, body: Value) -> ScriptedAnswer {
    ScriptedAnswer::Response {
        after_ms: 100,
        status,
        headers: vec![("content-type".into(), "application/json".into())],
        body: vec![BodyStep::Bytes(body.to_string().into_bytes())],
    }
}

/// Which task a request is for, from its prompt (`Your task (T3): …`).
fn task_of(request: &HttpRequest) -> String {
    let body = request.body.clone().unwrap_or_default();
    ["T1", "T2", "T3", "T4"].iter().find(|id| body.contains(&format!("({id})"))).expect("a task's request").to_string()
}

fn endpoint(request: &HttpRequest) -> ScriptedAnswer {
    let body = request.body.clone().unwrap_or_default();
    let done = |text: &str| {
        answer(
            200,
            json!({"choices": [{"message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
                           "usage": {"prompt_tokens": 3, "completion_tokens": 2}}),
        )
    };
    match task_of(request).as_str() {
        "T4" => answer(400, json!({"error": {"message": "review refused"}})),
        "T2" if !body.contains("\"role\":\"tool\"") => answer(
            200,
            json!({
            "choices": [{"message": {"role": "assistant", "content": "", "tool_calls": [
                {"id": "c1", "type": "function", "function": {"name": "calculate", "arguments": "{\"expression\":\"6*7\"}"}}
            ]}, "finish_reason": "tool_calls"}],
            "usage": {"prompt_tokens": 3, "completion_tokens": 2}}),
        ),
        id => done(&format!("# {id}\n\ndone")),
    }
}

struct Finished {
    transport: Rc<ScriptedTransport>,
    store: MemoryStore,
    page: Page,
}

fn run_plan() -> Finished {
    let rt = SimRuntime::new(11);
    let runtime: Rc<dyn Runtime> = Rc::new(rt.clone());
    let transport = Rc::new(ScriptedTransport::new(runtime.clone(), endpoint));
    let provider: Rc<dyn Provider> = Rc::new(HttpProvider::new(settings(), transport.clone(), runtime.clone()));
    let config = RunConfig { replan_after_failures: 0, ..RunConfig::default() };
    let record = WorkflowRecord::new(WORKFLOW, "Models per type", plan(), config.clone(), 0.0);
    let store = MemoryStore::new();
    let (driver, page) = start(Run::new("Models per type", plan(), config), record, provider, &store, &rt);
    rt.run_until_idle(u64::MAX);
    driver.with_run(|run| assert_eq!(run.status(), RunStatus::Finished));
    Finished { transport, store, page }
}

fn close(a: Option<f64>, b: f64) -> bool {
    a.is_some_and(|a| (a - b).abs() < 1e-12)
}

#[test]
fn each_task_asks_for_its_model_and_is_priced_by_it() {
    let Finished { transport, store, page } = run_plan();
    let mut asked: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (_, request) in transport.sent() {
        let body: Value = serde_json::from_str(request.body.as_deref().unwrap_or("{}")).unwrap();
        asked.entry(task_of(&request)).or_default().push(body["model"].as_str().unwrap_or_default().to_string());
    }
    assert_eq!(asked["T1"], ["cheap"], "research has its type's model");
    assert_eq!(asked["T2"], ["strong", "strong"], "analysis has none: the provider's, for both tool rounds");
    assert_eq!(asked["T3"], ["mine"], "a task's own model wins over its type's");
    assert_eq!(asked["T4"], ["strong"]);

    let page = page.borrow();
    let usage = |id: &str| page[id].usage.clone();
    assert_eq!(usage("T1").model.as_deref(), Some("cheap"));
    assert_eq!(usage("T3").model.as_deref(), Some("mine"));
    assert_eq!(usage("T4").model.as_deref(), Some("strong"), "a failed attempt records its model too");
    // 3 prompt + 2 completion tokens a call, at 1, 10 and 100 USD per million tokens.
    assert!(close(usage("T1").cost_usd, 5e-6), "{:?}", usage("T1").cost_usd);
    assert!(close(usage("T2").cost_usd, 2.0 * 5e-5));
    assert!(close(usage("T3").cost_usd, 5e-4));
    assert_eq!(page["T4"].status, TaskStatus::Failed);
    assert!(close(RunTotals::of(page.values()).usage.cost_usd, 5e-6 + 1e-4 + 5e-4));

    let calls = store.calls(WORKFLOW).now_or_never().unwrap().unwrap();
    let model_of = |id: &str| calls.iter().find(|c| c.task_id == id).and_then(|c| c.usage.clone()?.model);
    assert_eq!(model_of("T1").as_deref(), Some("cheap"), "the attempt's call record keeps its model");
    assert_eq!(model_of("T3").as_deref(), Some("mine"));
    let (tasks, _) = store.tasks(WORKFLOW).now_or_never().unwrap().unwrap();
    let stored = tasks.iter().find(|t| t.task_id == "T1").unwrap();
    assert_eq!(stored.state.usage.model.as_deref(), Some("cheap"), "the checkpoint carries the model");
}

/// The export of the finished run, as text, as the Trace button makes it.
fn exported(store: &MemoryStore) -> String {
    export_from_store(store, WORKFLOW).now_or_never().unwrap().expect("the run exports")
}

/// Whether every field of `ours` is in `theirs` with the same value (the official mapping adds
/// the fields we leave at their defaults), so no field of ours is misspelt or mistyped.
fn within(ours: &Value, theirs: &Value) -> bool {
    match (ours, theirs) {
        (Value::Object(a), Value::Object(b)) => a.iter().all(|(k, v)| b.get(k).is_some_and(|w| within(v, w))),
        (Value::Array(a), Value::Array(b)) => a.len() == b.len() && a.iter().zip(b).all(|(v, w)| within(v, w)),
        (a, b) => a == b,
    }
}

fn attribute<'a>(span: &'a Span, key: &str) -> Option<&'a AnyValue> {
    span.attributes.iter().find(|a| a.key == key).and_then(|a| a.value.as_ref()?.value.as_ref())
}

fn text(span: &Span, key: &str) -> String {
    match attribute(span, key) {
        Some(AnyValue::StringValue(s)) => s.clone(),
        other => panic!("{key} of {}: {other:?}", span.name),
    }
}

fn int(span: &Span, key: &str) -> i64 {
    match attribute(span, key) {
        Some(AnyValue::IntValue(i)) => *i,
        other => panic!("{key} of {}: {other:?}", span.name),
    }
}

#[test]
fn the_trace_export_parses_as_an_otlp_export_request_with_the_runs_structure() {
    let Finished { store, .. } = run_plan();
    let json = exported(&store);
    assert_eq!(json, exported(&store), "the same run exports the same trace, ids included");
    let request: ExportTraceServiceRequest = serde_json::from_str(&json).expect("official OTLP/JSON mapping");
    let official = serde_json::to_value(&request).unwrap();
    assert!(within(&serde_json::from_str(&json).unwrap(), &official), "every field we write is an OTLP field:\n{json}");

    assert_eq!(request.resource_spans.len(), 1);
    let resource = &request.resource_spans[0];
    assert_eq!(resource.scope_spans.len(), 1);
    let spans = &resource.scope_spans[0].spans;
    // The run, 4 attempts, 4 LLM conversations, 1 tool call.
    assert_eq!(spans.len(), 10, "{json}");
    let trace_id = &spans[0].trace_id;
    assert_eq!(trace_id.len(), 16);
    assert!(spans.iter().all(|s| &s.trace_id == trace_id && s.span_id.len() == 8));
    let mut ids: Vec<&Vec<u8>> = spans.iter().map(|s| &s.span_id).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), spans.len(), "span ids are unique");

    let root = &spans[0];
    assert_eq!(root.name, "run");
    assert!(root.parent_span_id.is_empty());
    assert_eq!(root.status.as_ref().unwrap().code, StatusCode::Error as i32, "a task failed");
    let attempts: Vec<&Span> = spans.iter().filter(|s| s.name.starts_with("task ")).collect();
    assert_eq!(attempts.len(), 4);
    assert!(attempts.iter().all(|s| s.parent_span_id == root.span_id));
    let attempt = |id: &str| *attempts.iter().find(|s| text(s, "planwright.task.id") == id).unwrap();
    assert_eq!(attempt("T1").status.as_ref().unwrap().code, StatusCode::Ok as i32);
    let failed = attempt("T4").status.clone().unwrap();
    assert_eq!(failed.code, StatusCode::Error as i32);
    assert!(failed.message.contains("review refused"), "{}", failed.message);
    assert_eq!(root.start_time_unix_nano, attempt("T1").start_time_unix_nano, "the run starts with its first attempt");
    assert!(attempt("T3").end_time_unix_nano <= root.end_time_unix_nano);
    assert!(attempt("T1").end_time_unix_nano > attempt("T1").start_time_unix_nano);

    let chats: Vec<&Span> = spans.iter().filter(|s| s.name.starts_with("chat ")).collect();
    assert_eq!(chats.len(), 4);
    for chat in &chats {
        let id = text(chat, "planwright.task.id");
        assert_eq!(chat.parent_span_id, attempt(&id).span_id, "a call's parent is its attempt");
        assert_eq!(text(chat, "gen_ai.operation.name"), "chat");
        assert_eq!(text(chat, "gen_ai.provider.name"), "openai");
        assert_eq!(text(chat, "gen_ai.system"), "openai");
    }
    let chat = |id: &str| *chats.iter().find(|s| text(s, "planwright.task.id") == id).unwrap();
    assert_eq!(text(chat("T1"), "gen_ai.request.model"), "cheap");
    assert_eq!(text(chat("T3"), "gen_ai.request.model"), "mine");
    assert_eq!((int(chat("T1"), "gen_ai.usage.input_tokens"), int(chat("T1"), "gen_ai.usage.output_tokens")), (3, 2));
    assert_eq!(int(chat("T2"), "gen_ai.usage.input_tokens"), 6, "two rounds");
    assert_eq!(chat("T4").status.as_ref().unwrap().code, StatusCode::Error as i32);

    assert_eq!(
        export_from_store(&store, "wf-gone").now_or_never().unwrap(),
        Err(TraceExportError::NoWorkflow("wf-gone".into()))
    );

    let tool = spans.iter().find(|s| s.name == "execute_tool calculate").expect("the tool call's span");
    assert_eq!(tool.parent_span_id, attempt("T2").span_id);
    assert_eq!(text(tool, "gen_ai.tool.name"), "calculate");
}
