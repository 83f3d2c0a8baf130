//! "via proxy: …" under the base URL, for each same-origin proxy (`scripts/serve --proxy`) that
//! forwards to the endpoint typed in: one click puts the proxied URL in the field.

use leptos::prelude::*;

use crate::app::credentials::change_base_url;
use crate::app::served_proxies::{page_origin, served_proxies};
use crate::app::state::AppState;
use crate::llm::served_proxies::{proxied_url, ServedProxy};

/// The proxied base URLs on offer (nothing when the page is served without proxies).
#[component]
pub fn ProxyOffer() -> impl IntoView {
    let state = expect_context::<AppState>();
    let proxies: Vec<ServedProxy> = served_proxies();
    let origin = page_origin();
    let offers = move || {
        let base = state.settings.with(|s| s.base_url.clone());
        proxies.iter().filter_map(|p| proxied_url(&base, p, &origin)).collect::<Vec<_>>()
    };
    move || {
        offers()
            .into_iter()
            .map(|url| {
                let label = format!("via proxy: {url}");
                view! {
                    <button class="link proxy-offer" data-testid="proxy-url-option"
                        title="Send requests through this page's server, which forwards them (no CORS needed)"
                        on:click=move |_| change_base_url(state, url.clone())>{label}</button>
                }
            })
            .collect_view()
    }
}
