//! Endpoint presets for the settings panel: where each common LLM server listens and what it needs.

use super::settings::{ProviderKind, SchemaStyle};

/// One preset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Preset {
    /// Stable key for the `<select>`.
    pub key: &'static str,
    /// Name shown to the user.
    pub label: &'static str,
    /// Which protocol it speaks.
    pub kind: ProviderKind,
    /// Base URL to fill in.
    pub base_url: &'static str,
    /// A model name that usually exists there.
    pub model: &'static str,
    /// Whether an API key is required.
    pub needs_key: bool,
    /// What to do so the page may call it (CORS) or other set-up advice.
    pub note: &'static str,
    /// How it takes a plan's JSON Schema.
    pub schema_style: SchemaStyle,
}

/// Every preset, in the order the UI lists them.
pub const PRESETS: [Preset; 7] = [
    Preset {
        key: "openai",
        label: "OpenAI",
        kind: ProviderKind::OpenAiCompatible,
        base_url: "https://api.openai.com/v1",
        model: "gpt-4o-mini",
        needs_key: true,
        note: "Needs an API key from platform.openai.com.",
        schema_style: SchemaStyle::ResponseFormat,
    },
    Preset {
        key: "openrouter",
        label: "OpenRouter",
        kind: ProviderKind::OpenAiCompatible,
        base_url: "https://openrouter.ai/api/v1",
        model: "openai/gpt-4o-mini",
        needs_key: true,
        note: "Needs an OpenRouter API key.",
        schema_style: SchemaStyle::ResponseFormat,
    },
    Preset {
        key: "ollama",
        label: "Ollama",
        kind: ProviderKind::OpenAiCompatible,
        base_url: "http://localhost:11434/v1",
        model: "llama3.2",
        needs_key: false,
        note: "Start it with OLLAMA_ORIGINS set to this page's origin (or *), e.g. OLLAMA_ORIGINS=http://127.0.0.1:8080 ollama serve.",
        schema_style: SchemaStyle::OllamaFormat,
    },
    Preset {
        key: "llamacpp",
        label: "llama.cpp server",
        kind: ProviderKind::OpenAiCompatible,
        base_url: "http://localhost:8081/v1",
        model: "local",
        needs_key: false,
        note: "Run llama-server on another port than this page (e.g. --port 8081); it must send CORS headers, else put a proxy in front.",
        schema_style: SchemaStyle::ResponseFormat,
    },
    Preset {
        key: "vllm",
        label: "vLLM",
        kind: ProviderKind::OpenAiCompatible,
        base_url: "http://localhost:8000/v1",
        model: "meta-llama/Llama-3.1-8B-Instruct",
        needs_key: false,
        note: "Start vllm serve with --allowed-origins '[\"*\"]' (or this page's origin).",
        schema_style: SchemaStyle::ResponseFormat,
    },
    Preset {
        key: "lmstudio",
        label: "LM Studio",
        kind: ProviderKind::OpenAiCompatible,
        base_url: "http://localhost:1234/v1",
        model: "local-model",
        needs_key: false,
        note: "Enable CORS in LM Studio's server settings.",
        schema_style: SchemaStyle::ResponseFormat,
    },
    Preset {
        key: "anthropic",
        label: "Anthropic",
        kind: ProviderKind::Anthropic,
        base_url: "https://api.anthropic.com",
        model: "claude-3-5-haiku-latest",
        needs_key: true,
        note: "Sent with the anthropic-dangerous-direct-browser-access header: the key is visible to this page's code.",
        schema_style: SchemaStyle::ResponseFormat,
    },
];

/// The preset with this key.
pub fn preset(key: &str) -> Option<&'static Preset> {
    PRESETS.iter().find(|p| p.key == key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presets_have_unique_keys_and_http_urls() {
        for (i, p) in PRESETS.iter().enumerate() {
            assert!(p.base_url.starts_with("http"), "{}", p.key);
            assert!(PRESETS[i + 1..].iter().all(|q| q.key != p.key), "duplicate {}", p.key);
            assert_eq!(preset(p.key), Some(p));
        }
        assert_eq!(preset("ollama").unwrap().kind, ProviderKind::OpenAiCompatible);
        assert!(preset("ollama").unwrap().note.contains("OLLAMA_ORIGINS"));
        assert_eq!(preset("nope"), None);
    }
}
