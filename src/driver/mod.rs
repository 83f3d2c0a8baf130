//! Browser driver: wires an engine [`crate::engine::Run`] to a provider, the checkpoint store and the UI.

pub mod broadcast;
pub mod clock;
pub mod run_loop;
pub mod tab_lock;
