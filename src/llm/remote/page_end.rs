//! The page's end: [`RemoteProviders`] makes providers that forward each call to the provider
//! worker and stream its answer back, ask the page's gate the worker's questions about unknown hosts
//! (keeping the workflow's allowlist up to date), and cancel calls the page gives up on. If the worker
//! cannot be loaded or crashes, every call fails with a message that says so.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::{Rc, Weak};

use futures::channel::{mpsc, oneshot};
use futures::future::{select, Either, FutureExt, LocalBoxFuture};
use futures::StreamExt;

use super::protocol::{CallAnswer, FromWorker, ProviderAsk, ProviderSetup, ToWorker};
use crate::engine::{ReplanRequest, TaskError, TaskRequest};
use crate::io::cancel::CancelToken;
use crate::io::egress_gate::{EgressDecision, EgressQuestion};
use crate::io::runtime::Runtime;
use crate::llm::egress::Egress;
use crate::llm::http_provider::messages_text;
use crate::llm::mcp::{McpError, McpToolInfo};
use crate::llm::prompt::task_messages;
use crate::llm::provider::{AttemptOutcome, PlanAnswer, Provider};
use crate::llm::settings::ProviderSettings;
use crate::llm::source::ProviderSource;
use crate::llm::template::Template;
use crate::plan::{Plan, Task};

/// Providers that run in the provider worker, reached through `port` (which posts a message to it);
/// what the worker posts goes to [`RemoteProviders::receive`], its failure to
/// [`RemoteProviders::fail`].
#[derive(Clone)]
pub struct RemoteProviders {
    link: Rc<PageLink>,
}

struct PageLink {
    port: Box<dyn Fn(ToWorker)>,
    start: Box<dyn Fn()>,
    runtime: Rc<dyn Runtime>,
    state: RefCell<LinkState>,
}

/// What the page's end keeps track of.
#[derive(Default)]
struct LinkState {
    /// The last number given to a provider or a call.
    last_id: u32,
    /// Calls not answered yet, each with where its messages go.
    calls: HashMap<u32, mpsc::UnboundedSender<CallEvent>>,
    /// The egress context of each open provider (its gate and the workflow's allowlist).
    egress: HashMap<u32, Egress>,
    /// Questions put to the user: dropping one withdraws it.
    questions: HashMap<u32, oneshot::Sender<()>>,
    /// Why the worker is not available, once it is not.
    failed: Option<String>,
}

/// What reaches a call.
enum CallEvent {
    Task(Task),
    Delta(String),
    Done(CallAnswer),
}

/// What a call streams before its answer.
enum Streamed<'a> {
    Task(Task),
    Delta(&'a str),
}

impl RemoteProviders {
    /// Providers reached through `port`; `start` has the worker start loading (see
    /// [`ProviderSource::prepare`]).
    pub fn new(port: Box<dyn Fn(ToWorker)>, start: Box<dyn Fn()>, runtime: Rc<dyn Runtime>) -> Self {
        RemoteProviders { link: Rc::new(PageLink { port, start, runtime, state: RefCell::default() }) }
    }

    /// Handles a message of the worker.
    pub fn receive(&self, message: FromWorker) {
        let link = &self.link;
        match message {
            FromWorker::Task(call, task) => link.forward(call, CallEvent::Task(task), false),
            FromWorker::Delta(call, text) => link.forward(call, CallEvent::Delta(text), false),
            FromWorker::Done(call, answer) => link.forward(call, CallEvent::Done(answer), true),
            FromWorker::Ask(provider, question, ask) => link.ask_user(provider, question, ask),
            FromWorker::Withdraw(question) => {
                let withdrawn = link.state.borrow_mut().questions.remove(&question);
                drop(withdrawn);
            }
        }
    }

    /// The worker could not be loaded or crashed (`why`): every call waiting fails, and so does
    /// every later one.
    pub fn fail(&self, why: String) {
        let why = format!("the provider worker is not available ({why}): reload the page");
        let (calls, questions) = {
            let mut state = self.link.state.borrow_mut();
            state.failed = Some(why.clone());
            (std::mem::take(&mut state.calls), std::mem::take(&mut state.questions))
        };
        drop(questions);
        for (_, events) in calls {
            let _ = events.unbounded_send(CallEvent::Done(CallAnswer::Failed(TaskError::permanent(why.clone()))));
        }
    }
}

impl ProviderSource for RemoteProviders {
    fn connect(&self, settings: ProviderSettings, egress: Egress) -> Rc<dyn Provider> {
        let id = {
            let mut state = self.link.state.borrow_mut();
            let id = state.next_id();
            state.egress.insert(id, egress.clone());
            id
        };
        (self.link.port)(ToWorker::Open {
            provider: id,
            setup: Box::new(ProviderSetup::new(&settings)),
            page_origin: egress.page_origin,
            asks: egress.gate.is_some(),
        });
        Rc::new(RemoteProvider { link: self.link.clone(), id, settings })
    }

    fn list_mcp_tools(
        &self,
        url: &str,
        token: &str,
        cancel: &CancelToken,
    ) -> LocalBoxFuture<'static, Result<Vec<McpToolInfo>, McpError>> {
        let (link, cancel) = (self.link.clone(), cancel.clone());
        let (url, token) = (url.to_string(), token.to_string());
        async move {
            let message = |call| ToWorker::ListMcpTools { call, url, token };
            match link.call(message, Some(&cancel), &mut |_| {}).await {
                CallAnswer::McpTools(tools) => Ok(tools),
                CallAnswer::McpFailed(_) if cancel.is_cancelled() => Err(McpError::Aborted),
                CallAnswer::McpFailed(why) => Err(McpError::Relayed(why)),
                other => Err(McpError::Relayed(other.into_error().message)),
            }
        }
        .boxed_local()
    }

    fn tool_names(
        &self,
        settings: &ProviderSettings,
        kinds: Vec<String>,
    ) -> LocalBoxFuture<'static, Result<Vec<Vec<String>>, String>> {
        let (link, settings) = (self.link.clone(), Box::new(settings.clone()));
        async move {
            match link.call(|call| ToWorker::ToolNames { call, settings, kinds }, None, &mut |_| {}).await {
                CallAnswer::ToolNames(names) => Ok(names),
                other => Err(other.into_error().message),
            }
        }
        .boxed_local()
    }

    fn prepare(&self) {
        (self.link.start)()
    }
}

impl LinkState {
    fn next_id(&mut self) -> u32 {
        self.last_id = self.last_id.wrapping_add(1);
        self.last_id
    }
}

impl PageLink {
    /// Sends `event` to call `call`, if it still waits; `last` ends the call.
    fn forward(&self, call: u32, event: CallEvent, last: bool) {
        let events = {
            let mut state = self.state.borrow_mut();
            if last {
                state.calls.remove(&call)
            } else {
                state.calls.get(&call).cloned()
            }
        };
        if let Some(events) = events {
            let _ = events.unbounded_send(event);
        }
    }

    /// Puts the worker's question `question` to the user through provider `provider`'s gate, in the
    /// background, and sends the answer back; "allow this host" also adds the host to the workflow's
    /// allowlist. Without a gate, the answer is no.
    fn ask_user(self: &Rc<Self>, provider: u32, question: u32, ask: EgressQuestion) {
        let egress = self.state.borrow().egress.get(&provider).cloned();
        let Some((gate, hosts)) = egress.and_then(|e| Some((e.gate?, e.hosts))) else {
            return (self.port)(ToWorker::Decide { question, decision: EgressDecision::Deny });
        };
        let (withdraw, withdrawn) = oneshot::channel();
        self.state.borrow_mut().questions.insert(question, withdraw);
        let link = Rc::downgrade(self);
        self.runtime.spawn(Box::pin(async move {
            let host = ask.host.clone();
            let Either::Left((decision, _)) = select(gate.ask(ask), withdrawn).await else { return };
            let Some(link) = link.upgrade() else { return };
            link.state.borrow_mut().questions.remove(&question);
            if decision == EgressDecision::AllowHost && !hosts.borrow().contains(&host) {
                hosts.borrow_mut().push(host);
            }
            (link.port)(ToWorker::Decide { question, decision });
        }));
    }

    /// Sends the call `message` makes of its number, hands what it streams to `on_stream` and
    /// returns its answer (failed if the worker is not available). `cancel` has the worker cancel
    /// it; dropping the future does too.
    async fn call(
        self: &Rc<Self>,
        message: impl FnOnce(u32) -> ToWorker,
        cancel: Option<&CancelToken>,
        on_stream: &mut dyn FnMut(Streamed<'_>),
    ) -> CallAnswer {
        let (sender, mut events) = mpsc::unbounded();
        let call = {
            let mut state = self.state.borrow_mut();
            if let Some(why) = &state.failed {
                return CallAnswer::Failed(TaskError::permanent(why.clone()));
            }
            let call = state.next_id();
            state.calls.insert(call, sender);
            call
        };
        let mut waiting = CallGuard { link: Rc::downgrade(self), call, done: false };
        (self.port)(message(call));
        if let Some(cancel) = cancel {
            let link = Rc::downgrade(self);
            cancel.on_cancel(move || {
                if let Some(link) = link.upgrade() {
                    link.cancel(call)
                }
            });
        }
        while let Some(event) = events.next().await {
            match event {
                CallEvent::Task(task) => on_stream(Streamed::Task(task)),
                CallEvent::Delta(text) => on_stream(Streamed::Delta(&text)),
                CallEvent::Done(answer) => {
                    waiting.done = true;
                    return answer;
                }
            }
        }
        CallAnswer::Failed(TaskError::permanent("the provider worker stopped answering: reload the page"))
    }

    /// Has the worker cancel call `call`, if it still waits.
    fn cancel(&self, call: u32) {
        let waits = self.state.borrow().calls.contains_key(&call);
        if waits {
            (self.port)(ToWorker::Cancel { call });
        }
    }
}

/// Cancels a call whose future is dropped before its answer.
struct CallGuard {
    link: Weak<PageLink>,
    call: u32,
    done: bool,
}

impl Drop for CallGuard {
    fn drop(&mut self) {
        let Some(link) = self.link.upgrade() else { return };
        if !self.done {
            link.cancel(self.call);
            link.state.borrow_mut().calls.remove(&self.call);
        }
    }
}

/// A provider in the worker.
struct RemoteProvider {
    link: Rc<PageLink>,
    id: u32,
    /// Its settings, for what the page answers itself (the prompt's text, a missing key).
    settings: ProviderSettings,
}

impl RemoteProvider {
    /// Makes the call `ask` and returns how it ended.
    async fn ask(
        &self,
        ask: ProviderAsk,
        cancel: Option<&CancelToken>,
        on_stream: &mut dyn FnMut(Streamed<'_>),
    ) -> CallAnswer {
        let hosts = self.link.state.borrow().egress.get(&self.id).map(|e| e.hosts.borrow().clone()).unwrap_or_default();
        let provider = self.id;
        let message = move |call| ToWorker::Call { call, provider, hosts, ask };
        self.link.call(message, cancel, on_stream).await
    }

    /// An expansion's or a re-plan's answer.
    async fn subplan(&self, ask: ProviderAsk) -> Result<Plan, TaskError> {
        match self.ask(ask, None, &mut |_| {}).await {
            CallAnswer::Subplan(plan) => Ok(plan),
            other => Err(other.into_error()),
        }
    }
}

impl Drop for RemoteProvider {
    fn drop(&mut self) {
        let egress = self.link.state.borrow_mut().egress.remove(&self.id);
        drop(egress);
        (self.link.port)(ToWorker::Close { provider: self.id });
    }
}

impl Provider for RemoteProvider {
    fn plan<'a>(
        &'a self,
        goal: &'a str,
        template: Option<Template>,
        on_task: &'a mut dyn FnMut(Task),
    ) -> LocalBoxFuture<'a, Result<PlanAnswer, TaskError>> {
        async move {
            let ask = ProviderAsk::Plan { goal: goal.to_string(), template };
            let mut on_stream = |streamed: Streamed<'_>| {
                if let Streamed::Task(task) = streamed {
                    on_task(task)
                }
            };
            match self.ask(ask, None, &mut on_stream).await {
                CallAnswer::Plan(answer) => Ok(answer),
                other => Err(other.into_error()),
            }
        }
        .boxed_local()
    }

    fn expand<'a>(&'a self, goal: &'a str, task: &'a Task) -> LocalBoxFuture<'a, Result<Plan, TaskError>> {
        self.subplan(ProviderAsk::Expand { goal: goal.to_string(), task: task.clone() }).boxed_local()
    }

    fn replan<'a>(&'a self, request: &'a ReplanRequest) -> LocalBoxFuture<'a, Result<Plan, TaskError>> {
        self.subplan(ProviderAsk::Replan(request.clone())).boxed_local()
    }

    fn execute<'a>(
        &'a self,
        request: &'a TaskRequest,
        cancel: &'a CancelToken,
        on_delta: &'a mut dyn FnMut(&str),
    ) -> LocalBoxFuture<'a, AttemptOutcome> {
        async move {
            let mut on_stream = |streamed: Streamed<'_>| {
                if let Streamed::Delta(text) = streamed {
                    on_delta(text)
                }
            };
            match self.ask(ProviderAsk::Execute(request.clone()), Some(cancel), &mut on_stream).await {
                CallAnswer::Attempt(outcome) => outcome,
                other => AttemptOutcome {
                    result: Err(other.into_error()),
                    usage: Default::default(),
                    tool_calls: Vec::new(),
                },
            }
        }
        .boxed_local()
    }

    fn test_connection(&self) -> LocalBoxFuture<'_, Result<String, TaskError>> {
        async move {
            match self.ask(ProviderAsk::TestConnection, None, &mut |_| {}).await {
                CallAnswer::Connection(answer) => Ok(answer),
                other => Err(other.into_error()),
            }
        }
        .boxed_local()
    }

    fn prompt_text(&self, request: &TaskRequest) -> String {
        messages_text(&task_messages(&self.settings.prompts, request))
    }

    fn missing_credentials(&self) -> Option<String> {
        self.settings.missing_credentials()
    }
}
