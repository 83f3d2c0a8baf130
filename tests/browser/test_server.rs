//! The local test server the browser tests talk to (`testserver/`, started by
//! `scripts/test-browser`): its address, the model names that script it, its request counter.

/// The test server's base address.
pub fn server() -> &'static str {
    option_env!("PLANWRIGHT_TEST_SERVER").unwrap_or("http://127.0.0.1:8787")
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
