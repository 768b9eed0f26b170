//! OAuth 2.0 client credentials (ServiceTitan, Salesforce): the access
//! token is fetched once, cached, refreshed shortly before it expires, and
//! fetched by one caller when many calls arrive at once.
//!
//! The cache sits behind an async lock. The first call that finds no
//! usable token fetches one while holding the lock; calls arriving
//! meanwhile wait for it and then use its token, or, when that fetch
//! failed after they started waiting, its error (so a failing token
//! endpoint sees one fetch, not one per waiting call). The fetch runs
//! inside the calling request's deadline: a slow token endpoint is a
//! `timeout` of that call, on time.

use std::fmt;
use std::time::Duration;

use serde_json::Value;
use tokio::sync::Mutex;
use tokio::time::Instant;

use crate::error::{ActionError, ErrorKind};

/// How the client proves who it is to the token endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CredentialsIn {
    /// `client_id` and `client_secret` in the form body (ServiceTitan,
    /// Salesforce).
    Body,
    /// HTTP basic auth with the id and secret (RFC 6749's preferred form).
    Basic,
}

/// The resolved credentials of a client-credentials grant. `Debug` shows
/// the token endpoint and scope, never the id or the secret.
#[derive(Clone, PartialEq, Eq)]
pub struct ClientCredentials {
    /// Token endpoint (`https://auth.servicetitan.io/connect/token`).
    pub token_url: String,
    /// Client id.
    pub client_id: String,
    /// Client secret.
    pub client_secret: String,
    /// Scope asked for, when the vendor wants one.
    pub scope: Option<String>,
    /// Where the id and secret go.
    pub send: CredentialsIn,
}

impl fmt::Debug for ClientCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientCredentials")
            .field("token_url", &self.token_url)
            .field("client_id", &"***")
            .field("client_secret", &"***")
            .field("scope", &self.scope)
            .field("send", &self.send)
            .finish()
    }
}

/// Lifetime assumed when the token answer has no `expires_in` (Salesforce
/// sends none; its shortest session setting is 15 minutes).
const DEFAULT_LIFETIME: Duration = Duration::from_secs(600);

/// Longest margin before expiry at which a token is refreshed.
const MAX_MARGIN: Duration = Duration::from_secs(60);

/// Largest token answer read.
const MAX_TOKEN_BODY: usize = 64 * 1024;

/// A cached access token. `Debug` hides it.
#[derive(Clone)]
pub(crate) struct Token {
    pub(crate) value: String,
    refresh_at: Instant,
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(***)")
    }
}

#[derive(Debug, Default)]
struct State {
    token: Option<Token>,
    /// The last fetch's failure and when it ended.
    failed: Option<(Instant, ActionError)>,
}

/// One client's token cache, shared by its clones.
#[derive(Debug, Default)]
pub(crate) struct TokenCache {
    state: Mutex<State>,
}

/// A token for one request, and whether it was fetched for it (a cached
/// one the API refuses is worth one fresh fetch; a fresh one is not).
pub(crate) struct Issued {
    pub(crate) value: String,
    pub(crate) fresh: bool,
}

impl TokenCache {
    /// A usable token: the cached one, else one fetched now (by this call
    /// or by the call already fetching). Fails with the fetch's error.
    pub(crate) async fn token(
        &self,
        http: &reqwest::Client,
        credentials: &ClientCredentials,
        deadline: Instant,
    ) -> Result<Issued, ActionError> {
        let asked = Instant::now();
        let mut state = self.state.lock().await;
        if let Some(token) = &state.token {
            if Instant::now() < token.refresh_at {
                return Ok(Issued {
                    value: token.value.clone(),
                    fresh: false,
                });
            }
        }
        if let Some((ended, error)) = &state.failed {
            if *ended >= asked {
                return Err(error.clone());
            }
        }
        tracing::debug!("fetching an access token");
        match fetch(http, credentials, deadline).await {
            Ok(token) => {
                let value = token.value.clone();
                state.token = Some(token);
                state.failed = None;
                Ok(Issued { value, fresh: true })
            }
            Err(error) => {
                state.token = None;
                state.failed = Some((Instant::now(), error.clone()));
                Err(error)
            }
        }
    }

    /// Drops the cached token if it is still `value` (the API refused it).
    pub(crate) async fn invalidate(&self, value: &str) {
        let mut state = self.state.lock().await;
        if state.token.as_ref().is_some_and(|t| t.value == value) {
            state.token = None;
        }
    }
}

/// Fetches a token, with one more try after a connection error, a 429 or a
/// 5xx when 150 ms or more remain before `deadline`.
async fn fetch(
    http: &reqwest::Client,
    credentials: &ClientCredentials,
    deadline: Instant,
) -> Result<Token, ActionError> {
    let mut tries = 0;
    loop {
        tries += 1;
        match fetch_once(http, credentials).await {
            Ok(token) => return Ok(token),
            Err((error, transient)) => {
                let pause = Duration::from_millis(100 + fastrand::u64(0..=50));
                let left = deadline.saturating_duration_since(Instant::now());
                if !transient || tries >= 2 || left < pause + Duration::from_millis(50) {
                    return Err(error);
                }
                tokio::time::sleep(pause).await;
            }
        }
    }
}

/// One token request; the error says whether another try may help.
async fn fetch_once(
    http: &reqwest::Client,
    c: &ClientCredentials,
) -> Result<Token, (ActionError, bool)> {
    const WHAT: &str = "token endpoint";
    let mut form = vec![("grant_type", "client_credentials")];
    if c.send == CredentialsIn::Body {
        form.push(("client_id", &c.client_id));
        form.push(("client_secret", &c.client_secret));
    }
    if let Some(scope) = &c.scope {
        form.push(("scope", scope));
    }
    let mut builder = http
        .post(&c.token_url)
        .header(reqwest::header::ACCEPT, "application/json")
        .form(&form);
    if c.send == CredentialsIn::Basic {
        builder = builder.basic_auth(&c.client_id, Some(&c.client_secret));
    }
    let started = Instant::now();
    let response = builder.send().await.map_err(|e| {
        let kind = if e.is_builder() {
            ErrorKind::Misconfigured
        } else {
            ErrorKind::Unavailable
        };
        let transient = kind == ErrorKind::Unavailable;
        let e = e.without_url();
        let cause = std::iter::successors(std::error::Error::source(&e), |s| s.source())
            .last()
            .map(|s| s.to_string())
            .unwrap_or_else(|| e.to_string());
        (
            ActionError::new(
                kind,
                format!("{WHAT}: {}", cause.chars().take(200).collect::<String>()),
            ),
            transient,
        )
    })?;
    let status = response.status().as_u16();
    let body = read_small(response).await;
    let elapsed_ms = started.elapsed().as_millis() as u64;
    tracing::debug!(status, elapsed_ms, "token endpoint answered");
    let json: Option<Value> = body.as_deref().and_then(|b| serde_json::from_slice(b).ok());
    if !(200..300).contains(&status) {
        // OAuth errors: {"error": "invalid_client", "error_description": …}.
        let reason = json
            .as_ref()
            .map(|j| {
                let pick = |k: &str| j.get(k).and_then(Value::as_str).unwrap_or_default();
                [pick("error"), pick("error_description")]
                    .iter()
                    .filter(|s| !s.is_empty())
                    .map(|s| s.chars().filter(|c| !c.is_control()).take(200).collect())
                    .collect::<Vec<String>>()
                    .join(": ")
            })
            .filter(|s| !s.is_empty());
        let kind = match status {
            429 => ErrorKind::RateLimited,
            404 | 405 => ErrorKind::Misconfigured,
            400..=499 => ErrorKind::Unauthorized,
            _ => ErrorKind::Unavailable,
        };
        let detail = match reason {
            Some(r) => format!("{WHAT}: status {status}: {r}"),
            None => format!("{WHAT}: status {status}"),
        };
        let transient = status == 429 || status == 408 || status >= 500;
        return Err((
            ActionError::new(kind, detail).with_status(status),
            transient,
        ));
    }
    let unusable = |why: &str| {
        (
            ActionError::new(ErrorKind::Unavailable, format!("{WHAT}: {why}")).with_status(status),
            false,
        )
    };
    let json = json.ok_or_else(|| unusable("the answer is not JSON"))?;
    let value = json
        .get("access_token")
        .and_then(Value::as_str)
        .filter(|t| !t.trim().is_empty())
        .ok_or_else(|| unusable("the answer has no access_token"))?;
    let lifetime = match json.get("expires_in") {
        Some(Value::Number(n)) => n.as_f64(),
        Some(Value::String(s)) => s.trim().parse().ok(),
        _ => None,
    }
    .filter(|s| s.is_finite() && *s > 0.0 && *s < 1e9)
    .map(Duration::from_secs_f64)
    .unwrap_or(DEFAULT_LIFETIME);
    Ok(Token {
        value: value.to_string(),
        refresh_at: started + lifetime.saturating_sub(margin(lifetime)),
    })
}

/// How long before expiry a token is refreshed: a tenth of its lifetime,
/// at most a minute (a 15-minute ServiceTitan token is refreshed at 14).
fn margin(lifetime: Duration) -> Duration {
    (lifetime / 10).min(MAX_MARGIN)
}

/// The body, when it fits [`MAX_TOKEN_BODY`].
async fn read_small(mut response: reqwest::Response) -> Option<Vec<u8>> {
    if response
        .content_length()
        .is_some_and(|l| l > MAX_TOKEN_BODY as u64)
    {
        return None;
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.ok()? {
        if body.len() + chunk.len() > MAX_TOKEN_BODY {
            return None;
        }
        body.extend_from_slice(&chunk);
    }
    Some(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refresh_margin_is_a_tenth_up_to_a_minute() {
        assert_eq!(margin(Duration::from_secs(900)), Duration::from_secs(60));
        assert_eq!(margin(Duration::from_secs(300)), Duration::from_secs(30));
        assert_eq!(margin(Duration::from_secs(2)), Duration::from_millis(200));
    }

    #[test]
    fn debug_hides_the_secrets() {
        let c = ClientCredentials {
            token_url: "https://auth.example.test/token".into(),
            client_id: "cid.abcdef".into(),
            client_secret: "s3cr3t-value".into(),
            scope: None,
            send: CredentialsIn::Body,
        };
        let shown = format!(
            "{c:?} {:?}",
            Token {
                value: "tok-123456".into(),
                refresh_at: Instant::now()
            }
        );
        for secret in ["cid.abcdef", "s3cr3t-value", "tok-123456"] {
            assert!(!shown.contains(secret), "{shown}");
        }
        assert!(shown.contains("auth.example.test"), "{shown}");
    }
}
