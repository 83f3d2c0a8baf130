//! The page's egress gate: a tool call's question about an unknown host waits in a signal (the
//! prompt panel shows it) until the user presses a button; only the asking task waits.

use futures::channel::oneshot;
use futures::future::LocalBoxFuture;
use futures::FutureExt;
use leptos::prelude::*;

use crate::io::egress_gate::{EgressDecision, EgressGate, EgressQuestion};

/// Questions waiting for the user, each with the channel its answer goes back through.
#[derive(Clone, Copy)]
pub struct PageGate {
    /// The questions shown, oldest first, with their ids.
    pub pending: RwSignal<Vec<(u64, EgressQuestion)>>,
    answers: StoredValue<Vec<(u64, oneshot::Sender<EgressDecision>)>, LocalStorage>,
    next_id: StoredValue<u64>,
}

impl PageGate {
    /// A gate with nothing pending.
    pub fn new() -> Self {
        PageGate {
            pending: RwSignal::new(Vec::new()),
            answers: StoredValue::new_local(Vec::new()),
            next_id: StoredValue::new(0),
        }
    }

    /// Answers question `id` (a question whose task gave up meanwhile is just removed).
    pub fn answer(&self, id: u64, decision: EgressDecision) {
        let sender = self.answers.try_update_value(|answers| {
            let at = answers.iter().position(|(i, _)| *i == id)?;
            Some(answers.remove(at).1)
        });
        if let Some(Some(sender)) = sender {
            let _ = sender.send(decision);
        }
        let _ = self.pending.try_update(|pending| pending.retain(|(i, _)| *i != id));
    }
}

impl Default for PageGate {
    fn default() -> Self {
        PageGate::new()
    }
}

impl EgressGate for PageGate {
    fn ask(&self, question: EgressQuestion) -> LocalBoxFuture<'static, EgressDecision> {
        let (sender, receiver) = oneshot::channel();
        let id = self.next_id.try_update_value(|n| {
            *n += 1;
            *n
        });
        let Some(id) = id else { return async { EgressDecision::Deny }.boxed_local() };
        self.answers.update_value(|answers| answers.push((id, sender)));
        let _ = self.pending.try_update(|pending| pending.push((id, question)));
        let withdraw = Withdraw { gate: *self, id };
        async move {
            let _withdraw = withdraw;
            receiver.await.unwrap_or(EgressDecision::Deny)
        }
        .boxed_local()
    }
}

/// Takes question `id` off the page when its answer is in or its asker gives up (the task was
/// cancelled or timed out, dropping the future): no prompt is left for a task that no longer waits.
struct Withdraw {
    gate: PageGate,
    id: u64,
}

impl Drop for Withdraw {
    fn drop(&mut self) {
        let id = self.id;
        let _ = self.gate.answers.try_update_value(|answers| answers.retain(|(i, _)| *i != id));
        let _ = self.gate.pending.try_update(|pending| pending.retain(|(i, _)| *i != id));
    }
}
