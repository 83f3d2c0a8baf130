//! Time and background work: the browser's clock, timers and `spawn_local`, or a simulated twin.

use futures::future::LocalBoxFuture;

/// What the driver and providers need of time and concurrency. Single-threaded: futures need not
/// be `Send`.
pub trait Runtime {
    /// Current time in milliseconds (since the epoch in the browser; virtual under simulation).
    fn now_ms(&self) -> f64;
    /// A future that completes `ms` milliseconds from now.
    fn sleep(&self, ms: u64) -> LocalBoxFuture<'static, ()>;
    /// Runs `work` in the background.
    fn spawn(&self, work: LocalBoxFuture<'static, ()>);
}
