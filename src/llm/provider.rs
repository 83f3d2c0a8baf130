//! The browser-side provider: runs plan and task requests through the Demo simulation or `fetch`.

use std::cell::RefCell;
use std::rc::Rc;

use gloo_net::http::Request;
use web_sys::AbortSignal;

use super::demo::{demo_outcome, demo_plan_answer, demo_replan, demo_subtasks};
use super::openai::{chat_body, chat_url, http_error, network_error, parse_chat_response};
use super::prompt::{decompose_messages, expand_messages, replan_messages, task_messages, ChatMessage};
use super::settings::{ProviderKind, ProviderSettings};
use super::template::Template;
use crate::engine::{ReplanRequest, TaskError, TaskRequest};
use crate::plan::Task;

/// Characters per simulated token batch when the Demo provider streams a plan.
const DEMO_STREAM_CHUNK_CHARS: usize = 40;
/// Delay between simulated token batches (40 chars every 50 ms: 800 chars/s).
const DEMO_STREAM_CHUNK_MS: u32 = 50;

/// Shared log of task executions started through a provider (task ids, in order); tests count
/// provider calls with it.
#[derive(Debug, Clone, Default)]
pub struct CallLog(Rc<RefCell<Vec<String>>>);

impl CallLog {
    fn record(&self, task_id: &str) {
        self.0.borrow_mut().push(task_id.to_string());
    }

    /// Every task id executed so far, in call order.
    pub fn calls(&self) -> Vec<String> {
        self.0.borrow().clone()
    }
}

/// A configured provider.
#[derive(Debug, Clone)]
pub struct Provider {
    settings: ProviderSettings,
    calls: CallLog,
}

impl Provider {
    /// A provider with these settings, logging executions to `calls`.
    pub fn new(settings: ProviderSettings, calls: CallLog) -> Self {
        Provider { settings, calls }
    }

    /// Asks for a plan for `goal`; returns the raw answer text for the tolerant parser.
    pub async fn plan(&self, goal: &str, template: Option<Template>) -> Result<String, TaskError> {
        match self.settings.kind {
            ProviderKind::Demo => {
                gloo_timers::future::TimeoutFuture::new(self.settings.demo.latency_ms / 2).await;
                let template = template.unwrap_or_else(|| Template::detect(goal));
                Ok(demo_plan_answer(goal, template, self.settings.demo.seed))
            }
            ProviderKind::OpenAiCompatible => self.chat(&decompose_messages(goal, template), None).await,
        }
    }

    /// Streams the plan answer for `goal`: `on_chunk` receives the text as it arrives. The Demo
    /// provider streams its answer at a simulated rate; an endpoint without streaming delivers the
    /// whole answer as one chunk.
    pub async fn plan_streamed(
        &self,
        goal: &str,
        template: Option<Template>,
        mut on_chunk: impl FnMut(&str),
    ) -> Result<(), TaskError> {
        match self.settings.kind {
            ProviderKind::Demo => {
                let template = template.unwrap_or_else(|| Template::detect(goal));
                let answer = demo_plan_answer(goal, template, self.settings.demo.seed);
                let chars: Vec<char> = answer.chars().collect();
                for piece in chars.chunks(DEMO_STREAM_CHUNK_CHARS) {
                    gloo_timers::future::TimeoutFuture::new(DEMO_STREAM_CHUNK_MS).await;
                    on_chunk(&piece.iter().collect::<String>());
                }
                Ok(())
            }
            ProviderKind::OpenAiCompatible => {
                let answer = self.chat(&decompose_messages(goal, template), None).await?;
                on_chunk(&answer);
                Ok(())
            }
        }
    }

    /// Asks for subtasks of `task`; returns the raw answer text for the parser.
    pub async fn expand(&self, goal: &str, task: &Task) -> Result<String, TaskError> {
        match self.settings.kind {
            ProviderKind::Demo => {
                gloo_timers::future::TimeoutFuture::new(self.settings.demo.latency_ms / 3).await;
                Ok(demo_subtasks(task).to_json_pretty())
            }
            ProviderKind::OpenAiCompatible => self.chat(&expand_messages(goal, task), None).await,
        }
    }

    /// Asks for a revised plan of the remaining work; returns the raw answer text for the parser.
    pub async fn replan(&self, request: &ReplanRequest) -> Result<String, TaskError> {
        match self.settings.kind {
            ProviderKind::Demo => {
                gloo_timers::future::TimeoutFuture::new(self.settings.demo.latency_ms / 2).await;
                Ok(demo_replan(request).to_json_pretty())
            }
            ProviderKind::OpenAiCompatible => self.chat(&replan_messages(request), None).await,
        }
    }

    /// Executes one attempt of a task; `signal` aborts it.
    pub async fn execute(&self, request: &TaskRequest, signal: &AbortSignal) -> Result<String, TaskError> {
        self.calls.record(&request.task_id);
        match self.settings.kind {
            ProviderKind::Demo => {
                let (latency, outcome) = demo_outcome(&self.settings.demo, request);
                gloo_timers::future::TimeoutFuture::new(latency).await;
                if signal.aborted() {
                    return Err(TaskError::retryable("aborted"));
                }
                outcome
            }
            ProviderKind::OpenAiCompatible => self.chat(&task_messages(request), Some(signal)).await,
        }
    }

    async fn chat(&self, messages: &[ChatMessage], signal: Option<&AbortSignal>) -> Result<String, TaskError> {
        if let Some(problem) = self.settings.problem() {
            return Err(TaskError::permanent(format!("provider settings: {problem}")));
        }
        let url = chat_url(&self.settings.base_url);
        let mut builder = Request::post(&url).abort_signal(signal);
        if !self.settings.api_key.is_empty() {
            builder = builder.header("Authorization", &format!("Bearer {}", self.settings.api_key));
        }
        let request = builder
            .json(&chat_body(&self.settings.model, messages))
            .map_err(|e| TaskError::permanent(format!("could not build the request: {e}")))?;
        let response = request.send().await.map_err(|_| match signal {
            Some(s) if s.aborted() => TaskError::retryable("aborted"),
            _ => network_error(&url),
        })?;
        let status = response.status();
        let retry_after = response.headers().get("retry-after");
        let body =
            response.text().await.map_err(|e| TaskError::retryable(format!("the response body broke off: {e}")))?;
        if !(200..300).contains(&status) {
            return Err(http_error(status, &body, retry_after.as_deref()));
        }
        parse_chat_response(&body)
    }
}
