//! Time travel, forks and run comparison: scrubbing shows exactly the statuses recorded at a past
//! moment and writes nothing; a fork from a failed task sends requests for it and its dependents
//! only and leaves the parent's IndexedDB records byte-identical; a comparison marks exactly the
//! tasks whose outcome differs.

use std::collections::HashMap;

use indexed_db_futures::database::Database;
use indexed_db_futures::prelude::*;
use planwright::llm::settings::ProviderSettings;
use planwright::store::indexed_db::Store;
use planwright::store::record::{EventRecord, ForkOrigin};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::wasm_bindgen_test;
use web_sys::HtmlElement;

use crate::call_log::CallLog;
use crate::dom::*;
use crate::test_server::{openai_settings, server_calls};

/// Unique text, so each test has its own model names (and `/__calls` counts).
fn nonce() -> String {
    format!("{}{}", js_sys::Date::now() as u64, (js_sys::Math::random() * 1e9) as u64)
}

/// The OpenAI-compatible provider of the local test server with `model`.
fn server_settings(model: &str) -> ProviderSettings {
    ProviderSettings { stream: false, ..openai_settings(model, "test-key") }
}

/// Every raw record (store, key, stored text) of workflow `id` in database `db`, read straight from
/// IndexedDB: its workflow record and every task, event and call record.
async fn raw_records(db: &str, id: &str) -> Vec<(String, String, String)> {
    let db = Database::open(db).await.unwrap();
    let mut out = Vec::new();
    for name in ["workflows", "tasks", "events", "calls"] {
        let tx = db.transaction(name).build().unwrap();
        let store = tx.object_store(name).unwrap();
        let keys: Vec<String> =
            store.get_all_keys::<String>().primitive().unwrap().await.unwrap().map(Result::unwrap).collect();
        let values: Vec<String> =
            store.get_all::<String>().primitive().unwrap().await.unwrap().map(Result::unwrap).collect();
        for (key, value) in keys.into_iter().zip(values) {
            if key == id || key.starts_with(&format!("{id}\u{0}")) {
                out.push((name.to_string(), key, value));
            }
        }
    }
    db.close();
    out
}

/// The status of every task after the first `k` entries of `events`, from their raw status names.
fn statuses_after(events: &[EventRecord], k: usize, ids: &[String]) -> Vec<(String, String)> {
    let mut status: HashMap<&str, &str> = HashMap::new();
    for event in &events[..k] {
        status.insert(&event.task_id, &event.status);
    }
    ids.iter().map(|id| (id.clone(), status.get(id.as_str()).unwrap_or(&"pending").to_string())).collect()
}

fn sorted(mut v: Vec<(String, String)>) -> Vec<(String, String)> {
    v.sort();
    v
}

fn scrubber_max(root: &HtmlElement) -> usize {
    find(root, "[data-testid='time-scrubber']")
        .and_then(|e| e.get_attribute("max"))
        .and_then(|m| m.parse().ok())
        .unwrap_or(0)
}

#[wasm_bindgen_test]
async fn scrubbing_back_to_a_moment_mid_run_shows_exactly_the_statuses_recorded_then() {
    let db = unique_db("travel");
    let app = mount_app(&db, CallLog::default(), demo_settings(40, 0.0));
    plan_goal(&app.root, "Research the history of tea").await;
    click(&app.root, "run-button");
    wait_until("the run to finish", 20_000.0, || text_of(&app.root, "run-status") == "finished").await;
    drop(app);

    // After a reload the log comes from IndexedDB.
    let app = mount_app(&db, CallLog::default(), demo_settings(40, 0.0));
    let store = Store::open(&db).await.unwrap();
    let id = store.current_workflow().await.unwrap().unwrap().id;
    let events = store.events(&id).await.unwrap();
    wait_until("the finished run and its scrubber", 10_000.0, || {
        text_of(&app.root, "run-status") == "finished" && scrubber_max(&app.root) == events.len()
    })
    .await;
    let ids: Vec<String> = node_statuses(&app.root).into_iter().map(|(id, _)| id).collect();
    let before = raw_records(&db, &id).await;

    // A moment mid-run where some task was running.
    let k = (events.len() / 2..events.len())
        .find(|&k| statuses_after(&events, k, &ids).iter().any(|(_, s)| s == "running"))
        .expect("a moment with a running task");
    type_into(&app.root, "time-scrubber", &k.to_string());
    let expected = sorted(statuses_after(&events, k, &ids));
    wait_until("the graph as it stood then", 5_000.0, || sorted(node_statuses(&app.root)) == expected).await;
    let running: Vec<&String> = expected.iter().filter(|(_, s)| s == "running").map(|(id, _)| id).collect();
    assert!(text_of(&app.root, "run-counts").contains(&format!("{} running", running.len())));
    select_task(&app.root, running[0]).await;
    assert_eq!(text_of(&app.root, "inspector-status"), "running");
    assert!(find(&app.root, "[data-testid='inspector-past']").is_some());
    for button in ["retry-button", "skip-button", "fork-button"] {
        let disabled =
            find(&app.root, &format!("[data-testid='{button}']")).is_some_and(|b| b.has_attribute("disabled"));
        assert!(disabled, "{button} is disabled on a past moment");
    }

    click(&app.root, "time-step-back");
    let one_back = sorted(statuses_after(&events, k - 1, &ids));
    wait_until("one change back", 5_000.0, || sorted(node_statuses(&app.root)) == one_back).await;

    // The end of the log is the live view again.
    type_into(&app.root, "time-scrubber", &events.len().to_string());
    wait_until("the live view", 5_000.0, || {
        node_statuses(&app.root).iter().all(|(_, s)| s == "completed")
            && find(&app.root, "[data-testid='inspector-past']").is_none()
    })
    .await;
    // Play replays the changes from the start and ends in the live view.
    click(&app.root, "time-play");
    wait_until("a replayed moment", 5_000.0, || text_of(&app.root, "time-caption").starts_with("after change")).await;
    wait_until("the replay to reach the live view", 30_000.0, || {
        text_of(&app.root, "time-caption").starts_with("live")
    })
    .await;
    assert!(node_statuses(&app.root).iter().all(|(_, s)| s == "completed"));
    assert_eq!(raw_records(&db, &id).await, before, "scrubbing and replaying wrote nothing");
}

#[wasm_bindgen_test]
async fn a_cancelled_run_scrubs_back_to_its_moments_and_its_tasks_stay_cancelled_live() {
    let db = unique_db("travel-cancel");
    let app = mount_app(&db, CallLog::default(), demo_settings(300, 0.0));
    plan_goal(&app.root, "Research the history of tea").await;
    click(&app.root, "run-button");
    wait_until("a task to complete", 20_000.0, || node_statuses(&app.root).iter().any(|(_, s)| s == "completed")).await;
    click(&app.root, "cancel-button");
    wait_until("the run to be cancelled", 10_000.0, || text_of(&app.root, "run-status") == "cancelled").await;
    let live = sorted(node_statuses(&app.root));
    assert!(live.iter().any(|(_, s)| s == "pending" || s == "skipped"), "the cancel left work undone: {live:?}");

    let store = Store::open(&db).await.unwrap();
    let id = store.current_workflow().await.unwrap().unwrap().id;
    let events = store.events(&id).await.unwrap();
    wait_until("the scrubber over the whole log", 5_000.0, || scrubber_max(&app.root) == events.len()).await;
    let before = raw_records(&db, &id).await;
    let ids: Vec<String> = live.iter().map(|(id, _)| id.clone()).collect();
    let k = (1..=events.len())
        .find(|&k| statuses_after(&events, k, &ids).iter().any(|(_, s)| s == "running"))
        .expect("a moment with a running task");
    type_into(&app.root, "time-scrubber", &k.to_string());
    let then = sorted(statuses_after(&events, k, &ids));
    wait_until("the cancelled run as it stood then", 5_000.0, || sorted(node_statuses(&app.root)) == then).await;
    type_into(&app.root, "time-scrubber", &events.len().to_string());
    wait_until("the live view", 5_000.0, || sorted(node_statuses(&app.root)) == live).await;
    assert_eq!(text_of(&app.root, "run-status"), "cancelled", "scrubbing does not resume the run");
    assert_eq!(raw_records(&db, &id).await, before, "scrubbing wrote nothing");
}

/// A failed run and its fork, as [`fork_a_failed_run`] leaves them.
struct Forked {
    app: Mounted,
    db: String,
    parent: String,
    /// The parent's raw records before the fork.
    before: Vec<(String, String, String)>,
    fork_model: String,
    /// The model typed for the forked task itself (unpinned forks only).
    task_model: Option<String>,
    /// Tasks executed after the fork started, in order.
    after_fork: Vec<String>,
}

/// Runs the test server's diamond T1 → (T2, T3) → T4 with T3 failing, then forks it at T3 on a
/// fresh model (`pin`: with that output pinned) and waits for the fork to finish.
async fn fork_a_failed_run(prefix: &str, pin: Option<&str>) -> Forked {
    let db = unique_db(prefix);
    let calls = CallLog::default();
    let app = mount_app(&db, calls.clone(), server_settings(&format!("fail-T3-{}", nonce())));
    plan_goal(&app.root, "Write a short report on tea").await;
    click(&app.root, "run-button");
    wait_until("the run to finish with T3 failed", 20_000.0, || text_of(&app.root, "run-status") == "finished").await;
    let expected = [("T1", "completed"), ("T2", "completed"), ("T3", "failed"), ("T4", "blocked")];
    let expected: Vec<(String, String)> = expected.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect();
    assert_eq!(sorted(node_statuses(&app.root)), expected);
    let store = Store::open(&db).await.unwrap();
    let parent = store.current_workflow().await.unwrap().unwrap().id;
    let before = raw_records(&db, &parent).await;
    assert!(!before.is_empty());

    // The failed run scrubs too: back to the moment T3 was running, then live again.
    let events = store.events(&parent).await.unwrap();
    wait_until("the scrubber", 5_000.0, || scrubber_max(&app.root) == events.len()).await;
    let ids: Vec<String> = expected.iter().map(|(id, _)| id.clone()).collect();
    let k = (1..=events.len()).find(|&k| events[k - 1].task_id == "T3" && events[k - 1].status == "running").unwrap();
    type_into(&app.root, "time-scrubber", &k.to_string());
    let then = sorted(statuses_after(&events, k, &ids));
    wait_until("T3 running again on the graph", 5_000.0, || sorted(node_statuses(&app.root)) == then).await;
    type_into(&app.root, "time-scrubber", &events.len().to_string());
    wait_until("the live view", 5_000.0, || sorted(node_statuses(&app.root)) == expected).await;

    let fork_model = format!("fork-{}", nonce());
    change_value(&app.root, "[data-testid='model-input']", &fork_model);
    let calls_before = calls.calls().len();
    select_task(&app.root, "T3").await;
    click(&app.root, "fork-button");
    wait_until("the fork form", 2_000.0, || find(&app.root, "[data-testid='fork-form']").is_some()).await;
    type_into(&app.root, "fork-description", "Analyse the second aspect again, briefly.");
    let task_model = match pin {
        Some(text) => {
            type_into(&app.root, "pin-output-input", text);
            None
        }
        None => {
            let model = format!("fork-t3-{}", nonce());
            type_into(&app.root, "fork-model", &model);
            Some(model)
        }
    };
    click(&app.root, "fork-start");
    wait_until("the fork to finish", 20_000.0, || {
        store_current_differs(&app.root, &parent)
            && text_of(&app.root, "run-status") == "finished"
            && node_statuses(&app.root).iter().all(|(_, s)| s == "completed")
    })
    .await;
    let after_fork = calls.calls()[calls_before..].to_vec();
    Forked { app, db, parent, before, fork_model, task_model, after_fork }
}

/// True once the shown workflow (the current history item) is not `parent`.
fn store_current_differs(root: &HtmlElement, parent: &str) -> bool {
    find(root, ".history-item.current").and_then(|e| e.get_attribute("data-workflow-id")).is_some_and(|id| id != parent)
}

#[wasm_bindgen_test]
async fn a_fork_from_a_failed_task_reruns_only_it_and_its_dependents_and_leaves_the_parent_untouched() {
    let Forked { app, db, parent, before, fork_model, task_model, after_fork } = fork_a_failed_run("fork", None).await;
    assert_eq!(after_fork, ["T3", "T4"], "only the forked task and its dependent ran");
    let task_model = task_model.expect("an unpinned fork gives T3 a model of its own");
    assert_eq!(server_calls(&task_model).await, 1, "T3 asked with the model typed in the fork form");
    assert_eq!(server_calls(&fork_model).await, 1, "T4 asked with the run's model: the server saw no other request");
    assert_eq!(raw_records(&db, &parent).await, before, "the parent's records are byte-identical");

    let store = Store::open(&db).await.unwrap();
    let fork = store.current_workflow().await.unwrap().unwrap();
    assert_eq!(fork.forked_from, Some(ForkOrigin { workflow_id: parent.clone(), task_id: "T3".into() }));
    assert_eq!(fork.plan.task("T3").unwrap().description, "Analyse the second aspect again, briefly.");
    let results: HashMap<String, Option<String>> =
        store.tasks(&fork.id).await.unwrap().0.into_iter().map(|t| (t.task_id, t.state.result)).collect();
    assert_eq!(results["T1"].as_deref(), Some("Result of T1 from testserver"), "T1's result was reused");
    // The history shows the family: the fork under its parent, saying where it came from.
    wait_until("the fork in the history", 5_000.0, || {
        find(&app.root, ".history-item.fork [data-testid='history-forked-from']")
            .and_then(|e| e.text_content())
            .is_some_and(|t| t.contains(&parent) && t.contains("T3"))
    })
    .await;
    let order: Vec<String> = find_all(&app.root, "[data-testid='history-item']")
        .iter()
        .filter_map(|e| e.get_attribute("data-workflow-id"))
        .collect();
    assert_eq!(order, [parent, fork.id], "the fork is listed right under its parent");
}

#[wasm_bindgen_test]
async fn a_pinned_fork_sends_no_request_for_the_pinned_task_and_compare_marks_exactly_the_tasks_that_differ() {
    let Forked { app, fork_model, after_fork, .. } = fork_a_failed_run("compare", Some("Typed by hand")).await;
    assert_eq!(after_fork, ["T4"], "the pinned task sent no request");
    assert_eq!(server_calls(&fork_model).await, 1);
    select_task(&app.root, "T3").await;
    assert_eq!(text_of(&app.root, "inspector-result"), "Typed by hand");

    wait_until("the compare button", 5_000.0, || find(&app.root, "[data-testid='compare-button']").is_some()).await;
    click(&app.root, "compare-button");
    wait_until("the comparison", 5_000.0, || find_all(&app.root, "[data-testid='compare-row']").len() == 4).await;
    let rows: Vec<(String, String)> = find_all(&app.root, "[data-testid='compare-row']")
        .iter()
        .map(|r| (r.get_attribute("data-task-id").unwrap(), r.get_attribute("data-differs").unwrap()))
        .collect();
    let expected = [("T1", "false"), ("T2", "false"), ("T3", "true"), ("T4", "true")];
    assert_eq!(rows, expected.map(|(a, b)| (a.to_string(), b.to_string())));
    let mut marked: Vec<String> = find_all(&app.root, "[data-testid='task-node'][data-differs='true']")
        .iter()
        .filter_map(|n| n.get_attribute("data-task-id"))
        .collect();
    marked.sort();
    assert_eq!(marked, ["T3", "T4"], "the graph marks exactly the differing tasks");
    let t3_row: HtmlElement =
        find(&app.root, "[data-testid='compare-row'][data-task-id='T3']").unwrap().unchecked_into();
    let text = t3_row.text_content().unwrap_or_default();
    assert!(text.contains("failed → completed") && text.contains("+ Typed by hand"), "{text}");
}
