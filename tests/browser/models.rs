//! A model per task type and per task, set through the page, reaches the test server: each task's
//! requests name its model (the server counts requests per model at `/__calls`).

use crate::call_log::CallLog;
use wasm_bindgen_test::wasm_bindgen_test;

use crate::dom::*;
use crate::test_server::{openai_settings, server};

async fn calls_for(model: &str) -> u64 {
    let url = format!("{}/__calls?model={model}", server());
    let response = gloo_net::http::Request::get(&url).send().await.expect("the test server answers /__calls");
    let body: serde_json::Value = response.json().await.unwrap();
    body["count"].as_u64().unwrap()
}

#[wasm_bindgen_test]
async fn a_task_of_a_type_with_its_own_model_and_a_task_with_its_own_model_send_those_models() {
    let nonce = format!("{}{}", js_sys::Date::now() as u64, (js_sys::Math::random() * 1e6) as u64);
    let (default, research, own) = (format!("default-{nonce}"), format!("research-{nonce}"), format!("own-{nonce}"));
    let settings = openai_settings(&default, "");
    let app = mount_app(&unique_db("models"), CallLog::default(), settings);
    change_value(&app.root, "[data-testid='type-model-research']", &research);
    plan_goal(&app.root, "Compare two databases").await;
    assert_eq!(node_statuses(&app.root).len(), 4, "the server's diamond plan");
    // Before the run: T1 becomes a research task, T4 gets a model of its own.
    select_task(&app.root, "T1").await;
    change_value(&app.root, "[data-testid='inspector-type']", "research");
    wait_until("T1's model to follow its type", 2_000.0, || text_of(&app.root, "inspector-model") == research).await;
    select_task(&app.root, "T4").await;
    change_value(&app.root, "[data-testid='edit-model']", &own);
    wait_until("T4's own model", 2_000.0, || text_of(&app.root, "inspector-model") == own).await;

    click(&app.root, "run-button");
    wait_until("the run to finish", 20_000.0, || text_of(&app.root, "run-status") == "finished").await;
    assert!(node_statuses(&app.root).iter().all(|(_, s)| s == "completed"), "{:?}", node_statuses(&app.root));
    assert_eq!(calls_for(&research).await, 1, "T1 asked for its type's model");
    assert_eq!(calls_for(&own).await, 1, "T4 asked for its own model");
    assert_eq!(calls_for(&default).await, 3, "the plan, T2 and T3 asked for the provider's model");
    select_task(&app.root, "T1").await;
    assert_eq!(text_of(&app.root, "inspector-model"), research, "the model used is shown");
}
