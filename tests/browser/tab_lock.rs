//! The per-workflow tab lock: held, held by another tab, and unguarded without Web Locks.

use planwright::driver::tab_lock::{acquire, lock_name, Acquired};
use wasm_bindgen_test::wasm_bindgen_test;

use crate::dom::unique_db;

/// Hides `navigator.locks` (as in a browser without Web Locks) until dropped.
struct NoWebLocks;

impl NoWebLocks {
    fn start() -> Self {
        js_sys::eval("Object.defineProperty(navigator, 'locks', { value: undefined, configurable: true });")
            .expect("hide navigator.locks");
        NoWebLocks
    }
}

impl Drop for NoWebLocks {
    fn drop(&mut self) {
        let _ = js_sys::eval("delete navigator.locks;");
    }
}

#[wasm_bindgen_test]
async fn a_lock_is_held_by_one_holder_at_a_time_and_free_again_once_dropped() {
    let name = lock_name(&unique_db("wf-lock"));
    let Acquired::Held(first) = acquire(&name, false).await else { panic!("a free lock is held at once") };
    assert!(matches!(acquire(&name, false).await, Acquired::HeldByAnotherTab), "a held lock is refused");
    drop(first);
    assert!(matches!(acquire(&name, true).await, Acquired::Held(_)), "a released lock can be taken again");
}

#[wasm_bindgen_test]
async fn without_web_locks_the_lock_is_unguarded_and_says_why() {
    let hidden = NoWebLocks::start();
    let acquired = acquire(&lock_name("wf-unguarded"), false).await;
    drop(hidden);
    let Acquired::Unguarded { reason, .. } = acquired else { panic!("no Web Locks gives an unguarded lock") };
    assert!(reason.contains("no Web Locks"), "{reason}");
}
