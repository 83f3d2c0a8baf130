//! Application wiring: reactive state and the actions behind the controls.

pub mod actions;
pub mod compare;
pub mod credentials;
pub mod download;
pub mod editing;
pub mod egress_prompts;
pub mod fork;
pub mod history;
pub mod mcp_servers;
pub mod plan_text;
pub mod preview;
pub mod served_proxies;
pub mod settings_storage;
pub mod share;
pub mod state;
pub mod task_board;
pub mod time_travel;
pub mod tool_names;
pub mod trace_export;
