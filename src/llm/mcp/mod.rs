//! MCP (Model Context Protocol) servers as tool sources: a client over the Streamable HTTP
//! transport, the servers the user added, and their tools as the model sees them.

mod answer;
mod client;
mod content;
mod error;
mod server;

pub use client::McpClient;
pub use content::ToolOutput;
pub use error::McpError;
pub use server::{mcp_tool_defs, read_servers, server_prefix, McpServer, McpStatus, McpToolInfo};
