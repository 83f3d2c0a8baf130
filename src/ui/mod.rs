//! Leptos components, one per file. They read and write [`crate::app::state::AppState`] and call
//! [`crate::app::actions`]; no business logic lives here.

pub mod advanced_settings;
pub mod app;
pub mod egress_prompt;
pub mod fork_form;
pub mod goal_form;
pub mod graph_lod;
pub mod graph_minimap;
pub mod graph_node;
pub mod graph_status;
pub mod graph_toolbar;
pub mod history_sidebar;
pub mod import_panel;
pub mod key_host_confirm;
pub mod markdown_view;
pub mod mcp_settings;
pub mod notice_banner;
pub mod plan_graph;
pub mod plan_preview;
pub mod provider_fields;
pub mod proxy_offer;
pub mod reactive;
pub mod replan_approval;
pub mod replan_history;
pub mod report_view;
pub mod result_text;
pub mod run_bar;
pub mod run_comparison;
pub mod settings_panel;
pub mod task_inspector;
pub mod theme_switch;
pub mod time_scrubber;
pub mod timeline_chart;
pub mod type_models;
pub mod validation_list;
