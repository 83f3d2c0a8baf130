//! Light, dark, or follow the system: sets `data-theme` on the document and remembers the choice.

use super::reactive::effect;
use leptos::prelude::*;

const STORAGE_KEY: &str = "planwright.theme";

fn apply(theme: &str) {
    if let Some(root) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) {
        let _ = match theme {
            "light" | "dark" => root.set_attribute("data-theme", theme),
            _ => root.remove_attribute("data-theme"),
        };
    }
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// The theme selector in the header.
#[component]
pub fn ThemeSwitch() -> impl IntoView {
    let saved = storage().and_then(|s| s.get_item(STORAGE_KEY).ok().flatten()).unwrap_or_else(|| "auto".into());
    let theme = RwSignal::new(saved);
    effect(move |_| apply(&theme.get()));
    view! {
        <select class="theme-select" data-testid="theme-select" aria-label="Colour theme"
            prop:value=move || theme.get()
            on:change=move |ev| {
                let value = event_target_value(&ev);
                if let Some(s) = storage() {
                    let _ = s.set_item(STORAGE_KEY, &value);
                }
                theme.set(value);
            }>
            <option value="auto">"Theme: system"</option>
            <option value="light">"Theme: light"</option>
            <option value="dark">"Theme: dark"</option>
        </select>
    }
}
