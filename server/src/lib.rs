//! midcall's tool server: the generated connectors behind the routes the
//! voice platforms call.
//!
//! One process serves every connector of a generated crate (the committed
//! `midcall-generated`, or a user's own output folder built the same way,
//! through [`connectors!`]):
//!
//! | route | caller |
//! |---|---|
//! | `POST /vapi/{crm}` | Vapi's `tool-calls` server message |
//! | `POST /retell/{crm}/{tool}` | a Retell custom tool (`args_at_root`) |
//! | `GET` or `POST /elevenlabs/{crm}/{tool}` | an ElevenLabs webhook tool |
//! | `/mcp`, `/mcp/{crm}` | MCP over streamable HTTP (`rmcp`) |
//! | `POST /call/{crm}/{tool}` | plain JSON (OpenAI, Anthropic, Gemini apps) |
//! | `GET /healthz`, `GET /readyz` | probes |
//!
//! Every tool route needs its credential ([`Secrets`]); every call is
//! checked against the tool's input schema before any CRM request, runs in
//! its own task (a panic stays there) and is answered within its
//! template's deadline plus a margin.
#![deny(missing_docs)]
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

mod auth;
mod body;
mod call;
mod catalog;
mod error;
mod routes;
mod server;
mod settings;

pub use auth::{retell_signature, RETELL_SIGNATURE_MAX_AGE};
pub use catalog::{CallFuture, Catalog, Connectors, Tool};
pub use error::StartError;
pub use server::{bind, router, serve, Running};
pub use settings::{EnvLookup, Secrets, Settings};

/// The [`Connectors`] of a generated crate: its `CONNECTORS`, `call_json`,
/// `crm_env`, `vendor`, `timeout` and `tool_definition`.
///
/// ```ignore
/// let connectors = midcall_server::connectors!(midcall_generated);
/// ```
#[macro_export]
macro_rules! connectors {
    ($krate:path) => {{
        use $krate as generated;
        $crate::Connectors {
            list: generated::CONNECTORS,
            call: |crm, template, client, args| {
                ::std::boxed::Box::pin(async move {
                    generated::call_json(crm, template, &client, args).await
                })
            },
            crm_env: generated::crm_env,
            vendor: generated::vendor,
            timeout: generated::timeout,
            tool_definition: generated::tool_definition,
        }
    }};
}
