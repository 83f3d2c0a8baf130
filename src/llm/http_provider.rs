//! The HTTP provider: OpenAI-compatible Chat Completions or Anthropic's Messages API through a
//! [`Transport`], with SSE streaming, structured plans, one repair round, tool rounds, retries of
//! plan-shaped requests and usage accounting. Plain Rust: it runs in the page over `fetch` and
//! natively over the scripted transport.

use std::cell::RefCell;
use std::collections::HashSet;
use std::rc::Rc;

use futures::future::{select, Either, LocalBoxFuture};
use futures::FutureExt;
use serde_json::Value;

use super::anthropic::{self, AnthropicOptions, AnthropicStream};
use super::chat::{ChatOutcome, StreamDecoder, Usage};
use super::conversation::{check_plan_answer, push_tool_calls, push_tool_result, repair_messages, PlanAnswerError};
use super::egress::Egress;
use super::mcp::{McpClient, McpServer};
use super::openai::{self, chat_body_with, chat_url, network_error, ChatOptions};
use super::openai_stream::ChatStream;
use super::prompt::{decompose_messages, expand_messages, replan_messages, task_messages, ChatMessage};
use super::provider::{AttemptOutcome, PlanAnswer, Provider};
use super::request_retry::RequestRetry;
use super::settings::{ProviderKind, ProviderSettings, SchemaStyle};
use super::sse::{SseEvent, SseParser};
use super::template::Template;
use super::tools::{
    anthropic_tools, host_key, http_call_for, openai_tools, parse_arguments, run_local_tool, EgressPolicy,
    EgressVerdict, ToolAccess, ToolCallLog, ToolDef, ToolError, ToolKind, MAX_TOOL_ROUNDS,
};
use crate::engine::{ReplanRequest, TaskError, TaskRequest, TaskUsage};
use crate::io::cancel::CancelToken;
use crate::io::egress_gate::{EgressDecision, EgressQuestion};
use crate::io::idle_body::IdleBody;
use crate::io::runtime::Runtime;
use crate::io::transport::{EmptyBody, HttpRequest, HttpResponse, Transport, TransportError};
use crate::plan::parse::parse_plan;
use crate::plan::schema::plan_json_schema;
use crate::plan::stream::PlanStream;
use crate::plan::{Plan, Task};

/// Most bytes of an LLM answer read (a runaway stream is cut there).
const ANSWER_CAP_BYTES: usize = 16 * 1024 * 1024;
/// Most bytes of a tool's response read; the rest is never downloaded.
pub const TOOL_RESPONSE_CAP_BYTES: usize = 1024 * 1024;
/// Most characters of a tool's response handed to the model.
const TOOL_RESULT_CHARS: usize = 20_000;
/// Most bytes of an error body read.
const ERROR_BODY_CAP_BYTES: usize = 64 * 1024;

/// The messages of a conversation as text (for the call log).
pub fn messages_text(messages: &[ChatMessage]) -> String {
    messages.iter().map(|m| format!("[{}]\n{}", m.role, m.content)).collect::<Vec<_>>().join("\n\n")
}

/// An OpenAI-compatible or Anthropic endpoint.
pub struct HttpProvider {
    settings: ProviderSettings,
    transport: Rc<dyn Transport>,
    runtime: Rc<dyn Runtime>,
    egress: Egress,
    /// A client per MCP server called so far, keeping its session between calls.
    mcp_clients: RefCell<Vec<Rc<McpClient>>>,
}

/// A provider that goes (new settings, the driver stopped) ends its MCP sessions, in the background.
impl Drop for HttpProvider {
    fn drop(&mut self) {
        for client in self.mcp_clients.take() {
            self.runtime.spawn(Box::pin(async move { client.close(&CancelToken::new()).await }));
        }
    }
}

/// What one call asks of the endpoint besides the messages.
#[derive(Default)]
struct CallShape {
    plan_schema: bool,
    tools: Vec<Value>,
    /// The model to ask (`None`: the settings' model).
    model: Option<String>,
}

impl HttpProvider {
    /// A provider for the endpoint in `settings`, reached through `transport`. Its tool calls
    /// reach only the hosts the settings pre-approve (see [`HttpProvider::with_egress`]).
    pub fn new(settings: ProviderSettings, transport: Rc<dyn Transport>, runtime: Rc<dyn Runtime>) -> Self {
        HttpProvider { settings, transport, runtime, egress: Egress::default(), mcp_clients: RefCell::default() }
    }

    /// The same provider deciding its tool calls' requests with `egress`: the workflow's
    /// allowlist, the page's origin and the gate that asks the user.
    pub fn with_egress(mut self, egress: Egress) -> Self {
        self.egress = egress;
        self
    }

    /// The egress policy in force now: the workflow's allowlist, the pre-approved hosts and `also`.
    fn egress_policy(&self, also: Option<&str>) -> EgressPolicy {
        let hosts = self.egress.hosts.borrow();
        let listed = hosts.iter().map(String::as_str).chain(self.settings.tool_hosts.lines()).chain(also);
        EgressPolicy::new(listed, self.settings.tool_any_host, self.egress.page_origin.as_deref())
    }

    fn anthropic(&self) -> bool {
        self.settings.kind == ProviderKind::Anthropic
    }

    /// The provider's name in traces (`gen_ai.provider.name`).
    fn provider_name(&self) -> &'static str {
        if self.anthropic() {
            "anthropic"
        } else {
            "openai"
        }
    }

    /// One plan-shaped call, retried as [`RequestRetry`] says. Text streamed by a failed try is
    /// not taken back: `on_delta` sees every try.
    async fn call_with_retry(
        &self,
        messages: &[ChatMessage],
        on_delta: &mut dyn FnMut(&str),
        usage: &mut TaskUsage,
    ) -> Result<ChatOutcome, TaskError> {
        let never = CancelToken::new();
        let mut retry = RequestRetry::default();
        loop {
            let shape = CallShape { plan_schema: self.settings.structured, ..CallShape::default() };
            match self.call(messages, shape, &never, on_delta, usage).await {
                Ok(outcome) => return Ok(outcome),
                Err(error) => match retry.after(&error) {
                    Some(wait) => self.runtime.sleep(wait).await,
                    None => return Err(error),
                },
            }
        }
    }

    /// A plan-shaped request answered with a plan.
    async fn plan_call(&self, messages: &[ChatMessage]) -> Result<Plan, TaskError> {
        let text = self.call_with_retry(messages, &mut |_| {}, &mut TaskUsage::default()).await?.text;
        parse_plan(&text).map_err(|e| TaskError::permanent(e.to_string()))
    }

    async fn plan_inner(
        &self,
        goal: &str,
        template: Option<Template>,
        on_task: &mut dyn FnMut(Task),
    ) -> Result<PlanAnswer, TaskError> {
        let request = decompose_messages(&self.settings.prompts, goal, template);
        let mut usage = TaskUsage::default();
        // A retried stream starts over: tasks already handed out are not handed out again.
        let mut stream = PlanStream::new();
        let mut delivered: HashSet<String> = HashSet::new();
        let mut on_delta = |delta: &str| {
            for task in stream.push(delta) {
                if delivered.insert(task.id.clone()) {
                    on_task(task);
                }
            }
        };
        let first = self.call_with_retry(&request, &mut on_delta, &mut usage).await?;
        let problem = match check_plan_answer(&first.text) {
            Ok(plan) => return Ok(PlanAnswer { plan, repairs: 0, usage }),
            Err(problem) => problem,
        };
        let retry = repair_messages(&request, &first.text, &problem.to_string());
        let second = self.call_with_retry(&retry, &mut |_| {}, &mut usage).await?;
        match check_plan_answer(&second.text) {
            // Readable but invalid: shown with its validation errors, which block the run.
            Ok(plan) | Err(PlanAnswerError::Invalid { plan, .. }) => Ok(PlanAnswer { plan, repairs: 1, usage }),
            Err(PlanAnswerError::Unreadable(e)) => {
                Err(TaskError::permanent(format!("the plan could not be read even after a repair round: {e}")))
            }
        }
    }

    async fn execute_with_tools(
        &self,
        request: &TaskRequest,
        cancel: &CancelToken,
        on_delta: &mut dyn FnMut(&str),
        usage: &mut TaskUsage,
        log: &mut Vec<ToolCallLog>,
    ) -> Result<String, TaskError> {
        let registry = self.settings.tools().map_err(|e| TaskError::permanent(e.to_string()))?;
        let defs = registry.for_task_type(request.kind.as_deref());
        let tools = if self.anthropic() { anthropic_tools(&defs) } else { openai_tools(&defs) };
        let mut messages = task_messages(&self.settings.prompts, request);
        let model = self.settings.model_for(request.model.as_deref(), request.kind.as_deref()).to_string();
        // The attempt records its model even when no call answers.
        usage.model = Some(model.clone());
        usage.provider = Some(self.provider_name().to_string());
        for _ in 0..=MAX_TOOL_ROUNDS {
            let shape = CallShape { plan_schema: false, tools: tools.clone(), model: Some(model.clone()) };
            let outcome = self.call(&messages, shape, cancel, on_delta, usage).await?;
            if outcome.tool_calls.is_empty() {
                return Ok(outcome.text);
            }
            push_tool_calls(&mut messages, &outcome.text, &outcome.tool_calls);
            for call in &outcome.tool_calls {
                let mut entry = ToolCallLog {
                    tool: call.name.clone(),
                    method: String::new(),
                    url: String::new(),
                    access: ToolAccess::Local,
                    status: None,
                    bytes: 0,
                    ms: 0.0,
                };
                let result = match registry.get(&call.name) {
                    None => {
                        entry.access = ToolAccess::Refused;
                        Err(ToolError::UnknownTool { name: call.name.clone() })
                    }
                    Some(def) => match run_local_tool(def, &call.arguments) {
                        Some(result) => {
                            entry.bytes = result.as_ref().map_or(0, |text| text.len() as u64);
                            result
                        }
                        None => match &def.kind {
                            ToolKind::Mcp { server, tool } => {
                                let target = McpTarget { server, tool, task_id: &request.task_id };
                                self.run_mcp_tool(def, target, &call.arguments, cancel, &mut entry).await
                            }
                            _ => self.run_http_tool(def, &call.arguments, &request.task_id, cancel, &mut entry).await,
                        },
                    },
                };
                log.push(entry);
                push_tool_result(&mut messages, &call.id, result);
            }
        }
        Err(TaskError::permanent(format!("the model kept calling tools after {MAX_TOOL_ROUNDS} rounds")))
    }

    /// Performs an HTTP tool's call if the egress policy (or the user, asked through the gate)
    /// allows it; `entry` records how it went.
    async fn run_http_tool(
        &self,
        def: &ToolDef,
        arguments: &str,
        task_id: &str,
        cancel: &CancelToken,
        entry: &mut ToolCallLog,
    ) -> Result<String, ToolError> {
        entry.access = ToolAccess::Refused;
        let call = http_call_for(def, arguments)?;
        entry.method.clone_from(&call.method);
        entry.url.clone_from(&call.url);
        self.approve(&self.egress_policy(None), def, task_id, cancel, entry).await?;
        let started = self.runtime.now_ms();
        let mut request = HttpRequest::new(method_of(&call.method), &call.url);
        if let Some(body) = call.body {
            request = request.header("content-type", "application/json").body(body);
        }
        let unreachable = |error| ToolError::Unreachable { url: call.url.clone(), error };
        let sent = self.transport.send(request, cancel).await;
        entry.ms = self.runtime.now_ms() - started;
        let mut response = sent.map_err(unreachable)?;
        entry.status = Some(response.status);
        let mut text = String::new();
        let read = response.read_text(TOOL_RESPONSE_CAP_BYTES, |piece| text.push_str(piece)).await;
        entry.bytes = text.len() as u64;
        entry.ms = self.runtime.now_ms() - started;
        let cut = read.map_err(|error| ToolError::ResponseBroken { url: call.url.clone(), error })?;
        let mut text: String = text.chars().take(TOOL_RESULT_CHARS).collect();
        if cut {
            text.push_str("\n[cut: the response was longer than 1 MiB]");
        }
        if response.ok() {
            Ok(text)
        } else {
            Err(ToolError::HttpStatus { status: response.status, body: text })
        }
    }

    /// Decides whether the request `entry` describes may be sent: by `policy`, or by asking the
    /// user through the gate. `entry.access` records how it went.
    async fn approve(
        &self,
        policy: &EgressPolicy,
        def: &ToolDef,
        task_id: &str,
        cancel: &CancelToken,
        entry: &mut ToolCallLog,
    ) -> Result<(), ToolError> {
        let host = host_key(&entry.url).unwrap_or_else(|| entry.url.clone());
        entry.access = match policy.verdict(&entry.url) {
            EgressVerdict::Allowed => ToolAccess::Allowed,
            EgressVerdict::Refused(reason) => return Err(ToolError::Refused { url: entry.url.clone(), reason }),
            EgressVerdict::MustAsk => {
                let question = EgressQuestion {
                    task_id: task_id.to_string(),
                    tool: def.name.clone(),
                    method: entry.method.clone(),
                    url: entry.url.clone(),
                    host: host.clone(),
                };
                let decision = match &self.egress.gate {
                    None => EgressDecision::Deny,
                    Some(gate) => match select(gate.ask(question), cancel.cancelled().boxed_local()).await {
                        Either::Left((decision, _)) => decision,
                        Either::Right(_) => {
                            entry.access = ToolAccess::Denied;
                            return Err(ToolError::Unreachable {
                                url: entry.url.clone(),
                                error: TransportError::Aborted,
                            });
                        }
                    },
                };
                match decision {
                    EgressDecision::Deny => {
                        entry.access = ToolAccess::Denied;
                        return Err(ToolError::Denied { host });
                    }
                    EgressDecision::AllowOnce => ToolAccess::AskedAllowedOnce,
                    EgressDecision::AllowHost => {
                        let mut hosts = self.egress.hosts.borrow_mut();
                        if !hosts.contains(&host) {
                            hosts.push(host.clone());
                        }
                        ToolAccess::AskedAllowedHost
                    }
                }
            }
        };
        Ok(())
    }

    /// Calls an MCP server's tool through `tools/call`, under the same egress rules as an HTTP
    /// tool, except that the server's own host counts as allowed: the user added the server.
    /// `entry` records the call (`POST` to the server's URL).
    async fn run_mcp_tool(
        &self,
        def: &ToolDef,
        target: McpTarget<'_>,
        arguments: &str,
        cancel: &CancelToken,
        entry: &mut ToolCallLog,
    ) -> Result<String, ToolError> {
        entry.access = ToolAccess::Refused;
        entry.method = "POST".to_string();
        entry.url = target.server.to_string();
        let arguments = parse_arguments(&def.name, arguments)?;
        let server = self.settings.mcp_servers.iter().find(|s| s.url == target.server);
        let token = server.map_or("", |s| s.token.as_str());
        let policy = self.egress_policy(server.and_then(McpServer::host).as_deref());
        self.approve(&policy, def, target.task_id, cancel, entry).await?;
        let client = self.mcp_client(target.server, token);
        let started = self.runtime.now_ms();
        let called = client.call_tool(target.tool, Value::Object(arguments), TOOL_RESPONSE_CAP_BYTES, cancel).await;
        entry.ms = self.runtime.now_ms() - started;
        let output = called.map_err(|error| ToolError::Mcp { tool: def.name.clone(), error })?;
        entry.status = Some(200);
        entry.bytes = output.text.len() as u64;
        let mut text: String = output.text.chars().take(TOOL_RESULT_CHARS).collect();
        if text.len() < output.text.len() {
            text.push_str(&format!("\n[cut: the result was longer than {TOOL_RESULT_CHARS} characters]"));
        }
        if output.is_error {
            Err(ToolError::McpToolFailed { tool: def.name.clone(), text })
        } else {
            Ok(text)
        }
    }

    /// The client of the MCP server at `url`, made on first use.
    fn mcp_client(&self, url: &str, token: &str) -> Rc<McpClient> {
        let mut clients = self.mcp_clients.borrow_mut();
        if let Some(client) = clients.iter().find(|c| c.url() == url) {
            return client.clone();
        }
        let client = Rc::new(McpClient::new(self.transport.clone(), url, token));
        clients.push(client.clone());
        client
    }

    async fn test_connection_inner(&self) -> Result<String, TaskError> {
        if let Some(problem) = self.settings.problem_with_tools() {
            return Err(TaskError::permanent(problem));
        }
        let never = CancelToken::new();
        if self.settings.kind == ProviderKind::OpenAiCompatible {
            let url = format!("{}/models", self.settings.base_url.trim().trim_end_matches('/'));
            let request = self.with_auth(HttpRequest::new("GET", &url));
            let mut response = self.transport.send(request, &never).await.map_err(|e| network_error(&url, &e))?;
            let body = response.text(ERROR_BODY_CAP_BYTES * 16).await.unwrap_or_default();
            if response.ok() {
                let body: Value = serde_json::from_str(&body).unwrap_or_default();
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
            if matches!(response.status, 401 | 403) {
                return Err(openai::http_error(response.status, &body, None));
            }
        }
        let started = self.runtime.now_ms();
        let messages = [ChatMessage::text("user", "Reply with the single word OK.")];
        let outcome =
            self.call(&messages, CallShape::default(), &never, &mut |_| {}, &mut TaskUsage::default()).await?;
        Ok(format!(
            "Connected: {} answered {:?} in {:.0} ms.",
            self.settings.model,
            outcome.text.chars().take(40).collect::<String>(),
            self.runtime.now_ms() - started
        ))
    }

    fn with_auth(&self, mut request: HttpRequest) -> HttpRequest {
        if self.anthropic() {
            for (name, value) in anthropic::headers(&self.settings.api_key) {
                request = request.header(name, &value);
            }
        } else if !self.settings.api_key.is_empty() {
            request = request.header("Authorization", &format!("Bearer {}", self.settings.api_key));
        }
        for (name, value) in self.settings.headers().unwrap_or_default() {
            request = request.header(&name, &value);
        }
        request
    }

    /// One request/response with the endpoint: streamed when enabled (falling back to a plain
    /// answer when the server does not stream), usage recorded into `usage`. Never sends a request
    /// without a key the settings need.
    async fn call(
        &self,
        messages: &[ChatMessage],
        shape: CallShape,
        cancel: &CancelToken,
        on_delta: &mut dyn FnMut(&str),
        usage: &mut TaskUsage,
    ) -> Result<ChatOutcome, TaskError> {
        if let Some(problem) = self.settings.problem_with_tools().or_else(|| self.settings.missing_credentials()) {
            return Err(TaskError::permanent(format!("provider settings: {problem}")));
        }
        let started = self.runtime.now_ms();
        let model = shape.model.clone().unwrap_or_else(|| self.settings.model.clone());
        let (url, body) = self.request_body(messages, &shape, &model);
        let request = self
            .with_auth(HttpRequest::new("POST", &url))
            .header("Content-Type", "application/json")
            .body(body.to_string());
        let mut response = self.transport.send(request, cancel).await.map_err(|e| match e {
            TransportError::Aborted => TaskError::retryable("aborted"),
            TransportError::InvalidRequest(why) => TaskError::permanent(format!("could not build the request: {why}")),
            e => network_error(&url, &e),
        })?;
        // A stalled answer is cut by the read timeout, long before the task's own timeout.
        let idle_ms = u64::from(self.settings.read_timeout_secs.max(1)) * 1000;
        let body = std::mem::replace(&mut response.body, Box::new(EmptyBody));
        response.body = Box::new(IdleBody::new(body, self.runtime.clone(), idle_ms));
        let outcome = self.read_response(response, on_delta).await?;
        let prompt_text: String = messages.iter().map(|m| m.content.as_str()).collect::<Vec<_>>().join("\n");
        let used = outcome.usage.unwrap_or_else(|| Usage::estimate(&prompt_text, &outcome.text));
        let cost =
            self.settings.prices().ok().and_then(|p| p.cost_usd(&model, used.prompt_tokens, used.completion_tokens));
        let provider = self.provider_name();
        usage.add(&TaskUsage {
            calls: 1,
            latency_ms: self.runtime.now_ms() - started,
            cost_usd: cost,
            prompt_tokens: used.prompt_tokens,
            completion_tokens: used.completion_tokens,
            estimated: used.estimated,
            model: Some(model),
            provider: Some(provider.to_string()),
        });
        Ok(outcome)
    }

    fn request_body(&self, messages: &[ChatMessage], shape: &CallShape, model: &str) -> (String, Value) {
        let schema = shape.plan_schema.then(plan_json_schema);
        let stream = self.settings.stream;
        if self.anthropic() {
            let options = AnthropicOptions {
                stream,
                tools: shape.tools.clone(),
                plan_schema: schema,
                ..AnthropicOptions::default()
            };
            return (
                anthropic::messages_url(&self.settings.base_url),
                anthropic::messages_body(model, messages, &options),
            );
        }
        let ollama = self.settings.schema_style == SchemaStyle::OllamaFormat;
        let options = ChatOptions {
            stream,
            json_schema: if ollama { None } else { schema.clone() },
            ollama_format: if ollama { schema } else { None },
            tools: shape.tools.clone(),
        };
        (chat_url(&self.settings.base_url), chat_body_with(model, messages, &options))
    }

    async fn read_response(
        &self,
        mut response: HttpResponse,
        on_delta: &mut dyn FnMut(&str),
    ) -> Result<ChatOutcome, TaskError> {
        let anthropic = self.anthropic();
        let broke_off = |e: TransportError| match e {
            TransportError::Aborted => TaskError::retryable("aborted"),
            e => TaskError::retryable(e.to_string()),
        };
        if !response.ok() {
            let retry_after = response.header("retry-after").map(str::to_string);
            let body = response.text(ERROR_BODY_CAP_BYTES).await.unwrap_or_default();
            let classify = if anthropic { anthropic::http_error } else { openai::http_error };
            return Err(classify(response.status, &body, retry_after.as_deref()));
        }
        let is_sse = response.header("content-type").is_some_and(|t| t.contains("text/event-stream"));
        if !is_sse {
            let body = response.text(ANSWER_CAP_BYTES).await.map_err(broke_off)?;
            let outcome =
                if anthropic { anthropic::parse_messages_outcome(&body) } else { openai::parse_chat_outcome(&body) }?;
            on_delta(&outcome.text);
            return Ok(outcome);
        }
        let mut parser = SseParser::new();
        let mut decoder: Box<dyn StreamDecoder> =
            if anthropic { Box::new(AnthropicStream::new()) } else { Box::new(ChatStream::new()) };
        let mut failure: Option<TaskError> = None;
        let mut feed = |events: Vec<SseEvent>, failure: &mut Option<TaskError>| {
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
        let read = response
            .read_text(ANSWER_CAP_BYTES, |text| {
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
        read.map_err(broke_off)?;
        decoder.finish()
    }
}

impl Provider for HttpProvider {
    fn plan<'a>(
        &'a self,
        goal: &'a str,
        template: Option<Template>,
        on_task: &'a mut dyn FnMut(Task),
    ) -> LocalBoxFuture<'a, Result<PlanAnswer, TaskError>> {
        self.plan_inner(goal, template, on_task).boxed_local()
    }

    fn expand<'a>(&'a self, goal: &'a str, task: &'a Task) -> LocalBoxFuture<'a, Result<Plan, TaskError>> {
        async move { self.plan_call(&expand_messages(&self.settings.prompts, goal, task)).await }.boxed_local()
    }

    fn replan<'a>(&'a self, request: &'a ReplanRequest) -> LocalBoxFuture<'a, Result<Plan, TaskError>> {
        async move { self.plan_call(&replan_messages(&self.settings.prompts, request)).await }.boxed_local()
    }

    fn execute<'a>(
        &'a self,
        request: &'a TaskRequest,
        cancel: &'a CancelToken,
        on_delta: &'a mut dyn FnMut(&str),
    ) -> LocalBoxFuture<'a, AttemptOutcome> {
        async move {
            let (mut usage, mut tool_calls) = (TaskUsage::default(), Vec::new());
            let result = self.execute_with_tools(request, cancel, on_delta, &mut usage, &mut tool_calls).await;
            AttemptOutcome { result, usage, tool_calls }
        }
        .boxed_local()
    }

    fn test_connection(&self) -> LocalBoxFuture<'_, Result<String, TaskError>> {
        self.test_connection_inner().boxed_local()
    }

    fn prompt_text(&self, request: &TaskRequest) -> String {
        messages_text(&task_messages(&self.settings.prompts, request))
    }

    fn missing_credentials(&self) -> Option<String> {
        self.settings.missing_credentials()
    }
}

/// Which MCP tool a call goes to, and for which task.
struct McpTarget<'a> {
    /// The server's URL.
    server: &'a str,
    /// The tool's name on the server.
    tool: &'a str,
    /// The task calling it (for the egress question).
    task_id: &'a str,
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
