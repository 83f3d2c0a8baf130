//! Non-secret settings in localStorage (the API key is skipped by serde and never stored).

use leptos::prelude::*;

use super::state::AppState;
use crate::llm::settings::ProviderSettings;

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// Suffix of the localStorage key holding the API key when the user asked to remember it.
const API_KEY_SUFFIX: &str = ".api_key";

/// Saves provider settings; the API key only when "remember on this device" is ticked.
pub fn save_settings(state: &AppState) {
    let Some(key) = state.env.with_value(|env| env.settings_key.clone()) else { return };
    let Some(storage) = local_storage() else { return };
    let settings = state.settings.get_untracked();
    if let Ok(json) = serde_json::to_string(&settings) {
        let _ = storage.set_item(&key, &json);
    }
    let key_slot = format!("{key}{API_KEY_SUFFIX}");
    if settings.remember_key && !settings.api_key.is_empty() {
        let _ = storage.set_item(&key_slot, &settings.api_key);
    } else {
        let _ = storage.remove_item(&key_slot);
    }
}

/// Suffix of the localStorage key holding the history retention in days.
const RETENTION_SUFFIX: &str = ".retention_days";

/// Saves the history retention setting.
pub fn save_retention(state: &AppState) {
    let Some(key) = state.env.with_value(|env| env.settings_key.clone()) else { return };
    if let Some(storage) = local_storage() {
        let _ =
            storage.set_item(&format!("{key}{RETENTION_SUFFIX}"), &state.retention_days.get_untracked().to_string());
    }
}

/// Ticks or unticks "remember the key on this device"; unticking deletes the stored key at once.
pub fn set_remember_key(state: &AppState, remember: bool) {
    state.settings.update(|s| s.remember_key = remember);
    save_settings(state);
}

/// Loads saved provider settings and the retention setting, if any.
pub fn load_settings(state: &AppState) {
    let Some(key) = state.env.with_value(|env| env.settings_key.clone()) else { return };
    let retention = local_storage().and_then(|s| s.get_item(&format!("{key}{RETENTION_SUFFIX}")).ok().flatten());
    if let Some(days) = retention.and_then(|d| d.parse::<u32>().ok()) {
        state.retention_days.set(days);
    }
    let saved = local_storage().and_then(|s| s.get_item(&key).ok().flatten());
    if let Some(mut settings) = saved.and_then(|json| serde_json::from_str::<ProviderSettings>(&json).ok()) {
        if settings.remember_key {
            let key_slot = format!("{key}{API_KEY_SUFFIX}");
            settings.api_key = local_storage().and_then(|s| s.get_item(&key_slot).ok().flatten()).unwrap_or_default();
        }
        state.settings.set(settings);
    }
}
