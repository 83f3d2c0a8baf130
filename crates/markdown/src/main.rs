//! The Markdown worker: Trunk builds it as a Web Worker (`data-type="worker"` in index.html) so the
//! page's Wasm holds no Markdown parser and a huge or hostile answer is parsed off the main thread.
//! It answers each request `[id, text]` with `[id, tree as JSON]` ([`planwright_markdown`]), and
//! posts `"ready"` once it listens (the page holds requests until then: src/io/markdown_worker.rs
//! of the app). It depends on this crate and wasm-bindgen only, so it carries nothing of the app.

#[cfg(target_arch = "wasm32")]
fn main() {
    use js_sys::Array;
    use planwright_markdown::{encode_tree, to_tree};
    use wasm_bindgen::prelude::*;

    let scope: web_sys::DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let answers = scope.clone();
    let on_message = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
        let request = Array::from(&event.data());
        let tree = to_tree(&request.get(1).as_string().unwrap_or_default());
        let _ = answers.post_message(&Array::of2(&request.get(0), &encode_tree(&tree).into()));
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    let _ = scope.post_message(&"ready".into());
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("the Markdown worker runs in the browser (Trunk builds it with the page)");
}
