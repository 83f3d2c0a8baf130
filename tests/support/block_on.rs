//! Running one future to its end on the simulated runtime (shared by the native tests of MCP and of
//! the provider worker).

use std::cell::RefCell;
use std::future::Future;
use std::rc::Rc;

use planwright::io::runtime::Runtime;
use planwright::io::sim_runtime::SimRuntime;

/// Runs `future` to its end on `rt` (and everything else spawned, until nothing is left to do).
pub fn block_on<T: 'static>(rt: &SimRuntime, future: impl Future<Output = T> + 'static) -> T {
    let slot = Rc::new(RefCell::new(None));
    let out = slot.clone();
    rt.spawn(Box::pin(async move { *out.borrow_mut() = Some(future.await) }));
    rt.run_until_idle(u64::MAX);
    let value = slot.borrow_mut().take().expect("the future ended");
    value
}
