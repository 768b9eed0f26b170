//! Errors a voice assistant can act on.

use std::fmt;

use serde::Serialize;

/// What went wrong, in the few kinds an assistant on a call can act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// The CRM has no matching record.
    NotFound,
    /// The arguments were missing or malformed, or the CRM rejected the
    /// caller's values (a 4xx about a field the caller gave): the caller
    /// may correct them.
    InvalidInput,
    /// The CRM refused the request the connector built (a 4xx about its
    /// method, format or shape, or a field the caller did not give): the
    /// caller cannot fix it, and the binding needs a look. The vendor's
    /// reason is in the detail and the log (masked).
    Refused,
    /// The credential is missing, wrong or lacks a scope (401/403).
    Unauthorized,
    /// The CRM says the record already exists (409) but it cannot be
    /// read back yet (a search index that lags); writing again would not
    /// help.
    Conflict,
    /// The CRM asked us to slow down (429).
    RateLimited,
    /// The CRM failed, was unreachable, or answered with something unusable.
    Unavailable,
    /// The call did not finish within its deadline.
    Timeout,
    /// The connector is not configured (a missing environment variable).
    Misconfigured,
}

impl ErrorKind {
    /// A short sentence the assistant may say to the caller.
    pub fn speakable(self) -> &'static str {
        match self {
            ErrorKind::NotFound => "I couldn't find a matching record.",
            ErrorKind::InvalidInput => "Some of the details didn't work. Could you repeat them?",
            ErrorKind::Refused => {
                "I can't do that right now: our records system turned down my request, and it isn't anything in the details you gave."
            }
            ErrorKind::Unauthorized | ErrorKind::Misconfigured => {
                "I can't access our records right now."
            }
            ErrorKind::Conflict => {
                "That record already exists, but I can't open it yet. Please give me a moment and try again."
            }
            ErrorKind::RateLimited | ErrorKind::Unavailable => {
                "Our records system isn't responding right now."
            }
            ErrorKind::Timeout => "That's taking too long; our records system is slow right now.",
        }
    }

    /// The snake_case name of the kind.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::NotFound => "not_found",
            ErrorKind::InvalidInput => "invalid_input",
            ErrorKind::Refused => "refused",
            ErrorKind::Unauthorized => "unauthorized",
            ErrorKind::Conflict => "conflict",
            ErrorKind::RateLimited => "rate_limited",
            ErrorKind::Unavailable => "unavailable",
            ErrorKind::Timeout => "timeout",
            ErrorKind::Misconfigured => "misconfigured",
        }
    }
}

/// A failed action: its kind, a sentence for the caller, and detail for logs.
///
/// The detail never holds a secret: it is built from status codes, paths
/// without query strings and vendor error messages, not from credentials;
/// and every email address and phone number in it is masked (see
/// [`crate::mask`]) when the error is made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ActionError {
    /// What kind of failure this is.
    pub kind: ErrorKind,
    /// What the assistant may say.
    pub message: String,
    /// Technical detail for logs.
    pub detail: String,
    /// The HTTP status, when the CRM answered.
    pub status: Option<u16>,
}

impl fmt::Display for ActionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind.as_str(), self.detail)
    }
}

impl ActionError {
    /// An error of `kind` with the kind's standard sentence; emails and
    /// phone numbers in `detail` are masked.
    pub fn new(kind: ErrorKind, detail: impl Into<String>) -> Self {
        ActionError {
            kind,
            message: kind.speakable().to_string(),
            detail: crate::mask::text(&detail.into()),
            status: None,
        }
    }

    /// No record matched.
    pub fn not_found(detail: impl Into<String>) -> Self {
        Self::new(ErrorKind::NotFound, detail)
    }

    /// The arguments are unusable; `message` tells the caller what to give.
    pub fn invalid_input(message: impl Into<String>, detail: impl Into<String>) -> Self {
        ActionError {
            message: message.into(),
            ..Self::new(ErrorKind::InvalidInput, detail)
        }
    }

    /// A required environment variable is missing.
    pub fn missing_env(crm: &str, var: &str) -> Self {
        Self::new(
            ErrorKind::Misconfigured,
            format!("{crm}: environment variable {var} is not set"),
        )
    }

    /// Records the HTTP status.
    pub fn with_status(mut self, status: u16) -> Self {
        self.status = Some(status);
        self
    }

    /// The JSON an assistant platform gets back for a failed tool call:
    /// `{"ok": false, "error": kind, "message": sentence}`, where `kind` is
    /// one of `not_found`, `invalid_input`, `refused`, `unauthorized`, `conflict`,
    /// `rate_limited`, `unavailable`, `timeout`, `misconfigured` (see
    /// [`ErrorKind`]) and `message` is what the assistant may say.
    pub fn to_tool_result(&self) -> serde_json::Value {
        serde_json::json!({
            "ok": false,
            "error": self.kind.as_str(),
            "message": self.message,
        })
    }
}
