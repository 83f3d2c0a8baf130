//! Resume: unmount the app mid-run, mount a fresh one on the same database, and count provider calls.

use std::collections::HashMap;

use crate::call_log::CallLog;
use wasm_bindgen_test::wasm_bindgen_test;

use crate::dom::*;

#[wasm_bindgen_test]
async fn a_fresh_app_resumes_the_run_without_repeating_completed_tasks() {
    let db = unique_db("resume");
    let calls = CallLog::default();
    let first = mount_app(&db, calls.clone(), demo_settings(150, 0.0));
    plan_goal(&first.root, "Build a nightly pipeline that loads sales data into the warehouse").await;
    let total = node_statuses(&first.root).len();
    click(&first.root, "run-button");
    wait_until("some tasks completed, but not all", 15_000.0, || {
        let done = node_statuses(&first.root).iter().filter(|(_, s)| s == "completed").count();
        done >= 2
    })
    .await;
    let completed_before: Vec<String> =
        node_statuses(&first.root).into_iter().filter(|(_, s)| s == "completed").map(|(id, _)| id).collect();
    assert!(completed_before.len() < total, "the run must still be going when the app goes away");
    drop(first); // the tab goes away mid-run

    let second = mount_app(&db, calls.clone(), demo_settings(150, 0.0));
    wait_until("the resumed run to finish", 20_000.0, || {
        let nodes = node_statuses(&second.root);
        nodes.len() == total && nodes.iter().all(|(_, s)| s == "completed")
    })
    .await;

    let mut per_task: HashMap<String, usize> = HashMap::new();
    for id in calls.calls() {
        *per_task.entry(id).or_default() += 1;
    }
    for id in &completed_before {
        assert_eq!(per_task[id], 1, "completed task {id} ran again after the resume");
    }
    assert_eq!(per_task.len(), total, "every task ran");
    assert!(per_task.values().all(|&n| n <= 2), "only tasks in flight at the unmount run twice: {per_task:?}");
}
