//! A request as a generated connector describes it.

use std::fmt;

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde_json::Value;

/// HTTP methods a binding may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// GET
    Get,
    /// POST
    Post,
    /// PUT
    Put,
    /// PATCH
    Patch,
    /// DELETE
    Delete,
}

impl Method {
    /// The upper-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
        }
    }

    pub(crate) fn to_reqwest(self) -> reqwest::Method {
        match self {
            Method::Get => reqwest::Method::GET,
            Method::Post => reqwest::Method::POST,
            Method::Put => reqwest::Method::PUT,
            Method::Patch => reqwest::Method::PATCH,
            Method::Delete => reqwest::Method::DELETE,
        }
    }
}

/// Characters left as they are in a path segment (RFC 3986 unreserved).
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Percent-encodes a value for one path segment, so a caller's input can
/// never add a `/`, `?` or `#` to the path.
pub fn encode_path_segment(value: &str) -> String {
    utf8_percent_encode(value, SEGMENT).to_string()
}

/// How a request's body is sent, and how its answer is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BodyFormat {
    /// `application/json`.
    #[default]
    Json,
    /// `application/x-www-form-urlencoded` in bracket notation
    /// ([`crate::form::encode`]; Stripe).
    Form,
    /// A GraphQL document and its variables as JSON; the answer's `data`
    /// is the result and its `errors` or `userErrors` are errors
    /// ([`crate::graphql::read_answer`]).
    GraphQl,
}

/// One HTTP request of an action. `Debug` shows the masked path and the
/// names of query pairs and headers, never their values or the body (they
/// hold the caller's data).
#[derive(Clone, PartialEq)]
pub struct Request {
    /// Method.
    pub method: Method,
    /// Path below the base URL, path parameters already encoded.
    pub path: String,
    /// Query pairs, in order.
    pub query: Vec<(String, String)>,
    /// Extra headers, in order.
    pub headers: Vec<(String, String)>,
    /// JSON body.
    pub body: Option<Value>,
    /// Whether repeating the request is harmless (reads, searches).
    pub retry_safe: bool,
    /// How the body is sent and the answer read.
    pub format: BodyFormat,
    /// The vendor's names of the fields whose values come from the
    /// caller's arguments (query names, body members, path parameters),
    /// when the connector says ([`Request::caller_fields`]); `None` when it
    /// does not. Tells a 4xx the caller caused (`invalid_input`) from one
    /// the request caused (`refused`).
    pub caller_fields: Option<Vec<String>>,
}

impl fmt::Debug for Request {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names = |pairs: &[(String, String)]| -> Vec<String> {
            pairs.iter().map(|(n, _)| n.clone()).collect()
        };
        f.debug_struct("Request")
            .field("method", &self.method)
            .field("path", &crate::mask::text(&self.path))
            .field("query", &names(&self.query))
            .field("headers", &names(&self.headers))
            .field("body", &self.body.as_ref().map(|_| "…"))
            .field("retry_safe", &self.retry_safe)
            .field("format", &self.format)
            .field("caller_fields", &self.caller_fields)
            .finish()
    }
}

impl Request {
    /// A request for `path`; GETs are retry-safe, other methods are not.
    pub fn new(method: Method, path: impl Into<String>) -> Self {
        Request {
            method,
            path: path.into(),
            query: Vec::new(),
            headers: Vec::new(),
            body: None,
            retry_safe: method == Method::Get,
            format: BodyFormat::Json,
            caller_fields: None,
        }
    }

    /// A GraphQL request: `POST path` with `{"query": document,
    /// "variables": variables}`. The answer's `data` is what
    /// [`crate::Client::send`] returns, so result pointers start inside
    /// it; `errors` and `userErrors` become errors, Shopify's `THROTTLED`
    /// a `rate_limited` one. A query (not a `mutation`) is safe to repeat.
    pub fn graphql(path: impl Into<String>, document: &str, variables: Value) -> Self {
        let mutation = document.trim_start().starts_with("mutation");
        let mut request = Request::new(Method::Post, path).json(serde_json::json!({
            "query": document,
            "variables": variables,
        }));
        request.format = BodyFormat::GraphQl;
        request.retry_safe = !mutation;
        request
    }

    /// Adds a query pair.
    pub fn query(mut self, name: &str, value: impl ToString) -> Self {
        self.query.push((name.to_string(), value.to_string()));
        self
    }

    /// Adds a query pair when the value is present.
    pub fn query_opt<T: ToString>(self, name: &str, value: Option<T>) -> Self {
        match value {
            Some(v) => self.query(name, v),
            None => self,
        }
    }

    /// Adds a header.
    pub fn header(mut self, name: &str, value: impl ToString) -> Self {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    /// Adds a header when the value is present.
    pub fn header_opt<T: ToString>(self, name: &str, value: Option<T>) -> Self {
        match value {
            Some(v) => self.header(name, v),
            None => self,
        }
    }

    /// Sets the JSON body (and the JSON format).
    pub fn json(mut self, body: Value) -> Self {
        self.body = Some(body);
        self.format = BodyFormat::Json;
        self
    }

    /// Sets the JSON body, leaving out every object member whose value is
    /// `null` (at any depth): an optional argument that was not given is
    /// omitted rather than sent as `null`, which many CRMs refuse (HubSpot
    /// property values are strings). Array items are kept as they are.
    pub fn json_without_nulls(self, body: Value) -> Self {
        self.json(without_nulls(body))
    }

    /// Sets a form body (`application/x-www-form-urlencoded`) written from
    /// `body` in bracket notation (`metadata[source]=voice`); `null`
    /// members are left out.
    pub fn form(mut self, body: Value) -> Self {
        self.body = Some(body);
        self.format = BodyFormat::Form;
        self
    }

    /// Says which of the request's fields carry the caller's values, by
    /// the vendor's names (`email`, `properties.email`,
    /// `filters[0].value`; compared on the last segment, ignoring case).
    /// A 4xx whose vendor error names only other fields, or names none
    /// when this list is empty, is then [`crate::ErrorKind::Refused`]: the
    /// request the connector built was turned down, and the caller cannot
    /// fix it. Calls add to the list.
    pub fn caller_fields<I, S>(mut self, fields: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.caller_fields
            .get_or_insert_with(Vec::new)
            .extend(fields.into_iter().map(Into::into));
        self
    }

    /// Marks a non-GET request as safe to repeat (a search sent as POST).
    pub fn retry_safe(mut self, safe: bool) -> Self {
        self.retry_safe = safe;
        self
    }

    /// Sends a fresh idempotency key in `header` (Stripe's
    /// `Idempotency-Key`) and marks the request safe to repeat: the key is
    /// made once here, so a retry of this request carries the same key and
    /// the server applies the write at most once.
    pub fn idempotency_key(self, header: &str) -> Self {
        self.header(header, new_idempotency_key()).retry_safe(true)
    }
}

/// `value` without object members whose value is `null`, at any depth.
fn without_nulls(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k, without_nulls(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(without_nulls).collect()),
        other => other,
    }
}

/// A random 128-bit key in UUID v4 form.
pub fn new_idempotency_key() -> String {
    let hi = fastrand::u64(..);
    let lo = fastrand::u64(..);
    // Version 4, variant 10.
    let hi = (hi & 0xffff_ffff_ffff_0fff) | 0x0000_0000_0000_4000;
    let lo = (lo & 0x3fff_ffff_ffff_ffff) | 0x8000_0000_0000_0000;
    format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        hi >> 32,
        (hi >> 16) & 0xffff,
        hi & 0xffff,
        lo >> 48,
        lo & 0xffff_ffff_ffff
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_shows_no_caller_data() {
        let r = Request::new(Method::Get, "/contacts/jane%40example.com")
            .query("phone", "+14155550123")
            .header("x-caller", "jane@example.com")
            .json(serde_json::json!({"email": "jane@example.com"}));
        let shown = format!("{r:?}");
        assert!(
            !shown.contains("jane@") && !shown.contains("jane%40"),
            "{shown}"
        );
        assert!(!shown.contains("4155550123"), "{shown}");
        assert!(
            shown.contains("j***@example.com") && shown.contains("phone"),
            "{shown}"
        );
    }

    #[test]
    fn optional_members_are_left_out_of_a_body() {
        let r = Request::new(Method::Post, "/contacts").json_without_nulls(serde_json::json!({
            "properties": {"email": null, "firstname": "Jane", "tags": [null, 1]},
            "note": null
        }));
        assert_eq!(
            r.body,
            Some(serde_json::json!({"properties": {"firstname": "Jane", "tags": [null, 1]}}))
        );
    }

    #[test]
    fn idempotency_keys_are_fresh_uuids() {
        let a = new_idempotency_key();
        let b = new_idempotency_key();
        assert_ne!(a, b);
        assert_eq!(a.len(), 36);
        assert_eq!(&a[14..15], "4");
        let r = Request::new(Method::Post, "/charges").idempotency_key("Idempotency-Key");
        assert!(r.retry_safe);
        assert_eq!(r.headers[0].0, "Idempotency-Key");
    }
}
