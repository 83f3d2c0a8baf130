//! User controls and re-planning through the UI: retry, skip, pause/resume, bounded re-plans.

use crate::call_log::CallLog;
use planwright::engine::RunConfig;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::wasm_bindgen_test;
use web_sys::HtmlElement;

use crate::dom::*;
use crate::run_flow::THREE_TASKS;

fn select(root: &HtmlElement, id: &str) {
    let node: HtmlElement = find(root, &format!("[data-task-id='{id}']")).unwrap().unchecked_into();
    node.dispatch_event(&web_sys::Event::new("click").unwrap()).unwrap();
}

fn status(root: &HtmlElement, id: &str) -> String {
    node_statuses(root).into_iter().find(|(t, _)| t == id).map(|(_, s)| s).unwrap_or_default()
}

#[wasm_bindgen_test]
async fn skipping_a_failed_task_lets_its_dependents_run() {
    let app = mount_app(&unique_db("skip"), CallLog::default(), demo_settings(10, 1.0));
    import(&app.root, THREE_TASKS, 3).await;
    click(&app.root, "run-button");
    wait_until("the run to finish", 15_000.0, || text_of(&app.root, "run-status") == "finished").await;
    assert_eq!(status(&app.root, "B"), "blocked");
    select(&app.root, "A");
    wait_until("the inspector for A", 5_000.0, || text_of(&app.root, "inspector-status") == "failed").await;
    click(&app.root, "skip-button");
    // B is unblocked and runs (and fails, like every attempt at this failure rate) — it is no longer blocked.
    wait_until("A skipped and B run", 15_000.0, || {
        status(&app.root, "A") == "skipped"
            && status(&app.root, "B") == "failed"
            && text_of(&app.root, "run-status") == "finished"
    })
    .await;
}

#[wasm_bindgen_test]
async fn pause_stops_new_starts_and_resume_finishes_the_run() {
    let calls = CallLog::default();
    let app = mount_app(&unique_db("pause"), calls.clone(), demo_settings(120, 0.0));
    plan_goal(&app.root, "Research the history of the bicycle").await;
    let total = node_statuses(&app.root).len();
    click(&app.root, "run-button");
    wait_until("the first task running", 5_000.0, || node_statuses(&app.root).iter().any(|(_, s)| s == "running"))
        .await;
    click(&app.root, "pause-button");
    wait_until("the pause to settle", 5_000.0, || {
        text_of(&app.root, "run-status") == "paused" && node_statuses(&app.root).iter().all(|(_, s)| s != "running")
    })
    .await;
    let started = calls.calls().len();
    gloo_timers::future::TimeoutFuture::new(400).await;
    assert_eq!(calls.calls().len(), started, "nothing starts while paused");
    assert!(started < total);
    click(&app.root, "resume-button");
    wait_until("the run to finish", 20_000.0, || node_statuses(&app.root).iter().all(|(_, s)| s == "completed")).await;
    assert_eq!(calls.calls().len(), total, "each task ran once");
}

#[wasm_bindgen_test]
async fn repeated_failures_trigger_at_most_three_replans_shown_in_the_history() {
    let config = RunConfig { replan_after_failures: 2, max_replans: 3, ..quick_config() };
    let app = mount_app_with(&unique_db("replan"), CallLog::default(), demo_settings(10, 1.0), config);
    import(&app.root, THREE_TASKS, 3).await;
    click(&app.root, "run-button");
    wait_until("the run to finish after its re-plans", 30_000.0, || {
        text_of(&app.root, "run-status") == "finished" && text_of(&app.root, "replan-history").contains("limit")
    })
    .await;
    let history = text_of(&app.root, "replan-history");
    for n in 1..=3 {
        assert!(history.contains(&format!("Re-plan #{n} (applied)")), "{history}");
    }
    assert!(!history.contains("Re-plan #4 (applied)"), "{history}");
    // The revised tasks are on the graph under their new ids.
    assert!(node_statuses(&app.root).iter().any(|(id, _)| id == "A-r3"), "{:?}", node_statuses(&app.root));
}

/// Run settings that ask for approval of each re-plan (after two failures).
fn approving_config() -> RunConfig {
    RunConfig { replan_after_failures: 2, max_replans: 3, approve_replans: true, ..quick_config() }
}

/// Mounts the app on `db` with every demo attempt failing, runs three tasks and waits until the first
/// re-plan waits for approval.
async fn app_with_a_waiting_replan(db: &str, calls: &CallLog) -> Mounted {
    let app = mount_app_with(db, calls.clone(), demo_settings(10, 1.0), approving_config());
    import(&app.root, THREE_TASKS, 3).await;
    click(&app.root, "run-button");
    wait_until("the first re-plan to wait for approval", 15_000.0, || {
        !text_of(&app.root, "replan-proposal").is_empty()
    })
    .await;
    app
}

#[wasm_bindgen_test]
async fn a_replan_waits_for_approval_shows_its_changes_and_can_be_rejected() {
    let calls = CallLog::default();
    let app = app_with_a_waiting_replan(&unique_db("approve"), &calls).await;
    let shown = || !text_of(&app.root, "replan-proposal").is_empty();
    assert!(text_of(&app.root, "proposal-added").contains("-r1"), "{}", text_of(&app.root, "replan-proposal"));
    assert_ne!(text_of(&app.root, "proposal-removed"), "none", "the failed work it replaces is listed");
    let before = calls.calls().len();
    gloo_timers::future::TimeoutFuture::new(400).await;
    assert_eq!(calls.calls().len(), before, "nothing new starts while the re-plan waits");
    assert_eq!(text_of(&app.root, "run-status"), "running");

    click(&app.root, "approve-replan");
    wait_until("the approved re-plan in the history", 5_000.0, || {
        text_of(&app.root, "replan-history").contains("Re-plan #1 (applied)")
    })
    .await;
    assert!(node_statuses(&app.root).iter().any(|(id, _)| id.ends_with("-r1")), "the new tasks are on the graph");

    wait_until("the second re-plan to wait", 15_000.0, shown).await;
    click(&app.root, "reject-replan");
    wait_until("the rejection in the history", 5_000.0, || {
        let history = text_of(&app.root, "replan-history");
        history.contains("Re-plan #2 (not applied)") && history.contains("rejected by the user")
    })
    .await;
    assert!(!node_statuses(&app.root).iter().any(|(id, _)| id.ends_with("-r2")), "a rejected plan is not applied");
    assert!(text_of(&app.root, "replan-proposal").is_empty(), "the panel closes after the decision");
}

#[wasm_bindgen_test]
async fn a_replan_waiting_for_approval_still_waits_after_a_reload() {
    let db = unique_db("approve-reload");
    let calls = CallLog::default();
    let first = app_with_a_waiting_replan(&db, &calls).await;
    let added = text_of(&first.root, "proposal-added");
    gloo_timers::future::TimeoutFuture::new(300).await; // the proposal's checkpoint lands
    drop(first); // the tab reloads while the re-plan waits

    let second = mount_app_with(&db, calls.clone(), demo_settings(10, 1.0), approving_config());
    wait_until("the same proposal to show again", 10_000.0, || text_of(&second.root, "proposal-added") == added).await;
    let before = calls.calls().len();
    gloo_timers::future::TimeoutFuture::new(400).await;
    assert_eq!(calls.calls().len(), before, "nothing new starts while the restored re-plan waits");
    click(&second.root, "approve-replan");
    wait_until("the approved re-plan in the history", 5_000.0, || {
        text_of(&second.root, "replan-history").contains("Re-plan #1 (applied)")
    })
    .await;
    assert!(node_statuses(&second.root).iter().any(|(id, _)| id.ends_with("-r1")), "the new tasks are on the graph");
}

#[wasm_bindgen_test]
async fn a_replan_waiting_in_a_paused_run_can_be_applied_after_a_reload() {
    let db = unique_db("approve-paused");
    let calls = CallLog::default();
    let first = app_with_a_waiting_replan(&db, &calls).await;
    click(&first.root, "pause-button");
    wait_until("the run to pause", 5_000.0, || text_of(&first.root, "run-status") == "paused").await;
    gloo_timers::future::TimeoutFuture::new(300).await;
    drop(first);

    let second = mount_app_with(&db, calls.clone(), demo_settings(10, 1.0), approving_config());
    wait_until("the proposal to show again", 10_000.0, || !text_of(&second.root, "replan-proposal").is_empty()).await;
    click(&second.root, "approve-replan");
    wait_until("the approved re-plan in the history", 5_000.0, || {
        text_of(&second.root, "replan-history").contains("Re-plan #1 (applied)")
    })
    .await;
    assert!(node_statuses(&second.root).iter().any(|(id, _)| id.ends_with("-r1")), "the new tasks are on the graph");
}
