//! The HTTP client: one per configuration, pooled, with a total deadline.

use std::time::Duration;

use serde_json::Value;
use tokio::time::Instant;

use crate::config::{Auth, Config};
use crate::error::{ActionError, ErrorKind};
use crate::request::Request;

/// A pooled HTTP client bound to one CRM configuration. Build it once and
/// reuse it for every call: connections are kept alive between calls.
#[derive(Debug, Clone)]
pub struct Client {
    http: reqwest::Client,
    config: Config,
}

/// How one attempt ended.
enum Attempt {
    Done(Result<Value, ActionError>),
    /// A transient failure worth one more try after the given pause.
    Retry(ActionError, Duration),
}

impl Client {
    /// Builds the client (rustls, keep-alive pool).
    pub fn new(config: Config) -> Result<Self, ActionError> {
        let http = reqwest::Client::builder()
            .pool_idle_timeout(Duration::from_secs(90))
            .user_agent(concat!("midcall-runtime/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| ActionError::new(ErrorKind::Misconfigured, format!("HTTP client: {e}")))?;
        Ok(Client { http, config })
    }

    /// The configuration in use.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Sends the request and returns the parsed JSON body (`Null` for an empty
    /// success). The whole call, retries included, ends within the deadline.
    ///
    /// Retry-safe requests are tried once more after a connection error, a
    /// 429 or a 5xx, when the pause (from `Retry-After`, else 100 ms) still
    /// fits in the deadline. Other requests are sent exactly once.
    pub async fn send(&self, request: Request) -> Result<Value, ActionError> {
        let deadline = Instant::now() + self.config.timeout;
        let work = async {
            let mut tries_left = if request.retry_safe { 2 } else { 1 };
            loop {
                tries_left -= 1;
                match self.attempt(&request).await {
                    Attempt::Done(result) => return result,
                    Attempt::Retry(error, pause) => {
                        if tries_left == 0 || Instant::now() + pause >= deadline {
                            return Err(error);
                        }
                        tokio::time::sleep(pause).await;
                    }
                }
            }
        };
        match tokio::time::timeout_at(deadline, work).await {
            Ok(result) => result,
            Err(_) => Err(ActionError::new(
                ErrorKind::Timeout,
                format!(
                    "{} {} took longer than {} ms",
                    request.method.to_reqwest(),
                    request.path,
                    self.config.timeout.as_millis()
                ),
            )),
        }
    }

    async fn attempt(&self, request: &Request) -> Attempt {
        let url = format!("{}{}", self.config.base_url, request.path);
        let what = format!("{} {}", request.method.to_reqwest(), request.path);
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
            Err(e) => {
                let error = ActionError::new(
                    ErrorKind::Unavailable,
                    format!("{what}: {}", describe_transport_error(e)),
                );
                return Attempt::Retry(error, Duration::from_millis(100));
            }
        };
        let status = response.status().as_u16();
        let retry_after = response
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        let body = match read_capped(response, self.config.max_body_bytes).await {
            Ok(b) => b,
            Err(detail) => {
                return Attempt::Done(Err(ActionError::new(
                    ErrorKind::Unavailable,
                    format!("{what}: {detail}"),
                )
                .with_status(status)))
            }
        };
        if (200..300).contains(&status) {
            if body.iter().all(u8::is_ascii_whitespace) {
                return Attempt::Done(Ok(Value::Null));
            }
            return Attempt::Done(serde_json::from_slice(&body).map_err(|e| {
                ActionError::new(
                    ErrorKind::Unavailable,
                    format!("{what}: status {status} with a body that is not JSON ({e})"),
                )
                .with_status(status)
            }));
        }
        let vendor = vendor_message(&body);
        let detail = match &vendor {
            Some(m) => format!("{what}: status {status}: {m}"),
            None => format!("{what}: status {status}"),
        };
        let kind = match status {
            404 | 410 => ErrorKind::NotFound,
            401 | 403 => ErrorKind::Unauthorized,
            429 => ErrorKind::RateLimited,
            400..=499 => ErrorKind::InvalidInput,
            _ => ErrorKind::Unavailable,
        };
        let error = ActionError::new(kind, detail).with_status(status);
        if status == 429 || status >= 500 {
            Attempt::Retry(error, retry_after.unwrap_or(Duration::from_millis(100)))
        } else {
            Attempt::Done(Err(error))
        }
    }
}

/// Reads at most `cap` bytes of the body; a bigger body is an error.
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
    if e.is_connect() {
        "could not connect".to_string()
    } else if e.is_timeout() {
        "timed out".to_string()
    } else {
        e.to_string()
    }
}

/// The message of a vendor error body, for the common shapes:
/// `{"message"}`, `{"error": "..."}`, `{"error": {"message"}}`,
/// `{"errors": [{"message"|"detail"|"title"}]}`, `{"detail"}`, `{"title"}`.
fn vendor_message(body: &[u8]) -> Option<String> {
    let v: Value = serde_json::from_slice(body).ok()?;
    let pick = |v: &Value| -> Option<String> {
        ["message", "detail", "title", "description"]
            .iter()
            .find_map(|k| v.get(*k).and_then(Value::as_str))
            .map(str::to_string)
    };
    let message = pick(&v)
        .or_else(|| match v.get("error") {
            Some(Value::String(s)) => Some(s.clone()),
            Some(e) => pick(e),
            None => None,
        })
        .or_else(|| v.get("errors").and_then(|e| e.get(0)).and_then(pick))?;
    let mut message: String = message.chars().take(300).collect();
    message.retain(|c| !c.is_control());
    Some(message)
}
