//! The Demo provider: plans shaped like the template and simulated task attempts with seeded
//! latency and failures, inside the page — no network, no key.

use std::rc::Rc;

use futures::future::LocalBoxFuture;
use futures::FutureExt;

use super::chat::Usage;
use super::demo::{demo_outcome, demo_plan_answer, demo_replan, demo_subtasks};
use super::prompt::task_messages;
use super::provider::{AttemptOutcome, PlanAnswer, Provider};
use super::settings::ProviderSettings;
use super::template::Template;
use crate::engine::{ReplanRequest, TaskError, TaskRequest, TaskUsage};
use crate::io::cancel::CancelToken;
use crate::io::runtime::Runtime;
use crate::plan::stream::PlanStream;
use crate::plan::{Plan, Task};

/// Characters per simulated token batch when the Demo streams a plan.
const STREAM_CHUNK_CHARS: usize = 40;
/// Delay between simulated token batches (40 chars every 50 ms: 800 chars/s).
const STREAM_CHUNK_MS: u64 = 50;

/// The simulated provider.
pub struct DemoProvider {
    settings: ProviderSettings,
    runtime: Rc<dyn Runtime>,
}

impl DemoProvider {
    /// A Demo provider with these settings (its seed, latency and failure rate), timed on `runtime`.
    pub fn new(settings: ProviderSettings, runtime: Rc<dyn Runtime>) -> Self {
        DemoProvider { settings, runtime }
    }
}

impl Provider for DemoProvider {
    fn plan<'a>(
        &'a self,
        goal: &'a str,
        template: Option<Template>,
        on_task: &'a mut dyn FnMut(Task),
    ) -> LocalBoxFuture<'a, Result<PlanAnswer, TaskError>> {
        async move {
            let template = template.unwrap_or_else(|| Template::detect(goal));
            let answer = demo_plan_answer(goal, template, self.settings.demo.seed);
            let chars: Vec<char> = answer.chars().collect();
            let mut stream = PlanStream::new();
            for piece in chars.chunks(STREAM_CHUNK_CHARS) {
                self.runtime.sleep(STREAM_CHUNK_MS).await;
                stream.push(&piece.iter().collect::<String>()).into_iter().for_each(&mut *on_task);
            }
            let plan = stream.finish().map_err(|e| TaskError::permanent(e.to_string()))?;
            Ok(PlanAnswer { plan, repairs: 0, usage: TaskUsage::default() })
        }
        .boxed_local()
    }

    fn expand<'a>(&'a self, _goal: &'a str, task: &'a Task) -> LocalBoxFuture<'a, Result<Plan, TaskError>> {
        async move {
            self.runtime.sleep(u64::from(self.settings.demo.latency_ms / 3)).await;
            Ok(demo_subtasks(task))
        }
        .boxed_local()
    }

    fn replan<'a>(&'a self, request: &'a ReplanRequest) -> LocalBoxFuture<'a, Result<Plan, TaskError>> {
        async move {
            self.runtime.sleep(u64::from(self.settings.demo.latency_ms / 2)).await;
            Ok(demo_replan(request))
        }
        .boxed_local()
    }

    fn execute<'a>(
        &'a self,
        request: &'a TaskRequest,
        cancel: &'a CancelToken,
        on_delta: &'a mut dyn FnMut(&str),
    ) -> LocalBoxFuture<'a, AttemptOutcome> {
        async move {
            let (latency, result) = demo_outcome(&self.settings.demo, request);
            self.runtime.sleep(u64::from(latency)).await;
            let mut usage = TaskUsage::default();
            if cancel.is_cancelled() {
                return AttemptOutcome { result: Err(TaskError::retryable("aborted")), usage, tool_calls: Vec::new() };
            }
            if let Ok(text) = &result {
                on_delta(text);
                let used = Usage::estimate(&request.description, text);
                usage.add(&TaskUsage {
                    calls: 1,
                    latency_ms: f64::from(latency),
                    cost_usd: Some(0.0),
                    prompt_tokens: used.prompt_tokens,
                    completion_tokens: used.completion_tokens,
                    estimated: used.estimated,
                    model: Some("demo".into()),
                    provider: Some("planwright.demo".into()),
                });
            }
            AttemptOutcome { result, usage, tool_calls: Vec::new() }
        }
        .boxed_local()
    }

    fn test_connection(&self) -> LocalBoxFuture<'_, Result<String, TaskError>> {
        async { Ok("The Demo provider runs inside this page: nothing to connect to.".to_string()) }.boxed_local()
    }

    fn prompt_text(&self, request: &TaskRequest) -> String {
        super::http_provider::messages_text(&task_messages(&self.settings.prompts, request))
    }

    fn missing_credentials(&self) -> Option<String> {
        None
    }
}
