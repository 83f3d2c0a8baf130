//! Plan model, tolerant JSON parsing, validation and critical path. Pure Rust.

pub mod collapse;
pub mod critical_path;
pub mod edit;
pub mod editor;
mod find_json;
pub mod graph;
pub mod limits;
pub mod model;
pub mod parse;
pub mod schema;
pub mod share;
pub mod share_v1;
pub mod stream;
pub mod task_type;
#[cfg(test)]
pub(crate) mod test_plans;
pub mod undo;
pub mod validate;

pub use model::{Plan, Task, TaskId};
