//! `planwright-testserver [--port PORT] [--idle-exit SECS] [--no-cors]`: serves on 127.0.0.1 until idle.

use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

use planwright_testserver::Cors;

const USAGE: &str = "usage: planwright-testserver [--port PORT] [--idle-exit SECS] [--no-cors]
  --port PORT       port on 127.0.0.1 (default 8787; 0 picks a free one)
  --idle-exit SECS  exit after SECS without requests (default 600)
  --no-cors         send no CORS headers (a server a page on another origin cannot read)";

/// Command-line options.
struct Options {
    port: u16,
    idle_exit: Duration,
    cors: Cors,
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Options, String> {
    let mut options = Options { port: 8787, idle_exit: Duration::from_secs(600), cors: Cors::Allow };
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or(format!("{flag} needs a value"));
        match flag.as_str() {
            "--port" => options.port = value()?.parse().map_err(|e| format!("--port: {e}"))?,
            "--idle-exit" => {
                options.idle_exit = Duration::from_secs(value()?.parse().map_err(|e| format!("--idle-exit: {e}"))?)
            }
            "--no-cors" => options.cors = Cors::Omit,
            _ => return Err(format!("unknown argument {flag}")),
        }
    }
    Ok(options)
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--help" || a == "-h") {
        println!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    let options = match parse_args(args.into_iter()) {
        Ok(options) => options,
        Err(message) => {
            eprintln!("{message}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let listener = match tokio::net::TcpListener::bind(("127.0.0.1", options.port)).await {
        Ok(listener) => listener,
        Err(e) => {
            eprintln!("cannot listen on 127.0.0.1:{}: {e}", options.port);
            return ExitCode::FAILURE;
        }
    };
    let port = listener.local_addr().map_or(options.port, |addr| addr.port());
    println!("listening on http://127.0.0.1:{port}");
    let _ = std::io::stdout().flush();
    planwright_testserver::serve(listener, options.idle_exit, options.cors).await;
    eprintln!("no requests for {}s, exiting", options.idle_exit.as_secs());
    ExitCode::SUCCESS
}
