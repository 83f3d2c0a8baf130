//! `planwright-mcpserver [--port PORT] [--token TOKEN]`: an MCP server (rmcp, Streamable HTTP at
//! `/mcp`) on 127.0.0.1 with two deterministic tools, `add` and `lookup`, and CORS headers that let
//! any page call it. With `--token`, requests without `Authorization: Bearer TOKEN` get a 401.

use std::io::Write;
use std::process::ExitCode;

use axum::extract::Request;
use axum::http::{header, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use rmcp::handler::server::router::tool::ToolRouter;
use rmcp::handler::server::wrapper::Parameters;
use rmcp::model::{ServerCapabilities, ServerConfig};
use rmcp::transport::streamable_http_server::session::local::LocalSessionManager;
use rmcp::transport::streamable_http_server::{StreamableHttpServerConfig, StreamableHttpService};
use rmcp::{schemars, tool, tool_handler, tool_router, ServerHandler};
use tower_http::cors::{Any, CorsLayer};

const USAGE: &str = "usage: planwright-mcpserver [--port PORT] [--token TOKEN]
  --port PORT    port on 127.0.0.1 (default 8788; 0 picks a free one)
  --token TOKEN  require `Authorization: Bearer TOKEN` on every request";

/// Arguments of `add`.
#[derive(serde::Deserialize, schemars::JsonSchema)]
struct AddArgs {
    /// First addend.
    a: i64,
    /// Second addend.
    b: i64,
}

/// Arguments of `lookup`.
#[derive(serde::Deserialize, schemars::JsonSchema)]
struct LookupArgs {
    /// The word to look up.
    key: String,
}

/// The tools the server offers.
#[derive(Clone)]
struct Tools {
    tool_router: ToolRouter<Self>,
}

#[tool_router]
impl Tools {
    /// `a + b`.
    #[tool(description = "Add two integers and return the sum.")]
    fn add(&self, Parameters(AddArgs { a, b }): Parameters<AddArgs>) -> String {
        (a + b).to_string()
    }

    /// A fixed fact about `key`, or an error result for an unknown key.
    #[tool(description = "Look up a fixed fact about a word (try `planwright`).")]
    fn lookup(&self, Parameters(LookupArgs { key }): Parameters<LookupArgs>) -> Result<String, String> {
        match key.trim().to_ascii_lowercase().as_str() {
            "planwright" => Ok("Planwright makes an LLM agent follow an explicit plan of tasks.".to_string()),
            "mcp" => Ok("MCP is the Model Context Protocol.".to_string()),
            other => Err(format!("no entry for `{other}`")),
        }
    }
}

#[tool_handler(router = self.tool_router)]
impl ServerHandler for Tools {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
    }
}

/// Lets a request through only with `Authorization: Bearer {token}` (CORS preflights pass).
async fn check_token(token: String, request: Request, next: Next) -> Response {
    let expected = format!("Bearer {token}");
    let given = request.headers().get(header::AUTHORIZATION).and_then(|v| v.to_str().ok());
    if request.method() == Method::OPTIONS || given == Some(expected.as_str()) {
        return next.run(request).await;
    }
    (StatusCode::UNAUTHORIZED, "missing or wrong bearer token").into_response()
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<(u16, Option<String>), String> {
    let (mut port, mut token) = (8788, None);
    while let Some(flag) = args.next() {
        let value = args.next().ok_or(format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--port" => port = value.parse().map_err(|e| format!("--port: {e}"))?,
            "--token" => token = Some(value),
            _ => return Err(format!("unknown argument {flag}")),
        }
    }
    Ok((port, token))
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--help" || a == "-h") {
        println!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    let (port, token) = match parse_args(args.into_iter()) {
        Ok(options) => options,
        Err(message) => {
            eprintln!("{message}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let service: StreamableHttpService<Tools, LocalSessionManager> = StreamableHttpService::new(
        || Ok(Tools { tool_router: Tools::tool_router() }),
        Default::default(),
        StreamableHttpServerConfig::default().with_sse_keep_alive(None),
    );
    let cors = CorsLayer::new()
        .allow_origin(Any)
        .allow_methods([Method::GET, Method::POST, Method::DELETE])
        .allow_headers(
            ["content-type", "authorization", "mcp-session-id", "mcp-protocol-version", "last-event-id"]
                .map(header::HeaderName::from_static),
        )
        .expose_headers([header::HeaderName::from_static("mcp-session-id")]);
    let mut router = axum::Router::new().nest_service("/mcp", service);
    if let Some(token) = token {
        router = router.layer(middleware::from_fn(move |request, next| check_token(token.clone(), request, next)));
    }
    let router = router.layer(cors);
    let listener = match tokio::net::TcpListener::bind(("127.0.0.1", port)).await {
        Ok(listener) => listener,
        Err(e) => {
            eprintln!("cannot listen on 127.0.0.1:{port}: {e}");
            return ExitCode::FAILURE;
        }
    };
    let port = listener.local_addr().map_or(port, |addr| addr.port());
    println!("listening on http://127.0.0.1:{port}/mcp");
    let _ = std::io::stdout().flush();
    if let Err(e) = axum::serve(listener, router).await {
        eprintln!("server error: {e}");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
