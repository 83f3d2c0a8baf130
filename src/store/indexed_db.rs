//! The IndexedDB checkpoint store. Records are stored as JSON strings so a corrupt one is reported
//! with a clear message and skipped instead of breaking the load.
//!
//! Schema (database version 2): `workflows` (by id), `tasks` (by workflow and task id), `events`
//! (append-only state-change log), `calls` (prompt/response per LLM call), `meta` (which workflow
//! to resume). Version 1 had no `events`/`calls`; opening a version-1 database adds them.

use std::rc::Rc;

use indexed_db_futures::database::Database;
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::TransactionMode;
use indexed_db_futures::KeyRange;

use super::record::{
    log_key, task_key, task_key_range, CallRecord, EventRecord, TaskRecord, WorkflowRecord, SCHEMA_VERSION,
};

const WORKFLOWS: &str = "workflows";
const TASKS: &str = "tasks";
const EVENTS: &str = "events";
const CALLS: &str = "calls";
const META: &str = "meta";
const CURRENT_KEY: &str = "current_workflow";
/// IndexedDB database version (the schema's version).
pub const DB_VERSION: u32 = 2;

/// A handle on Planwright's IndexedDB database.
#[derive(Debug, Clone)]
pub struct Store {
    db: Rc<Database>,
}

/// A store failure, with a message fit for the UI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreError(pub String);

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "checkpoint storage: {}", self.0)
    }
}

fn err(context: &str) -> impl Fn(indexed_db_futures::error::Error) -> StoreError + '_ {
    move |e| {
        let text = e.to_string();
        if text.contains("QuotaExceeded") {
            StoreError(format!(
                "{context}: storage is full (the browser's quota for this page is used up; delete old \
                 workflows in History to free space) — {text}"
            ))
        } else {
            StoreError(format!("{context}: {text}"))
        }
    }
}

fn decode<T: serde::de::DeserializeOwned>(what: &str, json: &str) -> Result<T, String> {
    serde_json::from_str(json).map_err(|e| format!("an unreadable {what} record was skipped ({e})"))
}

impl Store {
    /// Opens (creating or migrating) the database `name`.
    pub async fn open(name: &str) -> Result<Store, StoreError> {
        let db = Database::open(name)
            .with_version(DB_VERSION)
            .with_on_upgrade_needed(|event, db| {
                let old = event.old_version();
                if old < 1.0 {
                    db.create_object_store(WORKFLOWS).build()?;
                    db.create_object_store(TASKS).build()?;
                    db.create_object_store(META).build()?;
                }
                if old < 2.0 {
                    db.create_object_store(EVENTS).build()?;
                    db.create_object_store(CALLS).build()?;
                }
                Ok(())
            })
            .await
            .map_err(|e| StoreError(format!("cannot open IndexedDB ({e}); the run continues in memory only")))?;
        Ok(Store { db: Rc::new(db) })
    }

    async fn put(&self, store: &str, key: String, value: String) -> Result<(), StoreError> {
        let tx =
            self.db.transaction(store).with_mode(TransactionMode::Readwrite).build().map_err(err("begin write"))?;
        let object_store = tx.object_store(store).map_err(err("open store"))?;
        object_store.put(value).with_key(key).await.map_err(err("write"))?;
        tx.commit().await.map_err(err("commit"))
    }

    async fn get(&self, store: &str, key: &str) -> Result<Option<String>, StoreError> {
        let tx = self.db.transaction(store).build().map_err(err("begin read"))?;
        let object_store = tx.object_store(store).map_err(err("open store"))?;
        object_store.get::<String, String, _>(key.to_string()).await.map_err(err("read"))
    }

    /// Every value of `store` whose key starts with `workflow_id` and a NUL.
    async fn range(&self, store: &str, workflow_id: &str) -> Result<Vec<String>, StoreError> {
        let tx = self.db.transaction(store).build().map_err(err("begin read"))?;
        let object_store = tx.object_store(store).map_err(err("open store"))?;
        let (low, high) = task_key_range(workflow_id);
        let values = object_store
            .get_all::<String>()
            .with_query::<String, _>(KeyRange::Bound(low, false, high, false))
            .await
            .map_err(err("read"))?;
        values.map(|v| v.map_err(err("read"))).collect()
    }

    /// Writes a workflow record and makes it the one resumed on the next load.
    pub async fn put_workflow(&self, record: &WorkflowRecord) -> Result<(), StoreError> {
        let json = serde_json::to_string(record).map_err(|e| StoreError(e.to_string()))?;
        self.put(WORKFLOWS, record.id.clone(), json).await?;
        self.put(META, CURRENT_KEY.to_string(), record.id.clone()).await
    }

    /// Writes one task's state and its event-log entry in one short read-write transaction.
    pub async fn checkpoint(&self, task: &TaskRecord, event: &EventRecord) -> Result<(), StoreError> {
        let task_json = serde_json::to_string(task).map_err(|e| StoreError(e.to_string()))?;
        let event_json = serde_json::to_string(event).map_err(|e| StoreError(e.to_string()))?;
        let tx = self
            .db
            .transaction([TASKS, EVENTS])
            .with_mode(TransactionMode::Readwrite)
            .build()
            .map_err(err("begin write"))?;
        let tasks = tx.object_store(TASKS).map_err(err("open store"))?;
        let events = tx.object_store(EVENTS).map_err(err("open store"))?;
        tasks.put(task_json).with_key(task_key(&task.workflow_id, &task.task_id)).await.map_err(err("write task"))?;
        let key = log_key(&event.workflow_id, event.at_ms, &event.task_id, event.attempt);
        events.put(event_json).with_key(key).await.map_err(err("write event"))?;
        tx.commit().await.map_err(err("commit"))
    }

    /// Writes one task's state alone (used when no state change is logged, e.g. a migration).
    pub async fn put_task(&self, record: &TaskRecord) -> Result<(), StoreError> {
        let json = serde_json::to_string(record).map_err(|e| StoreError(e.to_string()))?;
        self.put(TASKS, task_key(&record.workflow_id, &record.task_id), json).await
    }

    /// Records one LLM call (texts already capped by [`CallRecord::capped`]).
    pub async fn put_call(&self, record: &CallRecord) -> Result<(), StoreError> {
        let json = serde_json::to_string(record).map_err(|e| StoreError(e.to_string()))?;
        self.put(CALLS, log_key(&record.workflow_id, record.at_ms, &record.task_id, record.attempt), json).await
    }

    /// The workflow opened most recently, if any (a record from a newer Planwright is refused).
    pub async fn current_workflow(&self) -> Result<Option<WorkflowRecord>, StoreError> {
        let Some(id) = self.get(META, CURRENT_KEY).await? else { return Ok(None) };
        self.workflow(&id).await
    }

    /// The workflow `id`, if stored and readable.
    pub async fn workflow(&self, id: &str) -> Result<Option<WorkflowRecord>, StoreError> {
        match self.get(WORKFLOWS, id).await? {
            None => Ok(None),
            Some(json) => {
                let record: WorkflowRecord =
                    decode("workflow", &json).map_err(|e| StoreError(format!("workflow {id}: {e}")))?;
                if record.schema_version > SCHEMA_VERSION {
                    return Err(StoreError(format!(
                        "workflow {id} was saved by a newer Planwright (schema {}); it was skipped",
                        record.schema_version
                    )));
                }
                Ok(Some(record))
            }
        }
    }

    /// Makes `id` the workflow resumed on the next load.
    pub async fn set_current(&self, id: &str) -> Result<(), StoreError> {
        self.put(META, CURRENT_KEY.to_string(), id.to_string()).await
    }

    /// Every readable workflow, newest first, and a message per record that was skipped.
    pub async fn workflows(&self) -> Result<(Vec<WorkflowRecord>, Vec<String>), StoreError> {
        let tx = self.db.transaction(WORKFLOWS).build().map_err(err("begin read"))?;
        let object_store = tx.object_store(WORKFLOWS).map_err(err("open store"))?;
        let values = object_store.get_all::<String>().await.map_err(err("read workflows"))?;
        let mut records = Vec::new();
        let mut problems = Vec::new();
        for value in values {
            match value.map_err(|e| e.to_string()).and_then(|json| decode::<WorkflowRecord>("workflow", &json)) {
                Ok(r) if r.schema_version > SCHEMA_VERSION => {
                    problems.push(format!("workflow {} was saved by a newer Planwright and was skipped", r.id))
                }
                Ok(r) => records.push(r),
                Err(e) => problems.push(e),
            }
        }
        records.sort_by(|a, b| b.updated_ms.total_cmp(&a.updated_ms));
        Ok((records, problems))
    }

    /// Every task record of `workflow_id`; unreadable records are skipped and reported.
    pub async fn tasks(&self, workflow_id: &str) -> Result<(Vec<TaskRecord>, Vec<String>), StoreError> {
        let mut records = Vec::new();
        let mut problems = Vec::new();
        for json in self.range(TASKS, workflow_id).await? {
            match decode::<TaskRecord>("task", &json) {
                Ok(record) => records.push(record),
                Err(e) => problems.push(e),
            }
        }
        Ok((records, problems))
    }

    /// The event log of `workflow_id`, oldest first (unreadable entries skipped).
    pub async fn events(&self, workflow_id: &str) -> Result<Vec<EventRecord>, StoreError> {
        Ok(self.range(EVENTS, workflow_id).await?.iter().filter_map(|json| decode("event", json).ok()).collect())
    }

    /// The recorded LLM calls of `workflow_id`, oldest first (unreadable entries skipped).
    pub async fn calls(&self, workflow_id: &str) -> Result<Vec<CallRecord>, StoreError> {
        Ok(self.range(CALLS, workflow_id).await?.iter().filter_map(|json| decode("call", json).ok()).collect())
    }

    /// Deletes a workflow with its tasks, events and calls.
    pub async fn delete_workflow(&self, id: &str) -> Result<(), StoreError> {
        let stores = [WORKFLOWS, TASKS, EVENTS, CALLS, META];
        let tx =
            self.db.transaction(stores).with_mode(TransactionMode::Readwrite).build().map_err(err("begin delete"))?;
        tx.object_store(WORKFLOWS).map_err(err("open store"))?.delete(id.to_string()).await.map_err(err("delete"))?;
        let (low, high) = task_key_range(id);
        for store in [TASKS, EVENTS, CALLS] {
            tx.object_store(store)
                .map_err(err("open store"))?
                .delete::<String, _>(KeyRange::Bound(low.clone(), false, high.clone(), false))
                .await
                .map_err(err("delete"))?;
        }
        let meta = tx.object_store(META).map_err(err("open store"))?;
        if meta.get::<String, String, _>(CURRENT_KEY.to_string()).await.map_err(err("read"))?.as_deref() == Some(id) {
            meta.delete(CURRENT_KEY.to_string()).await.map_err(err("delete"))?;
        }
        tx.commit().await.map_err(err("commit"))
    }

    /// Forgets which workflow to resume (the records stay).
    pub async fn clear_current(&self) -> Result<(), StoreError> {
        let tx = self.db.transaction(META).with_mode(TransactionMode::Readwrite).build().map_err(err("begin write"))?;
        let object_store = tx.object_store(META).map_err(err("open store"))?;
        object_store.delete(CURRENT_KEY.to_string()).await.map_err(err("delete"))?;
        tx.commit().await.map_err(err("commit"))
    }
}
