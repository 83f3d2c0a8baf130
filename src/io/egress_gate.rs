//! The door through which a tool call's request to an unknown host is put to the user: the HTTP
//! provider asks, the page (or a test's script) answers. Only the asking task waits.

use futures::future::LocalBoxFuture;
use serde::{Deserialize, Serialize};

/// A request the user is asked about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EgressQuestion {
    /// The task whose tool call it is.
    pub task_id: String,
    /// The tool called.
    pub tool: String,
    /// The HTTP method.
    pub method: String,
    /// The full URL.
    pub url: String,
    /// The URL's host, normalised (what "allow this host" adds).
    pub host: String,
}

/// The user's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum EgressDecision {
    /// Send this one request.
    AllowOnce,
    /// Send it and allow the host for the rest of the workflow.
    AllowHost,
    /// Do not send it.
    Deny,
}

/// Asks the user whether a tool call may send a request.
pub trait EgressGate {
    /// Puts `question` to the user; the future ends with the answer.
    fn ask(&self, question: EgressQuestion) -> LocalBoxFuture<'static, EgressDecision>;
}
