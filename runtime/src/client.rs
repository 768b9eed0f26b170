//! The HTTP client: one per configuration, pooled, with a total deadline;
//! sending and retries. What an answer means is [`crate::answer`]'s.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;
use tokio::time::Instant;
use tracing::Instrument;

use crate::answer;
use crate::config::{Auth, Config};
use crate::error::{ActionError, ErrorKind};
use crate::mask;
use crate::oauth::{Grant, TokenCache};
use crate::request::{BodyFormat, Request};
use crate::{form, graphql};

/// Pause before a retry when the server names none.
const DEFAULT_PAUSE: Duration = Duration::from_millis(100);

/// Largest random delay added to a pause, so that many connectors do not
/// retry in step.
const MAX_JITTER_MS: u64 = 100;

/// Time a retry needs to have any chance; a pause that leaves less than
/// this before the deadline is not taken.
pub(crate) const MIN_ATTEMPT: Duration = Duration::from_millis(50);

/// A pooled HTTP client bound to one CRM configuration. Build it once and
/// reuse it for every call: connections are kept alive between calls.
#[derive(Debug, Clone)]
pub struct Client {
    http: reqwest::Client,
    config: Config,
    /// The OAuth access token, shared by every clone (a refresh-token
    /// grant's by every client of the same account).
    tokens: Arc<TokenCache>,
}

/// The moment a whole call must end by. [`Client::send`] starts one per
/// request; an action of several steps starts one with
/// [`Client::deadline`] and passes it to every [`Client::send_by`], so the
/// budget covers all steps and all retries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deadline {
    pub(crate) at: Instant,
    budget: Duration,
}

impl Deadline {
    /// A deadline `budget` from now.
    pub fn after(budget: Duration) -> Self {
        Deadline {
            at: Instant::now() + budget,
            budget,
        }
    }

    /// Time left (zero once passed).
    pub fn remaining(&self) -> Duration {
        self.at.saturating_duration_since(Instant::now())
    }

    fn timeout(&self, what: What<'_>) -> ActionError {
        ActionError::new(
            ErrorKind::Timeout,
            format!("{what}: no answer within {} ms", self.budget.as_millis()),
        )
    }
}

/// `METHOD /path` for error details, the path masked when it is written
/// (errors only), not on every call.
#[derive(Clone, Copy)]
struct What<'a>(&'a Request);

impl fmt::Display for What<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.0.method.as_str(), mask::text(&self.0.path))
    }
}

/// How one attempt ended.
enum Attempt {
    Done(Result<Value, ActionError>),
    /// A transient failure worth one more try after the pause (the
    /// server's `Retry-After` when it gave one).
    Retry(ActionError, Option<Duration>),
    /// A 401 with a cached client-credentials token, now dropped: worth
    /// one more try with a fresh token (the server did nothing).
    Reauth(ActionError),
}

impl Client {
    /// Builds the client (rustls, keep-alive pool, no Nagle delay).
    pub fn new(config: Config) -> Result<Self, ActionError> {
        let http = reqwest::Client::builder()
            .pool_idle_timeout(Duration::from_secs(90))
            .tcp_keepalive(Duration::from_secs(30))
            .tcp_nodelay(true)
            .connect_timeout(config.timeout)
            .user_agent(concat!("midcall-runtime/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| {
                ActionError::new(
                    ErrorKind::Misconfigured,
                    format!("building the HTTP client: {}", e.without_url()),
                )
            })?;
        let tokens = match &config.auth {
            Auth::RefreshToken(c) => TokenCache::shared(c),
            _ => Arc::default(),
        };
        Ok(Client {
            http,
            config,
            tokens,
        })
    }

    /// The value of the account setting `name` (see [`crate::Vendor`]);
    /// an undeclared name is a `misconfigured` error.
    pub fn setting(&self, name: &str) -> Result<&str, ActionError> {
        self.config.settings.get(name)
    }

    /// A digits setting as a JSON number, for a body member the vendor
    /// types as an integer (Square's `service_variation_version`). Too
    /// large for 64 bits: `misconfigured`.
    pub fn setting_number(&self, name: &str) -> Result<u64, ActionError> {
        self.setting(name)?.parse().map_err(|_| {
            ActionError::new(
                crate::ErrorKind::Misconfigured,
                format!("setting `{name}` is not a whole number that fits 64 bits"),
            )
        })
    }

    /// The account's settings, to fill a path (`client.settings().fill_path(
    /// "/tenant/{tenant}/customers")`) or read an offset.
    pub fn settings(&self) -> &crate::Settings {
        &self.config.settings
    }

    /// The time of this call in UTC with `Z` (`2026-07-28T12:00:00Z`), from
    /// the configured clock: a binding's `{now}`.
    pub fn now_utc(&self) -> String {
        crate::time::utc_text(self.config.clock.now())
    }

    /// The time of this call as Unix milliseconds, from the configured
    /// clock: a binding's `{now|unix_millis}`.
    pub fn now_unix_millis(&self) -> i64 {
        self.config.clock.now().timestamp_millis()
    }

    /// The configuration in use.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// A deadline of the configured timeout from now, for an action of
    /// several requests (see [`Client::send_by`]).
    pub fn deadline(&self) -> Deadline {
        Deadline::after(self.config.timeout)
    }

    /// Sends the request within a fresh deadline of the configured timeout
    /// and returns the parsed JSON body (`Null` for an empty success).
    pub async fn send(&self, request: Request) -> Result<Value, ActionError> {
        self.send_by(request, self.deadline()).await
    }

    /// Sends the request, retries included, before `deadline`; on expiry
    /// the answer is an [`ErrorKind::Timeout`] error, on time.
    ///
    /// A retry-safe request (GET, a search the bindings mark `retry_safe`,
    /// a write with an idempotency key) is tried once more after a
    /// connection error, a 408, a 429 or a 5xx, when the pause (the
    /// server's `Retry-After`, else 100 ms, plus up to 100 ms of jitter)
    /// still leaves time before the deadline. Other requests are sent
    /// exactly once. A success whose body is an error (`{"status":
    /// "error"}`, `{"ok": false}`, …) is an error.
    pub async fn send_by(
        &self,
        request: Request,
        deadline: Deadline,
    ) -> Result<Value, ActionError> {
        self.send_ref(&request, deadline).await
    }

    /// [`Client::send_by`] on a borrowed request, for the steps of an
    /// action that may send the same request twice.
    pub(crate) async fn send_ref(
        &self,
        request: &Request,
        deadline: Deadline,
    ) -> Result<Value, ActionError> {
        let what = What(request);
        let span = tracing::info_span!(
            "crm_request",
            method = request.method.as_str(),
            path = tracing::field::Empty
        );
        // Masked only when someone listens.
        if !span.is_disabled() {
            span.record("path", tracing::field::display(mask::text(&request.path)));
        }
        if deadline.remaining().is_zero() {
            let error = deadline.timeout(what);
            tracing::warn!(parent: &span, kind = error.kind.as_str(), "deadline spent before the request");
            return Err(error);
        }
        let started = Instant::now();
        let mut attempts = 0u32;
        let work = async {
            let tries = if request.retry_safe { 2 } else { 1 };
            let mut reauthed = false;
            loop {
                attempts += 1;
                match self.attempt(request, what, deadline).await {
                    Attempt::Done(result) => return result,
                    Attempt::Reauth(error) => {
                        if reauthed || deadline.remaining() < MIN_ATTEMPT {
                            return Err(error);
                        }
                        reauthed = true;
                        attempts -= 1;
                        tracing::debug!("token refused: fetching a fresh one");
                    }
                    Attempt::Retry(error, retry_after) => {
                        if attempts >= tries {
                            return Err(error);
                        }
                        let pause = retry_after.unwrap_or(DEFAULT_PAUSE)
                            + Duration::from_millis(fastrand::u64(0..=MAX_JITTER_MS));
                        if pause + MIN_ATTEMPT >= deadline.remaining() {
                            tracing::debug!(
                                pause_ms = pause.as_millis() as u64,
                                "no retry: the pause does not fit the deadline"
                            );
                            return Err(error);
                        }
                        tracing::debug!(
                            attempt = attempts,
                            kind = error.kind.as_str(),
                            pause_ms = pause.as_millis() as u64,
                            "retrying"
                        );
                        tokio::time::sleep(pause).await;
                    }
                }
            }
        };
        let result = async {
            match tokio::time::timeout_at(deadline.at, work).await {
                Ok(result) => result,
                Err(_) => Err(deadline.timeout(what)),
            }
        }
        .instrument(span.clone())
        .await;
        let _enter = span.enter();
        let elapsed_ms = started.elapsed().as_millis() as u64;
        match &result {
            Ok(_) => tracing::debug!(attempts, elapsed_ms, "crm request succeeded"),
            // Not the caller's doing: the binding needs a fix.
            Err(e) if e.kind == ErrorKind::Refused => tracing::error!(
                attempts,
                elapsed_ms,
                kind = e.kind.as_str(),
                status = e.status,
                detail = %e.detail,
                "the crm refused the request the connector built"
            ),
            Err(e) => tracing::warn!(
                attempts,
                elapsed_ms,
                kind = e.kind.as_str(),
                status = e.status,
                detail = %e.detail,
                "crm request failed"
            ),
        }
        result
    }

    async fn attempt(&self, request: &Request, what: What<'_>, deadline: Deadline) -> Attempt {
        let url = format!("{}{}", self.config.base_url, request.path);
        let mut builder = self.http.request(request.method.to_reqwest(), &url);
        if !request.query.is_empty() {
            builder = builder.query(&request.query);
        }
        // The OAuth token used, and whether it is fresh.
        let mut issued = None;
        builder = match &self.config.auth {
            Auth::Bearer(token) => builder.bearer_auth(token),
            Auth::Header(name, value) => builder.header(name.as_str(), value.as_str()),
            Auth::Query(name, value) => builder.query(&[(name, value)]),
            Auth::Basic(user, password) => builder.basic_auth(user, Some(password)),
            Auth::ClientCredentials(credentials) => {
                let grant = Grant::ClientCredentials(credentials);
                match self.tokens.token(&self.http, grant, deadline.at).await {
                    Ok(token) => {
                        let b = builder.bearer_auth(&token.value);
                        issued = Some(token);
                        b
                    }
                    // Already tried as often as the deadline allows.
                    Err(e) => return Attempt::Done(Err(e)),
                }
            }
            Auth::RefreshToken(credentials) => {
                let grant = Grant::RefreshToken(credentials);
                match self.tokens.token(&self.http, grant, deadline.at).await {
                    Ok(token) => {
                        let value = format!("{} {}", credentials.prefix, token.value);
                        let Ok(mut value) = reqwest::header::HeaderValue::try_from(value) else {
                            return Attempt::Done(Err(ActionError::new(
                                ErrorKind::Unavailable,
                                "token endpoint: the access token cannot be sent in a header",
                            )));
                        };
                        value.set_sensitive(true);
                        let b = builder.header(reqwest::header::AUTHORIZATION, value);
                        issued = Some(token);
                        b
                    }
                    Err(e) => return Attempt::Done(Err(e)),
                }
            }
            Auth::None => builder,
        };
        for (name, value) in self.config.headers.iter().chain(&request.headers) {
            builder = builder.header(name.as_str(), value.as_str());
        }
        builder = builder.header(reqwest::header::ACCEPT, "application/json");
        if let Some(body) = &request.body {
            builder = match request.format {
                BodyFormat::Json | BodyFormat::GraphQl => builder.json(body),
                BodyFormat::Form => builder
                    .header(
                        reqwest::header::CONTENT_TYPE,
                        "application/x-www-form-urlencoded",
                    )
                    .body(form::encode(body)),
            };
        }
        let response = match builder.send().await {
            Ok(r) => r,
            // A request that cannot be built (a bad base URL or header)
            // fails the same way every time: no retry.
            Err(e) if e.is_builder() => {
                return Attempt::Done(Err(ActionError::new(
                    ErrorKind::Misconfigured,
                    format!("{what}: {}", describe_transport_error(e)),
                )))
            }
            Err(e) => {
                let error = ActionError::new(
                    ErrorKind::Unavailable,
                    format!("{what}: {}", describe_transport_error(e)),
                );
                return Attempt::Retry(error, None);
            }
        };
        let status = response.status().as_u16();
        tracing::debug!(status, "crm answered");
        let success = (200..300).contains(&status);
        let headers = response.headers();
        // Read only where they are used: a pause after a failure, the
        // content type in the detail of an unusable success.
        let retry_after = if success {
            None
        } else {
            headers
                .get(reqwest::header::RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(parse_retry_after)
        };
        let content_type = headers.get(reqwest::header::CONTENT_TYPE).cloned();
        let body = match read_capped(response, self.config.max_body_bytes).await {
            Ok(b) => b,
            // An error status means the same without its body.
            Err(_) if !success => Vec::new(),
            Err(detail) => {
                return Attempt::Done(Err(ActionError::new(
                    ErrorKind::Unavailable,
                    format!("{what}: {detail}"),
                )
                .with_status(status)))
            }
        };
        if success && request.format == BodyFormat::GraphQl {
            let Ok(value) = serde_json::from_slice::<Value>(&body) else {
                // Not JSON: the plain reading names what came instead.
                let content_type = content_type.as_ref().and_then(|v| v.to_str().ok());
                return Attempt::Done(answer::success(
                    &body,
                    content_type.unwrap_or_default(),
                    status,
                    &what,
                    request,
                ));
            };
            return match graphql::read_answer(value, &what.to_string()) {
                Ok(data) => Attempt::Done(Ok(data)),
                Err(f) if f.error.kind == ErrorKind::RateLimited => {
                    Attempt::Retry(f.error.with_status(status), f.retry_after)
                }
                Err(f) => Attempt::Done(Err(f.error.with_status(status))),
            };
        }
        if success {
            let content_type = content_type.as_ref().and_then(|v| v.to_str().ok());
            return Attempt::Done(answer::success(
                &body,
                content_type.unwrap_or_default(),
                status,
                &what,
                request,
            ));
        }
        let error = answer::failure(&body, status, &what, request);
        if status == 401 {
            if let Some(token) = issued.filter(|t| !t.fresh) {
                self.tokens.invalidate(&token.value).await;
                return Attempt::Reauth(error);
            }
        }
        if answer::transient(status) {
            Attempt::Retry(error, retry_after)
        } else {
            Attempt::Done(Err(error))
        }
    }
}

/// `Retry-After` in seconds (integral or not). An HTTP date is ignored:
/// it is rare on APIs, and the default pause then applies.
fn parse_retry_after(v: &str) -> Option<Duration> {
    let secs: f64 = v.trim().parse().ok()?;
    (0.0..86_400.0)
        .contains(&secs)
        .then(|| Duration::from_secs_f64(secs))
}

/// Reads at most `cap` bytes of the body; a bigger body is an error, found
/// as soon as the declared length or the bytes read pass the cap.
async fn read_capped(mut response: reqwest::Response, cap: usize) -> Result<Vec<u8>, String> {
    if let Some(len) = response.content_length() {
        if len > cap as u64 {
            return Err(format!(
                "response of {len} bytes is over the {cap}-byte cap"
            ));
        }
    }
    let mut body = Vec::new();
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                if body.len() + chunk.len() > cap {
                    return Err(format!("response is over the {cap}-byte cap"));
                }
                body.extend_from_slice(&chunk);
            }
            Ok(None) => return Ok(body),
            Err(e) => return Err(format!("reading the body: {}", describe_transport_error(e))),
        }
    }
}

/// A transport error without the URL (which may carry a query-string key).
fn describe_transport_error(e: reqwest::Error) -> String {
    let e = e.without_url();
    let mut text = if e.is_connect() {
        "could not connect".to_string()
    } else if e.is_timeout() {
        "timed out".to_string()
    } else if e.is_body() || e.is_decode() {
        "the connection broke while reading the answer".to_string()
    } else {
        "the request failed".to_string()
    };
    // The innermost cause says what happened (refused, reset, DNS…).
    let mut source: Option<&dyn std::error::Error> = std::error::Error::source(&e);
    let mut last = None;
    while let Some(s) = source {
        last = Some(s.to_string());
        source = s.source();
    }
    if let Some(cause) = last {
        text.push_str(": ");
        text.extend(cause.chars().take(200));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_retry_after_seconds_only() {
        assert_eq!(parse_retry_after("1"), Some(Duration::from_secs(1)));
        assert_eq!(parse_retry_after(" 0.5 "), Some(Duration::from_millis(500)));
        assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), None);
        assert_eq!(parse_retry_after("-1"), None);
        assert_eq!(parse_retry_after("NaN"), None);
    }

    #[test]
    fn now_reads_the_configured_clock() {
        let clock = crate::time::Clock::fixed("2026-07-28T12:00:00Z").unwrap();
        let config = Config::new("http://127.0.0.1:9", crate::Auth::None).with_clock(clock);
        let client = Client::new(config).unwrap();
        assert_eq!(client.now_utc(), "2026-07-28T12:00:00Z");
        assert_eq!(client.now_unix_millis(), 1_785_240_000_000);
        let system = Client::new(Config::new("http://127.0.0.1:9", crate::Auth::None)).unwrap();
        assert!(system.now_unix_millis() > 1_785_240_000_000);
    }
}
