//! The messages between the page's [`super::RemoteProviders`] and the worker's
//! [`super::ProviderHost`], sent as JSON. A provider is opened once with its settings (secrets
//! included: the worker is this page's own), then called; each call streams what it has (tasks of a
//! plan, tokens of an answer, questions for the user) and ends with one answer.

use serde::{Deserialize, Serialize};

use crate::engine::{ReplanRequest, TaskError, TaskRequest};
use crate::io::egress_gate::{EgressDecision, EgressQuestion};
use crate::llm::mcp::McpToolInfo;
use crate::llm::provider::{AttemptOutcome, PlanAnswer};
use crate::llm::settings::ProviderSettings;
use crate::llm::template::Template;
use crate::plan::{Plan, Task};

/// A provider's settings with the secrets that serde leaves out of every stored form (the API key,
/// the extra headers, the MCP servers' tokens), for the worker to make the same provider.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct ProviderSetup {
    /// The settings, without their secrets.
    pub settings: ProviderSettings,
    /// The API key.
    pub api_key: String,
    /// The extra headers.
    pub extra_headers: String,
    /// Each MCP server's token, in the order of the servers.
    pub mcp_tokens: Vec<String>,
}

impl ProviderSetup {
    /// `settings`, secrets included.
    pub fn new(settings: &ProviderSettings) -> Self {
        ProviderSetup {
            settings: settings.clone(),
            api_key: settings.api_key.clone(),
            extra_headers: settings.extra_headers.clone(),
            mcp_tokens: settings.mcp_servers.iter().map(|s| s.token.clone()).collect(),
        }
    }

    /// The settings with their secrets back in place.
    pub fn into_settings(self) -> ProviderSettings {
        let mut settings = self.settings;
        settings.api_key = self.api_key;
        settings.extra_headers = self.extra_headers;
        for (server, token) in settings.mcp_servers.iter_mut().zip(self.mcp_tokens) {
            server.token = token;
        }
        settings
    }
}

/// What a call asks of a provider (the methods of [`crate::llm::provider::Provider`] that reach
/// the endpoint).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum ProviderAsk {
    /// A plan for a goal (its tasks stream back as [`FromWorker::Task`]).
    Plan {
        /// The goal.
        goal: String,
        /// The template picked, if any.
        template: Option<Template>,
    },
    /// Subtasks of a task.
    Expand {
        /// The goal.
        goal: String,
        /// The task to expand.
        task: Task,
    },
    /// A revised plan of the remaining work.
    Replan(ReplanRequest),
    /// One attempt of a task (its tokens stream back as [`FromWorker::Delta`]).
    Execute(TaskRequest),
    /// A connection check.
    TestConnection,
}

/// A message from the page to the worker.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub enum ToWorker {
    /// Make provider `provider` from `setup`.
    Open {
        /// The provider's number.
        provider: u32,
        /// Its settings.
        setup: Box<ProviderSetup>,
        /// The page's origin (tool calls to it are refused unless listed).
        page_origin: Option<String>,
        /// Whether the user can be asked about unknown hosts (else such calls are denied).
        asks: bool,
    },
    /// Provider `provider` is gone (its MCP sessions end).
    Close {
        /// The provider's number.
        provider: u32,
    },
    /// Call `call` of provider `provider`.
    Call {
        /// The call's number.
        call: u32,
        /// The provider's number.
        provider: u32,
        /// The hosts the workflow allows now (the worker adds those it lacks).
        hosts: Vec<String>,
        /// What is asked.
        ask: ProviderAsk,
    },
    /// Call `call`: list the tools of an MCP server.
    ListMcpTools {
        /// The call's number.
        call: u32,
        /// The server's URL.
        url: String,
        /// Its bearer token (may be empty).
        token: String,
    },
    /// Call `call`: the names of the tools a task of each type in `kinds` gets under `settings`.
    ToolNames {
        /// The call's number.
        call: u32,
        /// The settings (their secrets are not needed).
        settings: Box<ProviderSettings>,
        /// The task types.
        kinds: Vec<String>,
    },
    /// Call `call` is cancelled (it still ends with an answer).
    Cancel {
        /// The call's number.
        call: u32,
    },
    /// The user's answer to question `question`.
    Decide {
        /// The question's number.
        question: u32,
        /// The answer.
        decision: EgressDecision,
    },
}

/// A message from the worker to the page. Its variants are tuples (the page's reader of them is
/// smaller); the first number is the call's, the provider's or the question's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum FromWorker {
    /// A task of the plan that call `.0` is making has streamed in.
    Task(u32, Task),
    /// Tokens of the answer call `.0` is reading.
    Delta(u32, String),
    /// Provider `.0` asks the user about a tool call's request; `.1` numbers the question (the
    /// answer is [`ToWorker::Decide`]).
    Ask(u32, u32, EgressQuestion),
    /// Question `.0` is no longer asked (its task gave up).
    Withdraw(u32),
    /// Call `.0` is over.
    Done(u32, CallAnswer),
}

/// How a call ended: its answer, in the call's own shape, or the error that ended it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum CallAnswer {
    /// A plan call's answer.
    Plan(PlanAnswer),
    /// An expansion's or a re-plan's answer.
    Subplan(Plan),
    /// An attempt's outcome (a failed attempt is an outcome too).
    Attempt(AttemptOutcome),
    /// A connection check's answer.
    Connection(String),
    /// An MCP server's tools.
    McpTools(Vec<McpToolInfo>),
    /// The names of the tools of each task type asked about.
    ToolNames(Vec<Vec<String>>),
    /// The call failed.
    Failed(TaskError),
    /// Listing an MCP server's tools failed: why (the page reads only the message, and knows
    /// whether it cancelled the listing itself).
    McpFailed(String),
}

impl CallAnswer {
    /// `result` as a call's answer: its value in `shape`, or its error.
    pub fn of<T>(result: Result<T, TaskError>, shape: fn(T) -> CallAnswer) -> CallAnswer {
        result.map_or_else(CallAnswer::Failed, shape)
    }

    /// The error of a call that did not end with the answer expected of it.
    pub fn into_error(self) -> TaskError {
        match self {
            CallAnswer::Failed(error) => error,
            _ => TaskError::permanent("the provider worker answered with something else: reload the page"),
        }
    }
}
