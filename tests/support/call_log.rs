//! What the browser tests observe of the app's provider: a wrapper that logs every task attempt
//! (task id and start time) before handing it to the page's real provider.

use std::cell::RefCell;
use std::rc::Rc;

use futures::future::LocalBoxFuture;
use planwright::app::state::{browser_providers, ProviderFactory};
use planwright::engine::{ReplanRequest, TaskError, TaskRequest};
use planwright::io::cancel::CancelToken;
use planwright::llm::provider::{AttemptOutcome, PlanAnswer, Provider};
use planwright::llm::template::Template;
use planwright::plan::{Plan, Task};

/// Task attempts started through the app's providers: task ids and start times, in order.
#[derive(Debug, Clone, Default)]
pub struct CallLog(Rc<RefCell<Vec<(String, f64)>>>);

impl CallLog {
    /// Every task id executed so far, in call order.
    pub fn calls(&self) -> Vec<String> {
        self.0.borrow().iter().map(|(id, _)| id.clone()).collect()
    }

    /// When the first call started, in milliseconds since the epoch.
    #[allow(dead_code)]
    pub fn first_started_ms(&self) -> Option<f64> {
        self.0.borrow().first().map(|(_, at)| *at)
    }

    /// The page's providers, each logging its task attempts here.
    pub fn providers(&self) -> ProviderFactory {
        let (log, real) = (self.clone(), browser_providers());
        Rc::new(move |settings, egress| Rc::new(Logged { inner: real(settings, egress), log: log.clone() }) as Rc<dyn Provider>)
    }
}

struct Logged {
    inner: Rc<dyn Provider>,
    log: CallLog,
}

impl Provider for Logged {
    fn plan<'a>(
        &'a self,
        goal: &'a str,
        template: Option<Template>,
        on_task: &'a mut dyn FnMut(Task),
    ) -> LocalBoxFuture<'a, Result<PlanAnswer, TaskError>> {
        self.inner.plan(goal, template, on_task)
    }

    fn expand<'a>(&'a self, goal: &'a str, task: &'a Task) -> LocalBoxFuture<'a, Result<Plan, TaskError>> {
        self.inner.expand(goal, task)
    }

    fn replan<'a>(&'a self, request: &'a ReplanRequest) -> LocalBoxFuture<'a, Result<Plan, TaskError>> {
        self.inner.replan(request)
    }

    fn execute<'a>(
        &'a self,
        request: &'a TaskRequest,
        cancel: &'a CancelToken,
        on_delta: &'a mut dyn FnMut(&str),
    ) -> LocalBoxFuture<'a, AttemptOutcome> {
        self.log.0.borrow_mut().push((request.task_id.clone(), js_sys::Date::now()));
        self.inner.execute(request, cancel, on_delta)
    }

    fn test_connection(&self) -> LocalBoxFuture<'_, Result<String, TaskError>> {
        self.inner.test_connection()
    }

    fn prompt_text(&self, request: &TaskRequest) -> String {
        self.inner.prompt_text(request)
    }

    fn missing_credentials(&self) -> Option<String> {
        self.inner.missing_credentials()
    }
}
