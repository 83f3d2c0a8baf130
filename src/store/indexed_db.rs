//! The IndexedDB checkpoint store. Records are stored as JSON strings so a corrupt one is reported
//! with a clear message and skipped instead of breaking the load.
//!
//! Schema (database version 2): `workflows` (by id), `tasks` (by workflow and task id), `events`
//! (append-only state-change log), `calls` (prompt/response per LLM call), `meta` (which workflow
//! to resume). Version 1 had no `events`/`calls`; opening a version-1 database adds them.
//!
//! Talks to IndexedDB through web-sys directly: a request (or a transaction's commit) is awaited as
//! a promise whose `resolve`/`reject` are the request's `success`/`error` handlers, so the code
//! after an `await` still runs while its transaction is active.

use futures::future::LocalBoxFuture;
use js_sys::{Array, Function, Promise};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    DomException, IdbDatabase, IdbKeyRange, IdbObjectStore, IdbOpenDbRequest, IdbRequest, IdbTransaction,
    IdbTransactionMode, IdbVersionChangeEvent,
};

use super::checkpoint_store::LoadedTasks;
use super::error::StoreError;
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
    db: IdbDatabase,
}

/// Maps a failed write, delete or commit at `step` to its error (a full quota says so).
fn write_err(step: &'static str) -> impl Fn(String) -> StoreError {
    move |detail| StoreError::write(step, detail)
}

/// Maps a failed read at `step` to its error.
fn read_err(step: &'static str) -> impl Fn(String) -> StoreError {
    move |detail| StoreError::Read { step, detail }
}

/// Maps a failure at `step` of a read-write (`write`) or read-only transaction to its error.
fn tx_err(write: bool, step: &'static str) -> impl Fn(String) -> StoreError {
    move |detail| if write { StoreError::write(step, detail) } else { StoreError::Read { step, detail } }
}

/// Maps a record that could not be written as JSON to its error.
fn encode_err(what: &'static str) -> impl Fn(serde_json::Error) -> StoreError {
    move |e| StoreError::Encode { what, detail: e.to_string() }
}

fn decode<T: serde::de::DeserializeOwned>(what: &str, json: &str) -> Result<T, String> {
    serde_json::from_str(json).map_err(|e| format!("an unreadable {what} record was skipped ({e})"))
}

/// A thrown or reported JavaScript failure as text (`QuotaExceededError: …` for a DOMException).
fn describe(value: &JsValue) -> String {
    if let Some(e) = value.dyn_ref::<DomException>() {
        format!("{}: {}", e.name(), e.message())
    } else if let Some(e) = value.dyn_ref::<js_sys::Error>() {
        String::from(e.to_string())
    } else {
        value.as_string().unwrap_or_else(|| "unknown error".into())
    }
}

fn js_err(value: JsValue) -> String {
    describe(&value)
}

/// A string read back from a store (`None` when there was no record).
fn text_of(value: JsValue) -> Result<Option<String>, String> {
    if value.is_undefined() {
        return Ok(None);
    }
    value.as_string().map(Some).ok_or_else(|| "the stored value is not a string".into())
}

/// Waits for `request` to succeed (its result) or fail (its error, as text).
async fn finish(request: &IdbRequest) -> Result<JsValue, String> {
    let settled = Promise::new(&mut |resolve: Function, reject: Function| {
        request.set_onsuccess(Some(&resolve));
        request.set_onerror(Some(&reject));
    });
    match JsFuture::from(settled).await {
        Ok(_) => request.result().map_err(js_err),
        Err(_) => Err(request.error().ok().flatten().map_or_else(|| "the request failed".into(), |e| describe(&e))),
    }
}

/// A transaction that rolls back unless committed.
struct Tx {
    tx: IdbTransaction,
    write: bool,
    committed: bool,
}

impl Tx {
    fn store(&self, name: &str) -> Result<IdbObjectStore, StoreError> {
        self.tx.object_store(name).map_err(js_err).map_err(tx_err(self.write, "open store"))
    }

    /// Commits and waits until the writes are durable (or the transaction aborted).
    async fn commit(mut self) -> Result<(), StoreError> {
        self.committed = true;
        let tx = &self.tx;
        let settled = Promise::new(&mut |resolve: Function, reject: Function| {
            tx.set_oncomplete(Some(&resolve));
            tx.set_onabort(Some(&reject));
        });
        // web-sys marks `commit()` deprecated; every current browser has it (Chrome 76, Firefox 74, Safari 15).
        #[allow(deprecated)]
        tx.commit().map_err(js_err).map_err(write_err("commit"))?;
        JsFuture::from(settled).await.map(drop).map_err(|_| {
            write_err("commit")(tx.error().map_or_else(|| "the transaction was aborted".into(), |e| describe(&e)))
        })
    }
}

impl Drop for Tx {
    fn drop(&mut self) {
        if !self.committed {
            let _ = self.tx.abort();
        }
    }
}

/// Opens (creating or migrating) the database `name` at [`DB_VERSION`].
async fn open_database(name: &str) -> Result<IdbDatabase, String> {
    let factory = web_sys::window()
        .ok_or("no window")?
        .indexed_db()
        .map_err(js_err)?
        .ok_or("IndexedDB is not available in this browser")?;
    let request: IdbOpenDbRequest = factory.open_with_u32(name, DB_VERSION).map_err(js_err)?;
    let on_upgrade = Closure::<dyn FnMut(IdbVersionChangeEvent)>::new(|event: IdbVersionChangeEvent| {
        let Some(request) = event.target().and_then(|t| t.dyn_into::<IdbOpenDbRequest>().ok()) else { return };
        let Ok(db) = request.result().map(JsCast::unchecked_into::<IdbDatabase>) else { return };
        let old = event.old_version();
        let mut stores = Vec::new();
        if old < 1.0 {
            stores.extend([WORKFLOWS, TASKS, META]);
        }
        if old < 2.0 {
            stores.extend([EVENTS, CALLS]);
        }
        if stores.into_iter().any(|store| db.create_object_store(store).is_err()) {
            // The open request then fails with the abort's error.
            if let Some(tx) = request.transaction() {
                let _ = tx.abort();
            }
        }
    });
    request.set_onupgradeneeded(Some(on_upgrade.as_ref().unchecked_ref()));
    let opened = finish(&request).await;
    request.set_onupgradeneeded(None);
    opened.map(JsCast::unchecked_into)
}

fn key(text: &str) -> JsValue {
    JsValue::from_str(text)
}

/// The key range selecting every record of `workflow_id` (see [`task_key_range`]: upper bound excluded).
fn workflow_range(workflow_id: &str) -> Result<IdbKeyRange, String> {
    let (low, high) = task_key_range(workflow_id);
    IdbKeyRange::bound_with_lower_open_and_upper_open(&key(&low), &key(&high), false, true).map_err(js_err)
}

impl Store {
    /// Opens (creating or migrating) the database `name`.
    pub async fn open(name: &str) -> Result<Store, StoreError> {
        let db = open_database(name).await.map_err(StoreError::Unavailable)?;
        Ok(Store { db })
    }

    /// A transaction over `stores`, read-write when `write`.
    fn transaction(&self, stores: &[&str], write: bool, context: &'static str) -> Result<Tx, StoreError> {
        let names: Array = stores.iter().map(|s| JsValue::from_str(s)).collect();
        let mode = if write { IdbTransactionMode::Readwrite } else { IdbTransactionMode::Readonly };
        let tx = self
            .db
            .transaction_with_str_sequence_and_mode(&names, mode)
            .map_err(js_err)
            .map_err(tx_err(write, context))?;
        Ok(Tx { tx, write, committed: false })
    }

    async fn put(&self, store: &str, key: String, value: String) -> Result<(), StoreError> {
        let tx = self.transaction(&[store], true, "begin write")?;
        write(&tx.store(store)?, &key, &value).await.map_err(write_err("write"))?;
        tx.commit().await
    }

    async fn get(&self, store: &str, key: &str) -> Result<Option<String>, StoreError> {
        let tx = self.transaction(&[store], false, "begin read")?;
        read(&tx.store(store)?, key).await.map_err(read_err("read"))
    }

    /// Every value of `store` whose key starts with `workflow_id` and a NUL, as stored.
    async fn values(&self, store: &str, workflow_id: &str) -> Result<Vec<JsValue>, StoreError> {
        let tx = self.transaction(&[store], false, "begin read")?;
        let object_store = tx.store(store)?;
        let values = async {
            let request = object_store.get_all_with_key(&workflow_range(workflow_id)?.into()).map_err(js_err)?;
            finish(&request).await
        }
        .await
        .map_err(read_err("read"))?;
        Ok(values.unchecked_into::<Array>().iter().collect())
    }

    /// Every value of `store` whose key starts with `workflow_id` and a NUL.
    async fn range(&self, store: &str, workflow_id: &str) -> Result<Vec<String>, StoreError> {
        self.values(store, workflow_id)
            .await?
            .into_iter()
            .map(|v| v.as_string().ok_or_else(|| read_err("read")("the stored value is not a string".into())))
            .collect()
    }

    /// Writes a workflow record and makes it the one resumed on the next load, in one transaction:
    /// both or neither.
    pub async fn put_workflow(&self, record: &WorkflowRecord) -> Result<(), StoreError> {
        let json = serde_json::to_string(record).map_err(encode_err("workflow"))?;
        let tx = self.transaction(&[WORKFLOWS, META], true, "begin write")?;
        write(&tx.store(WORKFLOWS)?, &record.id, &json).await.map_err(write_err("write"))?;
        write(&tx.store(META)?, CURRENT_KEY, &record.id).await.map_err(write_err("write"))?;
        tx.commit().await
    }

    /// Writes one task's state and its event-log entry in one short read-write transaction.
    pub async fn checkpoint(&self, task: &TaskRecord, event: &EventRecord) -> Result<(), StoreError> {
        let task_json = serde_json::to_string(task).map_err(encode_err("task"))?;
        let event_json = serde_json::to_string(event).map_err(encode_err("event"))?;
        let tx = self.transaction(&[TASKS, EVENTS], true, "begin write")?;
        let tasks = tx.store(TASKS)?;
        let events = tx.store(EVENTS)?;
        write(&tasks, &task_key(&task.workflow_id, &task.task_id), &task_json)
            .await
            .map_err(write_err("write task"))?;
        let key = log_key(&event.workflow_id, event.at_ms, &event.task_id, event.attempt);
        write(&events, &key, &event_json).await.map_err(write_err("write event"))?;
        tx.commit().await
    }

    /// Writes one task's state alone (used when no state change is logged, e.g. a migration).
    pub async fn put_task(&self, record: &TaskRecord) -> Result<(), StoreError> {
        let json = serde_json::to_string(record).map_err(encode_err("task"))?;
        self.put(TASKS, task_key(&record.workflow_id, &record.task_id), json).await
    }

    /// Records one LLM call (texts already capped by [`CallRecord::capped`]).
    pub async fn put_call(&self, record: &CallRecord) -> Result<(), StoreError> {
        let json = serde_json::to_string(record).map_err(encode_err("call"))?;
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
                let record: WorkflowRecord = serde_json::from_str(&json)
                    .map_err(|e| StoreError::Corrupt { id: id.into(), detail: e.to_string() })?;
                if record.schema_version > SCHEMA_VERSION {
                    return Err(StoreError::NewerSchema { id: id.into(), schema: record.schema_version });
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
        let tx = self.transaction(&[WORKFLOWS], false, "begin read")?;
        let object_store = tx.store(WORKFLOWS)?;
        let values = async { finish(&object_store.get_all().map_err(js_err)?).await }
            .await
            .map_err(read_err("read workflows"))?;
        let mut records = Vec::new();
        let mut problems = Vec::new();
        for value in values.unchecked_into::<Array>().iter() {
            let json = value
                .as_string()
                .ok_or_else(|| String::from("an unreadable workflow record was skipped (not a string)"));
            match json.and_then(|json| decode::<WorkflowRecord>("workflow", &json)) {
                Ok(r) if r.schema_version > SCHEMA_VERSION => {
                    problems.push(format!("workflow {} was saved by a newer Planwright and was skipped", r.id))
                }
                Ok(r) => records.push(r),
                Err(e) => problems.push(e),
            }
        }
        crate::sort::sort_by(&mut records, |a, b| b.updated_ms.total_cmp(&a.updated_ms));
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
        let tx = self.transaction(&[WORKFLOWS, TASKS, EVENTS, CALLS, META], true, "begin delete")?;
        delete(&tx.store(WORKFLOWS)?, &key(id)).await.map_err(write_err("delete"))?;
        let range = workflow_range(id).map_err(write_err("delete"))?;
        for store in [TASKS, EVENTS, CALLS] {
            delete(&tx.store(store)?, &range).await.map_err(write_err("delete"))?;
        }
        let meta = tx.store(META)?;
        if read(&meta, CURRENT_KEY).await.map_err(read_err("read"))?.as_deref() == Some(id) {
            delete(&meta, &key(CURRENT_KEY)).await.map_err(write_err("delete"))?;
        }
        tx.commit().await
    }

    /// Forgets which workflow to resume (the records stay).
    pub async fn clear_current(&self) -> Result<(), StoreError> {
        let tx = self.transaction(&[META], true, "begin write")?;
        delete(&tx.store(META)?, &key(CURRENT_KEY)).await.map_err(write_err("delete"))?;
        tx.commit().await
    }
}

/// Puts `value` under `key` in `store`.
async fn write(store: &IdbObjectStore, key_text: &str, value: &str) -> Result<(), String> {
    finish(&store.put_with_key(&key(value), &key(key_text)).map_err(js_err)?).await.map(drop)
}

/// The string stored under `key` in `store`, if any.
async fn read(store: &IdbObjectStore, key_text: &str) -> Result<Option<String>, String> {
    text_of(finish(&store.get(&key(key_text)).map_err(js_err)?).await?)
}

/// Deletes the record(s) of `store` under `query` (a key or a key range).
async fn delete(store: &IdbObjectStore, query: &JsValue) -> Result<(), String> {
    finish(&store.delete(query).map_err(js_err)?).await.map(drop)
}

impl super::CheckpointStore for Store {
    fn put_workflow<'a>(&'a self, record: &'a WorkflowRecord) -> LocalBoxFuture<'a, Result<(), StoreError>> {
        Box::pin(Store::put_workflow(self, record))
    }

    fn checkpoint<'a>(
        &'a self,
        task: &'a TaskRecord,
        event: &'a EventRecord,
    ) -> LocalBoxFuture<'a, Result<(), StoreError>> {
        Box::pin(Store::checkpoint(self, task, event))
    }

    fn put_call<'a>(&'a self, call: &'a CallRecord) -> LocalBoxFuture<'a, Result<(), StoreError>> {
        Box::pin(Store::put_call(self, call))
    }

    fn workflow<'a>(&'a self, id: &'a str) -> LocalBoxFuture<'a, Result<Option<WorkflowRecord>, StoreError>> {
        Box::pin(Store::workflow(self, id))
    }

    fn tasks<'a>(&'a self, workflow_id: &'a str) -> LocalBoxFuture<'a, Result<LoadedTasks, StoreError>> {
        Box::pin(Store::tasks(self, workflow_id))
    }

    fn events<'a>(&'a self, workflow_id: &'a str) -> LocalBoxFuture<'a, Result<Vec<EventRecord>, StoreError>> {
        Box::pin(Store::events(self, workflow_id))
    }

    fn calls<'a>(&'a self, workflow_id: &'a str) -> LocalBoxFuture<'a, Result<Vec<CallRecord>, StoreError>> {
        Box::pin(Store::calls(self, workflow_id))
    }
}
