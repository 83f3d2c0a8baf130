//! Expanding a task into subtasks, and starting tasks while the plan streams in.

use crate::call_log::CallLog;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::wasm_bindgen_test;
use web_sys::{HtmlElement, HtmlInputElement};

use crate::dom::*;
use crate::run_flow::THREE_TASKS;

#[wasm_bindgen_test]
async fn expanding_a_task_before_the_run_makes_only_its_subtasks_execute() {
    let calls = CallLog::default();
    let app = mount_app(&unique_db("expand"), calls.clone(), demo_settings(10, 0.0));
    import(&app.root, THREE_TASKS, 3).await;
    let node: HtmlElement = find(&app.root, "[data-task-id='A']").unwrap().unchecked_into();
    node.dispatch_event(&web_sys::Event::new("click").unwrap()).unwrap();
    wait_until("the inspector", 5_000.0, || find(&app.root, "[data-testid='expand-button']").is_some()).await;
    click(&app.root, "expand-button");
    wait_until("three subtasks on the graph", 5_000.0, || node_statuses(&app.root).len() == 6).await;
    click(&app.root, "run-button");
    wait_until("the run to finish", 10_000.0, || text_of(&app.root, "run-status") == "finished").await;
    assert!(node_statuses(&app.root).iter().all(|(_, s)| s == "completed"), "{:?}", node_statuses(&app.root));
    let mut ran = calls.calls();
    ran.sort();
    assert_eq!(ran, vec!["A.1", "A.2", "A.3", "B", "C"], "A itself never executes");
}

#[wasm_bindgen_test]
async fn a_task_with_subtasks_offers_no_skip_and_its_subtask_is_not_ready_before_the_parent_opens() {
    let app = mount_app(&unique_db("parent-skip"), CallLog::default(), demo_settings(10, 0.0));
    let plan = r#"{"tasks":[{"id":"P","name":"p","depends_on":[]},
        {"id":"P1","name":"p1","depends_on":[],"parent":"P"},{"id":"B","name":"b","depends_on":["P"]}]}"#;
    import(&app.root, plan, 3).await;
    select_task(&app.root, "P").await;
    let skip = find(&app.root, "[data-testid='skip-button']").unwrap();
    assert!(skip.has_attribute("disabled"));
    assert_eq!(skip.get_attribute("title").as_deref(), Some("P has unfinished subtasks: skip those instead"));
    select_task(&app.root, "P1").await;
    assert!(!find(&app.root, "[data-testid='skip-button']").unwrap().has_attribute("disabled"));
    let ready = |id: &str| {
        let node = find(&app.root, &format!("[data-task-id='{id}']")).unwrap();
        node.get_attribute("class").unwrap_or_default().split(' ').any(|c| c == "ready")
    };
    assert_eq!((ready("P"), ready("P1"), ready("B")), (true, false, false));
}

#[wasm_bindgen_test]
async fn with_streamed_dispatch_the_first_task_starts_before_the_plan_has_arrived() {
    let calls = CallLog::default();
    let app = mount_app(&unique_db("stream"), calls.clone(), demo_settings(30, 0.0));
    wait_until("the app to load", 5_000.0, || {
        find(&app.root, "[data-testid='plan-button']").is_some_and(|b| !b.has_attribute("disabled"))
    })
    .await;
    let toggle: HtmlInputElement = find(&app.root, "[data-testid='stream-dispatch-input']").unwrap().unchecked_into();
    toggle.click();
    type_into(&app.root, "goal-input", "Build a nightly pipeline that loads sales data into the warehouse");
    click(&app.root, "plan-button");
    // The Demo streams its ~2.5 kB answer at 800 chars/s: the first task must start well before it ends.
    wait_until("the first task to start", 3_000.0, || !calls.calls().is_empty()).await;
    let nodes_when_first_started = node_statuses(&app.root).len();
    wait_until("the streamed run to finish", 20_000.0, || text_of(&app.root, "run-status") == "finished").await;
    let total = node_statuses(&app.root).len();
    assert!(nodes_when_first_started < total, "the first task started only after all {total} tasks had arrived");
    assert!(node_statuses(&app.root).iter().all(|(_, s)| s == "completed"));
    assert_eq!(calls.calls().len(), total);
}
