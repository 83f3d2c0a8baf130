//! The history sidebar: every workflow listed with its status; open, duplicate, delete, retention,
//! clear all.

use crate::call_log::CallLog;
use planwright::engine::{RunConfig, RunStatus};
use planwright::plan::{Plan, Task};
use planwright::store::indexed_db::Store;
use planwright::store::record::WorkflowRecord;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::wasm_bindgen_test;
use web_sys::HtmlElement;

use crate::dom::*;

fn history(app: &Mounted) -> Vec<String> {
    find_all(&app.root, "[data-testid='history-item']").iter().filter_map(|e| e.text_content()).collect()
}

fn click_in_item(app: &Mounted, index: usize, test_id: &str) {
    let item = &find_all(&app.root, "[data-testid='history-item']")[index];
    let button: HtmlElement =
        item.query_selector(&format!("[data-testid='{test_id}']")).unwrap().unwrap().unchecked_into();
    button.click();
}

async fn run_goal(app: &Mounted, goal: &str) {
    plan_goal(&app.root, goal).await;
    click(&app.root, "run-button");
    wait_until("the run to finish", 15_000.0, || text_of(&app.root, "run-status") == "finished").await;
}

#[wasm_bindgen_test]
async fn the_history_lists_opens_duplicates_deletes_and_clears_workflows() {
    let db = unique_db("history");
    // An old finished workflow that the 30-day retention deletes on load.
    let store = Store::open(&db).await.unwrap();
    let old = WorkflowRecord {
        id: "wf-ancient".into(),
        schema_version: 2,
        goal: "Ancient goal".into(),
        plan: Plan { tasks: vec![Task::new("T1", "a", &[])], critical_path: vec![] },
        config: RunConfig::default(),
        status: RunStatus::Finished,
        created_ms: 0.0,
        updated_ms: js_sys::Date::now() - 40.0 * 86_400_000.0,
        replans: vec![],
        pending_replan: None,
        allowed_hosts: Vec::new(),
        forked_from: None,
    };
    store.put_workflow(&old).await.unwrap();
    let app = mount_app(&db, CallLog::default(), demo_settings(10, 0.0));
    run_goal(&app, "Research the history of tea").await;
    run_goal(&app, "Review the pull request that adds caching").await;
    wait_until("two workflows listed", 5_000.0, || history(&app).len() == 2).await;
    let listed = history(&app);
    assert!(listed[0].contains("Review the pull request") && listed[0].contains("finished"), "{listed:?}");
    assert!(listed[1].contains("history of tea"), "{listed:?}");
    assert!(!listed.iter().any(|l| l.contains("Ancient")), "retention deleted the old workflow");
    assert!(store.workflow("wf-ancient").await.unwrap().is_none());

    // Open the older one: its plan and completed states come back.
    let tea = find_all(&app.root, ".history-goal")[1].clone().unchecked_into::<HtmlElement>();
    tea.click();
    wait_until("the tea workflow", 5_000.0, || {
        text_of(&app.root, "run-status") == "finished"
            && find(&app.root, "textarea[data-testid='goal-input']").is_some()
            && node_statuses(&app.root).iter().all(|(_, s)| s == "completed")
            && app.root.text_content().unwrap_or_default().contains("Research")
    })
    .await;

    click_in_item(&app, 0, "history-duplicate");
    wait_until("three workflows", 5_000.0, || history(&app).len() == 3).await;
    assert!(history(&app)[0].contains("idle"), "the copy has not run: {:?}", history(&app));
    click_in_item(&app, 0, "history-delete");
    wait_until("two workflows again", 5_000.0, || history(&app).len() == 2).await;

    // Clear all, confirming the dialog.
    let window = web_sys::window().unwrap();
    js_sys::Reflect::set(&window, &"confirm".into(), &js_sys::Function::new_with_args("m", "return true")).unwrap();
    click(&app.root, "history-clear");
    wait_until("an empty history", 5_000.0, || history(&app).is_empty()).await;
    assert!(store.workflows().await.unwrap().0.is_empty());
}
