//! What can go wrong talking to an MCP server, each with the message the settings panel (or the
//! model, for a tool call) reads.

use thiserror::Error;

/// Why an MCP request got no usable answer.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum McpError {
    /// No HTTP answer: the server is down, or the browser blocked the request (CORS).
    #[error(
        "could not reach the MCP server at {url}: it is down, or the browser blocked the request (CORS). The server \
         must allow this page's origin and the Content-Type, Authorization, Mcp-Session-Id and Mcp-Protocol-Version \
         request headers, and expose the Mcp-Session-Id response header; or run the page with `scripts/serve --proxy \
         URL`"
    )]
    Blocked {
        /// The server's URL.
        url: String,
    },
    /// The request was cancelled.
    #[error("the MCP request was cancelled")]
    Aborted,
    /// The server refused the credentials (401 or 403).
    #[error("the MCP server refused the request (HTTP {status}): check its bearer token")]
    Unauthorized {
        /// 401 or 403.
        status: u16,
    },
    /// Any other error status.
    #[error("the MCP server answered HTTP {status}: {body}")]
    Status {
        /// The status code.
        status: u16,
        /// The start of the body.
        body: String,
    },
    /// The server speaks a protocol version this client does not.
    #[error("the MCP server speaks protocol version `{version}`; Planwright supports 2025-06-18 and 2025-03-26")]
    UnsupportedVersion {
        /// The version the server answered with.
        version: String,
    },
    /// The server answered the JSON-RPC request with an error.
    #[error("the MCP server answered with error {code}: {message}")]
    Rpc {
        /// The JSON-RPC error code.
        code: i64,
        /// The error message.
        message: String,
    },
    /// The answer is not the JSON-RPC response expected.
    #[error("the MCP server's answer cannot be read: {0}")]
    BadAnswer(String),
    /// The connection broke while the answer was arriving.
    #[error("the MCP server's answer broke off: {0}")]
    Broken(String),
    /// An error met in the provider worker (which talks to MCP servers for the page), as its
    /// message; or why that worker is not available.
    #[error("{0}")]
    Relayed(String),
}
