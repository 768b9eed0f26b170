//! Who caused a 4xx: the caller's values, or the request the connector
//! built. The first is `invalid_input` (the caller can repeat or correct
//! a detail); the second is `refused` (nothing the caller says changes it,
//! and the binding needs a fix).
//!
//! The evidence, in order:
//! 1. a status about the request's method or format (405, 406, 411, 413,
//!    414, 415, 431): refused;
//! 2. a vendor code that only a request's shape earns (Stripe
//!    `parameter_unknown`, Salesforce `INVALID_FIELD`/`MALFORMED_QUERY`/
//!    `JSON_PARSER_ERROR`, HubSpot `PROPERTY_DOESNT_EXIST`, any
//!    `unknown_field`/`unrecognized`/`malformed`/parse error): refused;
//! 3. the fields the vendor's error names: when the request says which of
//!    its fields carry the caller's values ([`Request::caller_fields`]),
//!    an error naming one of them is the caller's and an error naming
//!    only others is refused; when it does not say, an error naming only
//!    fields the request does not hold at all (no query pair, header, body
//!    member or body value of that name) is refused;
//! 4. nothing named: a request that says it carries nothing of the
//!    caller's is refused; otherwise the caller's, as before (the request's
//!    shape is fixed and tested, the caller's values vary).
//!
//! Names are compared case-insensitively on their last segment
//! (`properties.email`, `/data/attributes/email`, `metadata[email]` and
//! `Email` all name `email`).

use serde_json::Value;

use crate::request::Request;
use crate::vendor_error::VendorError;

/// Who caused a 4xx.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Blame {
    /// The caller's values (or no evidence against them).
    Caller,
    /// The request the connector built; the reason, for the log.
    Request(String),
}

/// Statuses about the request's method or format, never its values.
const FORMAT_STATUSES: &[u16] = &[405, 406, 411, 413, 414, 415, 431];

/// Parts of a normalised vendor code that only a request's shape earns.
const SHAPE_CODES: &[&str] = &[
    "PARAMETER_UNKNOWN",
    "UNKNOWN_PARAMETER",
    "UNKNOWN_FIELD",
    "UNKNOWN_PROPERTY",
    "UNKNOWN_ATTRIBUTE",
    "UNRECOGNIZED",
    "UNRECOGNISED",
    "MALFORMED",
    "PARSE_ERROR",
    "PARSER_ERROR",
    "JSON_PARSE",
    "INVALID_JSON",
    "PROPERTY_DOESNT_EXIST",
    "PROPERTY_DOES_NOT_EXIST",
    "FIELD_DOESNT_EXIST",
    "FIELD_DOES_NOT_EXIST",
    "INVALID_FIELD",
    "PARAMETERS_EXCLUSIVE",
    "UNSUPPORTED_MEDIA",
    "METHOD_NOT_ALLOWED",
];

/// Decides who caused a 4xx that would otherwise be `invalid_input`.
pub(crate) fn blame(status: u16, vendor: Option<&VendorError>, request: &Request) -> Blame {
    if FORMAT_STATUSES.contains(&status) {
        return Blame::Request(format!(
            "status {status} is about the request's method or format"
        ));
    }
    let Some(vendor) = vendor else {
        return by_default(request);
    };
    if let Some(code) = vendor.codes.iter().find(|c| is_shape_code(c)) {
        return Blame::Request(format!("vendor code {code} is about the request's shape"));
    }
    let named: Vec<String> = vendor.fields.iter().filter_map(|f| leaf(f)).collect();
    if named.is_empty() {
        return by_default(request);
    }
    let callers: Vec<String> = match &request.caller_fields {
        Some(fields) => fields.iter().filter_map(|f| leaf(f)).collect(),
        None => request_names(request),
    };
    if named.iter().any(|n| callers.contains(n)) {
        return Blame::Caller;
    }
    let whose = if request.caller_fields.is_some() {
        "none of them from the caller's arguments"
    } else {
        "none of them in the request"
    };
    Blame::Request(format!(
        "the error names {}, {whose}",
        vendor.fields.join(", ")
    ))
}

fn by_default(request: &Request) -> Blame {
    match &request.caller_fields {
        Some(fields) if fields.is_empty() => {
            Blame::Request("the request carries nothing from the caller".to_string())
        }
        _ => Blame::Caller,
    }
}

/// A code in upper snake case: `parameter_unknown`, `ParameterUnknown` and
/// `parameter-unknown` all read `PARAMETER_UNKNOWN`.
fn normalise_code(code: &str) -> String {
    let mut out = String::with_capacity(code.len() + 4);
    let mut prev_lower = false;
    for c in code.chars() {
        if c.is_ascii_alphanumeric() {
            if c.is_ascii_uppercase() && prev_lower {
                out.push('_');
            }
            prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
            out.push(c.to_ascii_uppercase());
        } else {
            if !out.ends_with('_') {
                out.push('_');
            }
            prev_lower = false;
        }
    }
    out
}

/// Whether a vendor code is one only a request's shape earns.
pub(crate) fn is_shape_code(code: &str) -> bool {
    let code = normalise_code(code);
    SHAPE_CODES.iter().any(|s| code.contains(s))
}

/// The last name-like segment of a field path, lower case: `email` for
/// `properties.email`, `/data/attributes/email`, `metadata[email]`,
/// `items[0]` is `items`.
fn leaf(path: &str) -> Option<String> {
    path.split(['/', '.', '[', ']'])
        .map(str::trim)
        .rfind(|s| !s.is_empty() && !s.bytes().all(|b| b.is_ascii_digit()))
        .map(str::to_lowercase)
}

/// Every name a request holds: query and header names, body member names
/// and short body strings (a search names its field as a value:
/// `{"propertyName": "email"}`), at any depth.
fn request_names(request: &Request) -> Vec<String> {
    let mut names: Vec<String> = request
        .query
        .iter()
        .chain(&request.headers)
        .filter_map(|(n, _)| leaf(n))
        .collect();
    if let Some(body) = &request.body {
        body_names(body, &mut names, 0);
    }
    names
}

fn body_names(v: &Value, names: &mut Vec<String>, depth: usize) {
    if depth > 16 {
        return;
    }
    match v {
        Value::Object(map) => {
            for (k, v) in map {
                names.extend(leaf(k));
                body_names(v, names, depth + 1);
            }
        }
        Value::Array(items) => {
            for v in items {
                body_names(v, names, depth + 1);
            }
        }
        Value::String(s) if s.len() <= 64 => names.extend(leaf(s)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::Method;
    use crate::vendor_error;
    use serde_json::json;

    fn vendor(v: Value) -> VendorError {
        vendor_error::from_value(&v).unwrap()
    }

    fn create() -> Request {
        Request::new(Method::Post, "/contacts").json(json!({
            "properties": {"email": "jane@example.com", "lifecyclestage": "lead"}
        }))
    }

    fn invalid(field: &str) -> VendorError {
        vendor(json!({"status": "error", "category": "VALIDATION_ERROR",
            "message": format!("Property values were not valid: [{{\"isValid\":false,\"message\":\"bad\",\"error\":\"INVALID_OPTION\",\"name\":\"{field}\"}}]")}))
    }

    #[test]
    fn normalises_codes_and_field_names() {
        assert_eq!(normalise_code("parameter_unknown"), "PARAMETER_UNKNOWN");
        assert_eq!(normalise_code("ParameterUnknown"), "PARAMETER_UNKNOWN");
        assert_eq!(normalise_code("parameter-unknown"), "PARAMETER_UNKNOWN");
        assert!(is_shape_code("PROPERTY_DOESNT_EXIST"));
        assert!(is_shape_code("MALFORMED_QUERY"));
        assert!(!is_shape_code("invalid_request_error"));
        assert!(!is_shape_code("VALIDATION_ERROR"));
        assert!(!is_shape_code("INVALID_EMAIL"));
        assert_eq!(leaf("/data/attributes/Email").as_deref(), Some("email"));
        assert_eq!(leaf("metadata[email]").as_deref(), Some("email"));
        assert_eq!(leaf("items[0]").as_deref(), Some("items"));
        assert_eq!(leaf("properties.email").as_deref(), Some("email"));
        assert_eq!(leaf("/"), None);
    }

    #[test]
    fn an_unmarked_request_is_refused_only_on_evidence() {
        let r = create();
        assert_eq!(blame(400, Some(&invalid("email")), &r), Blame::Caller);
        // A field the request holds, even one the connector set.
        assert_eq!(
            blame(400, Some(&invalid("lifecyclestage")), &r),
            Blame::Caller
        );
        assert!(matches!(
            blame(422, Some(&invalid("lastname")), &r),
            Blame::Request(why) if why.contains("lastname")
        ));
        assert_eq!(blame(400, None, &r), Blame::Caller);
        let no_field = vendor(json!({"message": "There was a problem with the request."}));
        assert_eq!(blame(400, Some(&no_field), &r), Blame::Caller);
        assert!(matches!(blame(415, None, &r), Blame::Request(_)));
        let unknown = vendor(json!({"error": {"type": "invalid_request_error",
            "code": "parameter_unknown", "param": "email",
            "message": "Received unknown parameter: email"}}));
        assert!(
            matches!(blame(400, Some(&unknown), &r), Blame::Request(why) if why.contains("parameter_unknown"))
        );
    }

    #[test]
    fn a_marked_request_tells_the_callers_fields_from_its_own() {
        let r = create().caller_fields(["properties.email"]);
        assert_eq!(blame(400, Some(&invalid("email")), &r), Blame::Caller);
        assert!(matches!(
            blame(400, Some(&invalid("lifecyclestage")), &r),
            Blame::Request(why) if why.contains("lifecyclestage")
        ));
        let no_field = vendor(json!({"message": "There was a problem with the request."}));
        assert_eq!(blame(400, Some(&no_field), &r), Blame::Caller);
        let nothing = create().caller_fields(Vec::<String>::new());
        assert!(matches!(
            blame(400, Some(&no_field), &nothing),
            Blame::Request(_)
        ));
        assert!(matches!(blame(400, None, &nothing), Blame::Request(_)));
    }

    #[test]
    fn a_search_names_its_fields_as_values() {
        let search = Request::new(Method::Post, "/contacts/search").json(json!({
            "filterGroups": [{"filters": [{"propertyName": "email", "operator": "EQ", "value": "x"}]}]
        }));
        let hubspot = vendor(json!({"status": "error", "category": "VALIDATION_ERROR",
            "message": "invalid filter", "errors": [{"message": "bad value", "context": {"propertyName": ["email"]}}]}));
        assert_eq!(blame(400, Some(&hubspot), &search), Blame::Caller);
    }
}
