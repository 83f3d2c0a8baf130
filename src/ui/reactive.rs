//! Memos and effects with their functions boxed: Leptos' memo and effect code is generic over the
//! function, so each `Memo::new`/`Effect::new` closure would get its own copy in the Wasm bundle;
//! boxed, every memo of one value type, and every effect, shares one.

use leptos::prelude::*;

/// A memo of `f` (see [`Memo::new`]), sharing Leptos' code with every memo of the same type.
pub fn memo<T: Send + Sync + PartialEq + 'static>(f: impl Fn(Option<&T>) -> T + Send + Sync + 'static) -> Memo<T> {
    Memo::new(Box::new(f) as Box<dyn Fn(Option<&T>) -> T + Send + Sync>)
}

/// An effect running `f` (see [`Effect::new`]), sharing Leptos' code with every other effect.
pub fn effect(f: impl FnMut(Option<()>) + 'static) -> Effect<LocalStorage> {
    Effect::new(Box::new(f) as Box<dyn FnMut(Option<()>)>)
}
