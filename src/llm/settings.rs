//! Which provider to use and how to reach it. The API key is never serialised.

use serde::{Deserialize, Serialize};

use super::demo::DemoConfig;

/// The kinds of provider the settings panel offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum ProviderKind {
    /// The in-page simulated provider (no network, no key).
    #[default]
    Demo,
    /// Any OpenAI-compatible Chat Completions endpoint.
    OpenAiCompatible,
}

impl ProviderKind {
    /// Stable key for the `<select>`.
    pub fn key(self) -> &'static str {
        match self {
            ProviderKind::Demo => "demo",
            ProviderKind::OpenAiCompatible => "openai",
        }
    }

    /// The kind with this key (Demo for anything unknown).
    pub fn from_key(key: &str) -> ProviderKind {
        if key == "openai" {
            ProviderKind::OpenAiCompatible
        } else {
            ProviderKind::Demo
        }
    }
}

/// Provider settings as the UI edits them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProviderSettings {
    /// Selected provider.
    pub kind: ProviderKind,
    /// Base URL of the OpenAI-compatible API, e.g. `https://api.openai.com/v1`.
    pub base_url: String,
    /// Model name.
    pub model: String,
    /// API key: kept in memory only; `#[serde(skip)]` keeps it out of every serialised form.
    #[serde(skip)]
    pub api_key: String,
    /// Demo provider settings.
    pub demo: DemoConfig,
}

impl Default for ProviderSettings {
    fn default() -> Self {
        ProviderSettings {
            kind: ProviderKind::Demo,
            base_url: "http://localhost:11434/v1".to_string(),
            model: "llama3.2".to_string(),
            api_key: String::new(),
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
        None
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
    fn validates_endpoint_settings() {
        let mut s = ProviderSettings { kind: ProviderKind::OpenAiCompatible, ..ProviderSettings::default() };
        assert_eq!(s.problem(), None);
        s.base_url = "localhost:11434".into();
        assert!(s.problem().unwrap().contains("http://"));
        s.base_url = "https://api.openai.com/v1".into();
        s.model = " ".into();
        assert!(s.problem().unwrap().contains("model"));
        assert_eq!(ProviderKind::from_key(ProviderKind::OpenAiCompatible.key()), ProviderKind::OpenAiCompatible);
    }
}
