//! Secrets in the settings, against the local test server: extra headers reach localStorage only
//! with "remember on this device", and a key entered for one server is not sent to another until
//! the user says so.

use crate::call_log::CallLog;
use planwright::app::state::AppEnv;
use planwright::llm::settings::ProviderSettings;
use wasm_bindgen_test::wasm_bindgen_test;

use crate::dom::*;
use crate::test_server::{openai_settings, server};

/// Settings for the test server's OpenAI-compatible API with `api_key` and `extra_headers`.
fn endpoint(api_key: &str, extra_headers: &str) -> ProviderSettings {
    ProviderSettings { extra_headers: extra_headers.into(), ..openai_settings("ok", api_key) }
}

/// Everything in this origin's localStorage, one value per line.
fn local_storage_text() -> String {
    let storage = web_sys::window().unwrap().local_storage().unwrap().unwrap();
    (0..storage.length().unwrap())
        .filter_map(|i| storage.key(i).unwrap())
        .filter_map(|k| storage.get_item(&k).unwrap())
        .collect::<Vec<_>>()
        .join("\n")
}

/// The `value` of the input or textarea with `data-testid` = `test_id`.
fn value_of(app: &Mounted, test_id: &str) -> String {
    let el = find(&app.root, &format!("[data-testid='{test_id}']")).expect(test_id);
    js_sys::Reflect::get(&el, &"value".into()).unwrap().as_string().unwrap_or_default()
}

async fn loaded(app: &Mounted) {
    wait_until("the app to load", 5_000.0, || {
        find(&app.root, "[data-testid='plan-button']").is_some_and(|b| !b.has_attribute("disabled"))
    })
    .await;
}

/// Presses "Test connection" and returns the notice it ends with.
async fn test_connection(app: &Mounted) -> String {
    if let Some(dismiss) = find(&app.root, "[data-testid='notice'] .dismiss") {
        wasm_bindgen::JsCast::unchecked_into::<web_sys::HtmlElement>(dismiss).click();
        wait_until("the last notice to go", 2_000.0, || text_of(&app.root, "notice").is_empty()).await;
    }
    click(&app.root, "test-connection-button");
    wait_until("the connection test's result", 10_000.0, || {
        let notice = text_of(&app.root, "notice");
        notice.starts_with("Connected") || notice.starts_with("Connection test failed")
    })
    .await;
    text_of(&app.root, "notice")
}

#[wasm_bindgen_test]
async fn extra_headers_are_remembered_only_when_asked_and_forgotten_when_unticked() {
    const HEADERS: &str = "X-Api-Token: hdr-secret-7788";
    let settings_key = unique_db("secret-settings");
    let env = |settings: Option<ProviderSettings>| AppEnv {
        db_name: unique_db("secret-headers"),
        providers: CallLog::default().providers(),
        settings_key: Some(settings_key.clone()),
        initial_settings: settings,
        initial_run_config: Some(quick_config()),
        markdown: std::rc::Rc::new(crate::dom::InProcessMarkdown),
        compute: std::rc::Rc::new(planwright::io::compute::InPlaceCompute),
    };
    let app = mount_env(env(Some(endpoint("", HEADERS))));
    loaded(&app).await;
    // The connection test saves the settings (and sends the header: the server accepts it).
    assert!(test_connection(&app).await.starts_with("Connected"), "{}", text_of(&app.root, "notice"));
    assert!(local_storage_text().contains("\"model\":\"ok\""), "settings are saved");
    assert!(!local_storage_text().contains("hdr-secret"), "extra headers are not saved unless asked");
    click(&app.root, "remember-key-input");
    wait_until("the headers to be remembered", 2_000.0, || local_storage_text().contains("hdr-secret")).await;
    drop(app);

    // The next page load gets them back, and unticking deletes them.
    let app = mount_env(env(None));
    loaded(&app).await;
    assert_eq!(value_of(&app, "extra-headers-input"), HEADERS);
    click(&app.root, "remember-key-input");
    wait_until("the headers to be forgotten", 2_000.0, || !local_storage_text().contains("hdr-secret")).await;
}

#[wasm_bindgen_test]
async fn a_key_entered_for_one_server_is_not_sent_to_another_until_the_user_says_so() {
    // The test server answers 401 to the key "bad": a connection test shows whether it was sent.
    let app = mount_app(&unique_db("key-host"), CallLog::default(), endpoint("bad", ""));
    loaded(&app).await;
    assert!(test_connection(&app).await.contains("401"), "the key is sent to its own server");

    // Another path on the same server keeps the key.
    change_value(&app.root, "[data-testid='base-url-input']", &format!("{}/v1/", server()));
    assert!(find(&app.root, "[data-testid='key-host-confirm']").is_none());
    assert_eq!(value_of(&app, "api-key-input"), "bad");

    // `localhost` is another origin (the same test server under another name): the key is held back.
    let elsewhere = server().replace("127.0.0.1", "localhost");
    change_value(&app.root, "[data-testid='base-url-input']", &format!("{elsewhere}/v1"));
    wait_until("the question", 2_000.0, || find(&app.root, "[data-testid='key-host-confirm']").is_some()).await;
    let question = text_of(&app.root, "key-host-confirm");
    assert!(question.contains("the API key") && question.contains(&elsewhere), "{question}");
    assert_eq!(value_of(&app, "api-key-input"), "");
    let notice = test_connection(&app).await;
    assert!(notice.starts_with("Connected"), "the held key must not reach the new server: {notice}");

    // The user says it is meant for that server: it is sent again.
    click(&app.root, "key-host-send");
    wait_until("the key back", 2_000.0, || value_of(&app, "api-key-input") == "bad").await;
    assert!(find(&app.root, "[data-testid='key-host-confirm']").is_none());
    assert!(test_connection(&app).await.contains("401"), "the restored key is sent");

    // A preset on another server holds it back too; "Forget" drops it.
    change_value(&app.root, "[data-testid='preset-select']", "ollama");
    wait_until("the question", 2_000.0, || text_of(&app.root, "key-host-confirm").contains("http://localhost:11434"))
        .await;
    assert_eq!(value_of(&app, "api-key-input"), "");
    click(&app.root, "key-host-forget");
    wait_until("the question to go", 2_000.0, || find(&app.root, "[data-testid='key-host-confirm']").is_none()).await;
    change_value(&app.root, "[data-testid='base-url-input']", &format!("{elsewhere}/v1"));
    assert_eq!(value_of(&app, "api-key-input"), "", "a forgotten key does not come back");
}
