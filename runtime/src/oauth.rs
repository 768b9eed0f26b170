//! OAuth 2.0 access tokens the connector fetches itself: the client
//! credentials grant (ServiceTitan) and the refresh-token grant
//! (Salesforce, Zoho CRM, Google Calendar; RFC 6749 section 6). The
//! access token is fetched once, cached, refreshed shortly before it
//! expires, and fetched by one caller when many calls arrive at once.
//!
//! A refresh-token grant's cache is shared by every client built with the
//! same token endpoint, client id and refresh token (every tool of one
//! CRM in a server): one access token per account, not one per tool, and
//! one place that keeps a refresh token the vendor rotates. When a token
//! answer carries a `refresh_token`, the newest one is used for the next
//! refresh (kept in memory only: after a restart the configured one is
//! used again).
//!
//! The cache sits behind an async lock. The first call that finds no
//! usable token fetches one while holding the lock; calls arriving
//! meanwhile wait for it and then use its token, or, when that fetch
//! failed after they started waiting, its error (so a failing token
//! endpoint sees one fetch, not one per waiting call). The fetch runs
//! inside the calling request's deadline: a slow token endpoint is a
//! `timeout` of that call, on time.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, LazyLock, Weak};
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

/// The resolved credentials of a refresh-token grant: a long-lived refresh
/// token traded for short-lived access tokens. `Debug` shows the token
/// endpoint and the header prefix, never the id, secret or token.
#[derive(Clone, PartialEq, Eq)]
pub struct RefreshCredentials {
    /// Token endpoint (`https://login.salesforce.com/services/oauth2/token`).
    pub token_url: String,
    /// Client id (Salesforce's consumer key).
    pub client_id: String,
    /// Client secret.
    pub client_secret: String,
    /// The refresh token the account's owner granted.
    pub refresh_token: String,
    /// Where the id and secret go.
    pub send: CredentialsIn,
    /// The word before the access token in `Authorization`: `Bearer`, or
    /// Zoho's `Zoho-oauthtoken`.
    pub prefix: String,
}

impl fmt::Debug for RefreshCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RefreshCredentials")
            .field("token_url", &self.token_url)
            .field("client_id", &"***")
            .field("client_secret", &"***")
            .field("refresh_token", &"***")
            .field("send", &self.send)
            .field("prefix", &self.prefix)
            .finish()
    }
}

/// The grant a token is fetched with.
#[derive(Clone, Copy)]
pub(crate) enum Grant<'a> {
    /// `grant_type=client_credentials`.
    ClientCredentials(&'a ClientCredentials),
    /// `grant_type=refresh_token`.
    RefreshToken(&'a RefreshCredentials),
}

impl Grant<'_> {
    fn token_url(&self) -> &str {
        match self {
            Grant::ClientCredentials(c) => &c.token_url,
            Grant::RefreshToken(c) => &c.token_url,
        }
    }

    fn client(&self) -> (&str, &str, CredentialsIn) {
        match self {
            Grant::ClientCredentials(c) => (&c.client_id, &c.client_secret, c.send),
            Grant::RefreshToken(c) => (&c.client_id, &c.client_secret, c.send),
        }
    }
}

/// Lifetime assumed when the token answer has no `expires_in` (Salesforce
/// sends none; its shortest session setting is 15 minutes). A session
/// that ends sooner is caught by the API's 401, which fetches a new token
/// once within the call.
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
    /// A new refresh token the answer carried (a rotating vendor).
    rotated: Option<String>,
}

/// A secret kept in the cache; `Debug` hides it.
struct Hidden(String);

impl fmt::Debug for Hidden {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
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
    /// The newest refresh token the vendor returned, used instead of the
    /// configured one.
    refresh_token: Option<Hidden>,
}

/// One client's token cache, shared by its clones (and, for a refresh
/// token, by every client of the same account: [`TokenCache::shared`]).
#[derive(Debug, Default)]
pub(crate) struct TokenCache {
    state: Mutex<State>,
}

/// Refresh-token caches by (token endpoint, client id, refresh token);
/// an entry lives as long as a client holds it.
type Shared = HashMap<(String, String, String), Weak<TokenCache>>;

static SHARED: LazyLock<std::sync::Mutex<Shared>> = LazyLock::new(Default::default);

/// A token for one request, and whether it was fetched for it (a cached
/// one the API refuses is worth one fresh fetch; a fresh one is not).
pub(crate) struct Issued {
    pub(crate) value: String,
    pub(crate) fresh: bool,
}

impl TokenCache {
    /// The cache of the account `c` names, shared with every live client
    /// built from the same endpoint, client id and refresh token.
    pub(crate) fn shared(c: &RefreshCredentials) -> Arc<TokenCache> {
        let key = (
            c.token_url.clone(),
            c.client_id.clone(),
            c.refresh_token.clone(),
        );
        // A poisoned lock only means another thread panicked mid-insert;
        // the map itself is still sound.
        let mut map = SHARED.lock().unwrap_or_else(|e| e.into_inner());
        map.retain(|_, cache| cache.strong_count() > 0);
        if let Some(cache) = map.get(&key).and_then(Weak::upgrade) {
            return cache;
        }
        let cache = Arc::new(TokenCache::default());
        map.insert(key, Arc::downgrade(&cache));
        cache
    }

    /// A usable token: the cached one, else one fetched now (by this call
    /// or by the call already fetching). Fails with the fetch's error.
    pub(crate) async fn token(
        &self,
        http: &reqwest::Client,
        grant: Grant<'_>,
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
        let refresh_token = match grant {
            Grant::RefreshToken(c) => Some(
                state
                    .refresh_token
                    .as_ref()
                    .map_or(c.refresh_token.as_str(), |t| t.0.as_str())
                    .to_string(),
            ),
            Grant::ClientCredentials(_) => None,
        };
        match fetch(http, grant, refresh_token.as_deref(), deadline).await {
            Ok(mut token) => {
                if let Some(new) = token.rotated.take() {
                    if refresh_token.as_deref() != Some(new.as_str()) {
                        tracing::debug!("the token endpoint rotated the refresh token");
                        state.refresh_token = Some(Hidden(new));
                    }
                }
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
    grant: Grant<'_>,
    refresh_token: Option<&str>,
    deadline: Instant,
) -> Result<Token, ActionError> {
    let mut tries = 0;
    loop {
        tries += 1;
        match fetch_once(http, grant, refresh_token).await {
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

/// One token request (`refresh_token`: the one to send, for that grant);
/// the error says whether another try may help.
async fn fetch_once(
    http: &reqwest::Client,
    grant: Grant<'_>,
    refresh_token: Option<&str>,
) -> Result<Token, (ActionError, bool)> {
    const WHAT: &str = "token endpoint";
    let (client_id, client_secret, send) = grant.client();
    let mut form = match grant {
        Grant::ClientCredentials(_) => vec![("grant_type", "client_credentials")],
        Grant::RefreshToken(c) => vec![
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token.unwrap_or(&c.refresh_token)),
        ],
    };
    if send == CredentialsIn::Body {
        form.push(("client_id", client_id));
        form.push(("client_secret", client_secret));
    }
    if let Grant::ClientCredentials(ClientCredentials {
        scope: Some(scope), ..
    }) = grant
    {
        form.push(("scope", scope));
    }
    let mut builder = http
        .post(grant.token_url())
        .header(reqwest::header::ACCEPT, "application/json")
        .form(&form);
    if send == CredentialsIn::Basic {
        builder = builder.basic_auth(client_id, Some(client_secret));
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
    // OAuth errors: {"error": "invalid_client", "error_description": …}.
    // Zoho answers a refused refresh token with 200 and
    // {"error": "invalid_code"}: an error member and no token is a refusal
    // whatever the status.
    let refused_ok = (200..300).contains(&status)
        && json.as_ref().is_some_and(|j| {
            j.get("error").is_some_and(|e| !e.is_null()) && j.get("access_token").is_none()
        });
    if !(200..300).contains(&status) || refused_ok {
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
            _ if refused_ok => ErrorKind::Unauthorized,
            429 => ErrorKind::RateLimited,
            404 | 405 => ErrorKind::Misconfigured,
            400..=499 => ErrorKind::Unauthorized,
            _ => ErrorKind::Unavailable,
        };
        let detail = match reason {
            Some(r) => format!("{WHAT}: status {status}: {r}"),
            None => format!("{WHAT}: status {status}"),
        };
        let transient = !refused_ok && (status == 429 || status == 408 || status >= 500);
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
    // Zoho's older answers give `expires_in` in milliseconds beside
    // `expires_in_sec` in seconds: the latter wins when present.
    let seconds = |key: &str| {
        match json.get(key) {
            Some(Value::Number(n)) => n.as_f64(),
            Some(Value::String(s)) => s.trim().parse().ok(),
            _ => None,
        }
        .filter(|s: &f64| s.is_finite() && *s > 0.0 && *s < 1e9)
    };
    let lifetime = seconds("expires_in_sec")
        .or_else(|| seconds("expires_in"))
        .map(Duration::from_secs_f64)
        .unwrap_or(DEFAULT_LIFETIME);
    let rotated = match grant {
        Grant::RefreshToken(_) => json
            .get("refresh_token")
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|t| !t.is_empty() && !t.chars().any(char::is_control))
            .map(str::to_string),
        Grant::ClientCredentials(_) => None,
    };
    Ok(Token {
        value: value.to_string(),
        refresh_at: started + lifetime.saturating_sub(margin(lifetime)),
        rotated,
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
    fn one_cache_per_refresh_token_account() {
        let c = RefreshCredentials {
            token_url: "https://auth.example.test/token".into(),
            client_id: "cid".into(),
            client_secret: "secret".into(),
            refresh_token: "ref-1".into(),
            send: CredentialsIn::Body,
            prefix: "Bearer".into(),
        };
        let (a, b) = (TokenCache::shared(&c), TokenCache::shared(&c));
        assert!(Arc::ptr_eq(&a, &b));
        let other = TokenCache::shared(&RefreshCredentials {
            refresh_token: "ref-2".into(),
            ..c.clone()
        });
        assert!(!Arc::ptr_eq(&a, &other));
        // Dropped by every client: the next one starts afresh.
        let weak = Arc::downgrade(&a);
        drop((a, b));
        assert!(weak.upgrade().is_none());
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
                refresh_at: Instant::now(),
                rotated: Some("rot-98765".into()),
            }
        );
        let r = RefreshCredentials {
            token_url: "https://auth.example.test/token".into(),
            client_id: "cid.abcdef".into(),
            client_secret: "s3cr3t-value".into(),
            refresh_token: "ref-24680".into(),
            send: CredentialsIn::Body,
            prefix: "Bearer".into(),
        };
        let state = State {
            refresh_token: Some(Hidden("ref-13579".into())),
            ..State::default()
        };
        let shown = format!("{shown} {r:?} {state:?}");
        for secret in [
            "cid.abcdef",
            "s3cr3t-value",
            "tok-123456",
            "rot-98765",
            "ref-24680",
            "ref-13579",
        ] {
            assert!(!shown.contains(secret), "{shown}");
        }
        assert!(shown.contains("auth.example.test"), "{shown}");
    }
}
