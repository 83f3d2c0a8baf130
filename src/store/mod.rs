//! Checkpoint storage: secret-free records (pure), its errors, and their IndexedDB home (browser only).

pub mod error;
#[cfg(target_arch = "wasm32")]
pub mod indexed_db;
pub mod record;
pub mod retention;
