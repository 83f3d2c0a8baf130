//! The loop around the pure engine: performs its commands (checkpoint, dispatch, timers, aborts,
//! re-plans) through the provider, the store and the runtime, and feeds their outcomes back as
//! events, one at a time. Plain Rust: the page runs it on the browser's runtime, the tests and the
//! simulation on a simulated one.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

use futures::channel::mpsc::{unbounded, UnboundedSender};
use futures::future::LocalBoxFuture;
use futures::StreamExt;

use crate::engine::{Command, Event, ReplanProposal, ReplanRecord, Run, RunStatus, TaskRequest, TaskState};
use crate::io::cancel::CancelToken;
use crate::io::runtime::Runtime;
use crate::llm::provider::Provider;
use crate::llm::tools::{host_key, ToolAccess, ToolCallLog};
use crate::plan::{Plan, TaskId};
use crate::store::record::{CallRecord, EventRecord, TaskRecord, WorkflowRecord};
use crate::store::{CheckpointStore, StoreError};

/// Receives `(task id, attempt, text)` for each streamed piece of a task's answer.
pub type DeltaHook = Box<dyn Fn(&str, u32, &str)>;

/// Receives a task's id and new state.
pub type TaskHook = Box<dyn Fn(&TaskId, &TaskState)>;

/// Callbacks through which the driver reports to the page. Each follows one engine command, so
/// the page's work is proportional to what changed.
pub struct DriverHooks {
    /// A task's state changed (after its checkpoint write was attempted).
    pub on_task: TaskHook,
    /// The run's status changed.
    pub on_status: Box<dyn Fn(RunStatus)>,
    /// The plan changed (streamed, expanded, re-planned).
    pub on_plan: Box<dyn Fn(&Plan)>,
    /// A re-plan was applied or refused.
    pub on_replan: Box<dyn Fn(ReplanRecord)>,
    /// A re-plan waits for the user's approval.
    pub on_proposal: Box<dyn Fn(ReplanProposal)>,
    /// A task's answer streams in.
    pub on_delta: DeltaHook,
    /// Something failed that the user must know about (e.g. a checkpoint write).
    pub on_error: Box<dyn Fn(String)>,
    /// The run waits for the provider (`Some(why)`, e.g. a missing key) or goes on (`None`).
    pub on_waiting: Box<dyn Fn(Option<String>)>,
}

impl Default for DriverHooks {
    fn default() -> Self {
        DriverHooks {
            on_task: Box::new(|_, _| {}),
            on_status: Box::new(|_| {}),
            on_plan: Box::new(|_| {}),
            on_replan: Box::new(|_| {}),
            on_proposal: Box::new(|_| {}),
            on_delta: Box::new(|_, _, _| {}),
            on_error: Box::new(|_| {}),
            on_waiting: Box::new(|_| {}),
        }
    }
}

/// What the driver works through.
pub struct DriverPorts {
    /// The LLM.
    pub provider: Rc<dyn Provider>,
    /// Where checkpoints go (`None`: the run lives in memory only).
    pub store: Option<Rc<dyn CheckpointStore>>,
    /// Time, timers and background work.
    pub runtime: Rc<dyn Runtime>,
}

struct Inner {
    run: RefCell<Run>,
    workflow: RefCell<WorkflowRecord>,
    provider: RefCell<Rc<dyn Provider>>,
    store: Option<Rc<dyn CheckpointStore>>,
    runtime: Rc<dyn Runtime>,
    hooks: DriverHooks,
    events: UnboundedSender<Event>,
    in_flight: RefCell<HashMap<(TaskId, u32), CancelToken>>,
    stopped: Cell<bool>,
    /// Time of the last event-log entry: each entry gets a later one (by a microsecond when the
    /// clock has not moved), so the log's keys are unique and sort in the order of the changes.
    last_logged_ms: Cell<f64>,
}

/// Drives one [`Run`]. Dropping it does not stop it; call [`Driver::stop`].
#[derive(Clone)]
pub struct Driver {
    inner: Rc<Inner>,
}

impl Driver {
    /// Starts driving `run` (fresh or restored) for `workflow`. The driver is the only writer of
    /// the workflow's records from here on. A provider that lacks its key holds every dispatch
    /// until [`Driver::set_provider`] brings one that has it.
    pub fn start(run: Run, workflow: WorkflowRecord, ports: DriverPorts, hooks: DriverHooks) -> Driver {
        let (events, mut receiver) = unbounded::<Event>();
        let inner = Rc::new(Inner {
            run: RefCell::new(run),
            workflow: RefCell::new(workflow),
            provider: RefCell::new(ports.provider),
            store: ports.store,
            runtime: ports.runtime,
            hooks,
            events,
            in_flight: RefCell::new(HashMap::new()),
            stopped: Cell::new(false),
            last_logged_ms: Cell::new(f64::NEG_INFINITY),
        });
        let looped = inner.clone();
        inner.runtime.spawn(Box::pin(async move {
            while let Some(event) = receiver.next().await {
                if looped.stopped.get() {
                    break;
                }
                // A streamed task is saved with the workflow at once, so a reload keeps it.
                let arrived = match &event {
                    Event::TaskArrived(task) => Some(task.clone()),
                    _ => None,
                };
                let now = looped.runtime.now_ms();
                let commands = looped.run.borrow_mut().handle(event, now);
                if let Some(task) = arrived {
                    save_workflow(&looped, |w| w.plan.tasks.push(task)).await;
                }
                for command in commands {
                    if looped.stopped.get() {
                        break;
                    }
                    perform(&looped, command).await;
                }
            }
        }));
        let driver = Driver { inner };
        let waiting = driver.inner.provider.borrow().missing_credentials();
        if let Some(reason) = waiting {
            (driver.inner.hooks.on_waiting)(Some(reason.clone()));
            driver.send(Event::ProviderUnavailable { reason });
        }
        driver.send(Event::Start);
        driver
    }

    /// Queues an event (a user action such as pause, retry or skip) for the run.
    pub fn send(&self, event: Event) {
        let _ = self.inner.events.unbounded_send(event);
    }

    /// Uses `provider` from now on (new settings, e.g. the key entered after a reload): a run that
    /// waited for a credential goes on once the new provider has it.
    pub fn set_provider(&self, provider: Rc<dyn Provider>) {
        let before = self.inner.provider.borrow().missing_credentials();
        let after = provider.missing_credentials();
        *self.inner.provider.borrow_mut() = provider;
        match (before, after) {
            (Some(_), None) => {
                (self.inner.hooks.on_waiting)(None);
                self.send(Event::ProviderAvailable);
            }
            (None, Some(reason)) => {
                (self.inner.hooks.on_waiting)(Some(reason.clone()));
                self.send(Event::ProviderUnavailable { reason });
            }
            _ => {}
        }
    }

    /// The run's current state, read through `f`.
    pub fn with_run<R>(&self, f: impl FnOnce(&Run) -> R) -> R {
        f(&self.inner.run.borrow())
    }

    /// Stops the loop and cancels every request in flight; nothing more is written.
    pub fn stop(&self) {
        self.inner.stopped.set(true);
        let in_flight: Vec<CancelToken> = self.inner.in_flight.borrow_mut().drain().map(|(_, c)| c).collect();
        in_flight.iter().for_each(CancelToken::cancel);
        self.inner.events.close_channel();
    }
}

async fn perform(inner: &Rc<Inner>, command: Command) {
    match command {
        Command::Checkpoint { task, state } => {
            if let Some(store) = &inner.store {
                let workflow_id = inner.workflow.borrow().id.clone();
                let at_ms = inner.runtime.now_ms().max(inner.last_logged_ms.get() + 0.001);
                inner.last_logged_ms.set(at_ms);
                let event = EventRecord::of(&workflow_id, &task, &state, at_ms);
                let record = TaskRecord { workflow_id, task_id: task, state };
                if let Err(e) = store.checkpoint(&record, &event).await {
                    report_store_error(inner, &e);
                }
                (inner.hooks.on_task)(&record.task_id, &record.state);
            } else {
                (inner.hooks.on_task)(&task, &state);
            }
        }
        Command::Dispatch(request) => dispatch(inner, request),
        Command::Abort { task, attempt } => {
            if let Some(cancel) = inner.in_flight.borrow_mut().remove(&(task, attempt)) {
                cancel.cancel();
            }
        }
        Command::StartTimer { timer, after_ms } => {
            let events = inner.events.clone();
            let sleep = inner.runtime.sleep(after_ms);
            inner.runtime.spawn(Box::pin(async move {
                sleep.await;
                let _ = events.unbounded_send(Event::TimerFired(timer));
            }));
        }
        Command::RunStatusChanged(status) => {
            // A resumed run restarting reports the status its record already holds: no rewrite.
            if inner.workflow.borrow().status != status {
                save_workflow(inner, |w| w.status = status).await;
            }
            (inner.hooks.on_status)(status);
        }
        Command::PlanChanged(plan) => {
            (inner.hooks.on_plan)(&plan);
            save_workflow(inner, |w| w.plan = plan).await;
        }
        Command::ReplanProposed(proposal) => {
            (inner.hooks.on_proposal)(proposal.clone());
            save_workflow(inner, |w| w.pending_replan = Some(proposal)).await;
        }
        Command::ReplanRecorded(record) => {
            (inner.hooks.on_replan)(record.clone());
            save_workflow(inner, |w| {
                w.replans.push(record);
                w.pending_replan = None;
            })
            .await;
        }
        Command::RequestReplan(request) => {
            let task = inner.clone();
            let provider = inner.provider.borrow().clone();
            inner.runtime.spawn(Box::pin(async move {
                let event = match provider.replan(&request).await {
                    Ok(plan) => Event::ReplanReady(plan),
                    Err(error) => Event::ReplanFailed(error.message),
                };
                if !task.stopped.get() {
                    let _ = task.events.unbounded_send(event);
                }
            }));
        }
        Command::PlanInvalid(issues) => {
            let messages: Vec<String> = issues.into_iter().map(|i| i.message).collect();
            (inner.hooks.on_error)(format!(
                "The streamed plan is invalid, nothing new starts: {}",
                messages.join("; ")
            ));
        }
        Command::Refused(message) => (inner.hooks.on_error)(message),
    }
}

/// Sends one attempt of a task in the background; its call is recorded and its outcome fed back.
fn dispatch(inner: &Rc<Inner>, request: TaskRequest) {
    let cancel = CancelToken::new();
    inner.in_flight.borrow_mut().insert((request.task_id.clone(), request.attempt), cancel.clone());
    let task = inner.clone();
    let provider = inner.provider.borrow().clone();
    inner.runtime.spawn(Box::pin(async move {
        let streaming = task.clone();
        let (id, attempt) = (request.task_id.clone(), request.attempt);
        let mut on_delta = move |text: &str| (streaming.hooks.on_delta)(&id, attempt, text);
        let outcome = provider.execute(&request, &cancel, &mut on_delta).await;
        task.in_flight.borrow_mut().remove(&(request.task_id.clone(), request.attempt));
        if task.stopped.get() {
            return;
        }
        if let Some(store) = &task.store {
            let workflow_id = task.workflow.borrow().id.clone();
            let response = match &outcome.result {
                Ok(text) => text.clone(),
                Err(e) => format!("error: {}", e.message),
            };
            let prompt = provider.prompt_text(&request);
            let now = task.runtime.now_ms();
            let mut call = CallRecord::capped(&workflow_id, &request.task_id, request.attempt, now, &prompt, &response);
            call.tool_calls.clone_from(&outcome.tool_calls);
            call.usage = Some(outcome.usage.clone());
            if let Err(e) = store.put_call(&call).await {
                report_store_error(&task, &e);
            }
        }
        remember_allowed_hosts(&task, &outcome.tool_calls).await;
        let (task_id, attempt) = (request.task_id, request.attempt);
        let _ = task.events.unbounded_send(Event::UsageReported { task: task_id.clone(), usage: outcome.usage });
        let event = match outcome.result {
            Ok(output) => Event::TaskSucceeded { task: task_id, attempt, output },
            Err(error) => Event::TaskFailed { task: task_id, attempt, error },
        };
        let _ = task.events.unbounded_send(event);
    }));
}

/// Adds the hosts the user allowed during an attempt ("allow this host") to the workflow's
/// allowlist and saves it, so a reload keeps them.
async fn remember_allowed_hosts(inner: &Rc<Inner>, tool_calls: &[ToolCallLog]) {
    let known = inner.workflow.borrow().allowed_hosts.clone();
    let mut added: Vec<String> = Vec::new();
    for host in tool_calls.iter().filter(|c| c.access == ToolAccess::AskedAllowedHost).filter_map(|c| host_key(&c.url))
    {
        if !known.contains(&host) && !added.contains(&host) {
            added.push(host);
        }
    }
    if !added.is_empty() {
        save_workflow(inner, |w| w.allowed_hosts.extend(added)).await;
    }
}

/// Tells the page that a write failed; the run goes on in memory.
fn report_store_error(inner: &Inner, error: &StoreError) {
    (inner.hooks.on_error)(format!("{error} — the run continues, but a reload may lose this step"));
}

/// Applies `change` to the workflow record and saves it.
fn save_workflow(inner: &Rc<Inner>, change: impl FnOnce(&mut WorkflowRecord)) -> LocalBoxFuture<'_, ()> {
    let record = {
        let mut workflow = inner.workflow.borrow_mut();
        change(&mut workflow);
        workflow.updated_ms = inner.runtime.now_ms();
        workflow.clone()
    };
    store_workflow(inner, record)
}

/// Saves `record`. One boxed future for every caller, so the write is compiled once, not once per
/// kind of change (it keeps the Wasm bundle smaller).
fn store_workflow(inner: &Rc<Inner>, record: WorkflowRecord) -> LocalBoxFuture<'_, ()> {
    Box::pin(async move {
        if let Some(store) = &inner.store {
            if let Err(e) = store.put_workflow(&record).await {
                report_store_error(inner, &e);
            }
        }
    })
}
