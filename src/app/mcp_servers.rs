//! The MCP servers the user adds: adding one (its URL and token), connecting to list its tools,
//! choosing the task types its tools are offered to, removing it. Adding a server by hand counts
//! as allowing its host for its own tool calls (see [`crate::llm::http_provider`]).

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::settings_storage::save_settings;
use super::state::AppState;
use crate::io::cancel::CancelToken;
use crate::llm::mcp::{McpError, McpServer, McpStatus};
use crate::llm::tools::host_key;

/// Adds the server at `url` with `token` and connects to it; a URL that is not http(s), or is
/// already added, is refused with a message (and `false`).
pub fn add_mcp_server(state: AppState, url: String, token: String) -> bool {
    let url = url.trim().to_string();
    if !(url.starts_with("http://") || url.starts_with("https://")) || host_key(&url).is_none() {
        state.error(format!("MCP server: enter an http:// or https:// URL (it is {url:?})."));
        return false;
    }
    if state.settings.with_untracked(|s| s.mcp_servers.iter().any(|m| m.url == url)) {
        state.error(format!("MCP server {url} is already added."));
        return false;
    }
    state.settings.update(|s| s.mcp_servers.push(McpServer::new(&url, &token)));
    save_settings(&state);
    connect_mcp_server(state, url);
    true
}

/// Lists the tools of the server at `url` and keeps them in the settings; the status says how it
/// went.
pub fn connect_mcp_server(state: AppState, url: String) {
    let Some(token) =
        state.settings.with_untracked(|s| s.mcp_servers.iter().find(|m| m.url == url).map(|m| m.token.clone()))
    else {
        return;
    };
    set_status(state, &url, McpStatus::Connecting);
    // A server that never answers is given up after the read timeout (Advanced settings).
    let wait_secs = state.settings.with_untracked(|s| s.read_timeout_secs.max(1));
    let cancel = CancelToken::new();
    let timer = cancel.clone();
    spawn_local(async move {
        gloo_timers::future::sleep(std::time::Duration::from_secs(u64::from(wait_secs))).await;
        timer.cancel();
    });
    let listing = state.env.with_value(|env| env.providers.list_mcp_tools(&url, &token, &cancel));
    spawn_local(async move {
        match listing.await {
            Ok(tools) => {
                let _ = state.settings.try_update(|s| {
                    if let Some(server) = s.mcp_servers.iter_mut().find(|m| m.url == url) {
                        server.tools = tools;
                        server.status = McpStatus::Connected;
                    }
                });
                save_settings(&state);
            }
            Err(McpError::Aborted) => set_status(
                state,
                &url,
                McpStatus::Failed(format!("no answer in {wait_secs} s (the read timeout): is the server running?")),
            ),
            Err(error) => set_status(state, &url, McpStatus::Failed(error.to_string())),
        }
    });
}

/// Offers the tools of the server at `url` to tasks of type `kind`, or stops offering them.
pub fn offer_mcp_tools(state: AppState, url: &str, kind: &str, offered: bool) {
    state.settings.update(|s| {
        if let Some(server) = s.mcp_servers.iter_mut().find(|m| m.url == url) {
            server.for_types.retain(|k| k != kind);
            if offered {
                server.for_types.push(kind.to_string());
            }
        }
    });
    save_settings(&state);
}

/// Removes the server at `url` (its token goes with it).
pub fn remove_mcp_server(state: AppState, url: &str) {
    state.settings.update(|s| s.mcp_servers.retain(|m| m.url != url));
    save_settings(&state);
}

/// Sets the status of the server at `url` (if it is still there, and the page still is).
fn set_status(state: AppState, url: &str, status: McpStatus) {
    let _ = state.settings.try_update(|s| {
        if let Some(server) = s.mcp_servers.iter_mut().find(|m| m.url == url) {
            server.status = status;
        }
    });
}
