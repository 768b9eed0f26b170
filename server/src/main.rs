//! `midcall-server`: serves every connector of the committed
//! `midcall-generated` crate (see the README's "Tool server").

use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use midcall_server::Settings;

/// midcall's tool server: Vapi, Retell, ElevenLabs, MCP and plain JSON
/// routes over the generated connectors.
#[derive(Parser)]
#[command(version)]
struct Cli {
    /// Address to listen on.
    #[arg(long, env = "MIDCALL_LISTEN", default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// Serve without secrets, for local development: loopback only.
    #[arg(long)]
    insecure_local_dev: bool,
    /// Largest request body, in bytes.
    #[arg(long, default_value_t = Settings::DEFAULT_MAX_BODY_BYTES)]
    max_body_bytes: usize,
    /// Deepest JSON nesting accepted.
    #[arg(long, default_value_t = Settings::DEFAULT_MAX_JSON_DEPTH)]
    max_json_depth: usize,
    /// Milliseconds allowed past a template's deadline before the server
    /// answers with a timeout.
    #[arg(long, default_value_t = Settings::DEFAULT_DEADLINE_MARGIN.as_millis() as u64)]
    deadline_margin_ms: u64,
    /// Calls one connector may have in flight.
    #[arg(long, default_value_t = Settings::DEFAULT_MAX_IN_FLIGHT)]
    max_in_flight: usize,
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
    let cli = Cli::parse();
    let settings = match Settings::new(cli.listen, cli.insecure_local_dev, Settings::process_env())
    {
        Ok(s) => Settings {
            max_body_bytes: cli.max_body_bytes,
            max_json_depth: cli.max_json_depth,
            deadline_margin: Duration::from_millis(cli.deadline_margin_ms),
            max_in_flight: cli.max_in_flight.max(1),
            ..s
        },
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let connectors = midcall_server::connectors!(midcall_generated);
    match midcall_server::serve(&connectors, settings).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}
