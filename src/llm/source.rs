//! Where the page's providers come from: made in place ([`DirectProviders`], the provider worker
//! and the tests) or reached in the provider worker ([`super::remote::RemoteProviders`], the page).

use std::rc::Rc;

use futures::future::{ready, FutureExt, LocalBoxFuture};

use super::egress::Egress;
use super::mcp::{McpClient, McpError, McpToolInfo};
use super::provider::{connect, Provider};
use super::settings::ProviderSettings;
use crate::io::cancel::CancelToken;
use crate::io::runtime::Runtime;
use crate::io::transport::Transport;

/// Makes providers from settings, and lists the tools of MCP servers the user adds.
pub trait ProviderSource {
    /// The provider `settings` describe, its tool calls let out as `egress` says.
    fn connect(&self, settings: ProviderSettings, egress: Egress) -> Rc<dyn Provider>;

    /// The tools of the MCP server at `url` (bearer `token`, if not empty); its session ends once
    /// they are listed. `cancel` gives up.
    fn list_mcp_tools(
        &self,
        url: &str,
        token: &str,
        cancel: &CancelToken,
    ) -> LocalBoxFuture<'static, Result<Vec<McpToolInfo>, McpError>>;

    /// The names of the tools a task of each type in `kinds` gets under `settings` (built-in,
    /// user and MCP tools), or what is wrong with the user tools.
    fn tool_names(
        &self,
        settings: &ProviderSettings,
        kinds: Vec<String>,
    ) -> LocalBoxFuture<'static, Result<Vec<Vec<String>>, String>>;

    /// Gets ready for a first request soon (a goal is being typed); nothing to do by default.
    fn prepare(&self) {}
}

/// Providers made in place, reaching endpoints through `transport`.
pub struct DirectProviders {
    /// How HTTP requests are sent.
    pub transport: Rc<dyn Transport>,
    /// The clock, timers and background work.
    pub runtime: Rc<dyn Runtime>,
}

impl ProviderSource for DirectProviders {
    fn connect(&self, settings: ProviderSettings, egress: Egress) -> Rc<dyn Provider> {
        connect(settings, self.transport.clone(), self.runtime.clone(), egress)
    }

    fn list_mcp_tools(
        &self,
        url: &str,
        token: &str,
        cancel: &CancelToken,
    ) -> LocalBoxFuture<'static, Result<Vec<McpToolInfo>, McpError>> {
        let client = McpClient::new(self.transport.clone(), url, token);
        let cancel = cancel.clone();
        async move {
            let listed = client.list_tools(&cancel).await;
            // The tools are kept; the session is not needed any more (tasks start their own).
            client.close(&cancel).await;
            listed
        }
        .boxed_local()
    }

    fn tool_names(
        &self,
        settings: &ProviderSettings,
        kinds: Vec<String>,
    ) -> LocalBoxFuture<'static, Result<Vec<Vec<String>>, String>> {
        ready(settings.tool_names(&kinds).map_err(|e| e.to_string())).boxed_local()
    }
}
