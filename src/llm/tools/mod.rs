//! Tools a task's LLM call may use: definitions, the per-type registry, the provider formats, and
//! the local implementations (`calculate`, `extract_json`). HTTP tools are only described here
//! ([`http_call_for`]); the browser adapter performs the fetch.

mod args;
mod builtin;
mod calculate;
mod call_log;
mod egress;
mod error;
mod extract;
mod http;
mod registry;
mod run;
mod schema;
mod url_host;

use serde::{Deserialize, Serialize};
use serde_json::Value;

pub(crate) use args::parse_arguments;
pub use builtin::{builtin_tools, CALCULATE, EXTRACT_JSON, HTTP_GET};
pub use calculate::calculate;
pub use call_log::{ToolAccess, ToolCallLog};
pub use egress::{host_key, EgressPolicy, EgressVerdict, Refusal};
pub use error::{CalcError, CalcToken, ExtractError, ToolError};
pub use extract::extract_json;
pub use http::{http_call_for, HttpToolCall};
pub use registry::{builtin_tool_names, ToolRegistry};
pub use run::run_local_tool;
pub use schema::{anthropic_tools, openai_tools};
pub use url_host::HostError;

/// How many rounds of tool calls one task's LLM conversation may take before it must answer.
pub const MAX_TOOL_ROUNDS: usize = 5;

/// A tool as offered to the model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ToolDef {
    /// Function name the model calls, `[a-zA-Z0-9_-]{1,64}`.
    pub name: String,
    /// What the tool does, for the model.
    pub description: String,
    /// JSON Schema of the arguments object.
    pub parameters: Value,
    /// What runs when the model calls the tool.
    pub kind: ToolKind,
    /// Task types a user tool is offered to (case-insensitive); empty means no task.
    /// Ignored for the built-in tools, which follow a fixed table.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub for_types: Vec<String>,
}

/// The implementation behind a tool, written `{"type": "calculate"}` or
/// `{"type": "user_http", "url": …, "method": …}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", try_from = "ToolKindFields")]
pub enum ToolKind {
    /// GET an http(s) URL given as the `url` argument (performed by the browser).
    HttpGet,
    /// Pick a value out of JSON found in text ([`extract_json`]), run locally.
    ExtractJson,
    /// Evaluate an arithmetic expression ([`calculate`]), run locally.
    Calculate,
    /// A user-defined HTTP endpoint (performed by the browser, see [`http_call_for`]).
    UserHttp {
        /// URL template; `{param}` placeholders are filled from the arguments.
        url: String,
        /// HTTP method: GET, POST, PUT, PATCH or DELETE.
        method: String,
    },
    /// A tool of an MCP server the user added (called with `tools/call`). Built from the
    /// settings' servers, never read from a user tool definition.
    Mcp {
        /// The server's URL.
        server: String,
        /// The tool's name on the server.
        tool: String,
    },
}

/// A [`ToolKind`] as written, read as one flat object: serde reads an internally tagged enum through
/// a buffered copy of the object, which compiles to several KB of Wasm.
#[derive(Deserialize)]
struct ToolKindFields {
    #[serde(rename = "type")]
    kind: String,
    url: Option<String>,
    method: Option<String>,
}

impl TryFrom<ToolKindFields> for ToolKind {
    type Error = String;

    fn try_from(fields: ToolKindFields) -> Result<Self, String> {
        Ok(match fields.kind.as_str() {
            "http_get" => ToolKind::HttpGet,
            "extract_json" => ToolKind::ExtractJson,
            "calculate" => ToolKind::Calculate,
            "user_http" => match (fields.url, fields.method) {
                (Some(url), Some(method)) => ToolKind::UserHttp { url, method },
                _ => return Err("a `user_http` tool needs a `url` and a `method`".to_string()),
            },
            other => {
                return Err(format!(
                    "unknown tool type `{other}`: expected http_get, extract_json, calculate or user_http"
                ))
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn tool_def_round_trips_through_json() {
        let def = ToolDef {
            name: "weather".to_string(),
            description: "Weather for a city".to_string(),
            parameters: json!({"type": "object"}),
            kind: ToolKind::UserHttp { url: "https://w.example/{city}".to_string(), method: "GET".to_string() },
            for_types: vec!["research".to_string()],
        };
        let text = serde_json::to_string(&def).unwrap();
        assert!(text.contains(r#""kind":{"type":"user_http","url":"https://w.example/{city}","method":"GET"}"#));
        assert_eq!(serde_json::from_str::<ToolDef>(&text).unwrap(), def);
    }

    #[test]
    fn for_types_defaults_to_empty() {
        let def: ToolDef = serde_json::from_str(
            r#"{"name": "c", "description": "d", "parameters": {}, "kind": {"type": "calculate"}}"#,
        )
        .unwrap();
        assert_eq!(def.kind, ToolKind::Calculate);
        assert!(def.for_types.is_empty());
        assert!(!serde_json::to_string(&def).unwrap().contains("for_types"));
    }

    #[test]
    fn tool_kinds_read_back_and_bad_ones_say_why() {
        let kind: ToolKind = serde_json::from_str(r#"{"type": "extract_json", "note": "ignored"}"#).unwrap();
        assert_eq!(kind, ToolKind::ExtractJson);
        let error = serde_json::from_str::<ToolKind>(r#"{"type": "user_http", "url": "https://x"}"#).unwrap_err();
        assert!(error.to_string().contains("needs a `url` and a `method`"), "{error}");
        let error = serde_json::from_str::<ToolKind>(r#"{"type": "shell"}"#).unwrap_err();
        assert!(error.to_string().contains("unknown tool type `shell`"), "{error}");
        assert!(serde_json::from_str::<ToolKind>(r#"{"url": "https://x"}"#).is_err());
    }
}
