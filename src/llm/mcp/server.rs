//! An MCP server as the settings keep it: its URL, its bearer token (a secret, like the API key),
//! the task types its tools are offered to, and the tools it listed when last connected — offered
//! to the model as `{server}__{tool}`.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

use crate::llm::tools::{host_key, ToolDef, ToolKind};

/// A tool an MCP server lists.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct McpToolInfo {
    /// The tool's name on the server.
    pub name: String,
    /// What it does.
    pub description: String,
    /// JSON Schema of its arguments, as JSON text (kept as text: a `Value` here would add its
    /// serialiser to the Wasm bundle).
    pub input_schema: String,
}

/// Where the page stands with a server this session (never saved).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum McpStatus {
    /// Not connected this session: its tools are those listed at the last connection.
    #[default]
    Saved,
    /// Listing its tools.
    Connecting,
    /// Its tools were listed just now.
    Connected,
    /// The last connection failed: why.
    Failed(String),
}

/// An MCP server the user added. Written by serde; read back by [`read_servers`].
#[derive(Clone, PartialEq, Serialize)]
pub struct McpServer {
    /// The Streamable HTTP endpoint, e.g. `https://mcp.example.com/mcp`.
    pub url: String,
    /// Bearer token: like the API key, skipped by serde (it reaches localStorage only through
    /// "remember on this device").
    #[serde(skip)]
    pub token: String,
    /// Task types its tools are offered to (an empty list offers them to no task).
    pub for_types: Vec<String>,
    /// The tools it listed when last connected.
    pub tools: Vec<McpToolInfo>,
    /// How the connection went this session (skipped by serde).
    #[serde(skip)]
    pub status: McpStatus,
}

impl fmt::Debug for McpServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("McpServer")
            .field("url", &self.url)
            .field("token", &if self.token.is_empty() { "" } else { "…" })
            .field("for_types", &self.for_types)
            .field("tools", &self.tools)
            .field("status", &self.status)
            .finish()
    }
}

impl McpServer {
    /// A server at `url` (trimmed) with `token`, not yet connected.
    pub fn new(url: &str, token: &str) -> Self {
        McpServer {
            url: url.trim().to_string(),
            token: token.trim().to_string(),
            for_types: Vec::new(),
            tools: Vec::new(),
            status: McpStatus::Saved,
        }
    }

    /// The host of its URL, normalised as the egress policy writes hosts.
    pub fn host(&self) -> Option<String> {
        host_key(&self.url)
    }
}

/// Reads the servers as [`McpServer`]'s `Serialize` writes them (for `#[serde(deserialize_with)]`),
/// through a [`Value`]: a derived `Deserialize` would add several KB to the Wasm bundle. Entries
/// without a URL are dropped, missing fields are empty.
pub fn read_servers<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<McpServer>, D::Error> {
    let value = Value::deserialize(deserializer)?;
    let text = |v: &Value, key: &str| v[key].as_str().unwrap_or_default().to_string();
    let mut servers = Vec::new();
    for entry in value.as_array().into_iter().flatten().filter(|e| e["url"].is_string()) {
        let mut server = McpServer::new(&text(entry, "url"), "");
        for kind in entry["for_types"].as_array().into_iter().flatten().filter_map(Value::as_str) {
            server.for_types.push(kind.to_string());
        }
        for tool in entry["tools"].as_array().into_iter().flatten().filter(|t| t["name"].is_string()) {
            let (name, description, input_schema) =
                (text(tool, "name"), text(tool, "description"), text(tool, "input_schema"));
            server.tools.push(McpToolInfo { name, description, input_schema });
        }
        servers.push(server);
    }
    Ok(servers)
}

/// The prefix of the tool names of a server at `url`: its host's first label (the whole host for
/// an IP address), with every character outside `[a-zA-Z0-9_-]` replaced by `_`, at most 20
/// characters; `mcp` when the URL has no host.
pub fn server_prefix(url: &str) -> String {
    let host = host_key(url).unwrap_or_default();
    let numeric = host.starts_with('[') || host.chars().all(|c| c.is_ascii_digit() || c == '.');
    let label = if numeric { host.as_str() } else { host.split('.').next().unwrap_or_default() };
    let prefix = sanitize(label, 20);
    if prefix.is_empty() {
        "mcp".to_string()
    } else {
        prefix
    }
}

/// The tools of `servers` as the model sees them, named `{prefix}__{tool}` (at most 64
/// characters; a second server with the same prefix gets `_2`, and so on; a name already given is
/// skipped), offered to each server's task types.
pub fn mcp_tool_defs(servers: &[McpServer]) -> Vec<ToolDef> {
    let mut defs: Vec<ToolDef> = Vec::new();
    let mut prefixes: Vec<String> = Vec::new();
    for server in servers {
        let base = server_prefix(&server.url);
        let mut prefix = base.clone();
        let mut n = 1;
        while prefixes.contains(&prefix) {
            n += 1;
            prefix = format!("{base}_{n}");
        }
        prefixes.push(prefix.clone());
        for tool in &server.tools {
            let name = sanitize(&format!("{prefix}__{}", tool.name), 64);
            if defs.iter().any(|d| d.name == name) {
                continue;
            }
            defs.push(ToolDef {
                name,
                description: format!("{} (MCP server {})", tool.description.trim(), server.url),
                parameters: serde_json::from_str::<Value>(&tool.input_schema)
                    .ok()
                    .filter(Value::is_object)
                    .unwrap_or_else(|| serde_json::from_str(r#"{"type": "object"}"#).unwrap_or_default()),
                kind: ToolKind::Mcp { server: server.url.clone(), tool: tool.name.clone() },
                for_types: server.for_types.clone(),
            });
        }
    }
    defs
}

/// `text` with characters outside `[a-zA-Z0-9_-]` replaced by `_`, cut to `max` characters.
fn sanitize(text: &str, max: usize) -> String {
    text.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '_' }).take(max).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn server(url: &str, tools: &[&str]) -> McpServer {
        McpServer {
            for_types: vec!["research".into()],
            tools: tools
                .iter()
                .map(|t| McpToolInfo {
                    name: t.to_string(),
                    description: "d".into(),
                    input_schema: r#"{"type": "object"}"#.into(),
                })
                .collect(),
            ..McpServer::new(url, "s3cret-tkn")
        }
    }

    #[test]
    fn prefixes_come_from_the_host() {
        assert_eq!(server_prefix("https://mcp.example.com/mcp"), "mcp");
        assert_eq!(server_prefix("https://tools.deepwiki.com:8443/x"), "tools");
        assert_eq!(server_prefix("http://127.0.0.1:8788/mcp"), "127_0_0_1");
        assert_eq!(server_prefix("http://[::1]:8788/mcp"), "___1_");
        assert_eq!(server_prefix("nonsense"), "mcp");
    }

    #[test]
    fn tools_are_namespaced_valid_and_unique() {
        let defs = mcp_tool_defs(&[
            server("https://a.example/mcp", &["add", "look up!", &"x".repeat(80)]),
            server("https://a.other/mcp", &["add"]),
        ]);
        let names: Vec<&str> = defs.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(names[..2], ["a__add", "a__look_up_"]);
        assert_eq!(names[2].len(), 64);
        assert_eq!(names[3], "a_2__add");
        assert_eq!(defs[1].kind, ToolKind::Mcp { server: "https://a.example/mcp".into(), tool: "look up!".into() });
        assert_eq!(defs[0].for_types, ["research"]);
        assert!(defs[0].description.contains("(MCP server https://a.example/mcp)"));
        assert_eq!(defs[0].parameters, serde_json::json!({"type": "object"}));
        let mut odd = server("https://o.example/mcp", &["t"]);
        odd.tools[0].input_schema = r#"{"type": "object", "properties": {"q": {"type": "string"}}}"#.into();
        assert_eq!(mcp_tool_defs(&[odd.clone()])[0].parameters["properties"]["q"]["type"], "string");
        odd.tools[0].input_schema = "not json".into();
        assert_eq!(
            mcp_tool_defs(&[odd])[0].parameters,
            serde_json::json!({"type": "object"}),
            "a bad schema: any object"
        );
    }

    #[test]
    fn the_token_never_serialises_or_prints() {
        let entry = server("https://a.example/mcp", &["add"]);
        let text = serde_json::to_string(&entry).unwrap();
        assert!(!text.contains("s3cret"), "{text}");
        assert!(!format!("{entry:?}").contains("s3cret"));
        let mut reader = serde_json::Deserializer::from_str(&text);
        assert_eq!(read_servers(&mut reader).unwrap(), [], "one server is not a list: nothing is read");
        let list = serde_json::to_string(&[&entry, &McpServer::new("https://b.example/mcp", "")]).unwrap();
        let back = read_servers(&mut serde_json::Deserializer::from_str(&list)).unwrap();
        assert_eq!(back, [McpServer { token: String::new(), ..entry }, McpServer::new("https://b.example/mcp", "")]);
        let odd = r#"[{"url": "https://c.example"}, {"tools": []}, {"url": "https://d", "tools": [{"x": 1}, {"name": "t"}]}]"#;
        let back = read_servers(&mut serde_json::Deserializer::from_str(odd)).unwrap();
        assert_eq!(back.len(), 2);
        assert_eq!(
            back[1].tools,
            [McpToolInfo { name: "t".into(), description: String::new(), input_schema: String::new() }]
        );
    }
}
