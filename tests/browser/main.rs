//! Headless-Chromium tests of the app, the IndexedDB store and resume.
#![cfg(target_arch = "wasm32")]

mod boundary_defects;
#[path = "../support/call_log.rs"]
mod call_log;
mod canvas;
mod checkpoints;
mod controls;
mod dom;
mod editing;
mod egress;
mod expand_and_stream;
mod graph_view;
mod history;
mod hostile_links;
mod mcp;
mod models;
mod provider_ui;
mod providers;
mod results;
mod resume;
mod run_flow;
mod secrets;
mod share;
mod store_round_trip;
mod tab_lock;
mod test_server;
mod time_travel;

wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);
