//! What the browser tests observe of the app's provider: every task attempt (task id and start
//! time), through a watcher on real providers made in the page (the tests cannot load the
//! Trunk-built provider worker; its protocol is tested natively and by `tests/e2e/provider_worker.cjs`).

use std::cell::RefCell;
use std::rc::Rc;

use futures::future::LocalBoxFuture;
use planwright::engine::TaskRequest;
use planwright::io::browser_runtime::BrowserRuntime;
use planwright::io::cancel::CancelToken;
use planwright::io::fetch_transport::FetchTransport;
use planwright::llm::egress::Egress;
use planwright::llm::mcp::{McpError, McpToolInfo};
use planwright::llm::provider::{AttemptOutcome, Provider};
use planwright::llm::settings::ProviderSettings;
use planwright::llm::source::{DirectProviders, ProviderSource};
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

    /// Providers made in the page, each logging its task attempts here.
    pub fn providers(&self) -> Rc<dyn ProviderSource> {
        let real = DirectProviders { transport: Rc::new(FetchTransport), runtime: Rc::new(BrowserRuntime) };
        Rc::new(LoggedProviders { log: Rc::new(self.clone()), real })
    }
}

/// Providers made in the page whose attempts go to a call log.
struct LoggedProviders {
    log: Rc<CallLog>,
    real: DirectProviders,
}

impl ProviderSource for LoggedProviders {
    fn connect(&self, settings: ProviderSettings, egress: Egress) -> Rc<dyn Provider> {
        Rc::new(WatchedProvider::new(self.real.connect(settings, egress), self.log.clone()))
    }

    fn list_mcp_tools(
        &self,
        url: &str,
        token: &str,
        cancel: &CancelToken,
    ) -> LocalBoxFuture<'static, Result<Vec<McpToolInfo>, McpError>> {
        self.real.list_mcp_tools(url, token, cancel)
    }

    fn tool_names(
        &self,
        settings: &ProviderSettings,
        kinds: Vec<String>,
    ) -> LocalBoxFuture<'static, Result<Vec<Vec<String>>, String>> {
        self.real.tool_names(settings, kinds)
    }
}

impl AttemptWatcher for CallLog {
    fn started(&self, request: &TaskRequest, _: &CancelToken) {
        self.0.borrow_mut().push((request.task_id.clone(), js_sys::Date::now()));
    }

    fn ended(&self, _: &TaskRequest, _: &CancelToken, _: &AttemptOutcome) {}
}
