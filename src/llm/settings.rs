//! Which provider to use and how to reach it. The API key and the extra headers are never serialised
//! (and never printed: `Debug` is in `settings_debug.rs`).

use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::cost::{PriceTable, PriceTableError};
use super::demo::DemoConfig;
use super::mcp::{mcp_tool_defs, read_servers, McpServer};
use super::prompt::PromptSet;
use super::tools::{ToolDef, ToolError, ToolRegistry};
use super::type_models::TypeModels;
use crate::plan::task_type::TaskType;

/// The kinds of provider the settings panel offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub enum ProviderKind {
    /// The in-page simulated provider (no network, no key).
    #[default]
    Demo,
    /// Any OpenAI-compatible Chat Completions endpoint.
    OpenAiCompatible,
    /// Anthropic's Messages API.
    Anthropic,
}

// Read through the shared key reader (`crate::unit_key`); written by the derived `Serialize`, whose
// names these are (the round-trip test holds them together).
impl<'de> serde::Deserialize<'de> for ProviderKind {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        const KEYS: &[&str] = &["Demo", "OpenAiCompatible", "Anthropic"];
        const ALL: [ProviderKind; 3] = [ProviderKind::Demo, ProviderKind::OpenAiCompatible, ProviderKind::Anthropic];
        crate::unit_key::read_key(deserializer, KEYS).map(|i| ALL[i])
    }
}

impl ProviderKind {
    /// Stable key for the `<select>`.
    pub fn key(self) -> &'static str {
        match self {
            ProviderKind::Demo => "demo",
            ProviderKind::OpenAiCompatible => "openai",
            ProviderKind::Anthropic => "anthropic",
        }
    }

    /// The kind with this key (Demo for anything unknown).
    pub fn from_key(key: &str) -> ProviderKind {
        match key {
            "openai" => ProviderKind::OpenAiCompatible,
            "anthropic" => ProviderKind::Anthropic,
            _ => ProviderKind::Demo,
        }
    }
}

/// Where an OpenAI-compatible endpoint takes the plan's JSON Schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SchemaStyle {
    /// OpenAI's `response_format: {type: json_schema}` (OpenAI, vLLM, llama.cpp, LM Studio, OpenRouter).
    #[default]
    ResponseFormat,
    /// Ollama's `format` field.
    OllamaFormat,
}

// Read through the shared key reader (`crate::unit_key`); written by the derived `Serialize`, whose
// names these are (the round-trip test holds them together).
impl<'de> serde::Deserialize<'de> for SchemaStyle {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        const KEYS: &[&str] = &["response_format", "ollama_format"];
        const ALL: [SchemaStyle; 2] = [SchemaStyle::ResponseFormat, SchemaStyle::OllamaFormat];
        crate::unit_key::read_key(deserializer, KEYS).map(|i| ALL[i])
    }
}

/// What is wrong with a setting written as text: the extra headers, the price table or the user
/// tools. Each accessor returns only its own variants.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SettingsError {
    /// An extra-header line is not `Name: value` ([`ProviderSettings::headers`]).
    #[error("extra header line {line} must look like `Name: value` (it is {text:?})")]
    Header {
        /// The 1-based line.
        line: usize,
        /// The line as written.
        text: String,
    },
    /// The price table does not read ([`ProviderSettings::prices`]).
    #[error("price table: {0}")]
    PriceTable(#[from] PriceTableError),
    /// The user tools are not a JSON list of tool definitions ([`ProviderSettings::tools`]).
    #[error("user tools are not a JSON list of tools: {0}")]
    UserToolsNotJson(String),
    /// A user tool is refused: a bad name, or one already taken ([`ProviderSettings::tools`]).
    #[error("user tools: {0}")]
    UserTool(#[from] ToolError),
}

/// Provider settings as the UI edits them.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct ProviderSettings {
    /// Selected provider.
    pub kind: ProviderKind,
    /// Base URL of the OpenAI-compatible API, e.g. `https://api.openai.com/v1`.
    pub base_url: String,
    /// Model name: the model of plans and of every task without a model of its own or of its type.
    pub model: String,
    /// Models per task type: a task of a type with a model uses it.
    #[serde(default, skip_serializing_if = "TypeModels::is_empty")]
    pub type_models: TypeModels,
    /// API key: kept in memory only; `#[serde(skip)]` keeps it out of every serialised form
    /// (it reaches localStorage only through an explicit "remember on this device").
    #[serde(skip)]
    pub api_key: String,
    /// Whether the user asked to keep the key and the extra headers in this browser's localStorage.
    #[serde(default)]
    pub remember_key: bool,
    /// Whether requests need the API key (set by the preset, and whenever a key is typed in): a
    /// run whose key is missing — after a reload without "remember" — waits for it instead of
    /// sending requests without it.
    #[serde(default)]
    pub needs_key: bool,
    /// How the endpoint takes a JSON Schema for plans (set by the preset).
    #[serde(default)]
    pub schema_style: SchemaStyle,
    /// Extra HTTP headers, one `Name: value` per line (e.g. OpenRouter's `HTTP-Referer`). They often
    /// hold tokens, so like the key they are skipped by serde and reach localStorage only through
    /// "remember on this device".
    #[serde(skip)]
    pub extra_headers: String,
    /// Longest wait for the next piece of an answer before the stream counts as stalled, in seconds
    /// (apart from the task's overall timeout).
    #[serde(default = "default_read_timeout_secs")]
    pub read_timeout_secs: u32,
    /// Stream answers (SSE) where the endpoint supports it.
    #[serde(default = "yes")]
    pub stream: bool,
    /// Ask for plans with a JSON Schema (structured output) where the endpoint supports it.
    #[serde(default = "yes")]
    pub structured: bool,
    /// Editable price table, one `model input_per_million output_per_million` per line.
    #[serde(default = "default_price_table")]
    pub price_table: String,
    /// User-defined HTTP tools as a JSON array of tool definitions.
    #[serde(default)]
    pub user_tools: String,
    /// Hosts tool calls may reach without asking, one per line (loopback and private hosts too).
    #[serde(default)]
    pub tool_hosts: String,
    /// Let tool calls reach any host that is not refused, without asking (not recommended).
    #[serde(default)]
    pub tool_any_host: bool,
    /// MCP servers whose tools the model may call (their tokens are skipped by serde, like the key).
    #[serde(default, deserialize_with = "read_servers")]
    pub mcp_servers: Vec<McpServer>,
    /// The prompts in force (built-in unless edited).
    #[serde(default)]
    pub prompts: PromptSet,
    /// Demo provider settings.
    pub demo: DemoConfig,
}

fn yes() -> bool {
    true
}

/// The read timeout settings start with, in seconds.
pub fn default_read_timeout_secs() -> u32 {
    60
}

fn default_price_table() -> String {
    PriceTable::default().to_text()
}

impl Default for ProviderSettings {
    fn default() -> Self {
        ProviderSettings {
            kind: ProviderKind::Demo,
            base_url: "http://localhost:11434/v1".to_string(),
            model: "llama3.2".to_string(),
            type_models: TypeModels::default(),
            api_key: String::new(),
            remember_key: false,
            needs_key: false,
            schema_style: SchemaStyle::ResponseFormat,
            extra_headers: String::new(),
            read_timeout_secs: default_read_timeout_secs(),
            stream: true,
            structured: true,
            price_table: default_price_table(),
            user_tools: String::new(),
            tool_hosts: String::new(),
            tool_any_host: false,
            mcp_servers: Vec::new(),
            prompts: PromptSet::default(),
            demo: DemoConfig::default(),
        }
    }
}

impl ProviderSettings {
    /// What is wrong with these settings for making requests, if anything.
    pub fn problem(&self) -> Option<String> {
        if self.kind == ProviderKind::Demo {
            return None;
        }
        let url = self.base_url.trim();
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            return Some(format!("the base URL must start with http:// or https:// (it is {url:?})"));
        }
        if self.model.trim().is_empty() {
            return Some("enter a model name".to_string());
        }
        if self.kind == ProviderKind::Anthropic && self.api_key.trim().is_empty() {
            return Some("Anthropic needs an API key".to_string());
        }
        let error = self.headers().err().or_else(|| self.prices().err());
        error.map(|e| e.to_string())
    }

    /// [`ProviderSettings::problem`], or what is wrong with the user tools (checked where the
    /// tools are: the provider worker; the page checks them as they are edited).
    pub fn problem_with_tools(&self) -> Option<String> {
        self.problem().or_else(|| self.tools().err().map(|e| e.to_string()))
    }

    /// The names of the tools a task of each type in `kinds` gets, in order, or what is wrong
    /// with the user tools.
    pub fn tool_names(&self, kinds: &[String]) -> Result<Vec<Vec<String>>, SettingsError> {
        let registry = self.tools()?;
        Ok(kinds
            .iter()
            .map(|kind| registry.for_task_type(Some(kind)).iter().map(|t| t.name.clone()).collect())
            .collect())
    }

    /// The model a task uses: its own (`task_model`, chosen in the inspector), else the model set
    /// for its type (`kind`, read as [`TaskType::parse`] reads it), else [`ProviderSettings::model`].
    pub fn model_for<'a>(&'a self, task_model: Option<&'a str>, kind: Option<&str>) -> &'a str {
        let of_type = kind.and_then(TaskType::parse).map(|t| self.type_models.get(t));
        [task_model, of_type].into_iter().flatten().map(str::trim).find(|m| !m.is_empty()).unwrap_or(self.model.trim())
    }

    /// Why requests cannot be sent yet for want of a credential (the API key), if so.
    pub fn missing_credentials(&self) -> Option<String> {
        let needed = self.kind == ProviderKind::Anthropic || (self.kind != ProviderKind::Demo && self.needs_key);
        (needed && self.api_key.trim().is_empty()).then(|| {
            "the API key is missing (it is kept in memory only, so a reload forgets it unless \"Remember the key\" is \
             ticked): enter it in Provider & run settings and the run goes on"
                .to_string()
        })
    }

    /// The parsed price table, or what is wrong with it.
    pub fn prices(&self) -> Result<PriceTable, SettingsError> {
        Ok(PriceTable::parse_table(&self.price_table)?)
    }

    /// The tool registry: built-in tools plus the user's and the MCP servers', or what is wrong
    /// with the user's.
    pub fn tools(&self) -> Result<ToolRegistry, SettingsError> {
        let mut user: Vec<ToolDef> = if self.user_tools.trim().is_empty() {
            Vec::new()
        } else {
            serde_json::from_str(&self.user_tools).map_err(|e| SettingsError::UserToolsNotJson(e.to_string()))?
        };
        user.extend(mcp_tool_defs(&self.mcp_servers));
        Ok(ToolRegistry::with_user_tools(user)?)
    }

    /// The extra headers as `(name, value)` pairs, or which line is malformed.
    pub fn headers(&self) -> Result<Vec<(String, String)>, SettingsError> {
        self.extra_headers
            .lines()
            .enumerate()
            .filter(|(_, line)| !line.trim().is_empty())
            .map(|(n, line)| match line.split_once(':') {
                Some((name, value)) if !name.trim().is_empty() && !name.trim().contains(' ') => {
                    Ok((name.trim().to_string(), value.trim().to_string()))
                }
                _ => Err(SettingsError::Header { line: n + 1, text: line.to_string() }),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_key_never_serialises() {
        let settings = ProviderSettings { api_key: "sk-secret-123".into(), ..ProviderSettings::default() };
        let json = serde_json::to_string(&settings).unwrap();
        assert!(!json.contains("sk-secret"), "{json}");
        let back: ProviderSettings = serde_json::from_str(&json).unwrap();
        assert_eq!(back.api_key, "");
    }

    #[test]
    fn mcp_servers_round_trip_without_their_tokens() {
        let server =
            McpServer { for_types: vec!["research".into()], ..McpServer::new("https://m.example/mcp", "mcp-tok-7") };
        let settings = ProviderSettings { mcp_servers: vec![server.clone()], ..ProviderSettings::default() };
        let json = serde_json::to_string(&settings).unwrap();
        assert!(!json.contains("mcp-tok-7"), "{json}");
        let back: ProviderSettings = serde_json::from_str(&json).unwrap();
        assert_eq!(back.mcp_servers, [McpServer { token: String::new(), ..server }]);
        let old: ProviderSettings = serde_json::from_str(&json.replace(r#""mcp_servers""#, r#""other""#)).unwrap();
        assert!(old.mcp_servers.is_empty(), "settings saved before MCP still load");
    }

    #[test]
    fn extra_headers_never_serialise() {
        let settings =
            ProviderSettings { extra_headers: "X-Api-Token: tok-secret-9".into(), ..ProviderSettings::default() };
        let json = serde_json::to_string(&settings).unwrap();
        assert!(!json.contains("tok-secret"), "{json}");
        let back: ProviderSettings = serde_json::from_str(&json).unwrap();
        assert_eq!(back.extra_headers, "");
    }

    #[test]
    fn validates_endpoint_settings() {
        let mut s = ProviderSettings { kind: ProviderKind::OpenAiCompatible, ..ProviderSettings::default() };
        assert_eq!(s.problem(), None);
        s.base_url = "localhost:11434".into();
        assert!(s.problem().unwrap().contains("http://"));
        s.base_url = "https://api.openai.com/v1".into();
        s.model = " ".into();
        assert!(s.problem().unwrap().contains("model"));
        assert_eq!(ProviderKind::from_key(ProviderKind::OpenAiCompatible.key()), ProviderKind::OpenAiCompatible);
        assert_eq!(ProviderKind::from_key("anthropic"), ProviderKind::Anthropic);
    }

    #[test]
    fn parses_extra_headers_and_reports_bad_lines() {
        let mut s = ProviderSettings {
            kind: ProviderKind::OpenAiCompatible,
            extra_headers: "HTTP-Referer: http://127.0.0.1\n\nX-Title:Planwright".into(),
            ..ProviderSettings::default()
        };
        assert_eq!(
            s.headers().unwrap(),
            vec![("HTTP-Referer".into(), "http://127.0.0.1".into()), ("X-Title".into(), "Planwright".into())]
        );
        s.extra_headers = "no colon here".into();
        assert!(s.problem().unwrap().contains("line 1"));
    }

    #[test]
    fn price_table_and_user_tools_are_checked() {
        let mut s = ProviderSettings { kind: ProviderKind::OpenAiCompatible, ..ProviderSettings::default() };
        assert!(s.prices().unwrap().cost_usd("gpt-4o-mini", 1_000_000, 0).is_some());
        s.price_table = "gpt-x one two".into();
        assert!(s.problem().unwrap().starts_with("price table"));
        s.price_table = default_price_table();
        s.user_tools = "[{".into();
        assert_eq!(s.problem(), None, "the page's check leaves the tools to the provider worker");
        assert!(s.problem_with_tools().unwrap().starts_with("user tools"));
        assert!(s.tool_names(&["research".into()]).unwrap_err().to_string().starts_with("user tools"));
        s.user_tools = r#"[{"name":"weather","description":"d","parameters":{"type":"object"},"kind":{"type":"user_http","url":"https://x/{city}","method":"GET"}}]"#.into();
        assert_eq!(s.problem(), None, "{:?}", s.tools().err());
        assert!(s.tools().unwrap().get("weather").is_some());
    }

    #[test]
    fn setting_errors_are_typed_and_say_which_setting() {
        let mut s = ProviderSettings { extra_headers: "X-Ok: 1\nbroken".into(), ..ProviderSettings::default() };
        assert_eq!(s.headers(), Err(SettingsError::Header { line: 2, text: "broken".into() }));
        assert_eq!(
            s.headers().unwrap_err().to_string(),
            "extra header line 2 must look like `Name: value` (it is \"broken\")"
        );
        s.price_table = "m 1".into();
        let error = s.prices().unwrap_err();
        assert_eq!(error, SettingsError::PriceTable(PriceTableError::FieldCount { line: 1, fields: 2 }));
        assert_eq!(
            error.to_string(),
            "price table: line 1: expected `model input_per_million output_per_million`, got 2 fields"
        );
        s.user_tools = "{}".into();
        assert!(matches!(s.tools(), Err(SettingsError::UserToolsNotJson(_))));
        assert!(s.tools().unwrap_err().to_string().starts_with("user tools are not a JSON list of tools: "));
        s.user_tools = r#"[{"name":"","description":"d","parameters":{},"kind":{"type":"calculate"}}]"#.into();
        assert_eq!(s.tools().unwrap_err(), SettingsError::UserTool(ToolError::EmptyName));
        assert_eq!(
            s.tools().unwrap_err().to_string(),
            "user tools: a user tool has an empty name: use 1 to 64 letters, digits, `_` or `-`"
        );
    }

    #[test]
    fn a_key_that_was_needed_and_is_gone_is_missing() {
        let mut s = ProviderSettings { kind: ProviderKind::OpenAiCompatible, ..ProviderSettings::default() };
        assert_eq!(s.missing_credentials(), None, "a keyless local server");
        s.needs_key = true;
        assert!(s.missing_credentials().unwrap().contains("API key"));
        s.api_key = "sk-1".into();
        assert_eq!(s.missing_credentials(), None);
        let demo = ProviderSettings { needs_key: true, ..ProviderSettings::default() };
        assert_eq!(demo.missing_credentials(), None, "the Demo needs no key");
    }

    #[test]
    fn a_task_uses_its_own_model_else_its_types_else_the_providers() {
        let mut s = ProviderSettings { model: "strong".into(), ..ProviderSettings::default() };
        s.type_models.set(TaskType::Research, " cheap ");
        s.type_models.set(TaskType::Data, "cheap");
        s.type_models.set(TaskType::Writing, "");
        assert_eq!(s.type_models.get(TaskType::Research), "cheap");
        assert_eq!(s.model_for(None, Some("research")), "cheap");
        assert_eq!(s.model_for(None, Some(" Pipeline ")), "cheap", "a synonym of data");
        assert_eq!(s.model_for(None, Some("writing")), "strong", "a blank type model is not set");
        assert_eq!(s.model_for(None, Some("poetry")), "strong");
        assert_eq!(s.model_for(None, None), "strong");
        assert_eq!(s.model_for(Some("mine"), Some("research")), "mine");
        assert_eq!(s.model_for(Some("  "), Some("research")), "cheap", "a blank task model is not set");
        s.type_models.set(TaskType::Research, " ");
        assert_eq!(s.model_for(None, Some("research")), "strong", "cleared");
        let json = serde_json::to_string(&s).unwrap();
        assert!(json.contains(r#""type_models":{"data":"cheap"}"#), "{json}");
        let old: ProviderSettings =
            serde_json::from_str(&json.replace(r#""type_models":{"data":"cheap"},"#, "")).unwrap();
        assert!(old.type_models.is_empty(), "settings saved before type models still load");
    }

    #[test]
    fn anthropic_needs_a_key() {
        let s = ProviderSettings {
            kind: ProviderKind::Anthropic,
            base_url: "https://api.anthropic.com".into(),
            ..ProviderSettings::default()
        };
        assert!(s.problem().unwrap().contains("API key"));
    }
}
