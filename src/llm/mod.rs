//! LLM access: prompts, templates, the Demo provider, OpenAI-compatible chat, and the browser provider.

pub mod anthropic;
#[cfg(target_arch = "wasm32")]
pub mod body_stream;
pub mod chat;
pub mod conversation;
pub mod cost;
pub mod demo;
pub mod openai;
pub mod openai_stream;
pub mod presets;
pub mod prompt;
#[cfg(target_arch = "wasm32")]
pub mod provider;
pub mod settings;
pub mod sse;
pub mod template;
pub mod tools;
pub mod utf8_decoder;
