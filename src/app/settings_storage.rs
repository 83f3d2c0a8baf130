//! Non-secret settings in localStorage (the API key is skipped by serde and never stored).

use leptos::prelude::*;

use super::state::AppState;
use crate::llm::settings::ProviderSettings;

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// Saves provider settings without the API key.
pub fn save_settings(state: &AppState) {
    let Some(key) = state.env.with_value(|env| env.settings_key.clone()) else { return };
    if let (Some(storage), Ok(json)) = (local_storage(), serde_json::to_string(&state.settings.get_untracked())) {
        let _ = storage.set_item(&key, &json);
    }
}

/// Loads saved provider settings, if any.
pub fn load_settings(state: &AppState) {
    let Some(key) = state.env.with_value(|env| env.settings_key.clone()) else { return };
    let saved = local_storage().and_then(|s| s.get_item(&key).ok().flatten());
    if let Some(settings) = saved.and_then(|json| serde_json::from_str::<ProviderSettings>(&json).ok()) {
        state.settings.set(settings);
    }
}
