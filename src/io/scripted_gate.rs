//! The in-memory twin of the page's egress prompt: answers from a script, in order (`Deny` once
//! the script is used up), and keeps every question for the tests to inspect.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

use futures::future::LocalBoxFuture;
use futures::FutureExt;

use super::egress_gate::{EgressDecision, EgressGate, EgressQuestion};

/// A gate answering from a script.
#[derive(Clone, Default)]
pub struct ScriptedGate {
    answers: Rc<RefCell<VecDeque<EgressDecision>>>,
    asked: Rc<RefCell<Vec<EgressQuestion>>>,
}

impl ScriptedGate {
    /// A gate giving `answers` in order, then `Deny`.
    pub fn new(answers: &[EgressDecision]) -> Self {
        ScriptedGate { answers: Rc::new(RefCell::new(answers.iter().copied().collect())), asked: Rc::default() }
    }

    /// Every question asked so far, oldest first.
    pub fn asked(&self) -> Vec<EgressQuestion> {
        self.asked.borrow().clone()
    }
}

impl EgressGate for ScriptedGate {
    fn ask(&self, question: EgressQuestion) -> LocalBoxFuture<'static, EgressDecision> {
        self.asked.borrow_mut().push(question);
        let answer = self.answers.borrow_mut().pop_front().unwrap_or(EgressDecision::Deny);
        async move { answer }.boxed_local()
    }
}
