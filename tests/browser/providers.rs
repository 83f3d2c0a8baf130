//! The real browser provider (OpenAI-compatible and Anthropic) against the local test server:
//! plans (streamed, structured, repaired), task execution (usage, cost, streaming, tool rounds),
//! every error class with its retry flags, aborts, and the connection test.
//!
//! The server picks its behaviour from the model name, so tests share model names: call counts are
//! compared before and after, and "once" scenarios get a fresh conversation through a nonce.

use std::cell::RefCell;
use std::rc::Rc;

use crate::test_server::{server, server_calls};
use futures::future::join_all;
use planwright::engine::{TaskError, TaskRequest, TaskUsage};
use planwright::io::browser_runtime::BrowserRuntime;
use planwright::io::cancel::CancelToken;
use planwright::io::fetch_transport::FetchTransport;
use planwright::llm::egress::Egress;
use planwright::llm::provider::{connect, AttemptOutcome, PlanAnswer, Provider};
use planwright::llm::settings::{ProviderKind, ProviderSettings};
use planwright::plan::validate::{validate, Severity};
use planwright::plan::Task;
use wasm_bindgen_test::wasm_bindgen_test;

const KINDS: [ProviderKind; 2] = [ProviderKind::OpenAiCompatible, ProviderKind::Anthropic];

/// Every provider, streamed and not.
const COMBOS: [(ProviderKind, bool); 4] = [
    (ProviderKind::OpenAiCompatible, true),
    (ProviderKind::OpenAiCompatible, false),
    (ProviderKind::Anthropic, true),
    (ProviderKind::Anthropic, false),
];

fn settings(kind: ProviderKind, model: &str, stream: bool) -> ProviderSettings {
    ProviderSettings {
        kind,
        base_url: match kind {
            ProviderKind::Anthropic => server().to_string(),
            _ => format!("{}/v1", server()),
        },
        model: model.into(),
        api_key: "test-key".into(),
        stream,
        structured: true,
        price_table: "ok 1 2\nno-usage 3 4".into(),
        ..ProviderSettings::default()
    }
}

/// The page's provider for `settings`: fetch and the browser's timers.
fn browser_provider(settings: ProviderSettings) -> Rc<dyn Provider> {
    connect(settings, Rc::new(FetchTransport), Rc::new(BrowserRuntime), Egress::default())
}

fn provider(kind: ProviderKind, model: &str, stream: bool) -> Rc<dyn Provider> {
    browser_provider(settings(kind, model, stream))
}

/// Names a combination in assertion messages.
fn label(kind: ProviderKind, stream: bool) -> String {
    format!("{} stream={stream}", kind.key())
}

/// Unique text, so "once" scenarios see a conversation they have not seen before.
fn nonce() -> String {
    format!("{}-{}", js_sys::Date::now() as u64, (js_sys::Math::random() * 1e9) as u64)
}

/// A request for task T1 of a fresh goal; `kind` selects the task's tools.
fn request(kind: Option<&str>) -> TaskRequest {
    TaskRequest {
        model: None,
        goal: format!("Provider test {}", nonce()),
        task_id: "T1".into(),
        name: "Collect inputs".into(),
        description: "Gather the material the goal needs.".into(),
        kind: kind.map(str::to_string),
        dependency_results: Vec::new(),
        attempt: 1,
        timeout_ms: 10_000,
    }
}

/// What one `execute` produced.
struct Executed {
    result: Result<String, TaskError>,
    usage: TaskUsage,
    deltas: Vec<String>,
}

impl Executed {
    fn error(&self, what: &str) -> &TaskError {
        match &self.result {
            Err(error) => error,
            Ok(text) => panic!("{what}: expected an error, got {text:?}"),
        }
    }
}

async fn execute(provider: &Rc<dyn Provider>, request: &TaskRequest) -> Executed {
    let mut deltas = Vec::new();
    let AttemptOutcome { result, usage, .. } =
        provider.execute(request, &CancelToken::new(), &mut |d| deltas.push(d.to_string())).await;
    Executed { result, usage, deltas }
}

/// Executes a fresh T1 request on `model` with every provider, streamed and not, concurrently.
async fn execute_everywhere(model: &str) -> Vec<(String, Executed)> {
    join_all(COMBOS.iter().map(|&(kind, stream)| async move {
        (label(kind, stream), execute(&provider(kind, model, stream), &request(None)).await)
    }))
    .await
}

/// Asks for a plan; returns the answer and the tasks handed to `on_task`.
async fn plan(provider: &Rc<dyn Provider>, goal: &str) -> (Result<PlanAnswer, TaskError>, Vec<Task>) {
    let streamed = Rc::new(RefCell::new(Vec::new()));
    let sink = streamed.clone();
    let answer = provider.plan(goal, None, &mut move |task| sink.borrow_mut().push(task)).await;
    let tasks = streamed.borrow().clone();
    (answer, tasks)
}

fn ids(tasks: &[Task]) -> Vec<&str> {
    tasks.iter().map(|t| t.id.as_str()).collect()
}

fn assert_diamond(answer: &PlanAnswer, what: &str) {
    assert_eq!(ids(&answer.plan.tasks), ["T1", "T2", "T3", "T4"], "{what}");
    assert_eq!(answer.plan.critical_path, ["T1", "T2", "T4"], "{what}");
    let errors: Vec<_> = validate(&answer.plan).into_iter().filter(|i| i.severity == Severity::Error).collect();
    assert!(errors.is_empty(), "{what}: {errors:?}");
}

#[wasm_bindgen_test]
async fn plans_arrive_from_both_providers_with_tasks_streamed_one_by_one() {
    let results = join_all(COMBOS.iter().map(|&(kind, stream)| async move {
        (label(kind, stream), stream, plan(&provider(kind, "ok", stream), "Compare two databases").await)
    }))
    .await;
    for (what, stream, (answer, streamed)) in results {
        let answer = answer.unwrap_or_else(|e| panic!("{what}: {e:?}"));
        assert_diamond(&answer, &what);
        assert_eq!(answer.repairs, 0, "{what}");
        assert_eq!(answer.usage.calls, 1, "{what}");
        assert!(!answer.usage.estimated && answer.usage.prompt_tokens > 0, "{what}: {:?}", answer.usage);
        if stream {
            assert_eq!(ids(&streamed), ["T1", "T2", "T3", "T4"], "{what}: on_task once per task, in order");
        } else {
            assert!(streamed.len() <= 4, "{what}: {} tasks handed out", streamed.len());
        }
    }
}

#[wasm_bindgen_test]
async fn plans_ask_for_structured_output() {
    // `json-schema-check` answers 400 unless the request asks for structured output: OpenAI's
    // `response_format: json_schema`, Anthropic's forced `submit_plan` tool.
    for kind in KINDS {
        for stream in [true, false] {
            let what = label(kind, stream);
            let (answer, _) = plan(&provider(kind, "json-schema-check", stream), "Plan a trip").await;
            assert_diamond(&answer.unwrap_or_else(|e| panic!("{what}: {e:?}")), &what);
        }
        let mut unstructured = settings(kind, "json-schema-check", false);
        unstructured.structured = false;
        let (answer, _) = plan(&browser_provider(unstructured), "Plan a trip").await;
        let error = answer.expect_err("without structured output the check fails");
        assert!(error.message.starts_with("HTTP 400") && error.message.contains("structured output"), "{error:?}");
        assert!(!error.retryable);
    }
}

#[wasm_bindgen_test]
async fn an_invalid_plan_is_repaired_in_one_round() {
    let results = join_all(COMBOS.iter().map(|&(kind, stream)| async move {
        let goal = format!("Plan something that needs a repair {}", nonce());
        (label(kind, stream), plan(&provider(kind, "invalid-plan-then-fixed", stream), &goal).await.0)
    }))
    .await;
    for (what, answer) in results {
        let answer = answer.unwrap_or_else(|e| panic!("{what}: {e:?}"));
        assert_eq!(answer.repairs, 1, "{what}");
        assert_diamond(&answer, &what);
        assert!(answer.plan.tasks[0].depends_on.is_empty(), "{what}: the cycle is gone");
        assert_eq!(answer.usage.calls, 2, "{what}: the first answer and the repair round");
    }
}

#[wasm_bindgen_test]
async fn a_task_runs_with_reported_usage_cost_and_streamed_deltas() {
    for (what, done) in execute_everywhere("ok").await {
        let result = done.result.unwrap_or_else(|e| panic!("{what}: {e:?}"));
        assert_eq!(result, "Result of T1 from testserver", "{what}");
        assert_eq!(done.deltas.concat(), result, "{what}: the deltas make up the result");
        if what.ends_with("stream=true") {
            assert!(done.deltas.len() > 1, "{what}: streamed in pieces, got {:?}", done.deltas);
        }
        let usage = &done.usage;
        assert_eq!(usage.calls, 1, "{what}");
        assert!(!usage.estimated, "{what}: the server reports usage");
        assert_eq!(usage.completion_tokens, 7, "{what}: 28 characters / 4");
        assert!(usage.prompt_tokens > 10, "{what}: {usage:?}");
        assert!(usage.latency_ms >= 0.0, "{what}");
        // "ok 1 2": $1 per million prompt tokens, $2 per million completion tokens.
        let expected = (usage.prompt_tokens as f64 + 2.0 * usage.completion_tokens as f64) / 1e6;
        let cost = usage.cost_usd.unwrap_or_else(|| panic!("{what}: no cost"));
        assert!((cost - expected).abs() < 1e-12, "{what}: cost {cost}, expected {expected}");
    }
}

#[wasm_bindgen_test]
async fn each_task_gets_its_own_answer() {
    let provider = provider(ProviderKind::OpenAiCompatible, "ok", false);
    let mut second = request(None);
    second.task_id = "T3".into();
    let first = execute(&provider, &request(None)).await;
    let done = execute(&provider, &second).await;
    assert_eq!(first.result.unwrap(), "Result of T1 from testserver");
    assert_eq!(done.result.unwrap(), "Result of T3 from testserver");
}

#[wasm_bindgen_test]
async fn without_reported_usage_the_tokens_are_estimated() {
    for (what, done) in execute_everywhere("no-usage").await {
        assert_eq!(done.result.as_deref(), Ok("Result of T1 from testserver"), "{what}");
        let usage = &done.usage;
        assert!(usage.estimated, "{what}: {usage:?}");
        assert_eq!(usage.calls, 1, "{what}");
        assert_eq!(usage.completion_tokens, 7, "{what}: estimated from the 28-character answer");
        assert!(usage.prompt_tokens > 10, "{what}: {usage:?}");
        let expected = (3.0 * usage.prompt_tokens as f64 + 4.0 * usage.completion_tokens as f64) / 1e6;
        assert!(usage.cost_usd.is_some_and(|c| (c - expected).abs() < 1e-12), "{what}: {usage:?}");
    }
}

#[wasm_bindgen_test]
async fn an_analysis_task_calls_the_calculator_and_answers_with_its_result() {
    for (kind, stream) in COMBOS {
        let what = label(kind, stream);
        let provider = provider(kind, "tools", stream);
        let before = server_calls("tools").await;
        let done = execute(&provider, &request(Some("analysis"))).await;
        assert_eq!(done.result.as_deref(), Ok("Tool said: 42"), "{what}");
        assert_eq!(done.usage.calls, 2, "{what}: the tool call round and the answer");
        assert!(!done.usage.estimated, "{what}");
        assert_eq!(done.deltas.concat(), "Tool said: 42", "{what}");
        assert_eq!(server_calls("tools").await - before, 2, "{what}");

        // A task without a type is offered no tools, so the model answers directly.
        let done = execute(&provider, &request(None)).await;
        assert_eq!(done.result.as_deref(), Ok("Result of T1 from testserver"), "{what}");
        assert_eq!(done.usage.calls, 1, "{what}");
    }
}

#[wasm_bindgen_test]
async fn http_errors_are_explained_and_classified() {
    // (model, what the message must say, retryable)
    let cases: [(&str, &[&str], bool); 6] = [
        ("error-400", &["HTTP 400", "rejected the request"], false),
        ("error-401", &["HTTP 401", "API key"], false),
        ("error-403", &["HTTP 403", "API key"], false),
        ("error-404", &["HTTP 404", "base URL", "model"], false),
        ("error-500", &["HTTP 500", "server error"], true),
        ("error-503", &[], true),
    ];
    for (model, needles, retryable) in cases {
        for (what, done) in execute_everywhere(model).await {
            let what = format!("{model} {what}");
            let error = done.error(&what);
            for needle in needles {
                assert!(error.message.contains(needle), "{what}: {needle:?} missing in {:?}", error.message);
            }
            assert!(error.message.contains(&format!("testserver scenario {model}")), "{what}: {error:?}");
            assert_eq!(error.retryable, retryable, "{what}: {error:?}");
            assert!(!error.rate_limited, "{what}");
            assert_eq!(error.retry_after_ms, None, "{what}");
            assert!(done.deltas.is_empty(), "{what}");
            if model == "error-503" {
                // Anthropic signals overload with 529.
                let expected =
                    if what.contains("anthropic") { "HTTP 529: the provider is overloaded" } else { "HTTP 503" };
                assert!(error.message.starts_with(expected), "{what}: {error:?}");
            }
        }
    }
}

#[wasm_bindgen_test]
async fn rate_limits_are_flagged_with_the_servers_retry_after() {
    for (what, done) in execute_everywhere("always-429").await {
        let error = done.error(&what);
        assert!(error.message.starts_with("HTTP 429") && error.message.contains("rate limited"), "{what}: {error:?}");
        assert!(error.retryable && error.rate_limited, "{what}: {error:?}");
        assert_eq!(error.retry_after_ms, Some(1000), "{what}: Retry-After: 1 must be readable (CORS-exposed)");
    }
}

#[wasm_bindgen_test]
async fn a_failure_once_succeeds_on_the_next_attempt() {
    for (kind, stream) in COMBOS {
        for (model, status) in [("once-500", "HTTP 500"), ("once-429", "HTTP 429")] {
            let what = format!("{model} {}", label(kind, stream));
            let provider = provider(kind, model, stream);
            let request = request(None);
            let before = server_calls(model).await;
            let first = execute(&provider, &request).await;
            let error = first.error(&what);
            assert!(error.message.starts_with(status) && error.retryable, "{what}: {error:?}");
            assert_eq!(error.rate_limited, model == "once-429", "{what}");
            let second = execute(&provider, &request).await;
            assert_eq!(second.result.as_deref(), Ok("Result of T1 from testserver"), "{what}");
            assert_eq!(server_calls(model).await - before, 2, "{what}: one failed and one good request");
        }
    }
}

#[wasm_bindgen_test]
async fn an_answer_that_is_not_json_says_so() {
    for (what, done) in execute_everywhere("bad-json").await {
        let error = done.error(&what);
        assert!(error.message.contains("not JSON") && error.message.contains("<html>"), "{what}: {error:?}");
        assert!(error.retryable, "{what}");
    }
}

#[wasm_bindgen_test]
async fn an_empty_answer_is_a_retryable_error() {
    for (what, done) in execute_everywhere("empty-stream").await {
        let error = done.error(&what);
        assert!(error.message.contains("empty"), "{what}: {error:?}");
        assert!(error.retryable && !error.rate_limited, "{what}");
    }
}

#[wasm_bindgen_test]
async fn a_stream_that_breaks_off_is_reported_as_such() {
    for (what, done) in execute_everywhere("truncated-stream").await {
        let error = done.error(&what);
        assert!(error.message.contains("broke off"), "{what}: {error:?}");
        assert!(!error.message.contains("not JSON"), "{what}: the cut is not a format problem: {error:?}");
        assert!(error.retryable, "{what}");
        if what.ends_with("stream=true") {
            assert!(done.deltas.concat().starts_with("Result o"), "{what}: {:?}", done.deltas);
        }
    }
}

#[wasm_bindgen_test]
async fn an_unreachable_endpoint_explains_cors_and_ollama_origins() {
    for kind in KINDS {
        let mut settings = settings(kind, "ok", true);
        settings.base_url = match kind {
            ProviderKind::Anthropic => "http://127.0.0.1:9".into(),
            _ => "http://127.0.0.1:9/v1".into(),
        };
        let provider = browser_provider(settings);
        let done = execute(&provider, &request(None)).await;
        let error = done.error(kind.key());
        assert!(error.message.contains("127.0.0.1:9"), "{error:?}");
        assert!(error.message.contains("CORS") && error.message.contains("OLLAMA_ORIGINS"), "{error:?}");
        assert!(error.retryable && !error.rate_limited, "{error:?}");
        let (answer, _) = plan(&provider, "Anything").await;
        assert!(answer.expect_err("no plan").message.contains("OLLAMA_ORIGINS"));
    }
}

#[wasm_bindgen_test]
async fn an_aborted_request_ends_quickly_as_retryable() {
    for (kind, stream) in COMBOS {
        let what = label(kind, stream);
        let provider = provider(kind, "slow-3000", stream);
        let cancel = CancelToken::new();
        let abort = cancel.clone();
        let _timer = gloo_timers::callback::Timeout::new(200, move || abort.cancel());
        let started = js_sys::Date::now();
        let AttemptOutcome { result, usage, .. } = provider.execute(&request(None), &cancel, &mut |_| {}).await;
        let elapsed = js_sys::Date::now() - started;
        let error = result.expect_err(&what);
        assert_eq!(error.message, "aborted", "{what}");
        assert!(error.retryable && !error.rate_limited, "{what}");
        assert!((150.0..1_500.0).contains(&elapsed), "{what}: took {elapsed} ms");
        assert_eq!(usage.calls, 0, "{what}: nothing was answered");
    }
}

#[wasm_bindgen_test]
async fn the_connection_test_lists_models_or_makes_a_tiny_request() {
    let openai = provider(ProviderKind::OpenAiCompatible, "ok", true).test_connection().await.unwrap();
    assert!(openai.starts_with("Connected: 2 models (ok, tools"), "{openai}");
    assert!(openai.contains("ok is listed"), "{openai}");
    let unknown = provider(ProviderKind::OpenAiCompatible, "gpt-x", true).test_connection().await.unwrap();
    assert!(unknown.contains("gpt-x is NOT listed"), "{unknown}");

    let mut bad_key = settings(ProviderKind::OpenAiCompatible, "ok", true);
    bad_key.api_key = "bad".into();
    let error = browser_provider(bad_key).test_connection().await.unwrap_err();
    assert!(error.message.starts_with("HTTP 401") && error.message.contains("API key"), "{error:?}");
    assert!(!error.retryable);

    // Anthropic has no model list here: a tiny request, with the base URL given with or without /v1.
    for (base, stream) in [(server().to_string(), true), (format!("{}/v1/", server()), false)] {
        let mut anthropic = settings(ProviderKind::Anthropic, "ok", stream);
        anthropic.base_url = base.clone();
        let answer = browser_provider(anthropic).test_connection().await;
        let answer = answer.unwrap_or_else(|e| panic!("{base}: {e:?}"));
        assert!(answer.starts_with("Connected: ok answered \"Hello from testserver\""), "{base}: {answer}");
    }

    // Unknown models behave like `ok`: a unique one shows that no request was sent without a key.
    let model = format!("keyless-{}", nonce());
    let mut keyless = settings(ProviderKind::Anthropic, &model, true);
    keyless.api_key = String::new();
    let error = browser_provider(keyless).test_connection().await.unwrap_err();
    assert!(error.message.contains("API key") && !error.retryable, "{error:?}");
    assert_eq!(server_calls(&model).await, 0, "the request was refused before it was sent");
    let mut wrong = settings(ProviderKind::Anthropic, "error-401", true);
    wrong.api_key = "bad".into();
    let error = browser_provider(wrong).test_connection().await.unwrap_err();
    assert!(error.message.starts_with("HTTP 401") && error.message.contains("invalid x-api-key"), "{error:?}");
}
