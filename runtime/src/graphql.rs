//! GraphQL answers: a 200 whose `errors` or `userErrors` say it failed.
//!
//! A GraphQL server answers 200 to almost everything. What went wrong is in
//! the body: top-level `errors` (with `extensions.code`: Shopify's
//! `THROTTLED`, `ACCESS_DENIED`, the common `UNAUTHENTICATED`,
//! `BAD_USER_INPUT`; a query the server cannot run is `refused`) or, for
//! a mutation, the payload's `userErrors` (`customerUserErrors`, …). [`read_answer`] turns either into one of our
//! error kinds and hands back `data` otherwise; a throttled answer carries
//! the pause Shopify's cost figures imply.

use std::time::Duration;

use serde_json::Value;

use crate::error::{ActionError, ErrorKind};

/// How a GraphQL answer failed: the error, and for a throttled one the
/// pause after which the query would fit the restored budget.
#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    /// The error for the caller and the logs.
    pub error: ActionError,
    /// When to try again, for `rate_limited`.
    pub retry_after: Option<Duration>,
}

/// The `data` of a GraphQL answer, or the failure it reports: non-empty
/// top-level `errors` (any, even beside partial data: a connector asks
/// only for what it needs), a non-empty `userErrors` (or `…UserErrors`)
/// list in any top-level payload of `data`, or no `data` at all. `what`
/// names the request in the error's detail.
pub fn read_answer(answer: Value, what: &str) -> Result<Value, Failure> {
    let Value::Object(mut answer) = answer else {
        return Err(failure(
            ErrorKind::Unavailable,
            format!("{what}: a GraphQL answer that is not an object"),
        ));
    };
    if let Some(errors) = answer
        .get("errors")
        .and_then(Value::as_array)
        .filter(|e| !e.is_empty())
    {
        let first = errors.first().unwrap_or(&Value::Null);
        let code = first
            .pointer("/extensions/code")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        let message = first
            .get("message")
            .and_then(Value::as_str)
            .unwrap_or("no message");
        let kind = kind_of_code(&code);
        let detail = format!(
            "{what}: GraphQL error{} {}{}",
            if code.is_empty() {
                String::new()
            } else {
                format!(" {code}:")
            },
            clean(message),
            if errors.len() > 1 {
                format!(" (and {} more)", errors.len() - 1)
            } else {
                String::new()
            }
        );
        let retry_after = (kind == ErrorKind::RateLimited)
            .then(|| throttle_pause(&Value::Object(answer.clone())))
            .flatten();
        return Err(Failure {
            error: ActionError::new(kind, detail),
            retry_after,
        });
    }
    let data = match answer.remove("data") {
        Some(d) if !d.is_null() => d,
        _ => {
            return Err(failure(
                ErrorKind::Unavailable,
                format!("{what}: a GraphQL answer without data or errors"),
            ))
        }
    };
    if let Some(error) = user_errors(&data, what) {
        return Err(Failure {
            error,
            retry_after: None,
        });
    }
    Ok(data)
}

/// The first non-empty `userErrors` (or `…UserErrors`) list among `data`'s
/// top-level payloads, as an error: `not_found` when its code says so,
/// `conflict` for `TAKEN`, otherwise `invalid_input`.
fn user_errors(data: &Value, what: &str) -> Option<ActionError> {
    let payloads = data.as_object()?;
    for payload in payloads.values().filter_map(Value::as_object) {
        for (key, list) in payload {
            if !(key == "userErrors" || key.ends_with("UserErrors")) {
                continue;
            }
            let Some(first) = list.as_array().and_then(|l| l.first()) else {
                continue;
            };
            let code = first
                .get("code")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_ascii_uppercase();
            let field = match first.get("field") {
                Some(Value::Array(parts)) => parts
                    .iter()
                    .filter_map(Value::as_str)
                    .collect::<Vec<_>>()
                    .join("."),
                Some(Value::String(s)) => s.clone(),
                _ => String::new(),
            };
            let message = first
                .get("message")
                .and_then(Value::as_str)
                .unwrap_or("no message");
            let kind = if code.contains("NOT_FOUND") {
                ErrorKind::NotFound
            } else if code == "TAKEN" {
                ErrorKind::Conflict
            } else {
                ErrorKind::InvalidInput
            };
            let detail = format!(
                "{what}: {key}{}{}: {}",
                if field.is_empty() {
                    String::new()
                } else {
                    format!(" on {}", clean(&field))
                },
                if code.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", clean(&code))
                },
                clean(message)
            );
            return Some(if kind == ErrorKind::InvalidInput {
                ActionError::invalid_input(
                    "Some of the details didn't work. Could you repeat them?",
                    detail,
                )
            } else {
                ActionError::new(kind, detail)
            });
        }
    }
    None
}

/// Our kind for a GraphQL error code (`extensions.code`).
fn kind_of_code(code: &str) -> ErrorKind {
    match code.to_ascii_uppercase().as_str() {
        "THROTTLED" | "RATE_LIMITED" | "TOO_MANY_REQUESTS" => ErrorKind::RateLimited,
        "ACCESS_DENIED" | "UNAUTHENTICATED" | "UNAUTHORIZED" | "FORBIDDEN" => {
            ErrorKind::Unauthorized
        }
        "NOT_FOUND" => ErrorKind::NotFound,
        "BAD_USER_INPUT" => ErrorKind::InvalidInput,
        // The document the connector sent is wrong or too costly: the
        // server turned down our request, not the caller's values.
        "GRAPHQL_PARSE_FAILED" | "GRAPHQL_VALIDATION_FAILED" | "MAX_COST_EXCEEDED" => {
            ErrorKind::Refused
        }
        // graphql-ruby's static validation codes (Shopify): camelCase,
        // `undefinedField`, `argumentLiteralsIncompatible`, …
        _ if code.starts_with(|c: char| c.is_ascii_lowercase())
            && code.chars().all(|c| c.is_ascii_alphanumeric()) =>
        {
            ErrorKind::Refused
        }
        // A server error, an inactive shop, no code at all: nothing the
        // caller can fix, and maybe passing.
        _ => ErrorKind::Unavailable,
    }
}

/// Shopify's cost figures: how long until the budget has restored enough
/// for the query (`(requestedQueryCost - currentlyAvailable) /
/// restoreRate` seconds), at least 100 ms.
fn throttle_pause(answer: &Value) -> Option<Duration> {
    let cost = answer.pointer("/extensions/cost")?;
    let requested = cost.get("requestedQueryCost")?.as_f64()?;
    let available = cost
        .pointer("/throttleStatus/currentlyAvailable")?
        .as_f64()?;
    let rate = cost.pointer("/throttleStatus/restoreRate")?.as_f64()?;
    if !rate.is_finite() || rate <= 0.0 {
        return None;
    }
    let secs = ((requested - available) / rate).clamp(0.1, 60.0);
    Some(Duration::from_secs_f64(secs))
}

fn failure(kind: ErrorKind, detail: String) -> Failure {
    Failure {
        error: ActionError::new(kind, detail),
        retry_after: None,
    }
}

fn clean(s: &str) -> String {
    let mut s: String = s.chars().take(300).collect();
    s.retain(|c| !c.is_control());
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const WHAT: &str = "POST /admin/api/2025-01/graphql.json";

    fn fails(answer: Value) -> Failure {
        read_answer(answer, WHAT).unwrap_err()
    }

    #[test]
    fn data_is_handed_back() {
        let data = read_answer(
            json!({"data": {"orders": {"edges": []}}, "extensions": {"cost": {}}}),
            WHAT,
        )
        .unwrap();
        assert_eq!(data, json!({"orders": {"edges": []}}));
        // Empty userErrors is success.
        let data = read_answer(
            json!({"data": {"customerCreate": {"customer": {"id": "1"}, "userErrors": []}}}),
            WHAT,
        )
        .unwrap();
        assert_eq!(data["customerCreate"]["customer"]["id"], "1");
    }

    #[test]
    fn shopify_throttling_is_rate_limited_with_a_pause() {
        let f = fails(json!({
            "errors": [{"message": "Throttled", "extensions": {"code": "THROTTLED",
                        "documentation": "https://shopify.dev/api/usage/rate-limits"}}],
            "extensions": {"cost": {"requestedQueryCost": 202, "actualQueryCost": null,
                "throttleStatus": {"maximumAvailable": 2000.0, "currentlyAvailable": 102,
                                   "restoreRate": 100.0}}}
        }));
        assert_eq!(f.error.kind, ErrorKind::RateLimited);
        assert_eq!(f.retry_after, Some(Duration::from_secs(1)));
        assert!(
            f.error.detail.contains("THROTTLED: Throttled"),
            "{}",
            f.error.detail
        );
        // No cost figures: no pause of our own.
        let f = fails(json!({"errors": [{"message": "x", "extensions": {"code": "THROTTLED"}}]}));
        assert_eq!(
            (f.error.kind, f.retry_after),
            (ErrorKind::RateLimited, None)
        );
    }

    #[test]
    fn error_codes_map_to_kinds() {
        for (code, kind) in [
            ("ACCESS_DENIED", ErrorKind::Unauthorized),
            ("UNAUTHENTICATED", ErrorKind::Unauthorized),
            ("NOT_FOUND", ErrorKind::NotFound),
            ("BAD_USER_INPUT", ErrorKind::InvalidInput),
            ("INTERNAL_SERVER_ERROR", ErrorKind::Unavailable),
            ("SHOP_INACTIVE", ErrorKind::Unavailable),
            ("undefinedField", ErrorKind::Refused),
            ("argumentLiteralsIncompatible", ErrorKind::Refused),
            ("GRAPHQL_VALIDATION_FAILED", ErrorKind::Refused),
            ("MAX_COST_EXCEEDED", ErrorKind::Refused),
        ] {
            let f = fails(json!({"errors": [{"message": "m", "extensions": {"code": code}}]}));
            assert_eq!(f.error.kind, kind, "{code}");
        }
        // Errors beside partial data still fail; no code is unavailable.
        let f = fails(json!({"data": {"order": null},
                             "errors": [{"message": "a"}, {"message": "b"}]}));
        assert_eq!(f.error.kind, ErrorKind::Unavailable);
        assert!(
            f.error.detail.ends_with("a (and 1 more)"),
            "{}",
            f.error.detail
        );
    }

    #[test]
    fn user_errors_in_a_200_are_errors() {
        let f = fails(
            json!({"data": {"customerCreate": {"customer": null, "userErrors": [
                {"field": ["input", "email"], "message": "Email jane@example.com has already been taken", "code": "TAKEN"}
            ]}}}),
        );
        assert_eq!(f.error.kind, ErrorKind::Conflict);
        assert_eq!(
            f.error.detail,
            format!("{WHAT}: userErrors on input.email (TAKEN): Email j***@example.com has already been taken")
        );
        let f = fails(json!({"data": {"orderCancel": {"orderCancelUserErrors": [
            {"field": ["orderId"], "message": "Order does not exist", "code": "NOT_FOUND"}
        ]}}}));
        assert_eq!(f.error.kind, ErrorKind::NotFound);
        let f = fails(json!({"data": {"draftOrderCreate": {"userErrors": [
            {"field": null, "message": "Line items can't be blank"}
        ]}}}));
        assert_eq!(f.error.kind, ErrorKind::InvalidInput);
        assert_eq!(
            f.error.detail,
            format!("{WHAT}: userErrors: Line items can't be blank")
        );
    }

    #[test]
    fn answers_without_data_are_unavailable() {
        for answer in [
            json!({}),
            json!({"data": null}),
            json!([1]),
            json!({"errors": []}),
        ] {
            assert_eq!(fails(answer).error.kind, ErrorKind::Unavailable);
        }
    }
}
