//! The app mounts; a demo plan runs to completion; bad plans are refused with clear messages.

use crate::call_log::CallLog;
use wasm_bindgen_test::wasm_bindgen_test;

use crate::dom::*;

/// A depends on nothing, B on A, C on nothing.
pub const THREE_TASKS: &str = r#"{"tasks":[{"id":"A","name":"a","depends_on":[]},{"id":"B","name":"b","depends_on":["A"]},{"id":"C","name":"c","depends_on":[]}]}"#;

#[wasm_bindgen_test]
async fn app_mounts_with_its_controls() {
    let app = mount_app(&unique_db("mount"), CallLog::default(), demo_settings(30, 0.0));
    for id in [
        "goal-input",
        "plan-button",
        "run-button",
        "provider-select",
        "base-url-input",
        "model-input",
        "api-key-input",
        "validation-issues",
    ] {
        assert!(find(&app.root, &format!("[data-testid='{id}']")).is_some(), "missing {id}");
    }
}

#[wasm_bindgen_test]
async fn demo_plan_runs_to_completion_and_every_node_shows_completed() {
    let calls = CallLog::default();
    let app = mount_app(&unique_db("flow"), calls.clone(), demo_settings(30, 0.0));
    plan_goal(&app.root, "Review the pull request that adds OAuth login").await;
    let nodes = node_statuses(&app.root);
    assert!((5..=12).contains(&nodes.len()), "{} tasks", nodes.len());
    assert!(nodes.iter().all(|(_, s)| s == "pending"));
    click(&app.root, "run-button");
    wait_until("every node completed", 15_000.0, || node_statuses(&app.root).iter().all(|(_, s)| s == "completed"))
        .await;
    let mut ran = calls.calls();
    ran.sort();
    let mut ids: Vec<String> = nodes.into_iter().map(|(id, _)| id).collect();
    ids.sort();
    assert_eq!(ran, ids, "each task ran exactly once");
    let counts = find(&app.root, "[data-testid='run-counts']").unwrap().text_content().unwrap();
    assert!(counts.starts_with(&format!("{0} / {0} done", ids.len())), "{counts}");
}

#[wasm_bindgen_test]
async fn a_failed_task_blocks_its_dependents_and_says_by_whom() {
    // Every attempt fails: A fails after its retries, B (which needs A) is blocked, C runs on its own.
    let app = mount_app(&unique_db("fail"), CallLog::default(), demo_settings(10, 1.0));
    import(&app.root, THREE_TASKS, 3).await;
    click(&app.root, "run-button");
    wait_until("the run to finish", 15_000.0, || text_of(&app.root, "run-status") == "finished").await;
    let statuses = node_statuses(&app.root);
    assert_eq!(
        statuses,
        vec![("A".into(), "failed".into()), ("B".into(), "blocked".into()), ("C".into(), "failed".into())]
    );
    let b: web_sys::HtmlElement = wasm_bindgen::JsCast::unchecked_into(find(&app.root, "[data-task-id='B']").unwrap());
    b.dispatch_event(&web_sys::Event::new("click").unwrap()).unwrap();
    wait_until("the inspector to explain the block", 5_000.0, || {
        app.root.text_content().is_some_and(|t| t.contains("blocked by A, which failed"))
    })
    .await;
}

#[wasm_bindgen_test]
async fn a_plan_with_a_cycle_is_refused_with_the_cycle_shown() {
    let app = mount_app(&unique_db("cycle"), CallLog::default(), demo_settings(20, 0.0));
    plan_goal(&app.root, "Research heat pumps").await;
    let before = node_statuses(&app.root);
    type_into(
        &app.root,
        "import-input",
        r#"Here you go: {"tasks":[{"id":"T1","name":"a","depends_on":["T3"]},{"id":"T2","name":"b","depends_on":["T1"]},{"id":"T3","name":"c","depends_on":["T2"]}]}"#,
    );
    click(&app.root, "import-button");
    wait_until("the cycle error", 5_000.0, || {
        find(&app.root, "[data-testid='validation-issues']")
            .and_then(|e| e.text_content())
            .is_some_and(|t| t.contains("T1 -> T3 -> T2 -> T1") || t.contains("T1 -> T2 -> T3 -> T1"))
    })
    .await;
    let run = find(&app.root, "[data-testid='run-button']").unwrap();
    assert!(run.has_attribute("disabled"), "a plan with errors cannot run");
    wait_until("the cyclic plan drawn", 5_000.0, || node_statuses(&app.root) != before).await;

    // Garbage is refused with a message, and the plan on screen stays.
    let shown = node_statuses(&app.root);
    type_into(&app.root, "import-input", "{\"tasks\": [ {\"id\": \"T1\", }");
    click(&app.root, "import-button");
    wait_until("the import error", 5_000.0, || {
        find(&app.root, "[data-testid='notice']")
            .and_then(|e| e.text_content())
            .is_some_and(|t| t.contains("Import failed") && t.contains("line 1"))
    })
    .await;
    assert_eq!(node_statuses(&app.root), shown);
}
