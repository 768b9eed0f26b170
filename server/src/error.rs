//! Why the server would not start: one line each.

use std::net::SocketAddr;

/// A reason the server refuses to start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// No credential is configured and `--insecure-local-dev` was not given.
    #[error(
        "no secret is configured: set at least one of {0} (or pass --insecure-local-dev to serve loopback only, without secrets)"
    )]
    NoSecrets(String),
    /// A connector has no rendered `mcp.json` to take its tool from.
    #[error("{crm}/{template}: no mcp.json in the generated crate (run `gen --crm {crm} --template {template}` with the mcp target)")]
    MissingDefinition {
        /// CRM id.
        crm: String,
        /// Template id.
        template: String,
    },
    /// A rendered tool definition is not what `gen` writes.
    #[error("{crm}/{template}/mcp.json: {problem}")]
    BadDefinition {
        /// CRM id.
        crm: String,
        /// Template id.
        template: String,
        /// What is wrong, with its JSON pointer.
        problem: String,
    },
    /// Two connectors of one CRM have the same tool name.
    #[error("{crm}: tool `{tool}` is defined by both {first} and {second}")]
    DuplicateTool {
        /// CRM id.
        crm: String,
        /// Tool name.
        tool: String,
        /// First template.
        first: String,
        /// Second template.
        second: String,
    },
    /// A setting has a bad value.
    #[error("{name}: {problem}")]
    BadSetting {
        /// The flag or variable.
        name: String,
        /// What is wrong.
        problem: String,
    },
    /// The listening socket could not be opened.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// The cause.
        source: std::io::Error,
    },
    /// The server stopped with an I/O error.
    #[error("server: {0}")]
    Serve(std::io::Error),
}
