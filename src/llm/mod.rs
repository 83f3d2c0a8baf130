//! LLM access: prompts, templates, the provider trait and its Demo and HTTP implementations, and
//! the provider worker's protocol that keeps them out of the page.

pub mod anthropic;
pub mod chat;
pub mod conversation;
pub mod cost;
pub mod credential_scope;
pub mod demo;
pub mod demo_provider;
pub mod egress;
pub mod http_provider;
pub mod mcp;
pub mod openai;
pub mod openai_stream;
pub mod presets;
pub mod prompt;
pub mod provider;
pub mod remote;
pub mod request_retry;
pub mod served_proxies;
pub mod settings;
pub mod settings_debug;
pub mod source;
pub mod sse;
pub mod template;
pub mod tools;
pub mod type_models;
pub mod watched_provider;
