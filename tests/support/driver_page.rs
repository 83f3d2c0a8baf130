//! A driver started natively on a memory store, with the page's view of the tasks kept from the
//! driver's reports only (shared by the native tests of the seams and of models and traces).

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use planwright::driver::run_loop::{Driver, DriverHooks, DriverPorts};
use planwright::engine::{Run, TaskState};
use planwright::io::sim_runtime::SimRuntime;
use planwright::llm::provider::Provider;
use planwright::store::record::WorkflowRecord;
use planwright::store::{CheckpointStore, MemoryStore};

/// The page's view of the tasks, kept from the driver's reports only.
pub type Page = Rc<RefCell<BTreeMap<String, TaskState>>>;

/// Starts a driver for `run` (saved as `record`) with `provider`, checkpointing to `store`, on `rt`.
pub fn start(
    run: Run,
    record: WorkflowRecord,
    provider: Rc<dyn Provider>,
    store: &MemoryStore,
    rt: &SimRuntime,
) -> (Driver, Page) {
    let page: Page = Rc::default();
    let seen = page.clone();
    let hooks = DriverHooks {
        on_task: Box::new(move |id, state| {
            seen.borrow_mut().insert(id.clone(), state.clone());
        }),
        ..DriverHooks::default()
    };
    let ports = DriverPorts {
        provider,
        store: Some(Rc::new(store.clone()) as Rc<dyn CheckpointStore>),
        runtime: Rc::new(rt.clone()),
    };
    (Driver::start(run, record, ports, hooks), page)
}
