//! Checkpoints against real crashes and bad conditions: resume after the app is dropped at several
//! points, two app instances on one workflow, migration from schema 1, corrupted records, an
//! unavailable database or a full one, and a workflow save that fails halfway.

use std::collections::HashMap;

use crate::call_log::CallLog;
use indexed_db_futures::database::Database;
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::TransactionMode;
use planwright::engine::{RunConfig, RunStatus, TaskState, TaskStatus};
use planwright::plan::{Plan, Task};
use planwright::store::indexed_db::Store;
use planwright::store::record::{task_key, TaskRecord, WorkflowRecord};
use planwright::store::StoreError;
use wasm_bindgen_test::wasm_bindgen_test;

use crate::dom::*;

const GOAL: &str = "Build a nightly pipeline that loads sales data into the warehouse";

/// Each task's result text at the end of a run, read from the DOM's inspector is slow; read the store.
async fn final_results(db: &str) -> HashMap<String, String> {
    let store = Store::open(db).await.unwrap();
    let workflow = store.current_workflow().await.unwrap().unwrap();
    let (tasks, _) = store.tasks(&workflow.id).await.unwrap();
    tasks.into_iter().map(|t| (t.task_id, t.state.result.unwrap_or_default())).collect()
}

fn completed(app: &Mounted) -> Vec<String> {
    node_statuses(&app.root).into_iter().filter(|(_, s)| s == "completed").map(|(id, _)| id).collect()
}

/// Runs the demo plan, drops the app when `crash_when` holds, mounts a fresh one on the same
/// database, and returns the calls per task, the tasks completed before the crash, and the results.
/// When to drop the app.
type CrashPoint = Box<dyn Fn(&Mounted, &CallLog) -> bool>;

async fn crash_and_resume(
    crash_when: impl Fn(&Mounted, &CallLog) -> bool,
) -> (HashMap<String, usize>, Vec<String>, HashMap<String, String>) {
    let db = unique_db("crash");
    let calls = CallLog::default();
    let first = mount_app(&db, calls.clone(), demo_settings(120, 0.0));
    plan_goal(&first.root, GOAL).await;
    click(&first.root, "run-button");
    wait_until("the crash point", 15_000.0, || crash_when(&first, &calls)).await;
    let done_before = completed(&first);
    drop(first);
    let second = mount_app(&db, calls.clone(), demo_settings(120, 0.0));
    wait_until("the resumed run to finish", 30_000.0, || text_of(&second.root, "run-status") == "finished").await;
    assert!(node_statuses(&second.root).iter().all(|(_, s)| s == "completed"));
    drop(second);
    let mut per_task: HashMap<String, usize> = HashMap::new();
    for id in calls.calls() {
        *per_task.entry(id).or_default() += 1;
    }
    (per_task, done_before, final_results(&db).await)
}

async fn uninterrupted_results() -> HashMap<String, String> {
    let db = unique_db("clean");
    let app = mount_app(&db, CallLog::default(), demo_settings(20, 0.0));
    plan_goal(&app.root, GOAL).await;
    click(&app.root, "run-button");
    wait_until("the run to finish", 15_000.0, || text_of(&app.root, "run-status") == "finished").await;
    drop(app);
    final_results(&db).await
}

#[wasm_bindgen_test]
async fn crashes_before_during_and_after_a_request_resume_to_the_uninterrupted_result() {
    let expected = uninterrupted_results().await;
    // Before the first request has answered; during requests; right after a response arrived.
    let before: CrashPoint = Box::new(|_, calls| !calls.calls().is_empty());
    let during: CrashPoint =
        Box::new(|app, _| completed(app).len() >= 2 && node_statuses(&app.root).iter().any(|(_, s)| s == "running"));
    let after: CrashPoint = Box::new(|app, _| completed(app).len() == 1);
    for (point, crash_when) in [("before", before), ("during", during), ("after", after)] {
        let (per_task, done_before, results) = crash_and_resume(crash_when).await;
        for id in &done_before {
            assert_eq!(per_task[id], 1, "{point}: completed task {id} ran again");
        }
        assert_eq!(per_task.len(), expected.len(), "{point}: every task ran");
        assert!(per_task.values().all(|&n| n <= 2), "{point}: only interrupted tasks run twice: {per_task:?}");
        assert_eq!(results, expected, "{point}: the final state equals an uninterrupted run's");
    }
}

#[wasm_bindgen_test]
async fn two_app_instances_on_one_workflow_only_one_executes_and_the_other_can_take_over() {
    let db = unique_db("two-tabs");
    let (calls_a, calls_b) = (CallLog::default(), CallLog::default());
    let a = mount_app(&db, calls_a.clone(), demo_settings(150, 0.0));
    plan_goal(&a.root, GOAL).await;
    click(&a.root, "run-button");
    wait_until("A to be running", 5_000.0, || !calls_a.calls().is_empty()).await;
    gloo_timers::future::TimeoutFuture::new(100).await; // A has its lock
    let b = mount_app(&db, calls_b.clone(), demo_settings(150, 0.0));
    wait_until("B to show the workflow read-only", 5_000.0, || find(&b.root, "[data-testid='read-only']").is_some())
        .await;
    wait_until("B to see A's progress live", 10_000.0, || completed(&b).len() >= 2).await;
    assert!(calls_b.calls().is_empty(), "B must not execute while A runs");
    assert!(find(&b.root, "[data-testid='run-button']").unwrap().has_attribute("disabled"));
    click(&b.root, "take-over-button");
    gloo_timers::future::TimeoutFuture::new(200).await;
    assert!(calls_b.calls().is_empty(), "B waits for the lock");
    let done_by_a = completed(&a);
    drop(a);
    wait_until("B to finish the run", 30_000.0, || text_of(&b.root, "run-status") == "finished").await;
    assert!(!calls_b.calls().is_empty(), "B took over");
    for id in done_by_a {
        assert!(!calls_b.calls().contains(&id), "{id} was done by A and ran again in B");
    }
}

fn sample_workflow(id: &str, schema_version: u32) -> WorkflowRecord {
    WorkflowRecord {
        id: id.into(),
        schema_version,
        goal: "g".into(),
        plan: Plan { tasks: vec![Task::new("T1", "one", &[]), Task::new("T2", "two", &["T1"])], critical_path: vec![] },
        config: RunConfig::default(),
        status: RunStatus::Running,
        created_ms: 1.0,
        updated_ms: 2.0,
        replans: vec![],
        pending_replan: None,
        allowed_hosts: Vec::new(),
        forked_from: None,
    }
}

/// Task T1 of `wf-old`, completed with the result `kept`.
fn completed_t1() -> TaskRecord {
    TaskRecord {
        workflow_id: "wf-old".into(),
        task_id: "T1".into(),
        state: TaskState {
            status: TaskStatus::Completed,
            attempts: 1,
            result: Some("kept".into()),
            ..TaskState::default()
        },
    }
}

/// Writes raw values into a database as schema version 1 had it (no events/calls stores).
async fn write_v1(db_name: &str, workflow: &str, tasks: &[(String, String)]) {
    let db = Database::open(db_name)
        .with_version(1u32)
        .with_on_upgrade_needed(|_, db| {
            for store in ["workflows", "tasks", "meta"] {
                db.create_object_store(store).build()?;
            }
            Ok(())
        })
        .await
        .unwrap();
    let tx = db.transaction(["workflows", "tasks", "meta"]).with_mode(TransactionMode::Readwrite).build().unwrap();
    tx.object_store("workflows").unwrap().put(workflow.to_string()).with_key("wf-old".to_string()).await.unwrap();
    tx.object_store("meta").unwrap().put("wf-old".to_string()).with_key("current_workflow".to_string()).await.unwrap();
    for (key, value) in tasks {
        tx.object_store("tasks").unwrap().put(value.clone()).with_key(key.clone()).await.unwrap();
    }
    tx.commit().await.unwrap();
    db.close();
}

#[wasm_bindgen_test]
async fn a_schema_1_database_migrates_and_corrupted_records_are_skipped_with_a_message() {
    let db = unique_db("migrate");
    let done = completed_t1();
    write_v1(
        &db,
        &serde_json::to_string(&sample_workflow("wf-old", 1)).unwrap(),
        &[
            (task_key("wf-old", "T1"), serde_json::to_string(&done).unwrap()),
            (task_key("wf-old", "T2"), "{not json".into()),
        ],
    )
    .await;
    let store = Store::open(&db).await.expect("version 1 opens and migrates");
    let workflow = store.current_workflow().await.unwrap().expect("the old workflow is still there");
    assert_eq!(workflow.plan.tasks.len(), 2);
    let (tasks, problems) = store.tasks("wf-old").await.unwrap();
    assert_eq!(tasks, vec![done]);
    assert_eq!(problems.len(), 1);
    assert!(problems[0].contains("unreadable task record"), "{problems:?}");
    // The new stores exist: a checkpoint with its event goes through, and the log reads back.
    let event = planwright::store::record::EventRecord {
        workflow_id: "wf-old".into(),
        task_id: "T2".into(),
        status: "running".into(),
        attempt: 1,
        at_ms: 5.0,
        state: None,
    };
    let t2 = TaskRecord { workflow_id: "wf-old".into(), task_id: "T2".into(), state: TaskState::default() };
    store.checkpoint(&t2, &event).await.unwrap();
    assert_eq!(store.events("wf-old").await.unwrap(), vec![event]);
    // A record from a newer Planwright is skipped with a message; the rest loads.
    store.put_workflow(&sample_workflow("wf-future", 99)).await.unwrap();
    let (all, problems) = store.workflows().await.unwrap();
    assert_eq!(all.iter().map(|w| w.id.as_str()).collect::<Vec<_>>(), vec!["wf-old"]);
    assert!(problems[0].contains("newer Planwright"), "{problems:?}");
    let refused = store.workflow("wf-future").await;
    assert!(matches!(refused, Err(StoreError::NewerSchema { schema: 99, .. })), "{refused:?}");
}

#[wasm_bindgen_test]
async fn the_app_shows_the_skipped_record_and_resumes_the_rest() {
    let db = unique_db("corrupt-app");
    let done = completed_t1();
    write_v1(
        &db,
        &serde_json::to_string(&sample_workflow("wf-old", 1)).unwrap(),
        &[
            (task_key("wf-old", "T1"), serde_json::to_string(&done).unwrap()),
            (task_key("wf-old", "T2"), "garbage".into()),
        ],
    )
    .await;
    let calls = CallLog::default();
    let app = mount_app(&db, calls.clone(), demo_settings(10, 0.0));
    wait_until("the resumed run to finish", 10_000.0, || text_of(&app.root, "run-status") == "finished").await;
    assert_eq!(calls.calls(), vec!["T2"], "T1 was completed; only the unreadable T2 runs again");
    assert!(text_of(&app.root, "notice").contains("unreadable task record"), "{}", text_of(&app.root, "notice"));
}

#[wasm_bindgen_test]
async fn an_unavailable_database_shows_a_banner_and_the_run_continues_in_memory() {
    // A database at a higher version than Planwright's cannot be opened by it.
    let db = unique_db("unavailable");
    let blocker = Database::open(&db).with_version(99u32).await.unwrap();
    blocker.close();
    let app = mount_app(&db, CallLog::default(), demo_settings(10, 0.0));
    wait_until("the banner", 5_000.0, || text_of(&app.root, "notice").contains("in memory")).await;
    plan_goal(&app.root, "Research the history of tea").await;
    click(&app.root, "run-button");
    wait_until("the run to finish in memory", 15_000.0, || text_of(&app.root, "run-status") == "finished").await;
    assert!(node_statuses(&app.root).iter().all(|(_, s)| s == "completed"));
}

/// Makes every IndexedDB `put` fail the way a full disk does (a `QuotaExceededError`) until dropped.
struct QuotaExceeded;

impl QuotaExceeded {
    fn start() -> Self {
        js_sys::eval(
            "globalThis.__planwrightPut = IDBObjectStore.prototype.put; \
             IDBObjectStore.prototype.put = function () { \
               throw new DOMException('The quota has been exceeded.', 'QuotaExceededError'); };",
        )
        .expect("patch IDBObjectStore.put");
        QuotaExceeded
    }
}

impl Drop for QuotaExceeded {
    fn drop(&mut self) {
        let _ = js_sys::eval("IDBObjectStore.prototype.put = globalThis.__planwrightPut;");
    }
}

#[wasm_bindgen_test]
async fn a_full_storage_quota_shows_a_banner_and_the_run_finishes_in_memory() {
    let db = unique_db("quota");
    let app = mount_app(&db, CallLog::default(), demo_settings(10, 0.0));
    wait_until("the app to load", 5_000.0, || !text_of(&app.root, "run-button").is_empty()).await;
    plan_goal(&app.root, "Research the history of tea").await;
    let total = node_statuses(&app.root).len();
    assert!(total > 2, "a plan with several tasks");
    let full = QuotaExceeded::start();
    click(&app.root, "run-button");
    // The plan's own save (in the background) may fail first; the run's writes then say it goes on.
    wait_until("the quota banner", 5_000.0, || {
        let notice = text_of(&app.root, "notice");
        notice.contains("storage is full") && notice.contains("the run continues")
    })
    .await;
    wait_until("the run to finish in memory", 15_000.0, || text_of(&app.root, "run-status") == "finished").await;
    drop(full);
    let statuses = node_statuses(&app.root);
    assert_eq!(statuses.len(), total, "no task was dropped from the page");
    assert!(statuses.iter().all(|(_, s)| s == "completed"), "{statuses:?}");
    // Nothing of the run reached storage: the banner's warning that a reload may lose it was true.
    let store = Store::open(&db).await.unwrap();
    let saved = match store.current_workflow().await.unwrap() {
        Some(record) => store.tasks(&record.id).await.unwrap().0.len(),
        None => 0,
    };
    assert_eq!(saved, 0, "writes failed, so no task state is stored");
}

/// Makes every IndexedDB `put` into the `meta` store throw until dropped; other stores write as usual.
struct MetaWritesFail;

impl MetaWritesFail {
    fn start() -> Self {
        js_sys::eval(
            "globalThis.__planwrightMetaPut = IDBObjectStore.prototype.put; \
             IDBObjectStore.prototype.put = function (...args) { \
               if (this.name === 'meta') throw new DOMException('meta is read-only here.', 'ReadOnlyError'); \
               return globalThis.__planwrightMetaPut.apply(this, args); };",
        )
        .expect("patch IDBObjectStore.put");
        MetaWritesFail
    }
}

impl Drop for MetaWritesFail {
    fn drop(&mut self) {
        let _ = js_sys::eval("IDBObjectStore.prototype.put = globalThis.__planwrightMetaPut;");
    }
}

#[wasm_bindgen_test]
async fn saving_a_workflow_is_atomic_a_failed_current_pointer_write_leaves_no_workflow_record() {
    let store = Store::open(&unique_db("atomic-workflow")).await.unwrap();
    store.put_workflow(&sample_workflow("wf-first", 2)).await.unwrap();
    let failing = MetaWritesFail::start();
    let result = store.put_workflow(&sample_workflow("wf-second", 2)).await;
    drop(failing);
    let error = result.expect_err("the write of the current-workflow pointer fails");
    assert!(matches!(error, StoreError::Write { step: "write", .. }), "{error:?}");
    assert!(error.to_string().contains("ReadOnlyError"), "{error}");
    assert_eq!(store.workflow("wf-second").await.unwrap(), None, "the workflow record was rolled back with it");
    assert_eq!(store.current_workflow().await.unwrap().map(|w| w.id), Some("wf-first".into()));
}
