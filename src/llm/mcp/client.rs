//! An MCP client over the Streamable HTTP transport (protocol 2025-06-18, 2025-03-26 accepted):
//! `initialize` (keeping the `Mcp-Session-Id` the server gives), `notifications/initialized`,
//! `tools/list` (all pages) and `tools/call`. Every later request carries the session id and the
//! negotiated `MCP-Protocol-Version`; a 404 on an expired session starts a new one, once. A client
//! done with the server ends its session with a `DELETE` ([`McpClient::close`]).

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use serde_json::Value;

use super::answer::{rpc_result, start};
use super::content::{tool_output, ToolOutput};
use super::error::McpError;
use super::server::McpToolInfo;
use crate::io::cancel::CancelToken;
use crate::io::transport::{HttpRequest, HttpResponse, Transport, TransportError};

/// The protocol version this client asks for (also written out in `initialize`'s parameters).
const PROTOCOL_VERSION: &str = "2025-06-18";
/// The protocol versions this client accepts from a server.
const SUPPORTED_VERSIONS: [&str; 2] = [PROTOCOL_VERSION, "2025-03-26"];
/// Most bytes read of an answer to `initialize` or `tools/list`.
const LIST_CAP_BYTES: usize = 4 * 1024 * 1024;
/// Most pages of `tools/list` followed.
const MAX_PAGES: usize = 50;

/// A session with a server.
#[derive(Debug, Clone)]
struct Session {
    /// The `Mcp-Session-Id` the server gave, if it keeps sessions.
    id: Option<String>,
    /// The negotiated protocol version.
    version: String,
}

/// A client of one MCP server.
pub struct McpClient {
    transport: Rc<dyn Transport>,
    url: String,
    token: String,
    session: RefCell<Option<Session>>,
    next_id: Cell<u64>,
}

impl McpClient {
    /// A client of the server at `url`, sending `token` (if not blank) as a bearer token.
    pub fn new(transport: Rc<dyn Transport>, url: &str, token: &str) -> Self {
        McpClient {
            transport,
            url: url.trim().to_string(),
            token: token.trim().to_string(),
            session: RefCell::default(),
            next_id: Cell::new(1),
        }
    }

    /// The server's URL.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// All the server's tools (following `nextCursor`).
    pub async fn list_tools(&self, cancel: &CancelToken) -> Result<Vec<McpToolInfo>, McpError> {
        let mut tools = Vec::new();
        let mut cursor: Option<String> = None;
        for _ in 0..MAX_PAGES {
            let params = cursor.map_or_else(|| "{}".to_string(), |c| format!(r#"{{"cursor":{}}}"#, json_text(&c)));
            let page = self.request("tools/list", &params, LIST_CAP_BYTES, cancel).await?;
            let listed =
                page["tools"].as_array().ok_or_else(|| McpError::BadAnswer("`tools/list` has no `tools`".into()))?;
            for tool in listed {
                if let Some(name) = tool["name"].as_str() {
                    tools.push(McpToolInfo {
                        name: name.to_string(),
                        description: tool["description"].as_str().unwrap_or_default().to_string(),
                        input_schema: tool.get("inputSchema").map(Value::to_string).unwrap_or_default(),
                    });
                }
            }
            cursor = page["nextCursor"].as_str().filter(|c| !c.is_empty()).map(str::to_string);
            if cursor.is_none() {
                break;
            }
        }
        Ok(tools)
    }

    /// Calls tool `name` with `arguments`, reading at most `cap` bytes of the answer.
    pub async fn call_tool(
        &self,
        name: &str,
        arguments: Value,
        cap: usize,
        cancel: &CancelToken,
    ) -> Result<ToolOutput, McpError> {
        let params = format!(r#"{{"name":{},"arguments":{arguments}}}"#, json_text(name));
        let result = self.request("tools/call", &params, cap, cancel).await?;
        Ok(tool_output(&result))
    }

    /// Ends the session, if the server gave one: a `DELETE` with its id, as the protocol asks of a
    /// client that no longer needs it. A server that does not let clients end sessions (405), or
    /// cannot be reached, is left as it is; the next request starts a new session.
    pub async fn close(&self, cancel: &CancelToken) {
        let Some(session) = self.session.take().filter(|s| s.id.is_some()) else { return };
        let _ = self.transport.send(self.http_request("DELETE", Some(&session)), cancel).await;
    }

    /// The `result` of request `method`, in a session (started if needed, and started again once
    /// if the server says it expired).
    async fn request(&self, method: &str, params: &str, cap: usize, cancel: &CancelToken) -> Result<Value, McpError> {
        let mut restarted = false;
        loop {
            let current = self.session.borrow().clone();
            let session = match current {
                Some(session) => session,
                None => self.start_session(cancel).await?,
            };
            let id = self.next_id();
            let body = rpc_message(Some(id), method, params);
            let mut response = self.post(&body, Some(&session), cancel).await?;
            if response.status == 404 && session.id.is_some() && !restarted {
                restarted = true;
                self.session.replace(None);
                continue;
            }
            check_status(&mut response).await?;
            return rpc_result(&mut response, id, cap).await;
        }
    }

    /// `initialize`, then `notifications/initialized`: the new session, kept for later requests.
    async fn start_session(&self, cancel: &CancelToken) -> Result<Session, McpError> {
        let id = self.next_id();
        let params = concat!(
            r#"{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"planwright","version":""#,
            env!("CARGO_PKG_VERSION"),
            r#""}}"#
        );
        let body = rpc_message(Some(id), "initialize", params);
        let mut response = self.post(&body, None, cancel).await?;
        check_status(&mut response).await?;
        let session_id = response.header("mcp-session-id").map(str::to_string);
        let result = rpc_result(&mut response, id, LIST_CAP_BYTES).await?;
        let version = result["protocolVersion"].as_str().unwrap_or_default().to_string();
        if !SUPPORTED_VERSIONS.contains(&version.as_str()) {
            return Err(McpError::UnsupportedVersion { version });
        }
        let session = Session { id: session_id, version };
        let initialized = rpc_message(None, "notifications/initialized", "{}");
        let mut response = self.post(&initialized, Some(&session), cancel).await?;
        check_status(&mut response).await?;
        self.session.replace(Some(session.clone()));
        Ok(session)
    }

    /// POSTs one JSON-RPC message, with the session's headers when there is one.
    async fn post(
        &self,
        body: &str,
        session: Option<&Session>,
        cancel: &CancelToken,
    ) -> Result<HttpResponse, McpError> {
        let request = self
            .http_request("POST", session)
            .header("Content-Type", "application/json")
            .header("Accept", "application/json, text/event-stream")
            .body(body.to_string());
        self.transport.send(request, cancel).await.map_err(|error| match error {
            TransportError::Aborted => McpError::Aborted,
            _ => McpError::Blocked { url: self.url.clone() },
        })
    }

    /// A `method` request to the server with the bearer token and, in a session, its headers.
    fn http_request(&self, method: &'static str, session: Option<&Session>) -> HttpRequest {
        let mut request = HttpRequest::new(method, &self.url);
        if !self.token.is_empty() {
            request = request.header("Authorization", &format!("Bearer {}", self.token));
        }
        if let Some(session) = session {
            request = request.header("MCP-Protocol-Version", &session.version);
            if let Some(id) = &session.id {
                request = request.header("Mcp-Session-Id", id);
            }
        }
        request
    }

    fn next_id(&self) -> u64 {
        let id = self.next_id.get();
        self.next_id.set(id + 1);
        id
    }
}

/// `text` as a JSON string.
fn json_text(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_default()
}

/// A JSON-RPC request (with an `id`) or notification, `params` being JSON text.
fn rpc_message(id: Option<u64>, method: &str, params: &str) -> String {
    let id = id.map_or_else(String::new, |id| format!(r#""id":{id},"#));
    format!(r#"{{"jsonrpc":"2.0",{id}"method":"{method}","params":{params}}}"#)
}

/// Fails on an error status, with the start of the body.
async fn check_status(response: &mut HttpResponse) -> Result<(), McpError> {
    match response.status {
        200..=299 => Ok(()),
        status @ (401 | 403) => Err(McpError::Unauthorized { status }),
        status => {
            let body = response.text(4096).await.unwrap_or_default();
            Err(McpError::Status { status, body: start(body.trim()) })
        }
    }
}
