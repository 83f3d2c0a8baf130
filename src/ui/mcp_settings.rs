//! The MCP servers section of the settings: add a server by URL (and an optional bearer token),
//! see each server's status and tools, choose the task types its tools are offered to.
//!
//! The server list is drawn with plain DOM calls (text goes in as `textContent`, never as markup)
//! and its controls are handled by two delegated listeners: the same list as Leptos views cost
//! several KB more of Wasm.

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Document, Element, HtmlInputElement};

use super::reactive::effect;
use crate::app::mcp_servers::{add_mcp_server, connect_mcp_server, offer_mcp_tools, remove_mcp_server};
use crate::app::state::AppState;
use crate::llm::mcp::{mcp_tool_defs, McpServer, McpStatus};
use crate::llm::tools::{ToolDef, ToolKind};
use crate::plan::task_type::TaskType;

/// The input with id `id` (the form's inputs are read when the button is pressed).
fn input(id: &str) -> Option<HtmlInputElement> {
    web_sys::window()?.document()?.get_element_by_id(id)?.dyn_into().ok()
}

/// The list of MCP servers and the form that adds one.
#[component]
pub fn McpSettings() -> impl IntoView {
    let state = expect_context::<AppState>();
    let list = NodeRef::<leptos::html::Div>::new();
    effect(move |_| {
        let Some(container) = list.get() else { return };
        state.settings.with(|s| draw_servers(&container, &s.mcp_servers));
    });
    let add = move |_| {
        let (Some(url), Some(token)) = (input("mcp-url"), input("mcp-token")) else { return };
        if add_mcp_server(state, url.value(), token.value()) {
            url.set_value("");
            token.set_value("");
        }
    };
    // Delegated: the buttons and checkboxes of every entry carry `data-url` (and `data-kind`).
    let on_click = move |ev: leptos::ev::MouseEvent| {
        let Some(target) = ev.target().and_then(|t| t.dyn_into::<Element>().ok()) else { return };
        let (Some(action), Some(url)) = (target.get_attribute("data-action"), target.get_attribute("data-url")) else {
            return;
        };
        match action.as_str() {
            "connect" => connect_mcp_server(state, url),
            "remove" => remove_mcp_server(state, &url),
            _ => {}
        }
    };
    let on_change = move |ev: leptos::ev::Event| {
        let Some(input) = ev.target().and_then(|t| t.dyn_into::<HtmlInputElement>().ok()) else { return };
        if let (Some(url), Some(kind)) = (input.get_attribute("data-url"), input.get_attribute("data-kind")) {
            offer_mcp_tools(state, &url, &kind, input.checked());
        }
    };
    view! {
        <h3 class="subhead">"MCP servers (tools)"</h3>
        <input id="mcp-url" data-testid="mcp-url-input" type="url" aria-label="MCP server URL"
            placeholder="MCP server URL, e.g. https://mcp.example.com/mcp"/>
        <input id="mcp-token" data-testid="mcp-token-input" type="password" autocomplete="off"
            aria-label="MCP bearer token" placeholder="Bearer token (optional; kept like the API key)"/>
        <button data-testid="mcp-add-button" on:click=add>"Add and connect"</button>
        <div class="mcp" node_ref=list on:click=on_click on:change=on_change></div>
    }
}

/// Replaces the children of `container` with one entry per server: URL and status, the error,
/// the tools as the model sees them, the task-type checkboxes, Reconnect and Remove.
fn draw_servers(container: &Element, servers: &[McpServer]) {
    let Some(doc) = container.owner_document() else { return };
    container.set_text_content(None);
    let defs = mcp_tool_defs(servers);
    for server in servers {
        let url = server.url.as_str();
        let tools: Vec<String> = defs
            .iter()
            .filter(|d| matches!(&d.kind, ToolKind::Mcp { server, .. } if server == url))
            .map(|d: &ToolDef| format!("{} — {}", d.name, d.description))
            .collect();
        let (label, text) = match &server.status {
            McpStatus::Connecting => ("connecting", "connecting…".to_string()),
            McpStatus::Connected => ("connected", format!("connected: {} tools", tools.len())),
            McpStatus::Failed(_) => ("error", "connection failed".to_string()),
            McpStatus::Saved => ("saved", format!("{} tools from the last connection", tools.len())),
        };
        let entry = child(
            &doc,
            container,
            "div",
            &[("class", "mcp-server"), ("data-testid", "mcp-server"), ("data-status", label)],
            "",
        );
        child(&doc, &entry, "p", &[], &format!("{url} — {text}"));
        if let McpStatus::Failed(why) = &server.status {
            child(&doc, &entry, "p", &[("class", "warning"), ("role", "alert"), ("data-testid", "mcp-error")], why);
        }
        child(&doc, &entry, "pre", &[("data-testid", "mcp-tools")], &tools.join("\n"));
        let types = child(&doc, &entry, "div", &[("class", "row")], "Offer these tools to tasks of type: ");
        for kind in TaskType::ALL.map(TaskType::key) {
            let label = child(&doc, &types, "label", &[("class", "checkbox")], "");
            let test_id = format!("mcp-type-{kind}");
            let attributes = [("type", "checkbox"), ("data-testid", &test_id), ("data-url", url), ("data-kind", kind)];
            let checkbox = child(&doc, &label, "input", &attributes, "");
            if let Ok(checkbox) = checkbox.dyn_into::<HtmlInputElement>() {
                checkbox.set_checked(server.for_types.iter().any(|k| k == kind));
            }
            let _ = label.append_with_str_1(kind);
        }
        let buttons = child(&doc, &entry, "div", &[("class", "row")], "");
        for (action, test_id, caption) in
            [("connect", "mcp-connect-button", "Reconnect"), ("remove", "mcp-remove-button", "Remove")]
        {
            child(
                &doc,
                &buttons,
                "button",
                &[("data-testid", test_id), ("data-action", action), ("data-url", url)],
                caption,
            );
        }
    }
}

/// Appends a `tag` element with `attributes` and `text` (as text, never markup) to `parent`.
fn child(doc: &Document, parent: &Element, tag: &str, attributes: &[(&str, &str)], text: &str) -> Element {
    let Ok(element) = doc.create_element(tag) else { return parent.clone() };
    for (name, value) in attributes {
        let _ = element.set_attribute(name, value);
    }
    if !text.is_empty() {
        element.set_text_content(Some(text));
    }
    let _ = parent.append_child(&element);
    element
}
