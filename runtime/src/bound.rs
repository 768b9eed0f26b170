//! Results bounded in size before they reach the assistant.
//!
//! A voice assistant reads its tool results into a prompt and may read them
//! aloud: a result has a byte budget (the template's `max_result_bytes`).
//! [`bounded_json`] shortens a result to fit: long strings are cut with an
//! ellipsis, and a long list becomes `{"items": [first items], "more": N}`
//! where `N` counts what was left out.

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Map, Value};

use crate::error::ActionError;
use crate::sized;

/// Steps tried in order until the result fits: the longest string kept (in
/// characters) and the most list items kept.
const STEPS: [(usize, usize); 8] = [
    (usize::MAX, usize::MAX),
    (400, 20),
    (200, 10),
    (100, 5),
    (60, 3),
    (40, 2),
    (24, 1),
    (12, 0),
];

/// The JSON of `value`, at most `max_bytes` long when serialised.
///
/// Strings longer than the step's limit end in `…`; arrays longer than the
/// step's limit become `{"items": [...], "more": N}`. If even the smallest
/// step is too big, trailing object fields are dropped and `"omitted": N`
/// counts them; as a last resort the result is `{"truncated": true}`.
pub fn bounded_json<T: Serialize + ?Sized>(value: &T, max_bytes: usize) -> Value {
    // One pass: the value and its size together.
    let (full, full_size) = match sized::to_value(value) {
        Ok(sized) => sized,
        // What the one-pass sizer leaves to serde_json (a repeated map
        // key, serde_json's private tokens): convert, then measure.
        Err(_) => match serde_json::to_value(value) {
            Ok(v) => {
                let n = size(&v);
                (v, n)
            }
            Err(e) => {
                tracing::error!(error = %e, "result could not be serialised");
                return json!({ "truncated": true });
            }
        },
    };
    if full_size <= max_bytes {
        return full;
    }
    shrink_to_fit(&full, max_bytes)
}

/// The slow path of [`bounded_json`]: a result over its budget.
fn shrink_to_fit(full: &Value, max_bytes: usize) -> Value {
    let mut smallest = Value::Null;
    for (max_chars, max_items) in STEPS.into_iter().skip(1) {
        smallest = shrink(full, max_chars, max_items);
        if size(&smallest) <= max_bytes {
            return smallest;
        }
    }
    if let Value::Object(map) = smallest {
        let mut kept: Vec<(String, Value)> = map.into_iter().collect();
        let total = kept.len();
        while !kept.is_empty() {
            kept.pop();
            let mut m: Map<String, Value> = kept.iter().cloned().collect();
            m.insert("omitted".into(), json!(total - kept.len()));
            let v = Value::Object(m);
            if size(&v) <= max_bytes {
                return v;
            }
        }
    }
    json!({ "truncated": true })
}

/// Parses a tool call's arguments; a mismatch is
/// [`crate::ErrorKind::InvalidInput`] with serde's reason (masked) as the
/// detail.
pub fn parse_args<T: DeserializeOwned>(args: Value) -> Result<T, ActionError> {
    // Platforms send `{}` or nothing for a tool without arguments.
    let args = if args.is_null() { json!({}) } else { args };
    serde_json::from_value(args).map_err(|e| {
        ActionError::new(
            crate::ErrorKind::InvalidInput,
            format!("tool arguments: {e}"),
        )
    })
}

/// The JSON a voice platform gets back from a tool call: `{"ok": true,
/// "result": …}` with the result bounded to `max_bytes`, or the error's
/// [`ActionError::to_tool_result`]. The result is converted to JSON once,
/// its size counted as it is converted; it is neither cloned nor written
/// out to be measured.
pub fn tool_result<T: Serialize>(result: &Result<T, ActionError>, max_bytes: usize) -> Value {
    match result {
        Ok(output) => {
            let mut answer = Map::with_capacity(2);
            answer.insert("ok".into(), Value::Bool(true));
            answer.insert("result".into(), bounded_json(output, max_bytes));
            Value::Object(answer)
        }
        Err(e) => e.to_tool_result(),
    }
}

fn size(v: &Value) -> usize {
    sized::json_len(v)
}

fn shrink(v: &Value, max_chars: usize, max_items: usize) -> Value {
    match v {
        Value::String(s) if s.chars().count() > max_chars => {
            let mut cut: String = s.chars().take(max_chars.saturating_sub(1)).collect();
            cut.push('…');
            Value::String(cut)
        }
        Value::Array(items) if items.len() > max_items => {
            let kept: Vec<Value> = items
                .iter()
                .take(max_items)
                .map(|i| shrink(i, max_chars, max_items))
                .collect();
            json!({ "items": kept, "more": items.len() - max_items })
        }
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|i| shrink(i, max_chars, max_items))
                .collect(),
        ),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, i)| (k.clone(), shrink(i, max_chars, max_items)))
                .collect(),
        ),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_small_result_is_unchanged() {
        let v = json!({"first_name": "Jane", "orders": [1, 2]});
        assert_eq!(bounded_json(&v, 1024), v);
    }

    #[test]
    fn long_strings_and_lists_are_cut_with_a_count() {
        let v = json!({
            "note": "x".repeat(5000),
            "orders": (0..100).map(|i| json!({"id": i, "status": "shipped"})).collect::<Vec<_>>(),
        });
        let b = bounded_json(&v, 1024);
        assert!(serde_json::to_vec(&b).unwrap().len() <= 1024, "{b}");
        let note = b["note"].as_str().unwrap();
        assert!(note.ends_with('…') && note.chars().count() < 5000);
        let kept = b["orders"]["items"].as_array().unwrap().len();
        assert_eq!(b["orders"]["more"], json!(100 - kept));
        assert!(kept >= 1);
    }

    #[test]
    fn multibyte_strings_are_cut_on_character_boundaries() {
        let v = json!({"name": "é".repeat(3000)});
        let b = bounded_json(&v, 300);
        assert!(serde_json::to_vec(&b).unwrap().len() <= 300);
        assert!(b["name"].as_str().unwrap().starts_with("éé"));
    }

    #[test]
    fn too_many_fields_are_dropped_and_counted() {
        let mut m = Map::new();
        for i in 0..200 {
            m.insert(format!("field_{i:03}"), json!("value"));
        }
        let b = bounded_json(&Value::Object(m), 200);
        assert!(serde_json::to_vec(&b).unwrap().len() <= 200);
        assert!(b["omitted"].as_u64().unwrap() > 0);
        assert_eq!(
            bounded_json(&json!({"a": "b"}), 3),
            json!({"truncated": true})
        );
    }

    #[test]
    fn a_tool_result_wraps_success_and_error() {
        let ok: Result<Value, ActionError> = Ok(json!({"a": 1}));
        assert_eq!(
            tool_result(&ok, 100),
            json!({"ok": true, "result": {"a": 1}})
        );
        let err: Result<Value, ActionError> = Err(ActionError::not_found("nothing"));
        assert_eq!(tool_result(&err, 100)["error"], json!("not_found"));
    }
}
