//! Request bodies: JSON parsed under a depth limit, and the one-line
//! refusals (`{"error": "..."}`) every route answers with.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

/// A refused request: its status and one line saying why.
#[derive(Debug)]
pub(crate) struct Reject {
    pub(crate) status: StatusCode,
    pub(crate) message: String,
}

impl Reject {
    pub(crate) fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Reject {
            status,
            message: message.into(),
        }
    }

    pub(crate) fn unauthorized(what: &str) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, format!("unauthorized: {what}"))
    }

    pub(crate) fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message)
    }

    pub(crate) fn unknown_tool(crm: &str, tool: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            format!("unknown tool `{tool}` for CRM `{crm}`"),
        )
    }
}

impl IntoResponse for Reject {
    fn into_response(self) -> Response {
        tracing::info!(status = self.status.as_u16(), reason = %self.message, "request refused");
        (self.status, Json(json!({ "error": self.message }))).into_response()
    }
}

/// Parses `bytes` as JSON, refusing nesting deeper than `max_depth` before
/// the parser sees it.
pub(crate) fn parse_json(bytes: &[u8], max_depth: usize) -> Result<Value, Reject> {
    check_depth(bytes, max_depth)?;
    serde_json::from_slice(bytes)
        .map_err(|e| Reject::bad_request(format!("malformed JSON body: {e}")))
}

/// Refuses a body nested deeper than `max_depth`.
pub(crate) fn check_depth(bytes: &[u8], max_depth: usize) -> Result<(), Reject> {
    match too_deep(bytes, max_depth) {
        Some(at) => Err(Reject::bad_request(format!(
            "JSON body nested deeper than {max_depth} levels (at byte {at})"
        ))),
        None => Ok(()),
    }
}

/// The offset where the nesting of `bytes` first passes `max_depth`,
/// counting brackets outside strings.
fn too_deep(bytes: &[u8], max_depth: usize) -> Option<usize> {
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    for (i, &b) in bytes.iter().enumerate() {
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > max_depth {
                    return Some(i);
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn depth_counts_brackets_outside_strings() {
        assert_eq!(too_deep(br#"{"a":[1,{"b":2}]}"#, 3), None);
        assert_eq!(too_deep(br#"{"a":[1,{"b":2}]}"#, 2), Some(8));
        assert_eq!(too_deep(br#"{"a":"[[[[[[\"[[[["}"#, 1), None);
        let deep = "[".repeat(10_000);
        assert!(parse_json(deep.as_bytes(), 32)
            .unwrap_err()
            .message
            .contains("deeper than 32"));
    }

    #[test]
    fn malformed_json_is_one_line() {
        let e = parse_json(b"{\"a\":\n", 32).unwrap_err();
        assert_eq!(e.status, StatusCode::BAD_REQUEST);
        assert!(e.message.starts_with("malformed JSON body: "));
        assert!(!e.message.contains('\n'));
    }
}
