//! Checkpoint storage: secret-free records (pure), the store trait with its in-memory twin, and
//! the IndexedDB implementation (browser only).

pub mod checkpoint_store;
pub mod error;
pub mod event_log;
pub mod family;
#[cfg(target_arch = "wasm32")]
pub mod indexed_db;
pub mod memory_store;
pub mod record;
pub mod retention;

pub use checkpoint_store::CheckpointStore;
pub use error::StoreError;
pub use memory_store::MemoryStore;
