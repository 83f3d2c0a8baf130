//! The simulation's checkpoint store: the in-memory store, plus crashes injected around writes
//! (before a write lands, or after it landed but before it is acknowledged) and a check that a
//! completed task's record never changes afterwards.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use futures::future::{pending, LocalBoxFuture};
use futures::FutureExt;

use crate::engine::rng::SplitMix64;
use crate::engine::TaskStatus;
use crate::store::checkpoint_store::LoadedTasks;
use crate::store::record::{CallRecord, EventRecord, TaskRecord, WorkflowRecord};
use crate::store::{CheckpointStore, MemoryStore, StoreError};

/// The in-memory store with crash injection.
#[derive(Clone)]
pub struct SimStore {
    /// The durable data: what survives a crash.
    pub memory: MemoryStore,
    rng: Rc<RefCell<SplitMix64>>,
    crash_rate: Rc<Cell<f64>>,
    crash_requested: Rc<Cell<bool>>,
    violations: Rc<RefCell<Vec<String>>>,
}

/// Where a write crashed.
enum Crash {
    /// The write did not land.
    BeforeWrite,
    /// The write landed; its acknowledgement never came.
    AfterWrite,
}

impl SimStore {
    /// A store over `memory` that crashes around a write with probability `crash_rate`.
    pub fn new(memory: MemoryStore, seed: u64, crash_rate: f64) -> Self {
        SimStore {
            memory,
            rng: Rc::new(RefCell::new(SplitMix64::new(seed))),
            crash_rate: Rc::new(Cell::new(crash_rate)),
            crash_requested: Rc::default(),
            violations: Rc::default(),
        }
    }

    /// Whether a write asked for a crash (the schedule then crashes the runtime); clears the flag.
    pub fn take_crash_request(&self) -> bool {
        self.crash_requested.replace(false)
    }

    /// Stops injecting crashes (after the schedule's crash budget is spent).
    pub fn stop_crashing(&self) {
        self.crash_rate.set(0.0);
    }

    /// What the store saw wrong.
    pub fn violations(&self) -> Vec<String> {
        self.violations.borrow().clone()
    }

    fn crash_point(&self) -> Option<Crash> {
        let mut rng = self.rng.borrow_mut();
        if rng.next_f64() >= self.crash_rate.get() {
            return None;
        }
        self.crash_requested.set(true);
        Some(if rng.next_below(2) == 0 { Crash::BeforeWrite } else { Crash::AfterWrite })
    }

    /// Performs `write` around a possible crash: a crashed write's future never completes.
    fn guarded<'a>(
        &'a self,
        write: LocalBoxFuture<'a, Result<(), StoreError>>,
    ) -> LocalBoxFuture<'a, Result<(), StoreError>> {
        match self.crash_point() {
            None => write,
            Some(Crash::BeforeWrite) => pending().boxed_local(),
            Some(Crash::AfterWrite) => async move {
                let _ = write.await;
                pending::<Result<(), StoreError>>().await
            }
            .boxed_local(),
        }
    }

    fn check_completed_is_final(&self, task: &TaskRecord) {
        let before = self.memory.task_now(&task.workflow_id, &task.task_id);
        if let Some(before) = before.filter(|b| b.state.status == TaskStatus::Completed) {
            let (old, new) = (&before.state, &task.state);
            if new.status != old.status || new.result != old.result || new.attempts != old.attempts {
                self.violations.borrow_mut().push(format!(
                    "completed task {} was changed to {} (attempt {})",
                    task.task_id,
                    new.status.as_str(),
                    new.attempts
                ));
            }
        }
    }
}

impl CheckpointStore for SimStore {
    fn put_workflow<'a>(&'a self, record: &'a WorkflowRecord) -> LocalBoxFuture<'a, Result<(), StoreError>> {
        self.guarded(self.memory.put_workflow(record))
    }

    fn checkpoint<'a>(
        &'a self,
        task: &'a TaskRecord,
        event: &'a EventRecord,
    ) -> LocalBoxFuture<'a, Result<(), StoreError>> {
        self.check_completed_is_final(task);
        self.guarded(self.memory.checkpoint(task, event))
    }

    fn put_call<'a>(&'a self, call: &'a CallRecord) -> LocalBoxFuture<'a, Result<(), StoreError>> {
        self.guarded(self.memory.put_call(call))
    }

    fn workflow<'a>(&'a self, id: &'a str) -> LocalBoxFuture<'a, Result<Option<WorkflowRecord>, StoreError>> {
        self.memory.workflow(id)
    }

    fn tasks<'a>(&'a self, workflow_id: &'a str) -> LocalBoxFuture<'a, Result<LoadedTasks, StoreError>> {
        self.memory.tasks(workflow_id)
    }

    fn events<'a>(&'a self, workflow_id: &'a str) -> LocalBoxFuture<'a, Result<Vec<EventRecord>, StoreError>> {
        self.memory.events(workflow_id)
    }

    fn calls<'a>(&'a self, workflow_id: &'a str) -> LocalBoxFuture<'a, Result<Vec<CallRecord>, StoreError>> {
        self.memory.calls(workflow_id)
    }
}
