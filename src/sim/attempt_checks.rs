//! Checks, at every dispatch, what must hold when a task starts: its
//! dependencies are done in the store, it is not already completed there, no more tasks run than
//! the limit, and no provider-wide `Retry-After` wait is cut short.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

use futures::FutureExt;

use crate::engine::{TaskError, TaskRequest, TaskStatus};
use crate::io::cancel::CancelToken;
use crate::io::runtime::Runtime;
use crate::llm::provider::{AttemptOutcome, Provider};
use crate::llm::watched_provider::{AttemptWatcher, WatchedProvider};
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

/// A task id and attempt number.
type Attempt = (String, u32);

/// Checks each attempt as it starts and ends, against the store and the observations.
pub struct AttemptChecks {
    runtime: Rc<dyn Runtime>,
    store: MemoryStore,
    workflow_id: String,
    max_parallel: usize,
    seen: Rc<RefCell<Observations>>,
    /// Whether each attempt in flight has been counted out (at its abort or its end).
    left: RefCell<HashMap<Attempt, Rc<Cell<bool>>>>,
}

impl AttemptChecks {
    /// `inner`, checked against `store`'s workflow `workflow_id`.
    pub fn watch(
        inner: Rc<dyn Provider>,
        runtime: Rc<dyn Runtime>,
        store: MemoryStore,
        workflow_id: &str,
        max_parallel: usize,
        seen: Rc<RefCell<Observations>>,
    ) -> Rc<dyn Provider> {
        let checks = AttemptChecks {
            runtime,
            store,
            workflow_id: workflow_id.to_string(),
            max_parallel,
            seen,
            left: RefCell::default(),
        };
        Rc::new(WatchedProvider::new(inner, Rc::new(checks)))
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
fn leave_once(seen: &Rc<RefCell<Observations>>, left: &Cell<bool>) {
    if !left.replace(true) {
        let mut seen = seen.borrow_mut();
        seen.in_flight = seen.in_flight.saturating_sub(1);
    }
}

impl AttemptWatcher for AttemptChecks {
    fn started(&self, request: &TaskRequest, cancel: &CancelToken) {
        self.check_start(request);
        let left = Rc::new(Cell::new(false));
        self.left.borrow_mut().insert((request.task_id.clone(), request.attempt), left.clone());
        let seen = self.seen.clone();
        cancel.on_cancel(move || leave_once(&seen, &left));
    }

    fn ended(&self, request: &TaskRequest, cancel: &CancelToken, outcome: &AttemptOutcome) {
        if let Some(left) = self.left.borrow_mut().remove(&(request.task_id.clone(), request.attempt)) {
            leave_once(&self.seen, &left);
        }
        if !cancel.is_cancelled() {
            self.check_end(&outcome.result);
        }
    }
}
