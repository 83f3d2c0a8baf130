//! The provider settings through the UI, against the local test server: a real endpoint runs the
//! whole flow, errors are shown without losing the plan, repair rounds are reported, and the API
//! key never reaches storage unless the user asks.

use crate::call_log::CallLog;
use planwright::llm::settings::{ProviderKind, ProviderSettings};
use planwright::store::indexed_db::Store;
use wasm_bindgen_test::wasm_bindgen_test;

use crate::dom::*;
use crate::test_server::server;

const SECRET: &str = "sk-test-secret-4242";

fn endpoint(model: &str) -> ProviderSettings {
    ProviderSettings {
        kind: ProviderKind::OpenAiCompatible,
        base_url: format!("{}/v1", server()),
        model: model.into(),
        api_key: SECRET.into(),
        ..ProviderSettings::default()
    }
}

async fn plan_with(app: &Mounted, goal: &str) {
    wait_until("the app to load", 5_000.0, || {
        find(&app.root, "[data-testid='plan-button']").is_some_and(|b| !b.has_attribute("disabled"))
    })
    .await;
    type_into(&app.root, "goal-input", goal);
    click(&app.root, "plan-button");
}

#[wasm_bindgen_test]
async fn an_openai_compatible_endpoint_runs_the_whole_flow_and_the_key_stays_out_of_storage() {
    let db = unique_db("endpoint");
    let app = mount_app(&db, CallLog::default(), endpoint("ok"));
    plan_with(&app, "Compare two databases").await;
    wait_until("the server's 4-task plan", 10_000.0, || {
        node_statuses(&app.root).len() == 4
            && find(&app.root, "[data-testid='run-button']").is_some_and(|b| !b.has_attribute("disabled"))
    })
    .await;
    click(&app.root, "run-button");
    wait_until("every task completed", 20_000.0, || text_of(&app.root, "run-status") == "finished").await;
    assert!(node_statuses(&app.root).iter().all(|(_, s)| s == "completed"), "{:?}", node_statuses(&app.root));
    let totals = text_of(&app.root, "run-totals");
    assert!(totals.contains("tokens") && !totals.starts_with("0 tokens"), "{totals}");

    // Nothing the app stored holds the key.
    let store = Store::open(&db).await.unwrap();
    let workflow = store.current_workflow().await.unwrap().expect("the workflow was saved");
    let (tasks, _) = store.tasks(&workflow.id).await.unwrap();
    assert_eq!(tasks.len(), 4);
    let stored = format!("{}{}", serde_json::to_string(&workflow).unwrap(), serde_json::to_string(&tasks).unwrap());
    assert!(stored.contains("Result of T4 from testserver"));
    assert!(!stored.contains(SECRET), "the API key reached IndexedDB");
    let html = app.root.inner_html();
    assert!(!html.contains(SECRET), "the API key is in the DOM");
}

#[wasm_bindgen_test]
async fn an_endpoint_error_is_explained_and_the_plan_on_screen_is_kept() {
    let app = mount_app(&unique_db("endpoint-error"), CallLog::default(), demo_settings(10, 0.0));
    plan_goal(&app.root, "Research the history of tea").await;
    let before = node_statuses(&app.root);
    // Switch to an endpoint that rejects the key, and plan again.
    let select = find(&app.root, "[data-testid='provider-select']").unwrap();
    js_sys::Reflect::set(&select, &"value".into(), &"openai".into()).unwrap();
    select.dispatch_event(&web_sys::Event::new("change").unwrap()).unwrap();
    for (id, value) in [("base-url-input", format!("{}/v1", server())), ("model-input", "error-401".to_string())] {
        let input = find(&app.root, &format!("[data-testid='{id}']")).unwrap();
        js_sys::Reflect::set(&input, &"value".into(), &value.into()).unwrap();
        input.dispatch_event(&web_sys::Event::new("change").unwrap()).unwrap();
    }
    click(&app.root, "plan-button");
    wait_until("the error message", 10_000.0, || text_of(&app.root, "notice").contains("HTTP 401")).await;
    assert!(text_of(&app.root, "notice").contains("API key"), "{}", text_of(&app.root, "notice"));
    assert_eq!(node_statuses(&app.root), before, "the plan shown before is kept");
}

#[wasm_bindgen_test]
async fn an_invalid_plan_gets_one_repair_round_and_says_so() {
    let app = mount_app(&unique_db("repair"), CallLog::default(), endpoint("invalid-plan-then-fixed"));
    // The server breaks a conversation's first answer only, so the goal must be new on every run.
    plan_with(&app, &unique_db("Plan something that needs a repair")).await;
    wait_until("the repaired plan", 10_000.0, || text_of(&app.root, "notice").contains("1 repair round")).await;
    assert_eq!(node_statuses(&app.root).len(), 4);
    assert!(text_of(&app.root, "validation-issues").is_empty());
}

#[wasm_bindgen_test]
async fn an_unreachable_endpoint_explains_cors_and_ollama_origins() {
    let mut settings = endpoint("ok");
    settings.base_url = "http://127.0.0.1:9/v1".into();
    let app = mount_app(&unique_db("unreachable"), CallLog::default(), settings);
    plan_with(&app, "Anything").await;
    wait_until("the network error", 10_000.0, || text_of(&app.root, "notice").contains("OLLAMA_ORIGINS")).await;
    assert!(text_of(&app.root, "notice").contains("CORS"));
}

#[wasm_bindgen_test]
async fn the_key_is_remembered_only_when_asked_and_forgotten_when_unticked() {
    use planwright::app::state::AppEnv;
    let settings_key = unique_db("settings");
    let storage = web_sys::window().unwrap().local_storage().unwrap().unwrap();
    let app = mount_env(AppEnv {
        db_name: unique_db("remember"),
        providers: CallLog::default().providers(),
        settings_key: Some(settings_key.clone()),
        initial_settings: Some(endpoint("ok")),
        initial_run_config: Some(quick_config()),
        markdown: std::rc::Rc::new(crate::dom::InProcessMarkdown),
        compute: std::rc::Rc::new(planwright::io::compute::InPlaceCompute),
    });
    plan_with(&app, "Compare two databases").await;
    wait_until("the plan", 10_000.0, || node_statuses(&app.root).len() == 4).await;
    let everything = || {
        (0..storage.length().unwrap())
            .filter_map(|i| storage.key(i).unwrap())
            .filter_map(|k| storage.get_item(&k).unwrap())
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert!(everything().contains("\"model\":\"ok\""), "settings are saved");
    assert!(!everything().contains(SECRET), "the key is not saved unless asked");
    click(&app.root, "remember-key-input");
    wait_until("the key to be remembered", 2_000.0, || everything().contains(SECRET)).await;
    click(&app.root, "remember-key-input");
    wait_until("the key to be forgotten", 2_000.0, || !everything().contains(SECRET)).await;
}

#[wasm_bindgen_test]
async fn a_task_gets_only_the_tools_of_its_type_and_the_user_can_change_the_type() {
    let app = mount_app(&unique_db("types"), CallLog::default(), demo_settings(10, 0.0));
    plan_goal(&app.root, "Write a briefing on heat pumps").await;
    let node: web_sys::HtmlElement =
        wasm_bindgen::JsCast::unchecked_into(find(&app.root, "[data-task-id='T1']").unwrap());
    node.dispatch_event(&web_sys::Event::new("click").unwrap()).unwrap();
    wait_until("the research tools", 2_000.0, || text_of(&app.root, "inspector-tools") == "http_get, extract_json")
        .await;
    let select = find(&app.root, "[data-testid='inspector-type']").unwrap();
    js_sys::Reflect::set(&select, &"value".into(), &"writing".into()).unwrap();
    select.dispatch_event(&web_sys::Event::new("change").unwrap()).unwrap();
    wait_until("no tools for writing", 2_000.0, || text_of(&app.root, "inspector-tools") == "none").await;
}

#[wasm_bindgen_test]
async fn user_tools_are_checked_where_the_tools_are_and_a_broken_list_changes_nothing() {
    let app = mount_app(&unique_db("user-tools"), CallLog::default(), demo_settings(10, 0.0));
    plan_goal(&app.root, "Write a briefing on heat pumps").await;
    select_task(&app.root, "T1").await;
    wait_until("the research tools", 5_000.0, || text_of(&app.root, "inspector-tools") == "http_get, extract_json")
        .await;
    // A broken list is explained, and the tools in force stay.
    change_value(&app.root, "[data-testid='user-tools-input']", "[{");
    wait_until("the warning", 5_000.0, || {
        app.root.text_content().unwrap_or_default().contains("user tools are not a JSON list of tools")
    })
    .await;
    // A good one is taken: a research task gets the new tool after the built-in ones.
    let weather = r#"[{"name":"weather","description":"Weather","parameters":{"type":"object"},"kind":{"type":"user_http","url":"https://api.example/w/{city}","method":"GET"},"for_types":["research"]}]"#;
    change_value(&app.root, "[data-testid='user-tools-input']", weather);
    wait_until("the warning gone", 5_000.0, || {
        !app.root.text_content().unwrap_or_default().contains("user tools are not a JSON list of tools")
    })
    .await;
    select_task(&app.root, "T2").await;
    select_task(&app.root, "T1").await;
    wait_until("the user tool", 5_000.0, || text_of(&app.root, "inspector-tools") == "http_get, extract_json, weather")
        .await;
}
