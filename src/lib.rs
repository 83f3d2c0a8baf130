//! Planwright: make an LLM agent follow an explicit, executable, resumable plan.
//!
//! Everything but the page compiles and tests natively: the pure core (`plan`, `engine`, `layout`),
//! the providers, the driver and the restore logic run over the traits of `io` and `store`, with
//! in-memory twins of the browser's doors. Only thin glue (fetch, IndexedDB, Web Locks,
//! BroadcastChannel) and the page itself (`app`, `ui`) compile for `wasm32` alone.

#[cfg(target_arch = "wasm32")]
pub mod app;
pub mod compute_request;
pub mod decimal;
pub mod driver;
pub mod engine;
pub mod io;
pub mod layout;
pub mod line_diff;
pub mod llm;
pub mod otlp;
pub mod plan;
pub mod report;
#[cfg(not(target_arch = "wasm32"))]
pub mod sim;
pub mod sort;
pub mod store;
#[cfg(target_arch = "wasm32")]
pub mod ui;
pub mod unit_key;
