//! Planwright: make an LLM agent follow an explicit, executable, resumable plan.
//!
//! The pure core (`plan`, `engine`, `layout`, most of `llm` and `store`) compiles and tests natively;
//! the browser adapters (`driver`, `app`, `ui`, the provider and the IndexedDB store) compile only
//! for `wasm32`.

#[cfg(target_arch = "wasm32")]
pub mod app;
#[cfg(target_arch = "wasm32")]
pub mod driver;
pub mod decimal;
pub mod engine;
pub mod layout;
pub mod llm;
pub mod plan;
pub mod sort;
pub mod store;
#[cfg(target_arch = "wasm32")]
pub mod ui;
