//! What an HTTP answer means: a 2xx body parsed (or found to be an error in
//! disguise), an error status mapped to an [`ErrorKind`] with the vendor's
//! reason in the detail.

use std::fmt;

use serde_json::Value;

use crate::blame::{blame, is_shape_code, Blame};
use crate::error::{ActionError, ErrorKind};
use crate::request::Request;
use crate::vendor_error::{self, VendorError};

/// A 2xx body: empty is `Null`; JSON is parsed and checked for an error
/// shape; anything else is an unusable answer.
pub(crate) fn success(
    body: &[u8],
    content_type: &str,
    status: u16,
    what: &dyn fmt::Display,
    request: &Request,
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
        let vendor = vendor_error::from_value(&value);
        let message = vendor.as_ref().map_or("no message", |v| v.message.as_str());
        let detail = format!("{what}: status {status} with an error body: {message}");
        // A code about the request's shape is the request's, whatever the
        // category said.
        let shape = vendor
            .as_ref()
            .is_some_and(|v| v.codes.iter().any(|c| is_shape_code(c)));
        let kind = if shape { ErrorKind::InvalidInput } else { kind };
        return Err(caller_or_request(
            kind,
            detail,
            status,
            vendor.as_ref(),
            request,
        ));
    }
    Ok(value)
}

/// A non-2xx answer as an error: the kind from the status, the vendor's
/// message (when its body has one) in the detail. A 4xx that is not about
/// auth, a missing record or the rate is `invalid_input` or `refused`, as
/// [`crate::blame`] decides.
pub(crate) fn failure(
    body: &[u8],
    status: u16,
    what: &dyn fmt::Display,
    request: &Request,
) -> ActionError {
    let vendor = vendor_error::parse(body);
    let detail = match &vendor {
        Some(v) => format!("{what}: status {status}: {}", v.message),
        None => format!("{what}: status {status}"),
    };
    let kind = match status {
        404 | 410 => ErrorKind::NotFound,
        401 | 403 => ErrorKind::Unauthorized,
        429 => ErrorKind::RateLimited,
        // A timeout, or a locked resource (Shopify's locked shop): nothing
        // the caller can fix.
        408 | 423 => ErrorKind::Unavailable,
        400..=499 => ErrorKind::InvalidInput,
        _ => ErrorKind::Unavailable,
    };
    caller_or_request(kind, detail, status, vendor.as_ref(), request)
}

/// The error; an `invalid_input` the request caused becomes `refused`,
/// with the reason, the vendor's codes and the fields it names added to
/// the detail.
fn caller_or_request(
    kind: ErrorKind,
    detail: String,
    status: u16,
    vendor: Option<&VendorError>,
    request: &Request,
) -> ActionError {
    if kind != ErrorKind::InvalidInput {
        return ActionError::new(kind, detail).with_status(status);
    }
    match blame(status, vendor, request) {
        Blame::Caller => ActionError::new(kind, detail),
        Blame::Request(why) => {
            ActionError::new(ErrorKind::Refused, format!("{detail} (refused: {why})"))
        }
    }
    .with_status(status)
}

/// Whether a failed status is worth another try (a request safe to repeat).
pub(crate) fn transient(status: u16) -> bool {
    matches!(status, 408 | 429) || status >= 500
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
    let category = vendor_error::from_value(v)
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

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
    fn maps_error_statuses_to_kinds() {
        let r = &Request::new(crate::Method::Get, "/x");
        assert_eq!(failure(b"", 404, &"GET /x", r).kind, ErrorKind::NotFound);
        assert_eq!(
            failure(b"", 403, &"GET /x", r).kind,
            ErrorKind::Unauthorized
        );
        assert_eq!(failure(b"", 429, &"GET /x", r).kind, ErrorKind::RateLimited);
        assert_eq!(failure(b"", 408, &"GET /x", r).kind, ErrorKind::Unavailable);
        assert_eq!(failure(b"", 423, &"GET /x", r).kind, ErrorKind::Unavailable);
        assert_eq!(
            failure(b"", 422, &"GET /x", r).kind,
            ErrorKind::InvalidInput
        );
        assert_eq!(failure(b"", 415, &"GET /x", r).kind, ErrorKind::Refused);
        assert_eq!(failure(b"", 502, &"GET /x", r).kind, ErrorKind::Unavailable);
        let e = failure(br#"{"message": "bad"}"#, 400, &"GET /x", r);
        assert_eq!(e.detail, "GET /x: status 400: bad");
        assert!(transient(503) && transient(429) && !transient(400));
    }
}
