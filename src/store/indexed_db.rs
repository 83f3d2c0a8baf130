//! The IndexedDB checkpoint store. Records are stored as JSON strings so a corrupt one is reported
//! with a clear message instead of breaking the load.

use indexed_db_futures::database::Database;
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::TransactionMode;
use indexed_db_futures::KeyRange;

use super::record::{task_key, task_key_range, TaskRecord, WorkflowRecord};

const WORKFLOWS: &str = "workflows";
const TASKS: &str = "tasks";
const META: &str = "meta";
const CURRENT_KEY: &str = "current_workflow";
const DB_VERSION: u32 = 1;

/// A handle on Planwright's IndexedDB database.
#[derive(Debug, Clone)]
pub struct Store {
    db: std::rc::Rc<Database>,
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
    move |e| StoreError(format!("{context}: {e}"))
}

impl Store {
    /// Opens (creating or upgrading) the database `name`.
    pub async fn open(name: &str) -> Result<Store, StoreError> {
        let db = Database::open(name)
            .with_version(DB_VERSION)
            .with_on_upgrade_needed(|event, db| {
                if event.old_version() < 1.0 {
                    db.create_object_store(WORKFLOWS).build()?;
                    db.create_object_store(TASKS).build()?;
                    db.create_object_store(META).build()?;
                }
                Ok(())
            })
            .await
            .map_err(|e| StoreError(format!("cannot open IndexedDB ({e}); the run continues in memory only")))?;
        Ok(Store { db: std::rc::Rc::new(db) })
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

    /// Writes a workflow record and makes it the one resumed on the next load.
    pub async fn put_workflow(&self, record: &WorkflowRecord) -> Result<(), StoreError> {
        let json = serde_json::to_string(record).map_err(|e| StoreError(e.to_string()))?;
        self.put(WORKFLOWS, record.id.clone(), json).await?;
        self.put(META, CURRENT_KEY.to_string(), record.id.clone()).await
    }

    /// Writes one task's state (one short read-write transaction).
    pub async fn put_task(&self, record: &TaskRecord) -> Result<(), StoreError> {
        let json = serde_json::to_string(record).map_err(|e| StoreError(e.to_string()))?;
        self.put(TASKS, task_key(&record.workflow_id, &record.task_id), json).await
    }

    /// The workflow opened most recently, if any.
    pub async fn current_workflow(&self) -> Result<Option<WorkflowRecord>, StoreError> {
        let Some(id) = self.get(META, CURRENT_KEY).await? else { return Ok(None) };
        match self.get(WORKFLOWS, &id).await? {
            None => Ok(None),
            Some(json) => serde_json::from_str(&json)
                .map(Some)
                .map_err(|e| StoreError(format!("the saved workflow {id} is unreadable ({e}) and was skipped"))),
        }
    }

    /// Every task record of `workflow_id`; unreadable records are skipped and reported.
    pub async fn tasks(&self, workflow_id: &str) -> Result<(Vec<TaskRecord>, Vec<String>), StoreError> {
        let tx = self.db.transaction(TASKS).build().map_err(err("begin read"))?;
        let object_store = tx.object_store(TASKS).map_err(err("open store"))?;
        let (low, high) = task_key_range(workflow_id);
        let values = object_store
            .get_all::<String>()
            .with_query::<String, _>(KeyRange::Bound(low, false, high, false))
            .await
            .map_err(err("read tasks"))?;
        let mut records = Vec::new();
        let mut problems = Vec::new();
        for value in values {
            match value.map_err(err("read task")).and_then(|json| {
                serde_json::from_str::<TaskRecord>(&json)
                    .map_err(|e| StoreError(format!("unreadable task record: {e}")))
            }) {
                Ok(record) => records.push(record),
                Err(e) => problems.push(e.to_string()),
            }
        }
        Ok((records, problems))
    }

    /// Forgets which workflow to resume (the records stay).
    pub async fn clear_current(&self) -> Result<(), StoreError> {
        let tx = self.db.transaction(META).with_mode(TransactionMode::Readwrite).build().map_err(err("begin write"))?;
        let object_store = tx.object_store(META).map_err(err("open store"))?;
        object_store.delete(CURRENT_KEY.to_string()).await.map_err(err("delete"))?;
        tx.commit().await.map_err(err("commit"))
    }
}
