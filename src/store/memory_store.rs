//! The in-memory twin of the IndexedDB store: records kept as the JSON text IndexedDB would hold,
//! in the same key order, so round trips, restores and secret scans see what the browser sees.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use futures::future::LocalBoxFuture;
use futures::FutureExt;
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::checkpoint_store::{CheckpointStore, LoadedTasks};
use super::error::StoreError;
use super::record::{log_key, task_key, CallRecord, EventRecord, TaskRecord, WorkflowRecord};

#[derive(Default, Clone)]
struct Tables {
    workflows: BTreeMap<String, String>,
    tasks: BTreeMap<String, String>,
    events: BTreeMap<String, String>,
    calls: BTreeMap<String, String>,
    current: Option<String>,
}

/// An in-memory checkpoint store; clones share the same tables.
#[derive(Clone, Default)]
pub struct MemoryStore {
    tables: Rc<RefCell<Tables>>,
    writes: Rc<RefCell<u64>>,
}

fn to_json(what: &'static str, value: &impl Serialize) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|e| StoreError::Encode { what, detail: e.to_string() })
}

fn from_json<T: DeserializeOwned>(json: &str) -> Result<T, String> {
    serde_json::from_str(json).map_err(|e| format!("an unreadable record was skipped ({e})"))
}

/// The records of `table` whose key starts with `workflow_id` and a NUL, in key order.
fn of_workflow<'t>(table: &'t BTreeMap<String, String>, workflow_id: &str) -> impl Iterator<Item = &'t String> {
    let prefix = format!("{workflow_id}\u{0}");
    table.range(prefix.clone()..).take_while(move |(k, _)| k.starts_with(&prefix)).map(|(_, v)| v)
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// Writes completed so far (each workflow, checkpoint or call write counts one).
    pub fn write_count(&self) -> u64 {
        *self.writes.borrow()
    }

    /// The id of the workflow resumed on the next load.
    pub fn current_workflow_id(&self) -> Option<String> {
        self.tables.borrow().current.clone()
    }

    /// Every stored text, for scans (e.g. that no secret reached storage).
    pub fn all_text(&self) -> Vec<String> {
        let tables = self.tables.borrow();
        [&tables.workflows, &tables.tasks, &tables.events, &tables.calls]
            .into_iter()
            .flat_map(|t| t.values().cloned())
            .collect()
    }

    /// The stored state of task `task_id` of `workflow_id`, read at once (for checks).
    pub fn task_now(&self, workflow_id: &str, task_id: &str) -> Option<TaskRecord> {
        let tables = self.tables.borrow();
        tables.tasks.get(&task_key(workflow_id, task_id)).and_then(|json| from_json(json).ok())
    }

    /// Stores a raw text under a task key, as a corrupt or foreign record would be (for tests).
    pub fn put_raw_task(&self, workflow_id: &str, task_id: &str, json: &str) {
        self.tables.borrow_mut().tasks.insert(task_key(workflow_id, task_id), json.to_string());
    }

    fn write(&self, apply: impl FnOnce(&mut Tables)) {
        apply(&mut self.tables.borrow_mut());
        *self.writes.borrow_mut() += 1;
    }
}

impl CheckpointStore for MemoryStore {
    fn put_workflow<'a>(&'a self, record: &'a WorkflowRecord) -> LocalBoxFuture<'a, Result<(), StoreError>> {
        async move {
            let json = to_json("workflow", record)?;
            self.write(|t| {
                t.workflows.insert(record.id.clone(), json);
                t.current = Some(record.id.clone());
            });
            Ok(())
        }
        .boxed_local()
    }

    fn checkpoint<'a>(
        &'a self,
        task: &'a TaskRecord,
        event: &'a EventRecord,
    ) -> LocalBoxFuture<'a, Result<(), StoreError>> {
        async move {
            let (task_json, event_json) = (to_json("task", task)?, to_json("event", event)?);
            self.write(|t| {
                t.tasks.insert(task_key(&task.workflow_id, &task.task_id), task_json);
                t.events.insert(log_key(&event.workflow_id, event.at_ms, &event.task_id, event.attempt), event_json);
            });
            Ok(())
        }
        .boxed_local()
    }

    fn put_call<'a>(&'a self, call: &'a CallRecord) -> LocalBoxFuture<'a, Result<(), StoreError>> {
        async move {
            let json = to_json("call", call)?;
            self.write(|t| {
                t.calls.insert(log_key(&call.workflow_id, call.at_ms, &call.task_id, call.attempt), json);
            });
            Ok(())
        }
        .boxed_local()
    }

    fn workflow<'a>(&'a self, id: &'a str) -> LocalBoxFuture<'a, Result<Option<WorkflowRecord>, StoreError>> {
        async move {
            let json = self.tables.borrow().workflows.get(id).cloned();
            json.map(|j| from_json(&j).map_err(|detail| StoreError::Corrupt { id: id.to_string(), detail })).transpose()
        }
        .boxed_local()
    }

    fn tasks<'a>(&'a self, workflow_id: &'a str) -> LocalBoxFuture<'a, Result<LoadedTasks, StoreError>> {
        async move {
            let tables = self.tables.borrow();
            let (mut records, mut problems) = (Vec::new(), Vec::new());
            for json in of_workflow(&tables.tasks, workflow_id) {
                match from_json::<TaskRecord>(json) {
                    Ok(record) => records.push(record),
                    Err(problem) => problems.push(problem),
                }
            }
            Ok((records, problems))
        }
        .boxed_local()
    }

    fn events<'a>(&'a self, workflow_id: &'a str) -> LocalBoxFuture<'a, Result<Vec<EventRecord>, StoreError>> {
        async move {
            let tables = self.tables.borrow();
            Ok(of_workflow(&tables.events, workflow_id).filter_map(|j| from_json(j).ok()).collect())
        }
        .boxed_local()
    }

    fn calls<'a>(&'a self, workflow_id: &'a str) -> LocalBoxFuture<'a, Result<Vec<CallRecord>, StoreError>> {
        async move {
            let tables = self.tables.borrow();
            Ok(of_workflow(&tables.calls, workflow_id).filter_map(|j| from_json(j).ok()).collect())
        }
        .boxed_local()
    }
}
