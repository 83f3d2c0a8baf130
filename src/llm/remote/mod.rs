//! Providers in a Web Worker: the page's [`RemoteProviders`] stand for providers that the provider
//! worker's [`ProviderHost`] makes and runs, so the page's Wasm holds no HTTP provider (request
//! building, streaming, tools, MCP) and no Demo. Both ends are plain Rust over a [`protocol`] of
//! JSON messages; natively the tests join them with an in-memory channel.

pub mod page_end;
pub mod protocol;
pub mod worker_end;

pub use page_end::RemoteProviders;
pub use worker_end::ProviderHost;
