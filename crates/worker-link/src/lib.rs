//! The protocol between the page and its Web Workers (the Markdown, compute and provider workers),
//! both ends in one place: a request is text and so is its answer. The worker posts `"ready"` once
//! it listens ([`worker::serve`], [`worker::listen`]); the page posts `[id, text]` and the worker
//! answers `[id, text]` ([`page::ask`], which matches answers to requests by id and holds requests
//! until the worker is ready). A conversation that is not request and answer posts `[text]` either
//! way ([`page::tell`] and [`page::listen`], [`worker::tell`] and [`worker::listen`]).
//! Browser-only: natively this crate is empty.
#![cfg(target_arch = "wasm32")]

pub mod page;
pub mod worker;

/// What a worker posts once it listens for requests.
const READY: &str = "ready";
