//! Editing a plan before it runs: add and delete tasks, add dependencies (inspector and drag) and
//! delete them, live validation, undo/redo, keyboard moves, "Approve and run"; and the graph's PNG
//! export and minimap.

use crate::call_log::CallLog;
use planwright::app::download::DownloadError;
use planwright::app::share::{graph_png, ExportError};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::wasm_bindgen_test;

use crate::dom::*;
use crate::run_flow::THREE_TASKS;

fn ids(app: &Mounted) -> Vec<String> {
    node_statuses(&app.root).into_iter().map(|(id, _)| id).collect()
}

fn run_enabled(app: &Mounted) -> bool {
    find(&app.root, "[data-testid='run-button']").is_some_and(|b| !b.has_attribute("disabled"))
}

/// Fires a bubbling event built by JavaScript `constructor` with `init` on the first `selector` match.
fn fire(selector: &str, constructor: &str, kind: &str, init: &str) {
    let script = format!(
        "document.querySelector(\"{selector}\").dispatchEvent(new {constructor}('{kind}', Object.assign({{bubbles: true, cancelable: true}}, {init})))"
    );
    js_sys::eval(&script).expect("dispatch");
}

/// Centre of the first element matching `selector`, in client coordinates.
fn centre(selector: &str) -> (f64, f64) {
    let el = web_sys::window().unwrap().document().unwrap().query_selector(selector).unwrap().expect(selector);
    let r = el.get_bounding_client_rect();
    (r.left() + r.width() / 2.0, r.top() + r.height() / 2.0)
}

#[wasm_bindgen_test]
async fn a_plan_is_edited_with_live_validation_undo_and_redo_then_approved_and_run() {
    let calls = CallLog::default();
    let db = unique_db("edit");
    let app = mount_app(&db, calls.clone(), demo_settings(10, 0.0));
    import(&app.root, THREE_TASKS, 3).await;
    assert_eq!(text_of(&app.root, "run-button"), "Approve and run");

    // Add a task, name it, and make it depend on B.
    click(&app.root, "add-task");
    wait_until("the new task", 2_000.0, || ids(&app).contains(&"T1".to_string())).await;
    wait_until("the inspector to show it", 2_000.0, || find(&app.root, "[data-testid='edit-name']").is_some()).await;
    change_value(&app.root, "[data-testid='edit-name']", "Write the summary");
    wait_until("the name on the graph", 2_000.0, || {
        find(&app.root, "[data-task-id='T1']")
            .and_then(|n| n.text_content())
            .is_some_and(|t| t.contains("Write the summary"))
    })
    .await;
    change_value(&app.root, "[data-testid='add-dependency']", "B");
    wait_until("T1 to depend on B", 2_000.0, || inspector_dependencies(&app.root) == ["B"]).await;

    // A dependency that closes a cycle is shown at once and blocks the run; undo removes it.
    select_task(&app.root, "A").await;
    change_value(&app.root, "[data-testid='add-dependency']", "B");
    wait_until("the cycle issue", 2_000.0, || text_of(&app.root, "validation-issues").contains("cycle: ")).await;
    assert!(!run_enabled(&app), "a cyclic plan cannot run");
    click(&app.root, "undo");
    wait_until("the cycle to be undone", 2_000.0, || !text_of(&app.root, "validation-issues").contains("cycle")).await;
    assert!(run_enabled(&app));
    click(&app.root, "redo");
    wait_until("the cycle to be redone", 2_000.0, || text_of(&app.root, "validation-issues").contains("cycle: ")).await;
    // Ctrl+Z from the keyboard undoes too.
    fire("body", "KeyboardEvent", "keydown", "{key: 'z', ctrlKey: true}");
    wait_until("Ctrl+Z to undo", 2_000.0, || !text_of(&app.root, "validation-issues").contains("cycle")).await;

    // Delete task C, then remove T1's dependency on B and undo that.
    select_task(&app.root, "C").await;
    click(&app.root, "delete-task");
    wait_until("C to be deleted", 2_000.0, || !ids(&app).contains(&"C".to_string())).await;
    select_task(&app.root, "T1").await;
    click(&app.root, "remove-dependency");
    wait_until("the dependency to go", 2_000.0, || inspector_dependencies(&app.root).is_empty()).await;
    click(&app.root, "undo");
    wait_until("the dependency to come back", 2_000.0, || inspector_dependencies(&app.root) == ["B"]).await;

    // The edits are saved: a fresh app on the same database shows the edited plan.
    gloo_timers::future::TimeoutFuture::new(500).await; // the last edit's save is in flight
    let reloaded = mount_app(&db, CallLog::default(), demo_settings(10, 0.0));
    wait_until("the saved, edited plan", 5_000.0, || {
        let mut found = ids(&reloaded);
        found.sort();
        found == ["A", "B", "T1"]
    })
    .await;
    drop(reloaded);

    // Approve and run runs the edited plan; editing ends.
    click(&app.root, "run-button");
    wait_until("the run to finish", 15_000.0, || text_of(&app.root, "run-status") == "finished").await;
    let mut ran = calls.calls();
    ran.sort();
    assert_eq!(ran, ["A", "B", "T1"]);
    assert!(find(&app.root, "[data-testid='add-task']").is_none(), "no editing once the plan has run");
    assert!(find(&app.root, "[data-testid='edit-name']").is_none());
}

#[wasm_bindgen_test]
async fn dragging_from_a_port_to_another_task_adds_a_dependency() {
    let app = mount_app(&unique_db("drag"), CallLog::default(), demo_settings(10, 0.0));
    import(&app.root, THREE_TASKS, 3).await;
    let (x0, y0) = centre("[data-task-id='C'] .port");
    let (x1, y1) = centre("[data-task-id='B'] rect");
    fire("[data-task-id='C'] .port", "PointerEvent", "pointerdown", &format!("{{clientX: {x0}, clientY: {y0}}}"));
    fire(".graph-scroll", "PointerEvent", "pointermove", &format!("{{clientX: {x1}, clientY: {y1}}}"));
    wait_until("the line being dragged", 2_000.0, || find(&app.root, "[data-testid='connect-line']").is_some()).await;
    fire("[data-task-id='B'] rect", "PointerEvent", "pointerup", &format!("{{clientX: {x1}, clientY: {y1}}}"));
    select_task(&app.root, "B").await;
    wait_until("B to depend on C too", 2_000.0, || inspector_dependencies(&app.root) == ["A", "C"]).await;
    assert!(find(&app.root, "[data-testid='connect-line']").is_none(), "the line goes when the drag ends");
}

#[wasm_bindgen_test]
async fn arrow_keys_move_between_tasks_and_delete_removes_one() {
    let app = mount_app(&unique_db("keys"), CallLog::default(), demo_settings(10, 0.0));
    import(&app.root, THREE_TASKS, 3).await;
    // A and C are in the first column, B right of A.
    fire("[data-task-id='A']", "KeyboardEvent", "keydown", "{key: 'ArrowRight'}");
    let active = || {
        web_sys::window().unwrap().document().unwrap().active_element().and_then(|e| e.get_attribute("data-task-id"))
    };
    wait_until("B to have focus", 2_000.0, || active().as_deref() == Some("B")).await;
    assert_eq!(text_of(&app.root, "inspector-status"), "pending", "moving also selects");
    fire("[data-task-id='B']", "KeyboardEvent", "keydown", "{key: 'ArrowLeft'}");
    wait_until("A to have focus", 2_000.0, || active().as_deref() == Some("A")).await;
    let in_tab_order: Vec<String> = find_all(&app.root, ".task-node[tabindex='0']")
        .into_iter()
        .filter_map(|n| n.get_attribute("data-task-id"))
        .collect();
    assert_eq!(in_tab_order, ["A"], "one box, the selected one, is in the Tab order");
    fire("[data-task-id='C']", "KeyboardEvent", "keydown", "{key: 'Delete'}");
    wait_until("C to be deleted", 2_000.0, || ids(&app) == ["A", "B"]).await;
}

#[wasm_bindgen_test]
async fn the_graph_exports_as_png_and_a_large_plan_gets_a_minimap() {
    let app = mount_app(&unique_db("png"), CallLog::default(), demo_settings(10, 0.0));
    import(&app.root, THREE_TASKS, 3).await;
    assert!(find(&app.root, "[data-testid='minimap']").is_none(), "a small plan needs no minimap");
    let (data, width, height) = graph_png().await.expect("a PNG");
    assert!(data.starts_with("data:image/png;base64,"), "{}", &data[..40.min(data.len())]);
    assert!(data.len() > 2_000, "an image with content, {} bytes", data.len());
    let svg = find(&app.root, "[data-testid='plan-graph']").unwrap();
    let view_box: Vec<f64> =
        svg.get_attribute("viewBox").unwrap().split_whitespace().map(|v| v.parse().unwrap()).collect();
    assert_eq!((width, height), ((view_box[2] * 2.0).ceil() as u32, (view_box[3] * 2.0).ceil() as u32));

    let tasks: Vec<String> = (1..=40)
        .map(|i| {
            let dep = if i > 4 { format!("\"N{}\"", i - 4) } else { String::new() };
            format!("{{\"id\":\"N{i}\",\"name\":\"n{i}\",\"depends_on\":[{dep}]}}")
        })
        .collect();
    import(&app.root, &format!("{{\"tasks\":[{}]}}", tasks.join(",")), 40).await;
    wait_until("the minimap", 2_000.0, || find(&app.root, "[data-testid='minimap']").is_some()).await;
    let canvas: web_sys::HtmlCanvasElement = find(&app.root, "[data-testid='minimap']").unwrap().unchecked_into();
    let blank: web_sys::HtmlCanvasElement =
        web_sys::window().unwrap().document().unwrap().create_element("canvas").unwrap().unchecked_into();
    blank.set_width(canvas.width());
    blank.set_height(canvas.height());
    wait_until("the minimap to draw the tasks", 2_000.0, || {
        canvas.to_data_url().unwrap() != blank.to_data_url().unwrap()
    })
    .await;
    let scroll = find(&app.root, ".graph-scroll").unwrap();
    let before = scroll.scroll_left();
    let (right, _) = {
        let r = find(&app.root, "[data-testid='minimap']").unwrap().get_bounding_client_rect();
        (r.right() - 2.0, r.top())
    };
    let (_, y) = centre(".minimap");
    fire(".minimap", "PointerEvent", "pointerdown", &format!("{{clientX: {right}, clientY: {y}}}"));
    wait_until("the view to move right", 2_000.0, || scroll.scroll_left() > before).await;
}

#[wasm_bindgen_test]
async fn without_a_graph_the_export_says_so_and_each_failure_names_its_step() {
    let document = web_sys::window().unwrap().document().unwrap();
    assert!(document.query_selector("[data-testid='plan-graph']").unwrap().is_none(), "no app is mounted");
    let error = graph_png().await.unwrap_err();
    assert_eq!(error, ExportError::NoGraph);
    assert_eq!(error.to_string(), "There is no graph to export yet.");
    assert_eq!(ExportError::Png { step: "canvas" }.to_string(), "The PNG could not be made (canvas).");
    assert_eq!(ExportError::from(DownloadError::Blob).to_string(), "could not save the file (blob)");
    assert_eq!(DownloadError::NoDocument.to_string(), "could not save the file (no document)");
}
