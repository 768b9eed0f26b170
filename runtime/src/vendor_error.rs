//! What a vendor's error body says: its message and category, read from
//! the shapes CRMs and payment APIs use.

use serde_json::Value;

/// What a vendor's error body says.
#[derive(Debug, PartialEq)]
pub(crate) struct VendorError {
    /// The human-readable reason (at most 300 characters, no control
    /// characters; not yet masked).
    pub(crate) message: String,
    /// The vendor's category or code, when it gives one.
    pub(crate) category: Option<String>,
    /// Every code, category or type the body gives (top level, nested
    /// error, each item of an error list, HubSpot's per-property errors),
    /// at most [`MAX_NAMES`].
    pub(crate) codes: Vec<String>,
    /// The request fields the error is about, as the vendor names them
    /// (`email`, `properties.email`, `/data/attributes/email`,
    /// `metadata[key]`), at most [`MAX_NAMES`].
    pub(crate) fields: Vec<String>,
}

/// Most codes and field names kept from one error body.
pub(crate) const MAX_NAMES: usize = 16;

/// Members that hold a code or category.
const CATEGORY: &[&str] = &["category", "errorCode", "code", "type", "error_code"];

/// Members of an error item that name the field it is about: Stripe
/// `param`, Google `field`, and the common extensions of RFC 7807 and
/// JSON:API (`property`, `parameter`, `pointer`, `attribute`). Not `path`:
/// many frameworks put the request's URL path there.
const FIELD: &[&str] = &[
    "param",
    "field",
    "property",
    "propertyName",
    "parameter",
    "pointer",
    "attribute",
];

/// The message (and category or code) of a vendor error body, for the known
/// shapes: HubSpot `{"status","message","category"}`, Stripe
/// `{"error": {"type","code","message"}}`, Salesforce `[{"message",
/// "errorCode"}]`, Zendesk `{"error","description"}`, Pipedrive
/// `{"success": false, "error"}`, JSON:API `{"errors": [{"title",
/// "detail","code"}]}`, RFC 7807 `{"title","detail"}`.
pub(crate) fn parse(body: &[u8]) -> Option<VendorError> {
    let v: Value = serde_json::from_slice(body).ok()?;
    from_value(&v)
}

/// [`parse`] on a body already parsed.
pub(crate) fn from_value(v: &Value) -> Option<VendorError> {
    let v = match v {
        Value::Array(items) => items.first()?,
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
    let nested = match v.get("error") {
        Some(e @ Value::Object(_)) => Some(e),
        _ => v
            .get("errors")
            .and_then(|e| e.get(0))
            .filter(|e| e.is_object()),
    };
    let message = pick(v, MESSAGE)
        .or_else(|| v.get("error").and_then(Value::as_str).map(str::to_string))
        .or_else(|| nested.and_then(|n| pick(n, MESSAGE)))?;
    let category = pick(v, CATEGORY)
        .or_else(|| nested.and_then(|n| pick(n, CATEGORY)))
        .or_else(|| v.get("error").and_then(Value::as_str).map(str::to_string));
    let clean = |s: String| -> String {
        let mut s: String = s.chars().take(300).collect();
        s.retain(|c| !c.is_control());
        s
    };
    let mut names = Names::default();
    names.collect(v, 0);
    Some(VendorError {
        message: clean(message),
        category: category.map(clean),
        codes: names.codes.into_iter().map(clean).collect(),
        fields: names.fields.into_iter().map(clean).collect(),
    })
}

/// Codes and field names gathered from an error body.
#[derive(Default)]
struct Names {
    codes: Vec<String>,
    fields: Vec<String>,
}

impl Names {
    fn code(&mut self, s: &str) {
        if self.codes.len() < MAX_NAMES && !s.is_empty() && !self.codes.iter().any(|c| c == s) {
            self.codes.push(s.to_string());
        }
    }

    fn field(&mut self, s: &str) {
        if self.fields.len() < MAX_NAMES && !s.is_empty() && !self.fields.iter().any(|f| f == s) {
            self.fields.push(s.to_string());
        }
    }

    /// Looks at one error object: its codes, the fields it names, and the
    /// error objects nested in it (`error`, `errors`, `details`,
    /// Salesforce's `fields`, RFC 7807's `invalid-params`, Google's
    /// `fieldViolations`, HubSpot's `context` and the JSON list HubSpot
    /// embeds in its message), a few levels deep.
    fn collect(&mut self, v: &Value, depth: usize) {
        if depth > 6 {
            return;
        }
        match v {
            Value::Array(items) => {
                for item in items.iter().take(MAX_NAMES) {
                    self.collect(item, depth + 1);
                }
            }
            Value::Object(obj) => {
                for key in CATEGORY.iter().chain(["error", "subCategory"].iter()) {
                    if let Some(Value::String(s)) = obj.get(*key) {
                        self.code(s);
                    }
                }
                for key in FIELD {
                    match obj.get(*key) {
                        Some(Value::String(s)) => self.field(s),
                        Some(Value::Array(list)) => list
                            .iter()
                            .filter_map(Value::as_str)
                            .for_each(|s| self.field(s)),
                        _ => {}
                    }
                }
                // RFC 7807's `invalid-params` and HubSpot's per-property
                // errors name the field in `name`.
                if obj.contains_key("reason") || obj.contains_key("isValid") {
                    if let Some(Value::String(s)) = obj.get("name") {
                        self.field(s);
                    }
                }
                // Salesforce: `"fields": ["LastName"]`.
                if let Some(Value::Array(list)) = obj.get("fields") {
                    list.iter()
                        .filter_map(Value::as_str)
                        .for_each(|s| self.field(s));
                }
                // JSON:API: `"source": {"pointer": "/data/attributes/x"}`.
                if let Some(source) = obj.get("source") {
                    self.collect(source, depth + 1);
                }
                // HubSpot: `"context": {"propertyName": ["email"]}`.
                if let Some(context) = obj.get("context") {
                    self.collect(context, depth + 1);
                }
                // Zendesk and Rails: `{"details": {"email": [...]}}`,
                // `{"errors": {"email": ["is invalid"]}}`: the keys are fields.
                for key in ["details", "errors"] {
                    if let Some(Value::Object(map)) = obj.get(key) {
                        for name in map.keys().take(MAX_NAMES) {
                            self.field(name);
                        }
                    }
                }
                for key in [
                    "error",
                    "errors",
                    "invalid-params",
                    "invalid_params",
                    "fieldViolations",
                ] {
                    if let Some(nested @ (Value::Object(_) | Value::Array(_))) = obj.get(key) {
                        self.collect(nested, depth + 1);
                    }
                }
                if let Some(details @ Value::Array(_)) = obj.get("details") {
                    self.collect(details, depth + 1);
                }
                // HubSpot writes its per-property errors as JSON inside
                // the message: `Property values were not valid: [{...}]`.
                if let Some(Value::String(m)) = obj.get("message") {
                    let embedded = m.find("[{").and_then(|start| m.get(start..));
                    if let Some(Ok(list)) = embedded.map(serde_json::from_str::<Value>) {
                        self.collect(&list, depth + 1);
                    }
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn vendor(v: Value) -> Option<VendorError> {
        parse(&serde_json::to_vec(&v).unwrap())
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
        assert_eq!(parse(b"<html>"), None);
    }

    #[test]
    fn reads_the_codes_and_the_fields_an_error_names() {
        let stripe = vendor(json!({"error": {"type": "invalid_request_error", "code": "parameter_missing", "param": "customer", "message": "Missing required param: customer."}})).unwrap();
        assert_eq!(stripe.fields, ["customer"]);
        assert!(stripe.codes.contains(&"parameter_missing".to_string()));
        let hubspot = vendor(json!({"status": "error", "category": "VALIDATION_ERROR",
            "message": "Property values were not valid: [{\"isValid\":false,\"message\":\"Enter only letters\",\"error\":\"INVALID_ALPHA\",\"name\":\"firstname\"},{\"isValid\":false,\"message\":\"x\",\"error\":\"PROPERTY_DOESNT_EXIST\",\"name\":\"nickname\"}]"})).unwrap();
        assert_eq!(hubspot.fields, ["firstname", "nickname"]);
        assert_eq!(
            hubspot.codes,
            ["VALIDATION_ERROR", "INVALID_ALPHA", "PROPERTY_DOESNT_EXIST"]
        );
        let hubspot_v3 = vendor(json!({"status": "error", "message": "One or more validation errors occurred", "category": "VALIDATION_ERROR",
            "errors": [{"message": "bad", "context": {"propertyName": ["email"]}}]})).unwrap();
        assert_eq!(hubspot_v3.fields, ["email"]);
        let salesforce = vendor(json!([{"message": "Required fields are missing: [LastName]", "errorCode": "REQUIRED_FIELD_MISSING", "fields": ["LastName"]}])).unwrap();
        assert_eq!(salesforce.fields, ["LastName"]);
        assert_eq!(salesforce.codes, ["REQUIRED_FIELD_MISSING"]);
        let jsonapi = vendor(json!({"errors": [{"status": "422", "code": "invalid", "detail": "is invalid", "source": {"pointer": "/data/attributes/email"}}, {"detail": "x", "source": {"parameter": "include"}}]})).unwrap();
        assert_eq!(jsonapi.fields, ["/data/attributes/email", "include"]);
        let zendesk = vendor(json!({"error": "RecordInvalid", "description": "Record validation errors", "details": {"email": [{"description": "Email is invalid", "error": "InvalidValue"}]}})).unwrap();
        assert_eq!(zendesk.fields, ["email"]);
        let problem = vendor(json!({"type": "https://example.net/validation-error", "title": "Your request parameters didn't validate.",
            "invalid-params": [{"name": "age", "reason": "must be a positive integer"}]})).unwrap();
        assert_eq!(problem.fields, ["age"]);
        let google = vendor(json!({"error": {"code": 400, "message": "bad", "status": "INVALID_ARGUMENT",
            "details": [{"@type": "type.googleapis.com/google.rpc.BadRequest", "fieldViolations": [{"field": "contact.email", "description": "bad"}]}]}})).unwrap();
        assert_eq!(google.fields, ["contact.email"]);
        let rails =
            vendor(json!({"message": "Validation failed", "errors": {"phone": ["is invalid"]}}))
                .unwrap();
        assert_eq!(rails.fields, ["phone"]);
        // A framework's `path` is the URL's, not a field.
        let spring = vendor(
            json!({"status": 400, "error": "Bad Request", "message": "x", "path": "/api/contacts"}),
        )
        .unwrap();
        assert!(spring.fields.is_empty(), "{:?}", spring.fields);
    }
}
