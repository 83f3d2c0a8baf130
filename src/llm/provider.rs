//! What the driver and the page ask of an LLM: a plan for a goal, subtasks, a re-plan, one attempt
//! of a task, a connection check. The Demo simulation and the HTTP endpoints (OpenAI-compatible,
//! Anthropic) are implementations of [`Provider`]; [`connect`] picks one from the settings.

use std::rc::Rc;

use futures::future::LocalBoxFuture;
use serde::{Deserialize, Serialize};

use super::demo_provider::DemoProvider;
use super::egress::Egress;
use super::http_provider::HttpProvider;
use super::settings::{ProviderKind, ProviderSettings};
use super::template::Template;
use super::tools::ToolCallLog;
use crate::engine::{ReplanRequest, TaskError, TaskRequest, TaskUsage};
use crate::io::cancel::CancelToken;
use crate::io::runtime::Runtime;
use crate::io::transport::Transport;
use crate::plan::{Plan, Task};

/// A plan as the provider delivered it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanAnswer {
    /// The plan (it may still have validation errors after the repair round; the UI lists them).
    pub plan: Plan,
    /// Repair rounds used (0 or 1).
    pub repairs: u32,
    /// What the calls used.
    pub usage: TaskUsage,
}

/// How one attempt of a task went.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttemptOutcome {
    /// The task's output, or why the attempt failed.
    pub result: Result<String, TaskError>,
    /// What the attempt's calls used.
    pub usage: TaskUsage,
    /// The attempt's tool calls, in order.
    pub tool_calls: Vec<ToolCallLog>,
}

/// An LLM the page can use. Single-threaded (futures need not be `Send`).
pub trait Provider {
    /// Asks for a plan for `goal`; tasks go to `on_task` as soon as they have streamed in. An
    /// answer that is unreadable or invalid gets one repair round.
    fn plan<'a>(
        &'a self,
        goal: &'a str,
        template: Option<Template>,
        on_task: &'a mut dyn FnMut(Task),
    ) -> LocalBoxFuture<'a, Result<PlanAnswer, TaskError>>;

    /// Asks for subtasks of `task`, as a plan.
    fn expand<'a>(&'a self, goal: &'a str, task: &'a Task) -> LocalBoxFuture<'a, Result<Plan, TaskError>>;

    /// Asks for a revised plan of the remaining work.
    fn replan<'a>(&'a self, request: &'a ReplanRequest) -> LocalBoxFuture<'a, Result<Plan, TaskError>>;

    /// Executes one attempt of a task: tokens go to `on_delta` as they stream; `cancel` aborts it.
    fn execute<'a>(
        &'a self,
        request: &'a TaskRequest,
        cancel: &'a CancelToken,
        on_delta: &'a mut dyn FnMut(&str),
    ) -> LocalBoxFuture<'a, AttemptOutcome>;

    /// Checks the endpoint and says what it found.
    fn test_connection(&self) -> LocalBoxFuture<'_, Result<String, TaskError>>;

    /// The prompt a task's request sends, as text (for the call log).
    fn prompt_text(&self, request: &TaskRequest) -> String;

    /// Why no request may be sent yet for want of a credential (the API key), if so.
    fn missing_credentials(&self) -> Option<String>;
}

/// The provider the settings describe: the in-page Demo, or an HTTP endpoint reached through
/// `transport` whose tool calls are let out as `egress` says. The only place that tells them apart.
pub fn connect(
    settings: ProviderSettings,
    transport: Rc<dyn Transport>,
    runtime: Rc<dyn Runtime>,
    egress: Egress,
) -> Rc<dyn Provider> {
    match settings.kind {
        ProviderKind::Demo => Rc::new(DemoProvider::new(settings, runtime)),
        ProviderKind::OpenAiCompatible | ProviderKind::Anthropic => {
            Rc::new(HttpProvider::new(settings, transport, runtime).with_egress(egress))
        }
    }
}
