//! Loads `proxies.json`, the list of same-origin proxies `scripts/serve --proxy` serves the page
//! with (see [`crate::llm::served_proxies`]). A same-origin GET of a static file: nothing leaves.

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use crate::llm::served_proxies::{parse_proxies, ServedProxy};

/// The proxies the page is served with; none when there is no `proxies.json` (a static host).
pub async fn served_proxies() -> Vec<ServedProxy> {
    let Some(window) = web_sys::window() else { return Vec::new() };
    let Ok(response) = JsFuture::from(window.fetch_with_str("proxies.json")).await else { return Vec::new() };
    let response: web_sys::Response = response.unchecked_into();
    let Some(text) = response.ok().then(|| response.text().ok()).flatten() else { return Vec::new() };
    let text = JsFuture::from(text).await.ok().and_then(|t| t.as_string()).unwrap_or_default();
    parse_proxies(&text)
}

/// The page's origin (`http://127.0.0.1:8080`).
pub fn page_origin() -> String {
    web_sys::window().and_then(|w| w.location().origin().ok()).unwrap_or_default()
}
