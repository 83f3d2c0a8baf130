//! The compute worker: Trunk builds it as a Web Worker (`data-type="worker"` in index.html), so the
//! page's Wasm holds no layout or trace-export code and drawing a large plan never blocks the page.
//! It answers each request, a `ComputeRequest` as JSON, with a `Result<ComputeAnswer, String>` as
//! JSON (`planwright::compute_request`), over `planwright_worker_link`. It uses only pure code of
//! the app's library, so nothing else is linked.

#[cfg(target_arch = "wasm32")]
fn main() {
    planwright_worker_link::worker::serve(planwright::compute_request::answer_json);
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("the compute worker runs in the browser (Trunk builds it with the page)");
}
