//! Reads the same-origin proxies `scripts/serve --proxy` serves the page with (see
//! [`crate::llm::served_proxies`]) from the page itself: `<meta name="planwright-proxies">`, which
//! `scripts/proxies-meta` writes into the built page. No request; a static host's page has no such
//! tag, and no proxy is offered.

use crate::llm::served_proxies::{parse_proxies, ServedProxy};

/// The proxies the page is served with; none without the tag.
pub fn served_proxies() -> Vec<ServedProxy> {
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector("meta[name='planwright-proxies']").ok().flatten())
        .and_then(|meta| meta.get_attribute("content"))
        .map(|json| parse_proxies(&json))
        .unwrap_or_default()
}

/// The page's origin (`http://127.0.0.1:8080`).
pub fn page_origin() -> String {
    web_sys::window().and_then(|w| w.location().origin().ok()).unwrap_or_default()
}
