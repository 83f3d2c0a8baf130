//! A provider whose task attempts are reported to a watcher as they start and end — how the tests
//! and the simulation observe what the page sends, without a call log in the production path.

use std::rc::Rc;

use futures::future::LocalBoxFuture;
use futures::FutureExt;

use super::provider::{AttemptOutcome, PlanAnswer, Provider};
use super::template::Template;
use crate::engine::{ReplanRequest, TaskError, TaskRequest};
use crate::io::cancel::CancelToken;
use crate::plan::{Plan, Task};

/// Hears about every task attempt.
pub trait AttemptWatcher {
    /// An attempt of `request` starts; `cancel` fires if it is aborted.
    fn started(&self, request: &TaskRequest, cancel: &CancelToken);
    /// The attempt ended with `outcome`.
    fn ended(&self, request: &TaskRequest, cancel: &CancelToken, outcome: &AttemptOutcome);
}

/// `inner`, with its task attempts reported to `watcher`; everything else passes through.
pub struct WatchedProvider {
    inner: Rc<dyn Provider>,
    watcher: Rc<dyn AttemptWatcher>,
}

impl WatchedProvider {
    /// Watches `inner`'s attempts through `watcher`.
    pub fn new(inner: Rc<dyn Provider>, watcher: Rc<dyn AttemptWatcher>) -> Self {
        WatchedProvider { inner, watcher }
    }
}

impl Provider for WatchedProvider {
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
        async move {
            self.watcher.started(request, cancel);
            let outcome = self.inner.execute(request, cancel, on_delta).await;
            self.watcher.ended(request, cancel, &outcome);
            outcome
        }
        .boxed_local()
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
