//! `application/x-www-form-urlencoded` bodies from a JSON value, in the
//! bracket notation Stripe (and Rails, PHP, `qs`) reads.
//!
//! `{"email": "a@b.c", "metadata": {"source": "voice"}, "line_items":
//! [{"price": "price_1", "quantity": 1}]}` becomes
//! `email=a%40b.c&metadata[source]=voice&line_items[0][price]=price_1&line_items[0][quantity]=1`:
//! nested objects add `[key]`, arrays add `[index]`, members keep their
//! order, `null`s and empty objects or arrays are left out. Brackets stay
//! literal (as Stripe's own libraries send them); everything else is
//! encoded as the WHATWG URL standard says (space as `+`, only
//! alphanumerics and `*-._` kept).

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde_json::Value;

/// Bytes kept as they are in a form value (WHATWG
/// `application/x-www-form-urlencoded`); a space is handled apart.
const FORM_VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'*')
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b' ');

/// In a key, brackets stay too: they are the notation itself.
const FORM_KEY: &AsciiSet = &FORM_VALUE.remove(b'[').remove(b']');

/// The form encoding of `value`. An object's members become fields; any
/// other top-level value has no name to go under and gives an empty body.
pub fn encode(value: &Value) -> String {
    let mut out = String::new();
    for (key, val) in fields(value) {
        if !out.is_empty() {
            out.push('&');
        }
        out.push_str(&escape(&key, FORM_KEY));
        out.push('=');
        out.push_str(&escape(&val, FORM_VALUE));
    }
    out
}

/// The (key, value) pairs [`encode`] writes, in order, not yet escaped.
pub fn fields(value: &Value) -> Vec<(String, String)> {
    let mut fields = Vec::new();
    if let Value::Object(map) = value {
        for (key, member) in map {
            flatten(key.clone(), member, &mut fields);
        }
    }
    fields
}

fn flatten(key: String, value: &Value, out: &mut Vec<(String, String)>) {
    match value {
        Value::Null => {}
        Value::Bool(b) => out.push((key, b.to_string())),
        Value::Number(n) => out.push((key, n.to_string())),
        Value::String(s) => out.push((key, s.clone())),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                flatten(format!("{key}[{i}]"), item, out);
            }
        }
        Value::Object(map) => {
            for (name, member) in map {
                flatten(format!("{key}[{name}]"), member, out);
            }
        }
    }
}

fn escape(text: &str, set: &'static AsciiSet) -> String {
    utf8_percent_encode(text, set).to_string().replace(' ', "+")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn stripe_bracket_notation_byte_for_byte() {
        let body = json!({
            "customer": "cus_NffrFeUfNV2Hib",
            "metadata": {"source": "voice", "call id": "c/1"},
            "line_items": [
                {"price": "price_1MoBy5LkdIwHu7ixZhnattbh", "quantity": 2},
                {"price": "price_2", "quantity": 1, "adjustable_quantity": {"enabled": false}}
            ],
            "expand": ["latest_invoice.payment_intent"],
            "description": "Order #42 — 2× café & more=yes",
            "unset": null,
            "empty": {},
            "none": [],
            "amount": 4990,
            "rate": 0.5
        });
        assert_eq!(
            encode(&body),
            "customer=cus_NffrFeUfNV2Hib\
             &metadata[source]=voice\
             &metadata[call+id]=c%2F1\
             &line_items[0][price]=price_1MoBy5LkdIwHu7ixZhnattbh\
             &line_items[0][quantity]=2\
             &line_items[1][price]=price_2\
             &line_items[1][quantity]=1\
             &line_items[1][adjustable_quantity][enabled]=false\
             &expand[0]=latest_invoice.payment_intent\
             &description=Order+%2342+%E2%80%94+2%C3%97+caf%C3%A9+%26+more%3Dyes\
             &amount=4990\
             &rate=0.5"
        );
    }

    #[test]
    fn caller_text_cannot_add_a_field() {
        let body = json!({"email": "jane@example.com&admin=true", "name": "a[b]=c"});
        assert_eq!(
            encode(&body),
            "email=jane%40example.com%26admin%3Dtrue&name=a%5Bb%5D%3Dc"
        );
    }

    #[test]
    fn a_non_object_has_no_fields() {
        assert_eq!(encode(&json!("x")), "");
        assert_eq!(encode(&json!([1, 2])), "");
        assert_eq!(encode(&json!({})), "");
        assert_eq!(
            fields(&json!({"a": {"b": [true]}})),
            vec![("a[b][0]".to_string(), "true".to_string())]
        );
    }
}
