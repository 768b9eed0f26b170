//! Client configuration: where the CRM lives, how to authenticate, how long to wait.

use std::fmt;
use std::time::Duration;

use crate::error::{ActionError, ErrorKind};
use crate::oauth::{ClientCredentials, RefreshCredentials};
use crate::settings::Settings;

/// Default total deadline of one call: the brief's 3 second budget.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(3);

/// Default cap on a response body: the brief's 1 MB payload limit.
pub const DEFAULT_MAX_BODY_BYTES: usize = 1024 * 1024;

/// How a CRM authenticates, as written in its bindings: the scheme and the
/// environment variables that hold the secret (never the secret itself).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthSpec {
    /// `Authorization: Bearer <token>`.
    Bearer {
        /// Variable holding the token.
        env: &'static str,
    },
    /// A key sent in a named header.
    Header {
        /// Header name.
        name: &'static str,
        /// Variable holding the key.
        env: &'static str,
    },
    /// A key sent as a query parameter.
    Query {
        /// Query parameter name.
        name: &'static str,
        /// Variable holding the key.
        env: &'static str,
    },
    /// HTTP basic auth.
    Basic {
        /// Variable holding the user name.
        user_env: &'static str,
        /// Variable holding the password.
        password_env: &'static str,
    },
    /// No authentication.
    None,
}

/// What a generated connector knows about its CRM at compile time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CrmEnv {
    /// Display name, for messages.
    pub name: &'static str,
    /// Production base URL.
    pub base_url: &'static str,
    /// Variable that overrides the base URL (sandboxes, tests).
    pub base_url_env: &'static str,
    /// How to authenticate.
    pub auth: AuthSpec,
}

/// A resolved credential. `Debug` never prints the secret.
#[derive(Clone, PartialEq, Eq)]
pub enum Auth {
    /// Bearer token.
    Bearer(String),
    /// Header name and value.
    Header(String, String),
    /// Query parameter name and value.
    Query(String, String),
    /// User and password.
    Basic(String, String),
    /// OAuth 2.0 client credentials: a bearer token fetched from the
    /// token endpoint, cached by the [`crate::Client`] and refreshed
    /// shortly before it expires.
    ClientCredentials(ClientCredentials),
    /// OAuth 2.0 refresh-token grant: an access token traded for the
    /// refresh token, cached (per account, across clients) and refreshed
    /// shortly before it expires, sent as `Authorization: <prefix> <token>`.
    RefreshToken(RefreshCredentials),
    /// No authentication.
    None,
}

impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Auth::Bearer(_) => f.write_str("Bearer(***)"),
            Auth::Header(name, _) => write!(f, "Header({name}, ***)"),
            Auth::Query(name, _) => write!(f, "Query({name}, ***)"),
            Auth::Basic(user, _) => write!(f, "Basic({}, ***)", crate::mask::text(user)),
            Auth::ClientCredentials(c) => write!(f, "ClientCredentials({c:?})"),
            Auth::RefreshToken(c) => write!(f, "RefreshToken({c:?})"),
            Auth::None => f.write_str("None"),
        }
    }
}

/// Everything a [`crate::Client`] needs.
#[derive(Debug, Clone)]
pub struct Config {
    /// Base URL the operation paths are appended to, without a trailing slash.
    pub base_url: String,
    /// Credential.
    pub auth: Auth,
    /// Total deadline of one call, retries included.
    pub timeout: Duration,
    /// Largest response body read; anything bigger is an error, not a hang.
    pub max_body_bytes: usize,
    /// The account's settings (see [`crate::Vendor`]); empty for a
    /// [`CrmEnv`] connector.
    pub settings: Settings,
    /// Fixed headers sent on every request (`Intercom-Version`,
    /// `ST-App-Key`), settings already filled in.
    pub headers: Vec<(String, String)>,
    /// Where the time of a call (`{now}`) is read: the system clock, or a
    /// fixed instant for tests and example replays.
    pub clock: crate::time::Clock,
}

impl Config {
    /// A configuration with the default deadline and body cap.
    pub fn new(base_url: impl Into<String>, auth: Auth) -> Self {
        let base_url: String = base_url.into();
        Config {
            base_url: base_url.trim_end_matches('/').to_string(),
            auth,
            timeout: DEFAULT_TIMEOUT,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            settings: Settings::default(),
            headers: Vec::new(),
            clock: crate::time::Clock::System,
        }
    }

    /// Sets the total deadline.
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Sets where the time of a call is read (a fixed instant in tests).
    pub fn with_clock(mut self, clock: crate::time::Clock) -> Self {
        self.clock = clock;
        self
    }

    /// Reads the credential (and an optional base URL override) from the
    /// environment variables the CRM's bindings name.
    pub fn from_env(crm: &CrmEnv) -> Result<Self, ActionError> {
        Self::from_lookup(crm, |name| std::env::var(name).ok())
    }

    /// Like [`Config::from_env`] with a custom variable lookup (for tests and
    /// for hosts that keep secrets elsewhere).
    pub fn from_lookup(
        crm: &CrmEnv,
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, ActionError> {
        let get = |name: &str| {
            lookup(name)
                .filter(|v| !v.trim().is_empty())
                .ok_or_else(|| ActionError::missing_env(crm.name, name))
        };
        let auth = match crm.auth {
            AuthSpec::Bearer { env } => Auth::Bearer(get(env)?),
            AuthSpec::Header { name, env } => Auth::Header(name.to_string(), get(env)?),
            AuthSpec::Query { name, env } => Auth::Query(name.to_string(), get(env)?),
            AuthSpec::Basic {
                user_env,
                password_env,
            } => Auth::Basic(get(user_env)?, get(password_env)?),
            AuthSpec::None => Auth::None,
        };
        let base_url = match lookup(crm.base_url_env).filter(|v| !v.trim().is_empty()) {
            Some(url) if !(url.starts_with("http://") || url.starts_with("https://")) => {
                return Err(ActionError::new(
                    ErrorKind::Misconfigured,
                    format!(
                        "{}: environment variable {} is not an http(s) URL",
                        crm.name, crm.base_url_env
                    ),
                ))
            }
            Some(url) => url.trim().to_string(),
            None => crm.base_url.to_string(),
        };
        Ok(Config::new(base_url, auth))
    }
}
