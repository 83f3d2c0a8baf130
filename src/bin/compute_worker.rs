//! The compute worker: Trunk builds it as a Web Worker (`data-type="worker"` in index.html), so the
//! page's Wasm holds no layout or trace-export code and drawing a large plan never blocks the page.
//! It answers each request `[id, ComputeRequest as JSON]` with `[id, Result<ComputeAnswer, String>
//! as JSON]` (`planwright::compute_request`), and posts `"ready"` once it listens
//! (src/io/worker_link.rs is the page's side). It uses only pure code of the app's library, so
//! nothing else is linked.

#[cfg(target_arch = "wasm32")]
fn main() {
    use js_sys::Array;
    use planwright::compute_request::answer_json;
    use wasm_bindgen::prelude::*;

    let scope: web_sys::DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let answers = scope.clone();
    let on_message = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
        let request = Array::from(&event.data());
        let answer = answer_json(&request.get(1).as_string().unwrap_or_default());
        let _ = answers.post_message(&Array::of2(&request.get(0), &answer.into()));
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    let _ = scope.post_message(&"ready".into());
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("the compute worker runs in the browser (Trunk builds it with the page)");
}
