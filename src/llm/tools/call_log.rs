//! One line of a task's tool-call log: what was called, where, whether it was allowed, and what
//! came back.

use serde::{Deserialize, Serialize};

/// How a tool call's request was let through (or not).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ToolAccess {
    /// A local tool: no request.
    Local,
    /// Allowed by the policy without asking.
    Allowed,
    /// The user was asked and allowed this request.
    AskedAllowedOnce,
    /// The user was asked and allowed the host for the workflow.
    AskedAllowedHost,
    /// The user was asked and denied it.
    Denied,
    /// Refused by the policy (or the call was malformed): nothing was sent.
    Refused,
}

impl ToolAccess {
    /// The word the inspector shows.
    pub fn label(self) -> &'static str {
        match self {
            ToolAccess::Local => "local",
            ToolAccess::Allowed => "allowed",
            ToolAccess::AskedAllowedOnce => "asked: allowed once",
            ToolAccess::AskedAllowedHost => "asked: host allowed",
            ToolAccess::Denied => "denied",
            ToolAccess::Refused => "refused",
        }
    }
}

/// One tool call of a task attempt.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ToolCallLog {
    /// The tool's name.
    pub tool: String,
    /// The HTTP method (empty for a local tool or a call that never became a request).
    pub method: String,
    /// The URL (empty for a local tool or a call that never became a request).
    pub url: String,
    /// Whether the request was allowed, asked about, denied or refused.
    pub access: ToolAccess,
    /// The HTTP status, when a response came.
    pub status: Option<u16>,
    /// Bytes of the response read (at most the 1 MiB cap), or of a local tool's result.
    pub bytes: u64,
    /// How long the request took, in milliseconds (the wait for the user not included).
    pub ms: f64,
}
