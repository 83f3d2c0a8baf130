//! The local test server the browser tests talk to (`testserver/`, started by
//! `scripts/test-browser`): its address, settings for it, the model names that script it, its
//! request counter.

use planwright::llm::settings::{ProviderKind, ProviderSettings};

/// The test server's base address.
pub fn server() -> &'static str {
    option_env!("PLANWRIGHT_TEST_SERVER").unwrap_or("http://127.0.0.1:8787")
}

/// The test server's OpenAI-compatible API with `model` and `api_key` (other settings default).
pub fn openai_settings(model: &str, api_key: &str) -> ProviderSettings {
    ProviderSettings {
        kind: ProviderKind::OpenAiCompatible,
        base_url: format!("{}/v1", server()),
        model: model.into(),
        api_key: api_key.into(),
        ..ProviderSettings::default()
    }
}

/// `text` percent-encoded for a model name (the test server reads scripted arguments from it).
pub fn encoded(text: &str) -> String {
    text.bytes()
        .map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect()
}

/// Requests the test server has seen for `model`.
pub async fn server_calls(model: &str) -> u64 {
    let url = format!("{}/__calls?model={model}", server());
    let response = gloo_net::http::Request::get(&url).send().await.expect("the test server answers /__calls");
    let body: serde_json::Value = response.json().await.unwrap();
    body["count"].as_u64().expect("a count")
}
