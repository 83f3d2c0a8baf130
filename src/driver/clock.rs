//! The driver's clock: milliseconds since the epoch from `Date.now()`.

/// Current wall-clock time in milliseconds since the epoch.
pub fn now_ms() -> f64 {
    js_sys::Date::now()
}
