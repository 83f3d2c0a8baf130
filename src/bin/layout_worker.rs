//! The layout worker: Trunk builds it as a Web Worker (`data-type="worker"` in index.html), so the
//! page's Wasm holds no layout code and drawing a large plan never blocks the page. It answers each
//! request `[id, LayoutRequest as JSON]` with `[id, Result<Geometry, String> as JSON]`, and posts
//! `"ready"` once it listens (src/io/worker_link.rs is the page's side). It uses only the pure
//! layout of the app's library, so nothing else is linked.

#[cfg(target_arch = "wasm32")]
fn main() {
    use js_sys::Array;
    use planwright::layout::{Geometry, LayoutRequest};
    use wasm_bindgen::prelude::*;

    let scope: web_sys::DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let answers = scope.clone();
    let on_message = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
        let request = Array::from(&event.data());
        let drawing: Result<Geometry, String> =
            serde_json::from_str::<LayoutRequest>(&request.get(1).as_string().unwrap_or_default())
                .map(|request| request.draw())
                .map_err(|e| format!("the request could not be read: {e}"));
        let answer = serde_json::to_string(&drawing).unwrap_or_default();
        let _ = answers.post_message(&Array::of2(&request.get(0), &answer.into()));
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    let _ = scope.post_message(&"ready".into());
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("the layout worker runs in the browser (Trunk builds it with the page)");
}
