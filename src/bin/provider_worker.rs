//! The provider worker: Trunk builds it as a Web Worker (`data-type="worker"` in index.html), so the
//! page's Wasm holds no provider: the Demo and the HTTP endpoints (request building, streaming,
//! tools, MCP) run here, made and called by the page's messages
//! (`planwright::llm::remote::protocol`, as JSON over `planwright_worker_link`). Requests go out
//! through the worker's own `fetch`.

#[cfg(target_arch = "wasm32")]
fn main() {
    use std::rc::Rc;

    use planwright::io::browser_runtime::BrowserRuntime;
    use planwright::io::fetch_transport::FetchTransport;
    use planwright::llm::remote::protocol::ToWorker;
    use planwright::llm::remote::ProviderHost;
    use planwright::llm::source::DirectProviders;
    use planwright_worker_link::worker::{listen, tell};

    let runtime = Rc::new(BrowserRuntime);
    let source = Rc::new(DirectProviders { transport: Rc::new(FetchTransport), runtime: runtime.clone() });
    let out = Box::new(|message| tell(&serde_json::to_string(&message).unwrap_or_default()));
    let host = ProviderHost::new(source, out, runtime);
    listen(move |text| match serde_json::from_str::<ToWorker>(&text) {
        Ok(message) => host.receive(message),
        Err(error) => web_sys::console::error_1(&format!("the provider worker cannot read a message: {error}").into()),
    });
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("the provider worker runs in the browser (Trunk builds it with the page)");
}
