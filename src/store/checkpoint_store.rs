//! The checkpoint store as the driver and the restore logic see it: IndexedDB in the page, an
//! in-memory twin natively.

use futures::future::LocalBoxFuture;

use super::error::StoreError;
use super::record::{CallRecord, EventRecord, TaskRecord, WorkflowRecord};

/// Task records of a workflow and the problems met reading them (unreadable records are skipped).
pub type LoadedTasks = (Vec<TaskRecord>, Vec<String>);

/// Durable storage of workflows, task states, their event log and LLM calls. A write's future
/// completes once the write is durable.
pub trait CheckpointStore {
    /// Writes a workflow record and makes it the one resumed on the next load (one atomic write).
    fn put_workflow<'a>(&'a self, record: &'a WorkflowRecord) -> LocalBoxFuture<'a, Result<(), StoreError>>;
    /// Writes one task's state and its event-log entry atomically.
    fn checkpoint<'a>(
        &'a self,
        task: &'a TaskRecord,
        event: &'a EventRecord,
    ) -> LocalBoxFuture<'a, Result<(), StoreError>>;
    /// Writes the record of one LLM call.
    fn put_call<'a>(&'a self, call: &'a CallRecord) -> LocalBoxFuture<'a, Result<(), StoreError>>;
    /// The workflow `id`, if stored.
    fn workflow<'a>(&'a self, id: &'a str) -> LocalBoxFuture<'a, Result<Option<WorkflowRecord>, StoreError>>;
    /// The task records of workflow `id`.
    fn tasks<'a>(&'a self, workflow_id: &'a str) -> LocalBoxFuture<'a, Result<LoadedTasks, StoreError>>;
    /// The event log of workflow `id`, oldest first.
    fn events<'a>(&'a self, workflow_id: &'a str) -> LocalBoxFuture<'a, Result<Vec<EventRecord>, StoreError>>;
    /// The LLM calls of workflow `id`, oldest first.
    fn calls<'a>(&'a self, workflow_id: &'a str) -> LocalBoxFuture<'a, Result<Vec<CallRecord>, StoreError>>;
}
