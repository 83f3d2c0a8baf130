//! One executing tab per workflow, through the Web Locks API (`navigator.locks`).

use js_sys::{Function, Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

/// A held lock; dropping it (or calling [`TabLock::release`]) lets another tab take the workflow.
pub struct TabLock {
    release: Option<Function>,
}

impl TabLock {
    /// Releases the lock now.
    pub fn release(&mut self) {
        if let Some(resolve) = self.release.take() {
            let _ = resolve.call0(&JsValue::UNDEFINED);
        }
    }
}

impl Drop for TabLock {
    fn drop(&mut self) {
        self.release();
    }
}

/// The lock name for workflow `id`.
pub fn lock_name(workflow_id: &str) -> String {
    format!("planwright:workflow:{workflow_id}")
}

/// What [`acquire`] got.
pub enum Acquired {
    /// This tab holds the lock.
    Held(TabLock),
    /// Another tab holds the lock (only when not waiting for it).
    HeldByAnotherTab,
    /// The browser has no usable Web Locks: `lock` guards nothing, `reason` says so for the user.
    Unguarded {
        /// A lock that excludes no other tab.
        lock: TabLock,
        /// Why nothing is guarded, as a sentence for the UI.
        reason: &'static str,
    },
}

/// Takes the lock `name`: at once or not at all when `wait` is false (else when it is free). Browsers
/// without Web Locks get [`Acquired::Unguarded`].
pub async fn acquire(name: &str, wait: bool) -> Acquired {
    let locks = web_sys::window()
        .map(|w| w.navigator())
        .and_then(|n| Reflect::get(&n, &"locks".into()).ok())
        .filter(|l| !l.is_undefined() && !l.is_null());
    let Some(locks) = locks else {
        return Acquired::Unguarded {
            lock: TabLock { release: None },
            reason: "this browser has no Web Locks: another tab could run the same workflow",
        };
    };
    // The callback reports the grant through `granted` and holds the lock until `release` runs.
    let granted_slot: std::rc::Rc<std::cell::RefCell<Option<Option<Function>>>> = Default::default();
    let slot = granted_slot.clone();
    let callback = Closure::once_into_js(move |lock: JsValue| -> Promise {
        if lock.is_null() {
            *slot.borrow_mut() = Some(None);
            return Promise::resolve(&JsValue::UNDEFINED);
        }
        let mut release = None;
        let held = Promise::new(&mut |resolve, _reject| release = Some(resolve));
        *slot.borrow_mut() = Some(release);
        held
    });
    let options = Object::new();
    let _ = Reflect::set(&options, &"ifAvailable".into(), &JsValue::from_bool(!wait));
    let request = Reflect::get(&locks, &"request".into()).ok().and_then(|f| f.dyn_into::<Function>().ok());
    let Some(request) = request else {
        return Acquired::Unguarded {
            lock: TabLock { release: None },
            reason: "navigator.locks.request is missing: another tab could run the same workflow",
        };
    };
    let outcome = request.call3(&locks, &name.into(), &options, &callback);
    // The request promise settles only when the lock is released; the grant shows in the slot.
    if let Ok(promise) = outcome.and_then(|p| p.dyn_into::<Promise>()) {
        wasm_bindgen_futures::spawn_local(async move {
            let _ = JsFuture::from(promise).await;
        });
    }
    loop {
        if let Some(grant) = granted_slot.borrow_mut().take() {
            return grant
                .map_or(Acquired::HeldByAnotherTab, |release| Acquired::Held(TabLock { release: Some(release) }));
        }
        gloo_timers::future::TimeoutFuture::new(10).await;
    }
}
