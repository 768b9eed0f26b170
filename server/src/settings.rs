//! The server's settings: where it listens, its credentials, its limits.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use crate::error::StartError;

/// How the server reads environment variables (the CRMs' credentials and
/// its own secrets); tests pass a map instead of the process environment.
pub type EnvLookup = Arc<dyn Fn(&str) -> Option<String> + Send + Sync>;

/// Variable holding the secret Vapi sends in `X-Vapi-Secret`.
pub const VAPI_SECRET_ENV: &str = "MIDCALL_VAPI_SECRET";
/// Variable holding the Retell API key that signs `x-retell-signature`.
pub const RETELL_API_KEY_ENV: &str = "MIDCALL_RETELL_API_KEY";
/// Variable holding the secret ElevenLabs sends in its configured header.
pub const ELEVENLABS_SECRET_ENV: &str = "MIDCALL_ELEVENLABS_SECRET";
/// Variable naming that header (default [`DEFAULT_ELEVENLABS_HEADER`]).
pub const ELEVENLABS_HEADER_ENV: &str = "MIDCALL_ELEVENLABS_HEADER";
/// The ElevenLabs header when [`ELEVENLABS_HEADER_ENV`] is unset.
pub const DEFAULT_ELEVENLABS_HEADER: &str = "x-midcall-secret";
/// Variable holding the bearer token of the MCP and plain JSON routes.
pub const TOKEN_ENV: &str = "MIDCALL_TOKEN";
/// Variable listing the `Host` values MCP accepts (comma-separated).
pub const ALLOWED_HOSTS_ENV: &str = "MIDCALL_ALLOWED_HOSTS";

/// Shortest shared secret accepted (our own secrets; Retell's key is Retell's).
const MIN_SECRET_CHARS: usize = 16;

/// The credentials each route family checks. `None`: the family answers
/// 401 to everyone (or, with `--insecure-local-dev`, accepts anyone).
#[derive(Clone, Default)]
pub struct Secrets {
    /// Vapi's `X-Vapi-Secret`.
    pub vapi: Option<String>,
    /// The Retell API key (HMAC key of `x-retell-signature`).
    pub retell_api_key: Option<String>,
    /// ElevenLabs' header name (lowercase) and secret.
    pub elevenlabs: Option<(String, String)>,
    /// Bearer token of `/mcp` and `/call`.
    pub token: Option<String>,
}

impl fmt::Debug for Secrets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let set = |s: bool| if s { "set" } else { "unset" };
        f.debug_struct("Secrets")
            .field("vapi", &set(self.vapi.is_some()))
            .field("retell_api_key", &set(self.retell_api_key.is_some()))
            .field(
                "elevenlabs",
                &self.elevenlabs.as_ref().map(|(h, _)| h.as_str()),
            )
            .field("token", &set(self.token.is_some()))
            .finish()
    }
}

impl Secrets {
    /// Reads the secrets from `lookup` (the variables above). Empty values
    /// are unset; a short shared secret is refused.
    pub fn from_lookup(lookup: &EnvLookup) -> Result<Self, StartError> {
        let get = |name: &str| {
            lookup(name)
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        let shared = |name: &str| -> Result<Option<String>, StartError> {
            match get(name) {
                Some(v) if v.chars().count() < MIN_SECRET_CHARS => Err(StartError::BadSetting {
                    name: name.to_string(),
                    problem: format!("shorter than {MIN_SECRET_CHARS} characters"),
                }),
                v => Ok(v),
            }
        };
        let header = get(ELEVENLABS_HEADER_ENV)
            .unwrap_or_else(|| DEFAULT_ELEVENLABS_HEADER.to_string())
            .to_ascii_lowercase();
        if axum::http::HeaderName::from_bytes(header.as_bytes()).is_err() {
            return Err(StartError::BadSetting {
                name: ELEVENLABS_HEADER_ENV.to_string(),
                problem: "not a valid HTTP header name".to_string(),
            });
        }
        Ok(Secrets {
            vapi: shared(VAPI_SECRET_ENV)?,
            retell_api_key: get(RETELL_API_KEY_ENV),
            elevenlabs: shared(ELEVENLABS_SECRET_ENV)?.map(|s| (header, s)),
            token: shared(TOKEN_ENV)?,
        })
    }

    fn any(&self) -> bool {
        self.vapi.is_some()
            || self.retell_api_key.is_some()
            || self.elevenlabs.is_some()
            || self.token.is_some()
    }
}

/// Everything the server needs besides the connectors.
#[derive(Clone)]
pub struct Settings {
    /// Where to listen (forced to loopback with `insecure_local_dev`).
    pub listen: SocketAddr,
    /// Serve without secrets, on loopback only.
    pub insecure_local_dev: bool,
    /// The routes' credentials.
    pub secrets: Secrets,
    /// Largest request body read, in bytes.
    pub max_body_bytes: usize,
    /// Deepest JSON nesting accepted in a body.
    pub max_json_depth: usize,
    /// Time allowed beyond a template's deadline before the server answers
    /// with a timeout itself.
    pub deadline_margin: Duration,
    /// Calls one connector may have in flight; beyond it, calls are refused
    /// at once (`rate_limited`) so a hanging CRM cannot hold the server.
    pub max_in_flight: usize,
    /// `Host` values the MCP route accepts; empty: any (the bearer token
    /// is the guard); in insecure mode, loopback names only.
    pub allowed_hosts: Vec<String>,
    /// The environment (CRM credentials and base URLs).
    pub env: EnvLookup,
}

impl fmt::Debug for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Settings")
            .field("listen", &self.listen)
            .field("insecure_local_dev", &self.insecure_local_dev)
            .field("secrets", &self.secrets)
            .field("max_body_bytes", &self.max_body_bytes)
            .field("max_json_depth", &self.max_json_depth)
            .field("deadline_margin", &self.deadline_margin)
            .field("max_in_flight", &self.max_in_flight)
            .field("allowed_hosts", &self.allowed_hosts)
            .finish_non_exhaustive()
    }
}

impl Settings {
    /// Default body limit: 64 KiB, far above any tool call's arguments.
    pub const DEFAULT_MAX_BODY_BYTES: usize = 64 * 1024;
    /// Default JSON depth limit.
    pub const DEFAULT_MAX_JSON_DEPTH: usize = 32;
    /// Default margin beyond a template's deadline.
    pub const DEFAULT_DEADLINE_MARGIN: Duration = Duration::from_millis(250);
    /// Default calls in flight per connector.
    pub const DEFAULT_MAX_IN_FLIGHT: usize = 512;

    /// Settings read through `env` (secrets, allowed hosts), with default
    /// limits. Refuses to go on without a secret unless
    /// `insecure_local_dev`, which also moves `listen` to loopback.
    pub fn new(
        listen: SocketAddr,
        insecure_local_dev: bool,
        env: EnvLookup,
    ) -> Result<Self, StartError> {
        let secrets = Secrets::from_lookup(&env)?;
        if !secrets.any() && !insecure_local_dev {
            return Err(StartError::NoSecrets(
                [
                    VAPI_SECRET_ENV,
                    RETELL_API_KEY_ENV,
                    ELEVENLABS_SECRET_ENV,
                    TOKEN_ENV,
                ]
                .join(", "),
            ));
        }
        let listen = if insecure_local_dev && !listen.ip().is_loopback() {
            tracing::warn!(requested = %listen, "--insecure-local-dev: listening on loopback only");
            SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), listen.port())
        } else {
            listen
        };
        let allowed_hosts = env(ALLOWED_HOSTS_ENV)
            .map(|v| {
                v.split(',')
                    .map(|h| h.trim().to_string())
                    .filter(|h| !h.is_empty())
                    .collect()
            })
            .unwrap_or_default();
        Ok(Settings {
            listen,
            insecure_local_dev,
            secrets,
            max_body_bytes: Self::DEFAULT_MAX_BODY_BYTES,
            max_json_depth: Self::DEFAULT_MAX_JSON_DEPTH,
            deadline_margin: Self::DEFAULT_DEADLINE_MARGIN,
            max_in_flight: Self::DEFAULT_MAX_IN_FLIGHT,
            allowed_hosts,
            env,
        })
    }

    /// The process environment as an [`EnvLookup`].
    pub fn process_env() -> EnvLookup {
        Arc::new(|name| std::env::var(name).ok())
    }
}
