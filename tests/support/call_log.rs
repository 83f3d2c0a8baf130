//! What the browser tests observe of the app's provider: every task attempt (task id and start
//! time), through a watcher on the page's real provider.

use std::cell::RefCell;
use std::rc::Rc;

use planwright::app::state::{browser_providers, ProviderFactory};
use planwright::engine::TaskRequest;
use planwright::io::cancel::CancelToken;
use planwright::llm::provider::{AttemptOutcome, Provider};
use planwright::llm::watched_provider::{AttemptWatcher, WatchedProvider};

/// Task attempts started through the app's providers: task ids and start times, in order.
#[derive(Debug, Clone, Default)]
pub struct CallLog(Rc<RefCell<Vec<(String, f64)>>>);

impl CallLog {
    /// Every task id executed so far, in call order.
    pub fn calls(&self) -> Vec<String> {
        self.0.borrow().iter().map(|(id, _)| id.clone()).collect()
    }

    /// When the first call started, in milliseconds since the epoch (the checkpoint benchmark).
    #[allow(dead_code)]
    pub fn first_started_ms(&self) -> Option<f64> {
        self.0.borrow().first().map(|(_, at)| *at)
    }

    /// The page's providers, each logging its task attempts here.
    pub fn providers(&self) -> ProviderFactory {
        let (log, real) = (Rc::new(self.clone()), browser_providers());
        Rc::new(move |settings, egress| {
            Rc::new(WatchedProvider::new(real(settings, egress), log.clone())) as Rc<dyn Provider>
        })
    }
}

impl AttemptWatcher for CallLog {
    fn started(&self, request: &TaskRequest, _: &CancelToken) {
        self.0.borrow_mut().push((request.task_id.clone(), js_sys::Date::now()));
    }

    fn ended(&self, _: &TaskRequest, _: &CancelToken, _: &AttemptOutcome) {}
}
