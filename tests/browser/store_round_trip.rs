//! IndexedDB round trip of workflow and task records.

use indexed_db_futures::database::Database;
use indexed_db_futures::prelude::*;
use planwright::engine::{RunConfig, RunStatus, TaskState, TaskStatus};
use planwright::plan::{Plan, Task};
use planwright::store::indexed_db::Store;
use planwright::store::record::{CallRecord, EventRecord, TaskRecord, WorkflowRecord, SCHEMA_VERSION};
use wasm_bindgen_test::wasm_bindgen_test;

use crate::dom::unique_db;

#[wasm_bindgen_test]
async fn workflow_and_task_records_round_trip() {
    let store = Store::open(&unique_db("idb")).await.unwrap();
    assert_eq!(store.current_workflow().await.unwrap(), None);
    let plan =
        Plan { tasks: vec![Task::new("T1", "one", &[]), Task::new("T2", "two", &["T1"])], critical_path: vec![] };
    let workflow = WorkflowRecord {
        id: "wf-1".into(),
        schema_version: SCHEMA_VERSION,
        goal: "goal".into(),
        plan,
        config: RunConfig::default(),
        status: RunStatus::Running,
        created_ms: 1.0,
        updated_ms: 2.0,
        replans: vec![],
        pending_replan: None,
        allowed_hosts: Vec::new(),
        forked_from: None,
    };
    store.put_workflow(&workflow).await.unwrap();
    let done = TaskState {
        status: TaskStatus::Completed,
        attempts: 2,
        result: Some("a long result ".repeat(500)),
        ..TaskState::default()
    };
    let t1 = TaskRecord { workflow_id: "wf-1".into(), task_id: "T1".into(), state: done };
    let t2 = TaskRecord {
        workflow_id: "wf-1".into(),
        task_id: "T2".into(),
        state: TaskState { status: TaskStatus::Running, attempts: 1, ..TaskState::default() },
    };
    let other = TaskRecord { workflow_id: "wf-10".into(), task_id: "T1".into(), state: TaskState::default() };
    for record in [&t1, &t2, &other] {
        store.put_task(record).await.unwrap();
    }
    // A later write of the same task replaces the earlier one.
    let t2_done = TaskRecord {
        state: TaskState { status: TaskStatus::Completed, attempts: 1, ..TaskState::default() },
        ..t2.clone()
    };
    store.put_task(&t2_done).await.unwrap();

    assert_eq!(store.current_workflow().await.unwrap(), Some(workflow));
    let (mut tasks, problems) = store.tasks("wf-1").await.unwrap();
    tasks.sort_by(|a, b| a.task_id.cmp(&b.task_id));
    assert!(problems.is_empty());
    assert_eq!(tasks, vec![t1, t2_done]);
    store.clear_current().await.unwrap();
    assert_eq!(store.current_workflow().await.unwrap(), None);
}

/// How many records the object store `name` of database `db` holds, counted without key ranges.
async fn raw_count(db: &str, name: &str) -> u32 {
    let db = Database::open(db).await.unwrap();
    let count = db.transaction(name).build().unwrap().object_store(name).unwrap().count().await.unwrap();
    db.close();
    count
}

#[wasm_bindgen_test]
async fn a_task_id_from_u_e000_to_u_ffff_is_checkpointed_restored_and_deleted() {
    // Fullwidth "Ｔ1" starts with U+FF34, which sorts after every surrogate pair in UTF-16 order.
    let db = unique_db("fullwidth-id");
    let store = Store::open(&db).await.unwrap();
    let workflow = WorkflowRecord {
        id: "wf-fw".into(),
        schema_version: SCHEMA_VERSION,
        goal: "goal".into(),
        plan: Plan { tasks: vec![Task::new("Ｔ1", "one", &[])], critical_path: vec![] },
        config: RunConfig::default(),
        status: RunStatus::Running,
        created_ms: 1.0,
        updated_ms: 2.0,
        replans: vec![],
        pending_replan: None,
        allowed_hosts: Vec::new(),
        forked_from: None,
    };
    store.put_workflow(&workflow).await.unwrap();
    let task = TaskRecord {
        workflow_id: "wf-fw".into(),
        task_id: "Ｔ1".into(),
        state: TaskState {
            status: TaskStatus::Completed,
            attempts: 1,
            result: Some("kept".into()),
            ..TaskState::default()
        },
    };
    let event = EventRecord {
        workflow_id: "wf-fw".into(),
        task_id: "Ｔ1".into(),
        status: "completed".into(),
        attempt: 1,
        at_ms: 5.0,
        state: None,
    };
    store.checkpoint(&task, &event).await.unwrap();
    let call = CallRecord::capped("wf-fw", "Ｔ1", 1, 5.0, "prompt", "answer");
    store.put_call(&call).await.unwrap();

    let (tasks, problems) = store.tasks("wf-fw").await.unwrap();
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(tasks, vec![task], "the checkpoint is restored");
    assert_eq!(store.events("wf-fw").await.unwrap(), vec![event]);
    assert_eq!(store.calls("wf-fw").await.unwrap(), vec![call]);

    store.delete_workflow("wf-fw").await.unwrap();
    for name in ["workflows", "tasks", "events", "calls"] {
        assert_eq!(raw_count(&db, name).await, 0, "{name} still holds a record of the deleted workflow");
    }
}
