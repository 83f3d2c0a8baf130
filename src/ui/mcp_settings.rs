//! The MCP servers section of the settings: add a server by URL (and an optional bearer token),
//! see each server's status and tools, choose the task types its tools are offered to.

use leptos::prelude::*;

use crate::app::mcp_servers::{add_mcp_server, connect_mcp_server, offer_mcp_tools, remove_mcp_server, McpStatus};
use crate::app::state::AppState;
use crate::llm::mcp::mcp_tool_defs;
use crate::llm::tools::ToolKind;
use crate::plan::task_type::TaskType;

/// The list of MCP servers and the form that adds one.
#[component]
pub fn McpSettings() -> impl IntoView {
    let state = expect_context::<AppState>();
    let url = RwSignal::new(String::new());
    let token = RwSignal::new(String::new());
    let add = move |_| {
        if add_mcp_server(state, url.get_untracked(), token.get_untracked()) {
            url.set(String::new());
            token.set(String::new());
        }
    };
    let servers = move || state.settings.with(|s| s.mcp_servers.iter().map(|m| m.url.clone()).collect::<Vec<_>>());
    view! {
        <details class="mcp" open=true>
            <summary>"MCP servers (tools)"</summary>
            <p class="hint">"Tools of MCP servers (Streamable HTTP) can be offered to the model. The server must allow this page's origin (CORS). Adding a server allows its host for its own tool calls."</p>
            <label for="mcp-url">"Server URL"</label>
            <input id="mcp-url" data-testid="mcp-url-input" type="url" placeholder="https://mcp.example.com/mcp"
                prop:value=move || url.get() on:input=move |ev| url.set(event_target_value(&ev))/>
            <label for="mcp-token">"Bearer token (optional; kept like the API key)"</label>
            <input id="mcp-token" data-testid="mcp-token-input" type="password" autocomplete="off"
                prop:value=move || token.get() on:input=move |ev| token.set(event_target_value(&ev))/>
            <div class="row"><button data-testid="mcp-add-button" on:click=add>"Add and connect"</button></div>
            {move || servers().into_iter().map(|url| view! { <McpServerEntry url/> }).collect_view()}
        </details>
    }
}

/// One server: URL, status, tools, task types, reconnect and remove.
#[component]
fn McpServerEntry(url: String) -> impl IntoView {
    let state = expect_context::<AppState>();
    let status = {
        let url = url.clone();
        move || state.mcp_status.with(|all| all.iter().find(|(u, _)| *u == url).map(|(_, s)| s.clone()))
    };
    let tools = {
        let url = url.clone();
        move || {
            state.settings.with(|s| {
                mcp_tool_defs(&s.mcp_servers)
                    .into_iter()
                    .filter(|d| matches!(&d.kind, ToolKind::Mcp { server, .. } if *server == url))
                    .map(|d| (d.name, d.description))
                    .collect::<Vec<_>>()
            })
        }
    };
    let status_text = {
        let (status, tools) = (status.clone(), tools.clone());
        move || match status() {
            Some(McpStatus::Connecting) => "connecting…".to_string(),
            Some(McpStatus::Connected) => format!("connected: {} tools", tools().len()),
            Some(McpStatus::Failed(_)) => "connection failed".to_string(),
            None => format!("{} tools from the last connection", tools().len()),
        }
    };
    let label = {
        let status = status.clone();
        move || status().map_or("saved", |s| s.label())
    };
    let error = move || match status() {
        Some(McpStatus::Failed(why)) => {
            Some(view! { <p class="warning" role="alert" data-testid="mcp-error">{why}</p> })
        }
        _ => None,
    };
    let types = TaskType::ALL
        .into_iter()
        .map(|kind| {
            let key = kind.key();
            let (url_checked, url_changed) = (url.clone(), url.clone());
            let checked = move || {
                state.settings.with(|s| {
                    s.mcp_servers.iter().any(|m| m.url == url_checked && m.for_types.iter().any(|k| k == key))
                })
            };
            view! {
                <label class="checkbox">
                    <input type="checkbox" data-testid=format!("mcp-type-{key}") prop:checked=checked
                        on:change=move |ev| offer_mcp_tools(state, &url_changed, key, event_target_checked(&ev))/>
                    {key}
                </label>
            }
        })
        .collect_view();
    let (url_connect, url_remove, url_shown) = (url.clone(), url.clone(), url.clone());
    view! {
        <div class="mcp-server" data-testid="mcp-server" data-url=url data-status=label>
            <p><code>{url_shown}</code>" — "<span data-testid="mcp-status">{status_text}</span></p>
            {error}
            <ul data-testid="mcp-tools">
                {move || tools().into_iter().map(|(name, description)| view! { <li><code>{name}</code>" — "{description}</li> }).collect_view()}
            </ul>
            <p class="hint">"Offer these tools to tasks of type:"</p>
            <div class="row">{types}</div>
            <div class="row">
                <button data-testid="mcp-connect-button" on:click=move |_| connect_mcp_server(state, url_connect.clone())>"Reconnect"</button>
                <button data-testid="mcp-remove-button" on:click=move |_| remove_mcp_server(state, &url_remove)>"Remove"</button>
            </div>
        </div>
    }
}
