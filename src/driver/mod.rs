//! The driver: performs an engine [`crate::engine::Run`]'s commands through the provider, the
//! checkpoint store and the runtime, and feeds their outcomes back as events. Plain Rust over the
//! traits of [`crate::io`] and [`crate::store`]; only the tab lock and the tab-to-tab channel are
//! browser glue.

#[cfg(target_arch = "wasm32")]
pub mod broadcast;
pub mod fork;
pub mod restore;
pub mod run_loop;
#[cfg(target_arch = "wasm32")]
pub mod tab_lock;
