//! The browser's runtime: `Date.now()`, `setTimeout` and `spawn_local`.

use futures::future::LocalBoxFuture;

use super::runtime::Runtime;

/// Time and background work in the page.
#[derive(Debug, Clone, Copy, Default)]
pub struct BrowserRuntime;

impl Runtime for BrowserRuntime {
    fn now_ms(&self) -> f64 {
        js_sys::Date::now()
    }

    fn sleep(&self, ms: u64) -> LocalBoxFuture<'static, ()> {
        Box::pin(gloo_timers::future::TimeoutFuture::new(ms.min(i32::MAX as u64) as u32))
    }

    fn spawn(&self, work: LocalBoxFuture<'static, ()>) {
        wasm_bindgen_futures::spawn_local(work);
    }
}
