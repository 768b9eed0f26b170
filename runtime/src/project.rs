//! Projection of a CRM response onto the few fields an assistant may speak.

use serde_json::Value;

/// The value at a JSON pointer, treating `null` as absent.
pub fn at<'a>(value: &'a Value, pointer: &str) -> Option<&'a Value> {
    value.pointer(pointer).filter(|v| !v.is_null())
}

/// A field as text: strings as they are, numbers and booleans printed,
/// empty strings, objects and arrays as absent.
pub fn text(value: &Value, pointer: &str) -> Option<String> {
    match at(value, pointer)? {
        Value::String(s) if s.trim().is_empty() => None,
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A field as a number; numeric strings (as many CRMs send) are parsed.
pub fn number(value: &Value, pointer: &str) -> Option<f64> {
    match at(value, pointer)? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// A field as an integer; integral numbers and numeric strings are accepted.
pub fn integer(value: &Value, pointer: &str) -> Option<i64> {
    match at(value, pointer)? {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// A field as a boolean; `"true"`/`"false"` strings are accepted.
pub fn boolean(value: &Value, pointer: &str) -> Option<bool> {
    match at(value, pointer)? {
        Value::Bool(b) => Some(*b),
        Value::String(s) => match s.trim() {
            "true" => Some(true),
            "false" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn projects_strings_numbers_and_nulls() {
        let v =
            json!({"a": "x", "b": 3, "c": null, "d": "", "e": "4.5", "f": "true", "g": {"h": 1}});
        assert_eq!(text(&v, "/a").as_deref(), Some("x"));
        assert_eq!(text(&v, "/b").as_deref(), Some("3"));
        assert_eq!(text(&v, "/c"), None);
        assert_eq!(text(&v, "/d"), None);
        assert_eq!(text(&v, "/g"), None);
        assert_eq!(text(&v, "/missing"), None);
        assert_eq!(number(&v, "/e"), Some(4.5));
        assert_eq!(integer(&v, "/b"), Some(3));
        assert_eq!(boolean(&v, "/f"), Some(true));
        assert_eq!(text(&v, "/g/h").as_deref(), Some("1"));
    }
}
