//! Checkpoint storage: secret-free records (pure) and their IndexedDB home (browser only).

#[cfg(target_arch = "wasm32")]
pub mod indexed_db;
pub mod record;
pub mod retention;
