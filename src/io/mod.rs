//! The doors to the outside world. Everything the driver and the providers need from outside the
//! pure core goes through one of these traits, each with a browser implementation and an in-memory
//! twin, so the same code runs in the page, in `cargo test` and under deterministic simulation:
//! - [`runtime::Runtime`]: the clock, timers and spawning of background work;
//! - [`transport::Transport`]: HTTP requests with a streamed body and cancellation;
//! - [`egress_gate::EgressGate`]: asking the user whether a tool call may reach a host;
//! - [`markdown_renderer::MarkdownRenderer`]: Markdown into a tree (the page's runs in a worker);
//! - [`compute::Compute`]: pure work (layout, trace export) off the main thread, in a worker;
//! - [`crate::llm::source::ProviderSource`]: the providers (the page's run in a worker);
//! - the checkpoint store is [`crate::store::CheckpointStore`].

#[cfg(target_arch = "wasm32")]
pub mod browser_runtime;
pub mod cancel;
pub mod compute;
#[cfg(target_arch = "wasm32")]
pub mod compute_worker;
#[cfg(target_arch = "wasm32")]
pub mod deflate_raw;
pub mod egress_gate;
#[cfg(target_arch = "wasm32")]
pub mod fetch_transport;
pub mod idle_body;
pub mod markdown_renderer;
#[cfg(target_arch = "wasm32")]
pub mod markdown_worker;
#[cfg(target_arch = "wasm32")]
pub mod provider_worker;
pub mod runtime;
pub mod scripted_gate;
pub mod scripted_transport;
#[cfg(not(target_arch = "wasm32"))]
pub mod sim_runtime;
pub mod transport;
pub mod utf8_decoder;
