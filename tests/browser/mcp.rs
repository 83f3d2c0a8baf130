//! MCP tools from the page, against a real MCP server (the official Rust SDK, rmcp, started by
//! `scripts/test-browser` as `mcpserver/`): the settings connect to it and list its tools, and a
//! task whose model (the local test server) calls the MCP tool gets its result, with the call in
//! the inspector's tool-call table.

use crate::call_log::CallLog;
use planwright::llm::settings::ProviderSettings;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::wasm_bindgen_test;

use crate::dom::*;
use crate::test_server::{encoded, openai_settings, server};

fn mcp_server() -> &'static str {
    option_env!("PLANWRIGHT_MCP_SERVER").unwrap_or("http://127.0.0.1:8788/mcp")
}

/// Settings whose model calls `tool` with `arguments` once, then answers `Tool said: <result>`.
fn calling(tool: &str, arguments: &str) -> ProviderSettings {
    ProviderSettings { stream: false, ..openai_settings(&format!("call-{tool}.{}", encoded(arguments)), "sk-mcp") }
}

/// Ticks or unticks the checkbox with `data-testid` = `test_id` (fires `change`).
fn tick(root: &web_sys::HtmlElement, test_id: &str, on: bool) {
    let input: web_sys::HtmlInputElement =
        find(root, &format!("[data-testid='{test_id}']")).expect(test_id).unchecked_into();
    input.set_checked(on);
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    input.dispatch_event(&web_sys::Event::new_with_event_init_dict("change", &init).unwrap()).unwrap();
}

fn server_status(root: &web_sys::HtmlElement) -> String {
    find(root, "[data-testid='mcp-server']").and_then(|e| e.get_attribute("data-status")).unwrap_or_default()
}

#[wasm_bindgen_test]
async fn a_task_calls_a_tool_of_a_real_mcp_server() {
    let app = mount_app(&unique_db("mcp-call"), CallLog::default(), calling("127_0_0_1__add", r#"{"a":20,"b":22}"#));
    type_into(&app.root, "mcp-url-input", mcp_server());
    click(&app.root, "mcp-add-button");
    wait_until("the MCP server to connect", 10_000.0, || server_status(&app.root) != "connecting").await;
    assert_eq!(server_status(&app.root), "connected", "{}", text_of(&app.root, "mcp-server"));
    let tools = text_of(&app.root, "mcp-tools");
    assert!(tools.contains("127_0_0_1__add") && tools.contains("Add two integers"), "{tools}");
    assert!(tools.contains("127_0_0_1__lookup"), "{tools}");
    let url_input: web_sys::HtmlInputElement =
        find(&app.root, "[data-testid='mcp-url-input']").unwrap().unchecked_into();
    assert_eq!(url_input.value(), "", "the form is cleared");
    tick(&app.root, "mcp-type-research", true);

    import(&app.root, r#"{"tasks":[{"id":"T1","name":"Add","type":"research","depends_on":[]}]}"#, 1).await;
    click(&app.root, "run-button");
    wait_until("the run to start", 5_000.0, || {
        find(&app.root, "[data-testid='confirm-run']").is_some() || text_of(&app.root, "run-status") != "idle"
    })
    .await;
    if find(&app.root, "[data-testid='confirm-run']").is_some() {
        click(&app.root, "confirm-run");
    }
    wait_until("the run to finish", 20_000.0, || text_of(&app.root, "run-status") == "finished").await;
    select_task(&app.root, "T1").await;
    wait_until("the task's tools", 5_000.0, || text_of(&app.root, "inspector-tools").contains("127_0_0_1__add")).await;
    wait_until("the result", 5_000.0, || text_of(&app.root, "inspector-result") == "Tool said: 42").await;
    wait_until("the tool-call log", 5_000.0, || find_all(&app.root, "[data-testid='tool-call-row']").len() == 1).await;
    let row = text_of(&app.root, "tool-calls");
    assert!(row.contains("127_0_0_1__add") && row.contains(&format!("POST {}", mcp_server())), "{row}");
    assert_eq!(text_of(&app.root, "tool-call-access"), "allowed");
}

#[wasm_bindgen_test]
async fn an_unreachable_mcp_server_says_what_the_server_must_allow() {
    let app = mount_app(&unique_db("mcp-down"), CallLog::default(), calling("x__y", "{}"));
    type_into(&app.root, "mcp-url-input", "http://127.0.0.1:9/mcp");
    type_into(&app.root, "mcp-token-input", "secret-mcp-token");
    click(&app.root, "mcp-add-button");
    wait_until("the connection to fail", 10_000.0, || server_status(&app.root) == "error").await;
    let error = text_of(&app.root, "mcp-error");
    assert!(
        error.contains("CORS") && error.contains("Mcp-Session-Id") && error.contains("scripts/serve --proxy"),
        "{error}"
    );
    assert!(!app.root.inner_html().contains("secret-mcp-token"), "the token is not in the page");
    click(&app.root, "mcp-remove-button");
    wait_until("the server to go", 2_000.0, || find(&app.root, "[data-testid='mcp-server']").is_none()).await;
}

#[wasm_bindgen_test]
async fn a_server_that_never_answers_is_given_up_after_the_read_timeout() {
    let settings = ProviderSettings { read_timeout_secs: 1, ..calling("x__y", "{}") };
    let app = mount_app(&unique_db("mcp-hang"), CallLog::default(), settings);
    type_into(&app.root, "mcp-url-input", &format!("{}/__hang", server()));
    click(&app.root, "mcp-add-button");
    wait_until("connecting", 2_000.0, || server_status(&app.root) == "connecting").await;
    wait_until("the connection to be given up", 5_000.0, || server_status(&app.root) == "error").await;
    let error = text_of(&app.root, "mcp-error");
    assert!(error.contains("no answer in 1 s"), "{error}");
}
