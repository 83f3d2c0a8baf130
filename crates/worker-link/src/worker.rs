//! The worker's end: answer every request with a function, or hear the page's messages and post
//! its own.

use js_sys::Array;
use wasm_bindgen::prelude::*;

use super::READY;

/// Answers each request `[id, text]` the worker receives with `[id, answer(text)]`, for as long as
/// the worker lives, and tells the page it is ready.
pub fn serve(answer: fn(&str) -> String) {
    receive(move |scope, request| {
        let text = answer(&request.get(1).as_string().unwrap_or_default());
        let _ = scope.post_message(&Array::of2(&request.get(0), &text.into()));
    })
}

/// Hands the text of each message `[text]` the page posts to `on_message`, for as long as the
/// worker lives, and tells the page it is ready.
pub fn listen(mut on_message: impl FnMut(String) + 'static) {
    receive(move |_, message| {
        if let Some(text) = message.get(0).as_string() {
            on_message(text)
        }
    })
}

/// Hands each message the page posts, as an array, to `on_message` with the worker's scope, for as
/// long as the worker lives, and tells the page it is ready.
fn receive(mut on_message: impl FnMut(&web_sys::DedicatedWorkerGlobalScope, Array) + 'static) {
    let scope: web_sys::DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let replies = scope.clone();
    let on_message = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
        on_message(&replies, Array::from(&event.data()))
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    let _ = scope.post_message(&READY.into());
}

/// Posts `text` to the page as `[text]`, for the page's listener of this worker.
pub fn tell(text: &str) {
    let scope: web_sys::DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let _ = scope.post_message(&Array::of1(&text.into()));
}
