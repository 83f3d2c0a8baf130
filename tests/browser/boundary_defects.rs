//! Defects found by trying the page as a new user would: a reload mid-run without a remembered key,
//! and a rate-limited planning request.

use planwright::engine::RunConfig;
use planwright::llm::settings::ProviderSettings;
use wasm_bindgen_test::wasm_bindgen_test;

use crate::call_log::CallLog;
use crate::dom::*;
use crate::test_server::{openai_settings, server_calls};

fn endpoint(model: &str, api_key: &str) -> ProviderSettings {
    ProviderSettings { needs_key: true, ..openai_settings(model, api_key) }
}

#[wasm_bindgen_test]
async fn a_reload_mid_run_without_the_key_waits_for_it_and_then_goes_on() {
    // Before: the restored run sent its requests without Authorization, and every task failed with 401.
    let model = "slow-417";
    let db = unique_db("keyless-reload");
    let config = RunConfig { max_parallel: 1, ..quick_config() };
    let first = mount_app_with(&db, CallLog::default(), endpoint(model, "sk-test-key"), config.clone());
    plan_goal(&first.root, &format!("Reload without a key {}", js_sys::Math::random())).await;
    click(&first.root, "run-button");
    wait_until("a task to complete", 10_000.0, || node_statuses(&first.root).iter().any(|(_, s)| s == "completed"))
        .await;
    drop(first); // the tab goes away; "remember the key" was off

    let before = server_calls(model).await;
    let calls = CallLog::default();
    let second = mount_app_with(&db, calls.clone(), endpoint(model, ""), config);
    wait_until("the banner asking for the key", 5_000.0, || {
        let notice = text_of(&second.root, "notice");
        notice.contains("The run waits") && notice.contains("API key")
    })
    .await;
    gloo_timers::future::TimeoutFuture::new(1_500).await;
    assert!(calls.calls().is_empty(), "nothing was dispatched without the key");
    assert_eq!(server_calls(model).await, before, "no request reached the server without the key");
    assert_eq!(text_of(&second.root, "run-status"), "running", "waiting is not a failure");

    change_value(&second.root, "[data-testid='api-key-input']", "sk-test-key");
    wait_until("the run to finish", 20_000.0, || text_of(&second.root, "run-status") == "finished").await;
    assert!(node_statuses(&second.root).iter().all(|(_, s)| s == "completed"), "{:?}", node_statuses(&second.root));
    assert!(server_calls(model).await > before, "the run went on with the key");
}

#[wasm_bindgen_test]
async fn a_429_on_the_planning_request_is_retried_after_retry_after() {
    // Before: "Planning failed: HTTP 429: rate limited" at once, though the server said Retry-After: 1.
    let app = mount_app(&unique_db("plan-429"), CallLog::default(), endpoint("once-429", "sk-test-key"));
    wait_until("the app to load", 5_000.0, || {
        find(&app.root, "[data-testid='plan-button']").is_some_and(|b| !b.has_attribute("disabled"))
    })
    .await;
    let started = js_sys::Date::now();
    type_into(&app.root, "goal-input", &format!("Plan through a rate limit {}", js_sys::Math::random()));
    click(&app.root, "plan-button");
    wait_until("the plan after the wait", 10_000.0, || node_statuses(&app.root).len() == 4).await;
    assert!(js_sys::Date::now() - started >= 1_000.0, "the Retry-After second was waited out");
    assert!(!text_of(&app.root, "notice").contains("Planning failed"), "{}", text_of(&app.root, "notice"));
}
