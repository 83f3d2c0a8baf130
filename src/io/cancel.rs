//! A cancellation token: the driver cancels an attempt (abort, timeout, stop); transports stop
//! sending or reading as soon as it fires.

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

#[derive(Default)]
struct Shared {
    cancelled: bool,
    wakers: Vec<Waker>,
    callbacks: Vec<Box<dyn FnOnce()>>,
}

/// A cheap, clonable handle: every clone sees the same cancellation.
#[derive(Clone, Default)]
pub struct CancelToken(Rc<RefCell<Shared>>);

impl std::fmt::Debug for CancelToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "CancelToken(cancelled: {})", self.is_cancelled())
    }
}

impl CancelToken {
    /// A token that has not fired.
    pub fn new() -> Self {
        Self::default()
    }

    /// Fires the token: wakes every waiter and runs every registered callback, once.
    pub fn cancel(&self) {
        let (wakers, callbacks) = {
            let mut shared = self.0.borrow_mut();
            if shared.cancelled {
                return;
            }
            shared.cancelled = true;
            (std::mem::take(&mut shared.wakers), std::mem::take(&mut shared.callbacks))
        };
        wakers.into_iter().for_each(Waker::wake);
        callbacks.into_iter().for_each(|callback| callback());
    }

    /// Whether the token has fired.
    pub fn is_cancelled(&self) -> bool {
        self.0.borrow().cancelled
    }

    /// Runs `callback` when the token fires (at once if it already has).
    pub fn on_cancel(&self, callback: impl FnOnce() + 'static) {
        if self.is_cancelled() {
            callback();
        } else {
            self.0.borrow_mut().callbacks.push(Box::new(callback));
        }
    }

    /// A future that completes when the token fires.
    pub fn cancelled(&self) -> Cancelled {
        Cancelled(self.clone())
    }
}

/// The future of [`CancelToken::cancelled`].
pub struct Cancelled(CancelToken);

impl Future for Cancelled {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let mut shared = self.0 .0.borrow_mut();
        if shared.cancelled {
            return Poll::Ready(());
        }
        if !shared.wakers.iter().any(|w| w.will_wake(cx.waker())) {
            shared.wakers.push(cx.waker().clone());
        }
        Poll::Pending
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    #[test]
    fn callbacks_run_once_and_late_ones_at_once() {
        let token = CancelToken::new();
        let count = Rc::new(Cell::new(0));
        let c = count.clone();
        token.on_cancel(move || c.set(c.get() + 1));
        assert!(!token.is_cancelled());
        token.cancel();
        token.cancel();
        assert_eq!(count.get(), 1);
        let c = count.clone();
        token.clone().on_cancel(move || c.set(c.get() + 10));
        assert_eq!(count.get(), 11);
    }

    #[test]
    fn the_future_completes_after_cancel() {
        let token = CancelToken::new();
        let waker = futures::task::noop_waker();
        let mut cx = Context::from_waker(&waker);
        let mut fut = Box::pin(token.cancelled());
        assert!(fut.as_mut().poll(&mut cx).is_pending());
        token.cancel();
        assert!(fut.as_mut().poll(&mut cx).is_ready());
    }
}
