//! The thin browser loop around the pure engine: performs its commands (checkpoint, fetch, timers,
//! aborts) and feeds their outcomes back as events, one at a time.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

use futures::channel::mpsc::{unbounded, UnboundedSender};
use futures::future::LocalBoxFuture;
use futures::StreamExt;
use wasm_bindgen_futures::spawn_local;
use web_sys::AbortController;

use super::broadcast::{Broadcaster, Change, TabMessage};
use super::clock::now_ms;
use super::tab_lock::TabLock;
use crate::engine::{Command, Event, ReplanProposal, ReplanRecord, Run};
use crate::llm::provider::Provider;
use crate::plan::Plan;
use crate::store::indexed_db::Store;
use crate::store::record::{CallRecord, EventRecord, TaskRecord, WorkflowRecord};

/// Callbacks through which the driver reports to the UI.
pub struct DriverHooks {
    /// Called after every event with the run's new state.
    pub on_change: Box<dyn Fn(&Run)>,
    /// Called with a message when something fails that the user must know about (e.g. a checkpoint write).
    pub on_error: Box<dyn Fn(String)>,
    /// Called when the plan changed (streamed, expanded, re-planned).
    pub on_plan: Box<dyn Fn(Plan)>,
    /// Called when a re-plan was applied or refused.
    pub on_replan: Box<dyn Fn(ReplanRecord)>,
    /// Called when a re-plan waits for the user's approval.
    pub on_proposal: Box<dyn Fn(ReplanProposal)>,
    /// Called as a task's answer streams in.
    pub on_delta: DeltaHook,
}

/// Receives `(task id, attempt, text)` for each streamed piece of a task's answer.
pub type DeltaHook = Box<dyn Fn(&str, u32, &str)>;

struct Inner {
    run: RefCell<Run>,
    workflow: RefCell<WorkflowRecord>,
    provider: Provider,
    store: Option<Store>,
    hooks: DriverHooks,
    events: UnboundedSender<Event>,
    in_flight: RefCell<HashMap<(String, u32), AbortController>>,
    stopped: Cell<bool>,
    broadcaster: Option<Broadcaster>,
    lock: RefCell<Option<TabLock>>,
}

/// Drives one [`Run`] in the page. Dropping it does not stop it; call [`Driver::stop`].
#[derive(Clone)]
pub struct Driver {
    inner: Rc<Inner>,
}

impl Driver {
    /// Starts driving `run` (fresh or restored) for `workflow`, checkpointing to `store` when there
    /// is one; `lock` is the tab lock on the workflow, released when the driver stops.
    pub fn start(
        run: Run,
        workflow: WorkflowRecord,
        provider: Provider,
        store: Option<Store>,
        hooks: DriverHooks,
        lock: Option<TabLock>,
    ) -> Driver {
        let (events, mut receiver) = unbounded::<Event>();
        let inner = Rc::new(Inner {
            run: RefCell::new(run),
            workflow: RefCell::new(workflow),
            provider,
            store,
            hooks,
            events,
            in_flight: RefCell::new(HashMap::new()),
            stopped: Cell::new(false),
            broadcaster: Broadcaster::open(),
            lock: RefCell::new(lock),
        });
        let looped = inner.clone();
        spawn_local(async move {
            while let Some(event) = receiver.next().await {
                if looped.stopped.get() {
                    break;
                }
                // A streamed task is saved with the workflow at once, so a reload keeps it.
                let arrived = match &event {
                    Event::TaskArrived(task) => Some(task.clone()),
                    _ => None,
                };
                let commands = looped.run.borrow_mut().handle(event, now_ms());
                if let Some(task) = arrived {
                    save_workflow(&looped, |w| w.plan.tasks.push(task)).await;
                }
                (looped.hooks.on_change)(&looped.run.borrow());
                for command in commands {
                    if looped.stopped.get() {
                        break;
                    }
                    perform(&looped, command).await;
                }
            }
        });
        let driver = Driver { inner };
        driver.send(Event::Start);
        driver
    }

    /// Queues an event (a user action such as pause, retry or skip) for the run.
    pub fn send(&self, event: Event) {
        let _ = self.inner.events.unbounded_send(event);
    }

    /// Hands the driver the tab lock on its workflow (taken after the start for a brand-new workflow).
    pub fn set_lock(&self, lock: TabLock) {
        if self.inner.stopped.get() {
            drop(lock);
        } else {
            *self.inner.lock.borrow_mut() = Some(lock);
        }
    }

    /// Stops the loop and aborts every request in flight; nothing more is written.
    pub fn stop(&self) {
        self.inner.stopped.set(true);
        for (_, controller) in self.inner.in_flight.borrow_mut().drain() {
            controller.abort();
        }
        self.inner.events.close_channel();
        if let Some(mut lock) = self.inner.lock.borrow_mut().take() {
            lock.release();
        }
    }
}

async fn perform(inner: &Rc<Inner>, command: Command) {
    match command {
        Command::Checkpoint { task, state } => {
            if let Some(store) = &inner.store {
                let workflow_id = inner.workflow.borrow().id.clone();
                let event = EventRecord {
                    workflow_id: workflow_id.clone(),
                    task_id: task.clone(),
                    status: state.status.as_str().to_string(),
                    attempt: state.attempts,
                    at_ms: now_ms(),
                };
                let record = TaskRecord { workflow_id, task_id: task, state };
                let result = store.checkpoint(&record, &event).await;
                broadcast(inner, Change::Task(record.task_id.clone(), record.state.clone()));
                if let Err(e) = result {
                    (inner.hooks.on_error)(format!("{e} — the run continues, but a reload may lose this step"));
                }
            }
        }
        Command::Dispatch(request) => {
            let Ok(controller) = AbortController::new() else {
                (inner.hooks.on_error)("the browser refused to create an AbortController".into());
                return;
            };
            let signal = controller.signal();
            inner.in_flight.borrow_mut().insert((request.task_id.clone(), request.attempt), controller);
            let task = inner.clone();
            spawn_local(async move {
                let streaming = task.clone();
                let (id, attempt) = (request.task_id.clone(), request.attempt);
                let mut on_delta = move |text: &str| (streaming.hooks.on_delta)(&id, attempt, text);
                let (outcome, usage) = task.provider.execute(&request, &signal, &mut on_delta).await;
                task.in_flight.borrow_mut().remove(&(request.task_id.clone(), request.attempt));
                if task.stopped.get() {
                    return;
                }
                if let Some(store) = &task.store {
                    let workflow_id = task.workflow.borrow().id.clone();
                    let response = match &outcome {
                        Ok(text) => text.clone(),
                        Err(e) => format!("error: {}", e.message),
                    };
                    let prompt = task.provider.prompt_text(&request);
                    let call = CallRecord::capped(
                        &workflow_id,
                        &request.task_id,
                        request.attempt,
                        now_ms(),
                        &prompt,
                        &response,
                    );
                    if let Err(e) = store.put_call(&call).await {
                        (task.hooks.on_error)(e.to_string());
                    }
                }
                let (task_id, attempt) = (request.task_id, request.attempt);
                let _ = task.events.unbounded_send(Event::UsageReported { task: task_id.clone(), usage });
                let event = match outcome {
                    Ok(output) => Event::TaskSucceeded { task: task_id, attempt, output },
                    Err(error) => Event::TaskFailed { task: task_id, attempt, error },
                };
                let _ = task.events.unbounded_send(event);
            });
        }
        Command::Abort { task, attempt } => {
            if let Some(controller) = inner.in_flight.borrow_mut().remove(&(task, attempt)) {
                controller.abort();
            }
        }
        Command::StartTimer { timer, after_ms } => {
            let events = inner.events.clone();
            let delay = after_ms.min(u32::MAX as u64) as u32;
            spawn_local(async move {
                gloo_timers::future::TimeoutFuture::new(delay).await;
                let _ = events.unbounded_send(Event::TimerFired(timer));
            });
        }
        Command::RunStatusChanged(status) => {
            // A resumed run restarting reports the status its record already holds: no rewrite.
            if inner.workflow.borrow().status != status {
                save_workflow(inner, |w| w.status = status).await;
            }
            broadcast(inner, Change::Status(status));
        }
        Command::PlanChanged(plan) => {
            (inner.hooks.on_plan)(plan.clone());
            broadcast(inner, Change::Plan(plan.clone()));
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
            spawn_local(async move {
                let answer = task.provider.replan(&request).await;
                let event = match answer {
                    Ok(plan) => Event::ReplanReady(plan),
                    Err(error) => Event::ReplanFailed(error.message),
                };
                if !task.stopped.get() {
                    let _ = task.events.unbounded_send(event);
                }
            });
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

/// Tells read-only tabs showing this workflow what changed.
fn broadcast(inner: &Rc<Inner>, change: Change) {
    if let Some(broadcaster) = &inner.broadcaster {
        broadcaster.post(&TabMessage { workflow_id: inner.workflow.borrow().id.clone(), change });
    }
}

/// Applies `change` to the workflow record and saves it.
fn save_workflow(inner: &Rc<Inner>, change: impl FnOnce(&mut WorkflowRecord)) -> LocalBoxFuture<'_, ()> {
    let record = {
        let mut workflow = inner.workflow.borrow_mut();
        change(&mut workflow);
        workflow.updated_ms = now_ms();
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
                (inner.hooks.on_error)(e.to_string());
            }
        }
    })
}
