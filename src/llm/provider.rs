//! The browser-side provider: runs plan, task, expansion, re-plan and connection-test requests
//! through the Demo simulation, an OpenAI-compatible endpoint or Anthropic's Messages API, with
//! SSE streaming, structured plans, one repair round, tool rounds and usage accounting.

use std::cell::RefCell;
use std::rc::Rc;

use serde_json::Value;
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortSignal, Headers, RequestInit, Response};

use super::anthropic::{self, AnthropicOptions, AnthropicStream};
use super::chat::{ChatOutcome, StreamDecoder, Usage};
use super::conversation::{check_plan_answer, push_tool_calls, push_tool_result, repair_messages};
use super::demo::{demo_outcome, demo_plan_answer, demo_replan, demo_subtasks};
use super::openai::{self, chat_body_with, chat_url, network_error, ChatOptions};
use super::openai_stream::ChatStream;
use super::prompt::{decompose_messages, expand_messages, replan_messages, task_messages, ChatMessage};
use super::settings::{ProviderKind, ProviderSettings};
use super::sse::SseParser;
use super::template::Template;
use super::tools::{anthropic_tools, openai_tools, run_local_tool, MAX_TOOL_ROUNDS};
use crate::engine::{ReplanRequest, TaskError, TaskRequest, TaskUsage};
use crate::plan::schema::plan_json_schema;
use crate::plan::stream::PlanStream;
use crate::plan::{Plan, Task};

/// Characters per simulated token batch when the Demo provider streams a plan.
const DEMO_STREAM_CHUNK_CHARS: usize = 40;
/// Delay between simulated token batches (40 chars every 50 ms: 800 chars/s).
const DEMO_STREAM_CHUNK_MS: u32 = 50;

/// Shared log of task executions started through a provider (task ids and start times, in order);
/// tests count provider calls with it, and the checkpoint benchmark times the first one.
#[derive(Debug, Clone, Default)]
pub struct CallLog(Rc<RefCell<Vec<(String, f64)>>>);

impl CallLog {
    fn record(&self, task_id: &str) {
        self.0.borrow_mut().push((task_id.to_string(), js_sys::Date::now()));
    }

    /// Every task id executed so far, in call order.
    pub fn calls(&self) -> Vec<String> {
        self.0.borrow().iter().map(|(id, _)| id.clone()).collect()
    }

    /// When the first call started, in milliseconds since the epoch.
    pub fn first_started_ms(&self) -> Option<f64> {
        self.0.borrow().first().map(|(_, at)| *at)
    }
}

/// A plan as the provider delivered it.
#[derive(Debug, Clone)]
pub struct PlanAnswer {
    /// The plan (it may still have validation errors after the repair round; the UI lists them).
    pub plan: Plan,
    /// Repair rounds used (0 or 1).
    pub repairs: u32,
    /// What the calls used.
    pub usage: TaskUsage,
}

/// A configured provider.
#[derive(Debug, Clone)]
pub struct Provider {
    settings: ProviderSettings,
    calls: CallLog,
}

/// What one call asks of the endpoint besides the messages.
#[derive(Default)]
struct CallShape {
    plan_schema: bool,
    tools: Vec<Value>,
}

impl Provider {
    /// A provider with these settings, logging executions to `calls`.
    pub fn new(settings: ProviderSettings, calls: CallLog) -> Self {
        Provider { settings, calls }
    }

    /// Asks for a plan for `goal`. Tasks are handed to `on_task` as soon as they have streamed in.
    /// An answer that is unreadable or invalid gets one repair round.
    pub async fn plan(
        &self,
        goal: &str,
        template: Option<Template>,
        mut on_task: impl FnMut(Task),
    ) -> Result<PlanAnswer, TaskError> {
        let mut stream = PlanStream::new();
        if self.settings.kind == ProviderKind::Demo {
            let template = template.unwrap_or_else(|| Template::detect(goal));
            let answer = demo_plan_answer(goal, template, self.settings.demo.seed);
            let chars: Vec<char> = answer.chars().collect();
            for piece in chars.chunks(DEMO_STREAM_CHUNK_CHARS) {
                gloo_timers::future::TimeoutFuture::new(DEMO_STREAM_CHUNK_MS).await;
                stream.push(&piece.iter().collect::<String>()).into_iter().for_each(&mut on_task);
            }
            let plan = stream.finish().map_err(|e| TaskError::permanent(e.to_string()))?;
            return Ok(PlanAnswer { plan, repairs: 0, usage: TaskUsage::default() });
        }
        let request = decompose_messages(&self.settings.prompts, goal, template);
        let shape = || CallShape { plan_schema: self.settings.structured, tools: Vec::new() };
        let mut usage = TaskUsage::default();
        let first = self
            .call(
                &request,
                shape(),
                None,
                &mut |delta| stream.push(delta).into_iter().for_each(&mut on_task),
                &mut usage,
            )
            .await?;
        let problem = match check_plan_answer(&first.text) {
            Ok(plan) => return Ok(PlanAnswer { plan, repairs: 0, usage }),
            Err(problem) => problem,
        };
        let retry = repair_messages(&request, &first.text, &problem);
        let second = self.call(&retry, shape(), None, &mut |_| {}, &mut usage).await?;
        match check_plan_answer(&second.text) {
            Ok(plan) => Ok(PlanAnswer { plan, repairs: 1, usage }),
            Err(_) => match crate::plan::parse::parse_plan(&second.text) {
                // Readable but invalid: shown with its validation errors, which block the run.
                Ok(plan) => Ok(PlanAnswer { plan, repairs: 1, usage }),
                Err(e) => {
                    Err(TaskError::permanent(format!("the plan could not be read even after a repair round: {e}")))
                }
            },
        }
    }

    /// Asks for subtasks of `task`; returns them as a plan.
    pub async fn expand(&self, goal: &str, task: &Task) -> Result<Plan, TaskError> {
        let demo = || demo_subtasks(task);
        self.plan_call(demo, self.settings.demo.latency_ms / 3, &expand_messages(&self.settings.prompts, goal, task))
            .await
    }

    /// Asks for a revised plan of the remaining work.
    pub async fn replan(&self, request: &ReplanRequest) -> Result<Plan, TaskError> {
        let demo = || demo_replan(request);
        self.plan_call(demo, self.settings.demo.latency_ms / 2, &replan_messages(&self.settings.prompts, request)).await
    }

    /// One plan-shaped request: the Demo's answer after `demo_delay_ms`, or the endpoint's answer
    /// to `messages` (structured where enabled), parsed as a plan.
    async fn plan_call(
        &self,
        demo: impl FnOnce() -> Plan,
        demo_delay_ms: u32,
        messages: &[ChatMessage],
    ) -> Result<Plan, TaskError> {
        if self.settings.kind == ProviderKind::Demo {
            gloo_timers::future::TimeoutFuture::new(demo_delay_ms).await;
            return Ok(demo());
        }
        let shape = CallShape { plan_schema: self.settings.structured, tools: Vec::new() };
        let text = self.call(messages, shape, None, &mut |_| {}, &mut TaskUsage::default()).await?.text;
        crate::plan::parse::parse_plan(&text).map_err(|e| TaskError::permanent(e.to_string()))
    }

    /// The prompt a task's request sends, as text (for the call log).
    pub fn prompt_text(&self, request: &TaskRequest) -> String {
        task_messages(&self.settings.prompts, request)
            .iter()
            .map(|m| format!("[{}]\n{}", m.role, m.content))
            .collect::<Vec<_>>()
            .join("\n\n")
    }

    /// Executes one attempt of a task: tokens go to `on_delta` as they stream; the task's tools run
    /// between rounds (at most [`MAX_TOOL_ROUNDS`]). Returns the result and what the calls used.
    pub async fn execute(
        &self,
        request: &TaskRequest,
        signal: &AbortSignal,
        on_delta: &mut dyn FnMut(&str),
    ) -> (Result<String, TaskError>, TaskUsage) {
        self.calls.record(&request.task_id);
        let mut usage = TaskUsage::default();
        if self.settings.kind == ProviderKind::Demo {
            let (latency, outcome) = demo_outcome(&self.settings.demo, request);
            gloo_timers::future::TimeoutFuture::new(latency).await;
            if signal.aborted() {
                return (Err(TaskError::retryable("aborted")), usage);
            }
            if let Ok(text) = &outcome {
                on_delta(text);
                usage.add(&TaskUsage {
                    calls: 1,
                    latency_ms: latency as f64,
                    cost_usd: Some(0.0),
                    ..usage_of(Usage::estimate(&request.description, text))
                });
            }
            return (outcome, usage);
        }
        let outcome = self.execute_with_tools(request, signal, on_delta, &mut usage).await;
        (outcome, usage)
    }

    async fn execute_with_tools(
        &self,
        request: &TaskRequest,
        signal: &AbortSignal,
        on_delta: &mut dyn FnMut(&str),
        usage: &mut TaskUsage,
    ) -> Result<String, TaskError> {
        let registry = self.settings.tools().map_err(TaskError::permanent)?;
        let defs = registry.for_task_type(request.kind.as_deref());
        let tools = match self.settings.kind {
            ProviderKind::Anthropic => anthropic_tools(&defs),
            _ => openai_tools(&defs),
        };
        let mut messages = task_messages(&self.settings.prompts, request);
        for _ in 0..=MAX_TOOL_ROUNDS {
            let shape = CallShape { plan_schema: false, tools: tools.clone() };
            let outcome = self.call(&messages, shape, Some(signal), on_delta, usage).await?;
            if outcome.tool_calls.is_empty() {
                return Ok(outcome.text);
            }
            push_tool_calls(&mut messages, &outcome.text, &outcome.tool_calls);
            for call in &outcome.tool_calls {
                let result = match registry.get(&call.name) {
                    None => Err(format!("there is no tool named {}", call.name)),
                    Some(def) => match run_local_tool(def, &call.arguments) {
                        Some(result) => result,
                        None => self.run_http_tool(def, &call.arguments, signal).await,
                    },
                };
                push_tool_result(&mut messages, &call.id, result);
            }
        }
        Err(TaskError::permanent(format!("the model kept calling tools after {MAX_TOOL_ROUNDS} rounds")))
    }

    async fn run_http_tool(
        &self,
        def: &super::tools::ToolDef,
        arguments: &str,
        signal: &AbortSignal,
    ) -> Result<String, String> {
        let call = super::tools::http_call_for(def, arguments)?;
        let unreachable = || format!("could not reach {} (network error or CORS)", call.url);
        let request = HttpRequest::new(method_of(&call.method), &call.url).abort_signal(Some(signal));
        let request = match call.body {
            Some(body) => request.header("content-type", "application/json").body(body).build()?,
            None => request.build().map_err(|_| unreachable())?,
        };
        let response = fetch(&request).await.map_err(|_| unreachable())?;
        let status = response.status();
        let text = response_text(&response).await?;
        let text: String = text.chars().take(20_000).collect();
        if (200..300).contains(&status) {
            Ok(text)
        } else {
            Err(format!("HTTP {status}: {text}"))
        }
    }

    /// Checks the endpoint: lists models where `/models` is offered, else makes a tiny request.
    pub async fn test_connection(&self) -> Result<String, TaskError> {
        if self.settings.kind == ProviderKind::Demo {
            return Ok("The Demo provider runs inside this page: nothing to connect to.".into());
        }
        if let Some(problem) = self.settings.problem() {
            return Err(TaskError::permanent(problem));
        }
        if self.settings.kind == ProviderKind::OpenAiCompatible {
            let url = format!("{}/models", self.settings.base_url.trim().trim_end_matches('/'));
            let request = self.with_auth(HttpRequest::new("GET", &url)).build().map_err(|_| network_error(&url))?;
            let response = fetch(&request).await.map_err(|_| network_error(&url))?;
            if response.ok() {
                let body: Value =
                    response_text(&response).await.ok().and_then(|t| serde_json::from_str(&t).ok()).unwrap_or_default();
                let ids: Vec<String> = body["data"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|m| m["id"].as_str().map(str::to_string))
                    .collect();
                let listed = if ids.contains(&self.settings.model) { "is listed" } else { "is NOT listed" };
                let shown: Vec<&str> = ids.iter().take(8).map(String::as_str).collect();
                return Ok(format!(
                    "Connected: {} models ({}…); {} {listed}.",
                    ids.len(),
                    shown.join(", "),
                    self.settings.model
                ));
            }
            if matches!(response.status(), 401 | 403) {
                return Err(openai::http_error(
                    response.status(),
                    &response_text(&response).await.unwrap_or_default(),
                    None,
                ));
            }
        }
        let started = js_sys::Date::now();
        let messages = [ChatMessage::text("user", "Reply with the single word OK.")];
        let outcome = self.call(&messages, CallShape::default(), None, &mut |_| {}, &mut TaskUsage::default()).await?;
        Ok(format!(
            "Connected: {} answered {:?} in {:.0} ms.",
            self.settings.model,
            outcome.text.chars().take(40).collect::<String>(),
            js_sys::Date::now() - started
        ))
    }

    fn with_auth(&self, mut builder: HttpRequest) -> HttpRequest {
        match self.settings.kind {
            ProviderKind::Anthropic => {
                for (name, value) in anthropic::headers(&self.settings.api_key) {
                    builder = builder.header(name, &value);
                }
            }
            _ if !self.settings.api_key.is_empty() => {
                builder = builder.header("Authorization", &format!("Bearer {}", self.settings.api_key));
            }
            _ => {}
        }
        for (name, value) in self.settings.headers().unwrap_or_default() {
            builder = builder.header(&name, &value);
        }
        builder
    }

    /// One request/response with the endpoint: streamed when enabled (falling back to a plain
    /// answer when the server does not stream), usage recorded into `usage`.
    async fn call(
        &self,
        messages: &[ChatMessage],
        shape: CallShape,
        signal: Option<&AbortSignal>,
        on_delta: &mut dyn FnMut(&str),
        usage: &mut TaskUsage,
    ) -> Result<ChatOutcome, TaskError> {
        if let Some(problem) = self.settings.problem() {
            return Err(TaskError::permanent(format!("provider settings: {problem}")));
        }
        let started = js_sys::Date::now();
        let stream = self.settings.stream;
        let (url, body) = self.request_body(messages, &shape, stream);
        let request = serde_json::to_string(&body)
            .map_err(|e| e.to_string())
            .and_then(|json| {
                self.with_auth(HttpRequest::new("POST", &url).abort_signal(signal))
                    .header("Content-Type", "application/json")
                    .body(json)
                    .build()
            })
            .map_err(|e| TaskError::permanent(format!("could not build the request: {e}")))?;
        let response = fetch(&request).await.map_err(|_| match signal {
            Some(s) if s.aborted() => TaskError::retryable("aborted"),
            _ => network_error(&url),
        })?;
        let outcome = self.read_response(response, on_delta).await?;
        let prompt_text: String = messages.iter().map(|m| m.content.as_str()).collect::<Vec<_>>().join("\n");
        let used = outcome.usage.unwrap_or_else(|| Usage::estimate(&prompt_text, &outcome.text));
        let cost = self
            .settings
            .prices()
            .ok()
            .and_then(|p| p.cost_usd(&self.settings.model, used.prompt_tokens, used.completion_tokens));
        usage.add(&TaskUsage { calls: 1, latency_ms: js_sys::Date::now() - started, cost_usd: cost, ..usage_of(used) });
        Ok(outcome)
    }

    fn request_body(&self, messages: &[ChatMessage], shape: &CallShape, stream: bool) -> (String, Value) {
        let schema = shape.plan_schema.then(plan_json_schema);
        match self.settings.kind {
            ProviderKind::Anthropic => {
                let options = AnthropicOptions {
                    stream,
                    tools: shape.tools.clone(),
                    plan_schema: schema,
                    ..AnthropicOptions::default()
                };
                (
                    anthropic::messages_url(&self.settings.base_url),
                    anthropic::messages_body(&self.settings.model, messages, &options),
                )
            }
            _ => {
                // Ollama takes the schema in `format`; other servers in OpenAI's `response_format`.
                let is_ollama = self.settings.base_url.contains(":11434");
                let options = ChatOptions {
                    stream,
                    json_schema: if is_ollama { None } else { schema.clone() },
                    ollama_format: if is_ollama { schema } else { None },
                    tools: shape.tools.clone(),
                };
                (chat_url(&self.settings.base_url), chat_body_with(&self.settings.model, messages, &options))
            }
        }
    }

    async fn read_response(
        &self,
        response: Response,
        on_delta: &mut dyn FnMut(&str),
    ) -> Result<ChatOutcome, TaskError> {
        let status = response.status();
        let anthropic = self.settings.kind == ProviderKind::Anthropic;
        if !(200..300).contains(&status) {
            let retry_after = header(&response, "retry-after");
            let body = response_text(&response).await.unwrap_or_default();
            return Err(if anthropic {
                anthropic::http_error(status, &body, retry_after.as_deref())
            } else {
                openai::http_error(status, &body, retry_after.as_deref())
            });
        }
        let is_sse = header(&response, "content-type").is_some_and(|t| t.contains("text/event-stream"));
        if !is_sse {
            let body = response_text(&response)
                .await
                .map_err(|e| TaskError::retryable(format!("the response body broke off: {e}")))?;
            let outcome =
                if anthropic { anthropic::parse_messages_outcome(&body) } else { openai::parse_chat_outcome(&body) }?;
            on_delta(&outcome.text);
            return Ok(outcome);
        }
        let Some(body) = response.body() else {
            return Err(TaskError::retryable("the stream was empty"));
        };
        let mut parser = SseParser::new();
        let mut decoder: Box<dyn StreamDecoder> =
            if anthropic { Box::new(AnthropicStream::new()) } else { Box::new(ChatStream::new()) };
        let mut failure: Option<TaskError> = None;
        let mut feed = |events: Vec<super::sse::SseEvent>, failure: &mut Option<TaskError>| {
            for event in events {
                if failure.is_some() {
                    return;
                }
                match decoder.push_event(&event) {
                    Ok(Some(text)) => on_delta(&text),
                    Ok(None) => {}
                    Err(e) => *failure = Some(e),
                }
            }
        };
        let read = super::body_stream::read_text(body, |text| {
            let events = parser.push(text);
            feed(events, &mut failure);
        })
        .await;
        // A last event without its closing blank line is only complete when the body ended
        // normally; after a cut connection it is a fragment, and the cut is the error to report.
        if read.is_ok() {
            let tail = parser.finish();
            feed(tail, &mut failure);
        }
        if let Some(e) = failure {
            return Err(e);
        }
        read?;
        decoder.finish()
    }
}

fn usage_of(usage: Usage) -> TaskUsage {
    TaskUsage {
        prompt_tokens: usage.prompt_tokens,
        completion_tokens: usage.completion_tokens,
        estimated: usage.estimated,
        ..TaskUsage::default()
    }
}

fn method_of(method: &str) -> &'static str {
    match method.to_ascii_uppercase().as_str() {
        "POST" => "POST",
        "PUT" => "PUT",
        "PATCH" => "PATCH",
        "DELETE" => "DELETE",
        _ => "GET",
    }
}

#[wasm_bindgen]
extern "C" {
    /// The global `fetch` (works in windows and workers alike).
    #[wasm_bindgen(js_name = "fetch")]
    fn fetch_with_request(request: &web_sys::Request) -> js_sys::Promise;
}

/// A fetch request being put together: method, headers (a later value replaces an earlier one of
/// the same name, as `Headers.set` does), body and abort signal.
struct HttpRequest {
    url: String,
    method: &'static str,
    headers: Vec<(String, String)>,
    body: Option<String>,
    signal: Option<AbortSignal>,
}

impl HttpRequest {
    fn new(method: &'static str, url: &str) -> Self {
        HttpRequest { url: url.to_string(), method, headers: Vec::new(), body: None, signal: None }
    }

    fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    fn body(mut self, body: String) -> Self {
        self.body = Some(body);
        self
    }

    fn abort_signal(mut self, signal: Option<&AbortSignal>) -> Self {
        self.signal = signal.cloned();
        self
    }

    /// The `Request`, or the browser's reason for refusing it (a bad URL or header) as text.
    fn build(self) -> Result<web_sys::Request, String> {
        let init = RequestInit::new();
        init.set_method(self.method);
        let headers = Headers::new().map_err(|e| js_text(&e))?;
        for (name, value) in &self.headers {
            headers.set(name, value).map_err(|e| js_text(&e))?;
        }
        init.set_headers(&headers);
        if let Some(body) = &self.body {
            init.set_body(&JsValue::from_str(body));
        }
        if let Some(signal) = &self.signal {
            init.set_signal(Some(signal));
        }
        web_sys::Request::new_with_str_and_init(&self.url, &init).map_err(|e| js_text(&e))
    }
}

/// Sends `request`; errors (as text) when there is no response: network failure, CORS, abort.
async fn fetch(request: &web_sys::Request) -> Result<Response, String> {
    let response = JsFuture::from(fetch_with_request(request)).await.map_err(|e| js_text(&e))?;
    response.dyn_into::<Response>().map_err(|_| "fetch did not return a Response".to_string())
}

/// The whole body of `response` as text.
async fn response_text(response: &Response) -> Result<String, String> {
    let promise = response.text().map_err(|e| js_text(&e))?;
    let text = JsFuture::from(promise).await.map_err(|e| js_text(&e))?;
    Ok(text.as_string().unwrap_or_default())
}

/// The value of the response header `name`, if present.
fn header(response: &Response, name: &str) -> Option<String> {
    response.headers().get(name).ok().flatten()
}

/// A thrown JavaScript value as text (`error.toString()` for an `Error`, e.g. "TypeError: …").
fn js_text(value: &JsValue) -> String {
    match value.dyn_ref::<js_sys::Error>() {
        Some(error) => String::from(error.to_string()),
        None => value.as_string().unwrap_or_else(|| format!("{value:?}")),
    }
}
