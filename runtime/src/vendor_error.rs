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
}

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
    const CATEGORY: &[&str] = &["category", "errorCode", "code", "type", "error_code"];
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
}
