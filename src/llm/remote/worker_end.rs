//! The worker's end: [`ProviderHost`] makes the providers the page opens, runs each call in the
//! background and posts what it streams and how it ended; questions about unknown hosts go to the
//! page and wait for its answer.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::{Rc, Weak};

use futures::channel::oneshot;
use futures::future::{FutureExt, LocalBoxFuture};

use super::protocol::{CallAnswer, FromWorker, ProviderAsk, ToWorker};
use crate::engine::TaskError;
use crate::io::cancel::CancelToken;
use crate::io::egress_gate::{EgressDecision, EgressGate, EgressQuestion};
use crate::io::runtime::Runtime;
use crate::llm::egress::{Egress, HostAllowlist};
use crate::llm::provider::Provider;
use crate::llm::source::ProviderSource;

/// Runs the page's provider calls with providers from `source`, posting through `out`.
pub struct ProviderHost {
    inner: Rc<HostInner>,
}

struct HostInner {
    source: Rc<dyn ProviderSource>,
    out: Box<dyn Fn(FromWorker)>,
    runtime: Rc<dyn Runtime>,
    state: RefCell<HostState>,
}

/// What the worker's end keeps track of.
#[derive(Default)]
struct HostState {
    /// The open providers, each with its copy of the workflow's allowlist.
    providers: HashMap<u32, (Rc<dyn Provider>, HostAllowlist)>,
    /// The calls running, each with its cancellation.
    calls: HashMap<u32, CancelToken>,
    /// Questions put to the page, each with where its answer goes.
    questions: HashMap<u32, oneshot::Sender<EgressDecision>>,
    /// The last number given to a question.
    last_question: u32,
}

impl ProviderHost {
    /// A host with no provider open yet.
    pub fn new(source: Rc<dyn ProviderSource>, out: Box<dyn Fn(FromWorker)>, runtime: Rc<dyn Runtime>) -> Self {
        ProviderHost { inner: Rc::new(HostInner { source, out, runtime, state: RefCell::default() }) }
    }

    /// Handles a message of the page.
    pub fn receive(&self, message: ToWorker) {
        let inner = &self.inner;
        match message {
            ToWorker::Open { provider, setup, page_origin, asks } => {
                let hosts = HostAllowlist::default();
                let gate =
                    asks.then(|| Rc::new(RelayGate { host: Rc::downgrade(inner), provider }) as Rc<dyn EgressGate>);
                let egress = Egress { gate, hosts: hosts.clone(), page_origin };
                let made = inner.source.connect((*setup).into_settings(), egress);
                inner.state.borrow_mut().providers.insert(provider, (made, hosts));
            }
            ToWorker::Close { provider } => {
                // Dropped once the state is no longer borrowed: a provider that goes ends its sessions.
                let closed = inner.state.borrow_mut().providers.remove(&provider);
                drop(closed);
            }
            ToWorker::Call { call, provider, hosts, ask } => {
                let open = inner.state.borrow().providers.get(&provider).cloned();
                let Some((made, allowed)) = open else {
                    let error =
                        TaskError::permanent("the provider worker does not know this provider: reload the page");
                    return (inner.out)(FromWorker::Done(call, CallAnswer::Failed(error)));
                };
                for host in hosts {
                    if !allowed.borrow().contains(&host) {
                        allowed.borrow_mut().push(host);
                    }
                }
                let run = |cancel: CancelToken, inner: Rc<HostInner>| {
                    async move { run_ask(&*made, ask, call, &cancel, &*inner.out).await }.boxed_local()
                };
                inner.spawn_call(call, run);
            }
            ToWorker::ListMcpTools { call, url, token } => {
                inner.spawn_call(call, |cancel, inner| {
                    let listed = inner.source.list_mcp_tools(&url, &token, &cancel);
                    async move { listed.await.map_or_else(|e| CallAnswer::McpFailed(e.to_string()), CallAnswer::McpTools) }.boxed_local()
                });
            }
            ToWorker::ToolNames { call, settings, kinds } => {
                inner.spawn_call(call, |_, inner| {
                    let names = inner.source.tool_names(&settings, kinds);
                    async move {
                        names
                            .await
                            .map_or_else(|why| CallAnswer::Failed(TaskError::permanent(why)), CallAnswer::ToolNames)
                    }
                    .boxed_local()
                });
            }
            ToWorker::Cancel { call } => {
                let cancel = inner.state.borrow().calls.get(&call).cloned();
                if let Some(cancel) = cancel {
                    cancel.cancel()
                }
            }
            ToWorker::Decide { question, decision } => {
                let waiting = inner.state.borrow_mut().questions.remove(&question);
                if let Some(waiting) = waiting {
                    let _ = waiting.send(decision);
                }
            }
        }
    }
}

impl HostInner {
    /// Runs call `call`, the future `run` makes of its cancellation, in the background, and posts
    /// its answer.
    fn spawn_call(
        self: &Rc<Self>,
        call: u32,
        run: impl FnOnce(CancelToken, Rc<HostInner>) -> LocalBoxFuture<'static, CallAnswer>,
    ) {
        let cancel = CancelToken::new();
        self.state.borrow_mut().calls.insert(call, cancel.clone());
        let answer = run(cancel, self.clone());
        let inner = self.clone();
        self.runtime.spawn(Box::pin(async move {
            let answer = answer.await;
            inner.state.borrow_mut().calls.remove(&call);
            (inner.out)(FromWorker::Done(call, answer));
        }));
    }
}

/// Runs `ask` on `provider` as call `call`, posting what it streams through `out`.
async fn run_ask(
    provider: &dyn Provider,
    ask: ProviderAsk,
    call: u32,
    cancel: &CancelToken,
    out: &dyn Fn(FromWorker),
) -> CallAnswer {
    match ask {
        ProviderAsk::Plan { goal, template } => {
            let mut on_task = |task| out(FromWorker::Task(call, task));
            CallAnswer::of(provider.plan(&goal, template, &mut on_task).await, CallAnswer::Plan)
        }
        ProviderAsk::Expand { goal, task } => CallAnswer::of(provider.expand(&goal, &task).await, CallAnswer::Subplan),
        ProviderAsk::Replan(request) => CallAnswer::of(provider.replan(&request).await, CallAnswer::Subplan),
        ProviderAsk::Execute(request) => {
            let mut on_delta = |text: &str| out(FromWorker::Delta(call, text.to_string()));
            CallAnswer::Attempt(provider.execute(&request, cancel, &mut on_delta).await)
        }
        ProviderAsk::TestConnection => CallAnswer::of(provider.test_connection().await, CallAnswer::Connection),
    }
}

/// The gate of a provider in the worker: it puts the question to the page and waits for the
/// answer; a question whose asker gives up is withdrawn from the page.
struct RelayGate {
    host: Weak<HostInner>,
    provider: u32,
}

impl EgressGate for RelayGate {
    fn ask(&self, ask: EgressQuestion) -> LocalBoxFuture<'static, EgressDecision> {
        let Some(host) = self.host.upgrade() else { return async { EgressDecision::Deny }.boxed_local() };
        let (answer, answered) = oneshot::channel();
        let question = {
            let mut state = host.state.borrow_mut();
            let question = state.last_question.wrapping_add(1);
            state.last_question = question;
            state.questions.insert(question, answer);
            question
        };
        (host.out)(FromWorker::Ask(self.provider, question, ask));
        let withdraw = Withdraw { host: self.host.clone(), question };
        async move {
            let _withdraw = withdraw;
            answered.await.unwrap_or(EgressDecision::Deny)
        }
        .boxed_local()
    }
}

/// Withdraws a question from the page when its asker stops waiting before the answer.
struct Withdraw {
    host: Weak<HostInner>,
    question: u32,
}

impl Drop for Withdraw {
    fn drop(&mut self) {
        let Some(host) = self.host.upgrade() else { return };
        let waiting = host.state.borrow_mut().questions.remove(&self.question);
        if waiting.is_some() {
            (host.out)(FromWorker::Withdraw(self.question));
        }
    }
}
