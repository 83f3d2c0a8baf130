//! The credentials the user enters and where they may go: typing the API key or extra headers,
//! moving the base URL (an edit or a preset), and answering whether credentials held back when it
//! moved may go to the new server.

use leptos::prelude::*;

use super::state::AppState;
use crate::llm::credential_scope::move_endpoint;

/// Sets the base URL; credentials entered for another server are held back (see
/// [`crate::llm::credential_scope`]) and the page asks about them.
pub fn change_base_url(state: AppState, url: String) {
    let mut held = state.held_credentials.get_untracked();
    state.settings.update(|s| move_endpoint(s, &mut held, url));
    state.held_credentials.set(held);
}

/// Sets the API key (new credentials: anything held back is dropped).
pub fn enter_api_key(state: AppState, key: String) {
    state.held_credentials.set(None);
    state.settings.update(|s| {
        s.needs_key = s.needs_key || !key.trim().is_empty();
        s.api_key = key;
    });
}

/// Sets the extra headers (new credentials: anything held back is dropped).
pub fn enter_extra_headers(state: AppState, text: String) {
    state.held_credentials.set(None);
    state.settings.update(|s| s.extra_headers = text);
}

/// The user says the held-back credentials are meant for the new server: they go back in.
pub fn send_held_credentials(state: AppState) {
    if let Some(held) = state.held_credentials.get_untracked() {
        state.held_credentials.set(None);
        state.settings.update(|s| held.restore_into(s));
    }
}

/// The user says the held-back credentials are not for the new server: they are dropped.
pub fn forget_held_credentials(state: AppState) {
    state.held_credentials.set(None);
}
