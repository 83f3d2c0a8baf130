//! A provider wrapper that checks, at every dispatch, what must hold when a task starts: its
//! dependencies are done in the store, it is not already completed there, no more tasks run than
//! the limit, and no provider-wide `Retry-After` wait is cut short.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use futures::future::LocalBoxFuture;
use futures::FutureExt;

use crate::engine::{ReplanRequest, TaskError, TaskRequest, TaskStatus};
use crate::io::cancel::CancelToken;
use crate::io::runtime::Runtime;
use crate::llm::provider::{AttemptOutcome, PlanAnswer, Provider};
use crate::llm::template::Template;
use crate::plan::{Plan, Task};
use crate::store::{CheckpointStore, MemoryStore};

/// Shared bookkeeping of the observations, across the incarnations of a schedule.
#[derive(Default)]
pub struct Observations {
    /// Violations seen at dispatch.
    pub violations: Vec<String>,
    /// Task attempts started.
    pub dispatches: u64,
    /// Attempts in flight now (an aborted one counts until its abort).
    in_flight: usize,
    /// No task may start after this virtual time (a timed 429 was reported) …
    not_before: f64,
    /// … if it starts later than the moment of that report.
    reported_at: f64,
    /// When a Cancel was sent (no task may start afterwards).
    cancelled_at: Option<f64>,
}

impl Observations {
    /// A crash: in-flight work is gone, a reload forgets back-offs, and a cancel whose status was
    /// not saved yet is lost with the tab (the user cancels again).
    pub fn crashed(&mut self, cancel_saved: bool) {
        self.in_flight = 0;
        self.not_before = 0.0;
        if !cancel_saved {
            self.cancelled_at = None;
        }
    }

    /// The user cancelled at `now`.
    pub fn cancelled(&mut self, now: f64) {
        self.cancelled_at = Some(now);
    }
}

/// The wrapper.
pub struct ObservedProvider {
    inner: Rc<dyn Provider>,
    runtime: Rc<dyn Runtime>,
    store: MemoryStore,
    workflow_id: String,
    max_parallel: usize,
    seen: Rc<RefCell<Observations>>,
}

impl ObservedProvider {
    /// Wraps `inner`; checks against `store`'s workflow `workflow_id`.
    pub fn new(
        inner: Rc<dyn Provider>,
        runtime: Rc<dyn Runtime>,
        store: MemoryStore,
        workflow_id: &str,
        max_parallel: usize,
        seen: Rc<RefCell<Observations>>,
    ) -> Self {
        ObservedProvider { inner, runtime, store, workflow_id: workflow_id.to_string(), max_parallel, seen }
    }

    fn check_start(&self, request: &TaskRequest) {
        let now = self.runtime.now_ms();
        let status = |id: &str| self.store.task_now(&self.workflow_id, id).map(|t| t.state.status);
        let id = &request.task_id;
        let again = status(id) == Some(TaskStatus::Completed);
        let plan = self.store.workflow(&self.workflow_id).now_or_never().and_then(Result::ok).flatten();
        let deps: Vec<String> =
            plan.as_ref().and_then(|w| w.plan.task(id)).map(|t| t.depends_on.clone()).unwrap_or_default();
        let undone: Vec<&String> =
            deps.iter().filter(|d| !matches!(status(d), Some(TaskStatus::Completed | TaskStatus::Skipped))).collect();
        let mut seen = self.seen.borrow_mut();
        if again {
            seen.violations.push(format!("{id} was dispatched again although it is completed in the store"));
        }
        for dep in undone {
            seen.violations.push(format!("{id} started before its dependency {dep} was done"));
        }
        seen.in_flight += 1;
        seen.dispatches += 1;
        if seen.in_flight > self.max_parallel {
            let message = format!("{} tasks ran at once (limit {})", seen.in_flight, self.max_parallel);
            seen.violations.push(message);
        }
        if now > seen.reported_at && now < seen.not_before {
            let message =
                format!("{id} started {:.0} ms before the provider's Retry-After was over", seen.not_before - now);
            seen.violations.push(message);
        }
        if seen.cancelled_at.is_some_and(|at| now > at) {
            seen.violations.push(format!("{id} started after the run was cancelled"));
        }
    }

    fn check_end(&self, result: &Result<String, TaskError>) {
        let now = self.runtime.now_ms();
        let mut seen = self.seen.borrow_mut();
        if let Err(TaskError { rate_limited: true, retry_after_ms: Some(wait), .. }) = result {
            seen.reported_at = now;
            seen.not_before = seen.not_before.max(now + *wait as f64);
        }
    }
}

/// Counts an attempt out of flight once: at its abort or its end, whichever comes first.
fn leave_once(seen: &Rc<RefCell<Observations>>, left: &Rc<Cell<bool>>) {
    if !left.replace(true) {
        let mut seen = seen.borrow_mut();
        seen.in_flight = seen.in_flight.saturating_sub(1);
    }
}

impl Provider for ObservedProvider {
    fn plan<'a>(
        &'a self,
        goal: &'a str,
        template: Option<Template>,
        on_task: &'a mut dyn FnMut(Task),
    ) -> LocalBoxFuture<'a, Result<PlanAnswer, TaskError>> {
        self.inner.plan(goal, template, on_task)
    }

    fn expand<'a>(&'a self, goal: &'a str, task: &'a Task) -> LocalBoxFuture<'a, Result<Plan, TaskError>> {
        self.inner.expand(goal, task)
    }

    fn replan<'a>(&'a self, request: &'a ReplanRequest) -> LocalBoxFuture<'a, Result<Plan, TaskError>> {
        self.inner.replan(request)
    }

    fn execute<'a>(
        &'a self,
        request: &'a TaskRequest,
        cancel: &'a CancelToken,
        on_delta: &'a mut dyn FnMut(&str),
    ) -> LocalBoxFuture<'a, AttemptOutcome> {
        async move {
            self.check_start(request);
            let left = Rc::new(Cell::new(false));
            let (seen, flag) = (self.seen.clone(), left.clone());
            cancel.on_cancel(move || leave_once(&seen, &flag));
            let outcome = self.inner.execute(request, cancel, on_delta).await;
            leave_once(&self.seen, &left);
            if !cancel.is_cancelled() {
                self.check_end(&outcome.result);
            }
            outcome
        }
        .boxed_local()
    }

    fn test_connection(&self) -> LocalBoxFuture<'_, Result<String, TaskError>> {
        self.inner.test_connection()
    }

    fn prompt_text(&self, request: &TaskRequest) -> String {
        self.inner.prompt_text(request)
    }

    fn missing_credentials(&self) -> Option<String> {
        self.inner.missing_credentials()
    }
}
