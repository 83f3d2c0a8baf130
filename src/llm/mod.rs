//! LLM access: prompts, templates, the Demo provider, OpenAI-compatible chat, and the browser provider.

pub mod demo;
pub mod openai;
pub mod prompt;
#[cfg(target_arch = "wasm32")]
pub mod provider;
pub mod settings;
pub mod template;
