//! Settings in localStorage. The secrets — the API key, the extra headers and the MCP servers'
//! tokens, which serde skips — are stored, each under its own key, only when "remember on this
//! device" is ticked.

use leptos::prelude::*;

use super::state::AppState;
use crate::llm::settings::ProviderSettings;

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// Suffix of the localStorage key holding the API key when the user asked to remember it.
const API_KEY_SUFFIX: &str = ".api_key";

/// Suffix of the localStorage key holding the extra headers when the user asked to remember them.
const EXTRA_HEADERS_SUFFIX: &str = ".extra_headers";

/// Suffix of the localStorage key holding the MCP servers' tokens (one line per server, in order)
/// when the user asked to remember them.
const MCP_TOKENS_SUFFIX: &str = ".mcp_tokens";

/// The secrets of `settings`, each with the suffix of its localStorage key.
fn secrets(settings: &mut ProviderSettings) -> [(&'static str, &mut String); 2] {
    [(API_KEY_SUFFIX, &mut settings.api_key), (EXTRA_HEADERS_SUFFIX, &mut settings.extra_headers)]
}

/// Saves provider settings; the secrets only when "remember on this device" is ticked.
pub fn save_settings(state: &AppState) {
    let Some(key) = state.env.with_value(|env| env.settings_key.clone()) else { return };
    let Some(storage) = local_storage() else { return };
    let mut settings = state.settings.get_untracked();
    if let Ok(json) = serde_json::to_string(&settings) {
        let _ = storage.set_item(&key, &json);
    }
    let remember = settings.remember_key;
    let mut tokens: String = settings.mcp_servers.iter().map(|m| m.token.as_str()).collect::<Vec<_>>().join("\n");
    if tokens.trim().is_empty() {
        tokens.clear();
    }
    let secrets = secrets(&mut settings).into_iter().chain([(MCP_TOKENS_SUFFIX, &mut tokens)]);
    for (suffix, secret) in secrets {
        let slot = format!("{key}{suffix}");
        if remember && !secret.is_empty() {
            let _ = storage.set_item(&slot, secret);
        } else {
            let _ = storage.remove_item(&slot);
        }
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

/// Ticks or unticks "remember the key on this device"; unticking deletes the stored secrets at once.
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
            let read = |suffix: &str| {
                local_storage().and_then(|s| s.get_item(&format!("{key}{suffix}")).ok().flatten()).unwrap_or_default()
            };
            for (suffix, secret) in secrets(&mut settings) {
                *secret = read(suffix);
            }
            for (server, token) in settings.mcp_servers.iter_mut().zip(read(MCP_TOKENS_SUFFIX).lines()) {
                server.token = token.to_string();
            }
        }
        state.settings.set(settings);
    }
}
