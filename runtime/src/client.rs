//! The HTTP client: one per configuration, pooled, with a total deadline.

use std::time::Duration;

use serde_json::Value;
use tokio::time::Instant;
use tracing::Instrument;

use crate::config::{Auth, Config};
use crate::error::{ActionError, ErrorKind};
use crate::mask;
use crate::request::Request;

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
}

/// The moment a whole call must end by. [`Client::send`] starts one per
/// request; an action of several steps starts one with
/// [`Client::deadline`] and passes it to every [`Client::send_by`], so the
/// budget covers all steps and all retries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deadline {
    at: Instant,
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

    fn timeout(&self, what: &str) -> ActionError {
        ActionError::new(
            ErrorKind::Timeout,
            format!("{what}: no answer within {} ms", self.budget.as_millis()),
        )
    }
}

/// How one attempt ended.
enum Attempt {
    Done(Result<Value, ActionError>),
    /// A transient failure worth one more try after the pause (the
    /// server's `Retry-After` when it gave one).
    Retry(ActionError, Option<Duration>),
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
        Ok(Client { http, config })
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
        let path = mask::text(&request.path);
        let what = format!("{} {path}", request.method.as_str());
        let span =
            tracing::info_span!("crm_request", method = request.method.as_str(), path = %path);
        if deadline.remaining().is_zero() {
            let error = deadline.timeout(&what);
            tracing::warn!(parent: &span, kind = error.kind.as_str(), "deadline spent before the request");
            return Err(error);
        }
        let started = Instant::now();
        let mut attempts = 0u32;
        let work = async {
            let tries = if request.retry_safe { 2 } else { 1 };
            loop {
                attempts += 1;
                match self.attempt(&request, &what).await {
                    Attempt::Done(result) => return result,
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
                Err(_) => Err(deadline.timeout(&what)),
            }
        }
        .instrument(span.clone())
        .await;
        let _enter = span.enter();
        let elapsed_ms = started.elapsed().as_millis() as u64;
        match &result {
            Ok(_) => tracing::debug!(attempts, elapsed_ms, "crm request succeeded"),
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

    async fn attempt(&self, request: &Request, what: &str) -> Attempt {
        let url = format!("{}{}", self.config.base_url, request.path);
        let mut builder = self.http.request(request.method.to_reqwest(), &url);
        if !request.query.is_empty() {
            builder = builder.query(&request.query);
        }
        builder = match &self.config.auth {
            Auth::Bearer(token) => builder.bearer_auth(token),
            Auth::Header(name, value) => builder.header(name.as_str(), value.as_str()),
            Auth::Query(name, value) => builder.query(&[(name, value)]),
            Auth::Basic(user, password) => builder.basic_auth(user, Some(password)),
            Auth::None => builder,
        };
        for (name, value) in &request.headers {
            builder = builder.header(name.as_str(), value.as_str());
        }
        builder = builder.header(reqwest::header::ACCEPT, "application/json");
        if let Some(body) = &request.body {
            builder = builder.json(body);
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
        let header = |name: reqwest::header::HeaderName| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        let retry_after = header(reqwest::header::RETRY_AFTER).and_then(|v| parse_retry_after(&v));
        let content_type = header(reqwest::header::CONTENT_TYPE).unwrap_or_default();
        tracing::debug!(status, "crm answered");
        let success = (200..300).contains(&status);
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
        if success {
            return Attempt::Done(parse_success(&body, &content_type, status, what));
        }
        let vendor = vendor_error(&body);
        let detail = match &vendor {
            Some(v) => format!("{what}: status {status}: {}", v.message),
            None => format!("{what}: status {status}"),
        };
        let kind = match status {
            404 | 410 => ErrorKind::NotFound,
            401 | 403 => ErrorKind::Unauthorized,
            429 => ErrorKind::RateLimited,
            408 => ErrorKind::Unavailable,
            400..=499 => ErrorKind::InvalidInput,
            _ => ErrorKind::Unavailable,
        };
        let error = ActionError::new(kind, detail).with_status(status);
        if matches!(status, 408 | 429) || status >= 500 {
            Attempt::Retry(error, retry_after)
        } else {
            Attempt::Done(Err(error))
        }
    }
}

/// A 2xx body: empty is `Null`; JSON is parsed and checked for an error
/// shape; anything else is an unusable answer.
fn parse_success(
    body: &[u8],
    content_type: &str,
    status: u16,
    what: &str,
) -> Result<Value, ActionError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Value::Null);
    }
    let value: Value = serde_json::from_slice(body).map_err(|e| {
        let ct = if content_type.is_empty() {
            "no content type".to_string()
        } else {
            content_type.chars().take(60).collect()
        };
        ActionError::new(
            ErrorKind::Unavailable,
            format!(
                "{what}: status {status} with a {}-byte body that is not JSON ({ct}; {e})",
                body.len()
            ),
        )
        .with_status(status)
    })?;
    if let Some(kind) = error_in_success(&value) {
        let message = vendor_error(body)
            .map(|v| v.message)
            .unwrap_or_else(|| "no message".to_string());
        return Err(ActionError::new(
            kind,
            format!("{what}: status {status} with an error body: {message}"),
        )
        .with_status(status));
    }
    Ok(value)
}

/// Whether a 2xx body is in fact an error, and of what kind. Recognised:
/// `{"status": "error", "message"}` (HubSpot), `{"ok": false}` (Slack),
/// `{"success": false}` (Pipedrive), a top-level `{"error": {...}}` or
/// `{"error": "..."}` (Stripe, Zendesk), and a non-empty top-level
/// `"errors"` with no `"data"` (many REST and GraphQL APIs).
fn error_in_success(v: &Value) -> Option<ErrorKind> {
    let obj = v.as_object()?;
    let flagged = obj
        .get("status")
        .and_then(Value::as_str)
        .is_some_and(|s| s.eq_ignore_ascii_case("error") || s.eq_ignore_ascii_case("failure"))
        // A record may have a status of its own; an error also says why.
        && ["message", "category", "error"].iter().any(|k| obj.contains_key(*k))
        || obj.get("ok") == Some(&Value::Bool(false))
        || obj.get("success") == Some(&Value::Bool(false))
        || match obj.get("error") {
            Some(Value::Object(_)) => true,
            Some(Value::String(s)) => !s.trim().is_empty(),
            _ => false,
        }
        || (obj
            .get("errors")
            .and_then(Value::as_array)
            .is_some_and(|e| !e.is_empty())
            && !matches!(obj.get("data"), Some(d) if !d.is_null()));
    if !flagged {
        return None;
    }
    let category = vendor_error(&serde_json::to_vec(v).unwrap_or_default())
        .and_then(|e| e.category)
        .unwrap_or_default()
        .to_ascii_uppercase();
    Some(
        if category.contains("NOT_FOUND") || category.contains("NOTFOUND") {
            ErrorKind::NotFound
        } else if category.contains("AUTH") || category.contains("PERMISSION") {
            ErrorKind::Unauthorized
        } else if category.contains("RATE") {
            ErrorKind::RateLimited
        } else if category.contains("VALIDATION") || category.contains("INVALID") {
            ErrorKind::InvalidInput
        } else {
            ErrorKind::Unavailable
        },
    )
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

/// What a vendor's error body says.
#[derive(Debug, PartialEq)]
struct VendorError {
    message: String,
    category: Option<String>,
}

/// The message (and category or code) of a vendor error body, for the known
/// shapes: HubSpot `{"status","message","category"}`, Stripe
/// `{"error": {"type","code","message"}}`, Salesforce `[{"message",
/// "errorCode"}]`, Zendesk `{"error","description"}`, Pipedrive
/// `{"success": false, "error"}`, JSON:API `{"errors": [{"title",
/// "detail","code"}]}`, RFC 7807 `{"title","detail"}`.
fn vendor_error(body: &[u8]) -> Option<VendorError> {
    let v: Value = serde_json::from_slice(body).ok()?;
    let v = match &v {
        Value::Array(items) => items.first()?.clone(),
        _ => v,
    };
    let pick = |v: &Value, keys: &[&str]| -> Option<String> {
        keys.iter()
            .find_map(|k| v.get(*k).and_then(Value::as_str))
            .map(str::to_string)
    };
    const MESSAGE: &[&str] = &[
        "message",
        "detail",
        "description",
        "title",
        "error_description",
    ];
    const CATEGORY: &[&str] = &["category", "errorCode", "code", "type", "error_code"];
    let nested = match v.get("error") {
        Some(e @ Value::Object(_)) => Some(e.clone()),
        _ => v
            .get("errors")
            .and_then(|e| e.get(0))
            .filter(|e| e.is_object())
            .cloned(),
    };
    let message = pick(&v, MESSAGE)
        .or_else(|| v.get("error").and_then(Value::as_str).map(str::to_string))
        .or_else(|| nested.as_ref().and_then(|n| pick(n, MESSAGE)))?;
    let category = pick(&v, CATEGORY)
        .or_else(|| nested.as_ref().and_then(|n| pick(n, CATEGORY)))
        .or_else(|| v.get("error").and_then(Value::as_str).map(str::to_string));
    let clean = |s: String| -> String {
        let mut s: String = s.chars().take(300).collect();
        s.retain(|c| !c.is_control());
        s
    };
    Some(VendorError {
        message: clean(message),
        category: category.map(clean),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn vendor(v: Value) -> Option<VendorError> {
        vendor_error(&serde_json::to_vec(&v).unwrap())
    }

    #[test]
    fn reads_the_known_vendor_error_shapes() {
        let hubspot = vendor(json!({"status": "error", "message": "Property values were not valid", "category": "VALIDATION_ERROR", "correlationId": "x"})).unwrap();
        assert_eq!(hubspot.message, "Property values were not valid");
        assert_eq!(hubspot.category.as_deref(), Some("VALIDATION_ERROR"));
        let stripe = vendor(json!({"error": {"type": "invalid_request_error", "code": "resource_missing", "message": "No such customer: 'cus_1'"}})).unwrap();
        assert_eq!(stripe.message, "No such customer: 'cus_1'");
        assert_eq!(stripe.category.as_deref(), Some("resource_missing"));
        let salesforce = vendor(
            json!([{"message": "The requested resource does not exist", "errorCode": "NOT_FOUND"}]),
        )
        .unwrap();
        assert_eq!(salesforce.category.as_deref(), Some("NOT_FOUND"));
        let zendesk =
            vendor(json!({"error": "RecordNotFound", "description": "Not found"})).unwrap();
        assert_eq!(zendesk.message, "Not found");
        assert_eq!(zendesk.category.as_deref(), Some("RecordNotFound"));
        let jsonapi =
            vendor(json!({"errors": [{"title": "Invalid", "detail": "email is invalid"}]}))
                .unwrap();
        assert_eq!(jsonapi.message, "email is invalid");
        assert_eq!(vendor(json!({"results": []})), None);
        assert_eq!(vendor_error(b"<html>"), None);
    }

    #[test]
    fn finds_errors_in_a_success_body() {
        assert_eq!(
            error_in_success(
                &json!({"status": "error", "message": "m", "category": "OBJECT_NOT_FOUND"})
            ),
            Some(ErrorKind::NotFound)
        );
        assert_eq!(
            error_in_success(&json!({"success": false, "error": "unauthorized access"})),
            Some(ErrorKind::Unauthorized)
        );
        assert_eq!(
            error_in_success(&json!({"ok": false, "error": "ratelimited"})),
            Some(ErrorKind::RateLimited)
        );
        assert_eq!(
            error_in_success(&json!({"errors": [{"message": "boom"}]})),
            Some(ErrorKind::Unavailable)
        );
        assert_eq!(error_in_success(&json!({"results": [], "total": 0})), None);
        assert_eq!(
            error_in_success(&json!({"id": "t1", "status": "error"})),
            None
        );
        assert_eq!(
            error_in_success(&json!({"status": "active", "error": null})),
            None
        );
        assert_eq!(
            error_in_success(&json!({"data": {"a": 1}, "errors": [{"m": 1}]})),
            None
        );
        assert_eq!(error_in_success(&json!([1, 2])), None);
    }

    #[test]
    fn parses_retry_after_seconds_only() {
        assert_eq!(parse_retry_after("1"), Some(Duration::from_secs(1)));
        assert_eq!(parse_retry_after(" 0.5 "), Some(Duration::from_millis(500)));
        assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), None);
        assert_eq!(parse_retry_after("-1"), None);
        assert_eq!(parse_retry_after("NaN"), None);
    }
}
