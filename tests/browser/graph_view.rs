//! The graph view: status captions, cycle edges in red, zoom and fit, collapsible clusters; the theme
//! switch.

use crate::call_log::CallLog;
use wasm_bindgen_test::wasm_bindgen_test;

use crate::dom::*;

fn svg_width(app: &Mounted) -> f64 {
    find(&app.root, "[data-testid='plan-graph']").unwrap().get_attribute("width").unwrap().parse().unwrap()
}

#[wasm_bindgen_test]
async fn cycle_edges_and_offending_nodes_are_drawn_as_invalid() {
    let app = mount_app(&unique_db("graph-cycle"), CallLog::default(), demo_settings(10, 0.0));
    import(
        &app.root,
        r#"{"tasks":[{"id":"A","name":"a","depends_on":["B"]},{"id":"B","name":"b","depends_on":["A"]},{"id":"C","name":"c","depends_on":["Z"]}]}"#,
        3,
    )
    .await;
    wait_until("invalid edges", 2_000.0, || find_all(&app.root, "path.edge.invalid").len() == 2).await;
    let invalid: Vec<String> =
        find_all(&app.root, ".task-node.invalid").iter().filter_map(|n| n.get_attribute("data-task-id")).collect();
    assert!(invalid.contains(&"C".to_string()), "the node with a missing dependency is marked: {invalid:?}");
}

#[wasm_bindgen_test]
async fn zoom_buttons_and_fit_resize_the_drawing_and_captions_show_progress() {
    let app = mount_app(&unique_db("graph-zoom"), CallLog::default(), demo_settings(10, 0.0));
    plan_goal(&app.root, "Research the history of tea").await;
    let fitted = svg_width(&app);
    click(&app.root, "zoom-in");
    wait_until("zoomed in", 2_000.0, || svg_width(&app) > fitted * 1.2).await;
    click(&app.root, "zoom-fit");
    wait_until("fitted again", 2_000.0, || (svg_width(&app) - fitted).abs() < 1.0).await;
    let caption = find(&app.root, ".node-status").unwrap().text_content().unwrap();
    assert!(caption.contains("◎ ready"), "a root task is ready before the run: {caption}");
    click(&app.root, "run-button");
    wait_until("the run to finish", 15_000.0, || text_of(&app.root, "run-status") == "finished").await;
    let caption = find(&app.root, ".node-status").unwrap().text_content().unwrap();
    assert!(caption.contains("✓ completed") && caption.contains(" s"), "{caption}");
}

#[wasm_bindgen_test]
async fn the_theme_switch_sets_the_document_theme() {
    let app = mount_app(&unique_db("theme"), CallLog::default(), demo_settings(10, 0.0));
    let root = web_sys::window().unwrap().document().unwrap().document_element().unwrap();
    let select = find(&app.root, "[data-testid='theme-select']").unwrap();
    for theme in ["dark", "light"] {
        js_sys::Reflect::set(&select, &"value".into(), &theme.into()).unwrap();
        select.dispatch_event(&web_sys::Event::new("change").unwrap()).unwrap();
        wait_until("the theme attribute", 2_000.0, || root.get_attribute("data-theme").as_deref() == Some(theme)).await;
    }
    js_sys::Reflect::set(&select, &"value".into(), &"auto".into()).unwrap();
    select.dispatch_event(&web_sys::Event::new("change").unwrap()).unwrap();
    wait_until("the system theme", 2_000.0, || root.get_attribute("data-theme").is_none()).await;
}

#[wasm_bindgen_test]
async fn the_inspector_shows_the_prompt_sent_and_the_raw_response() {
    let app = mount_app(&unique_db("calls"), CallLog::default(), demo_settings(10, 0.0));
    plan_goal(&app.root, "Research the history of tea").await;
    click(&app.root, "run-button");
    wait_until("the run to finish", 15_000.0, || text_of(&app.root, "run-status") == "finished").await;
    let node: web_sys::HtmlElement =
        wasm_bindgen::JsCast::unchecked_into(find(&app.root, "[data-task-id='T2']").unwrap());
    node.dispatch_event(&web_sys::Event::new("click").unwrap()).unwrap();
    wait_until("the recorded call", 5_000.0, || {
        text_of(&app.root, "inspector-prompt").contains("Your task (T2)")
            && text_of(&app.root, "inspector-response").starts_with("[Demo result]")
    })
    .await;
    assert!(text_of(&app.root, "inspector-prompt").contains("### T1"), "the dependency's result was sent");
}

#[wasm_bindgen_test]
async fn subtasks_are_drawn_as_a_labelled_cluster_that_collapses() {
    const NESTED: &str = r#"{"tasks":[{"id":"A","name":"Scope","depends_on":[]},
        {"id":"B","name":"Build","depends_on":["A"]},
        {"id":"B.1","name":"Parse","parent":"B","depends_on":["A"]},
        {"id":"B.2","name":"Check","parent":"B","depends_on":["B.1"]},
        {"id":"C","name":"Report","depends_on":["B"]}]}"#;
    let app = mount_app(&unique_db("cluster"), CallLog::default(), demo_settings(10, 0.0));
    import(&app.root, NESTED, 5).await;
    let cluster = find(&app.root, "[data-testid='cluster']").expect("a cluster for B's subtasks");
    assert_eq!(cluster.get_attribute("data-parent").as_deref(), Some("B"));
    assert!(cluster.text_content().unwrap_or_default().contains("B — Build"), "the cluster is labelled");
    let fold = find(&app.root, "[data-task-id='B'] [data-testid='fold']").expect("B has a fold button");
    assert_eq!(fold.get_attribute("aria-expanded").as_deref(), Some("true"));
    fold.dispatch_event(&web_sys::Event::new("click").unwrap()).unwrap();
    wait_until("B's subtasks to be hidden", 2_000.0, || node_statuses(&app.root).len() == 3).await;
    assert!(find(&app.root, "[data-testid='cluster']").is_none(), "no cluster while collapsed");
    let fold = find(&app.root, "[data-task-id='B'] [data-testid='fold']").unwrap();
    assert!(fold.text_content().unwrap_or_default().ends_with("+2"), "{:?}", fold.text_content());
    fold.dispatch_event(&web_sys::Event::new("click").unwrap()).unwrap();
    wait_until("B's subtasks to come back", 2_000.0, || node_statuses(&app.root).len() == 5).await;
}
