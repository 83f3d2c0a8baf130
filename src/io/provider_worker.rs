//! The page's providers: the provider worker (`src/bin/provider_worker.rs`, built by Trunk as
//! `data-type="worker"`) makes and runs them; the page reaches it through `planwright_worker_link`
//! with the JSON messages of [`crate::llm::remote::protocol`].

use std::rc::Rc;

use super::browser_runtime::BrowserRuntime;
use crate::llm::remote::protocol::FromWorker;
use crate::llm::remote::RemoteProviders;
use crate::llm::source::ProviderSource;
use planwright_worker_link::page::{listen, start_worker, tell};

/// The worker's loader script, beside the page (Trunk names it after the binary, without a hash).
const WORKER_URL: &str = "provider_worker_loader.js";

/// Providers in the provider worker, which starts loading on the first message or when prepared.
pub fn worker_providers() -> Rc<dyn ProviderSource> {
    let providers = RemoteProviders::new(
        Box::new(|message| tell(WORKER_URL, serde_json::to_string(&message).unwrap_or_default())),
        Box::new(|| start_worker(WORKER_URL)),
        Rc::new(BrowserRuntime),
    );
    let receiver = providers.clone();
    listen(
        WORKER_URL,
        Rc::new(move |message: Result<String, String>| {
            match message.and_then(|text| serde_json::from_str::<FromWorker>(&text).map_err(|e| e.to_string())) {
                Ok(message) => receiver.receive(message),
                Err(why) => receiver.fail(why),
            }
        }),
    );
    Rc::new(providers)
}
