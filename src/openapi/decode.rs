//! From a JSON value to `openapiv3` types, with errors that carry a JSON
//! pointer.
//!
//! Decoding first runs plain serde, which is fast; only when that fails is
//! the part decoded again with path tracking, to explain the error.
//!
//! `serde_path_to_error` loses track of the path inside `#[serde(flatten)]`
//! and untagged enums, which `openapiv3` uses for `paths`, `responses`,
//! `ReferenceOr` and every schema. So when decoding fails, [`refine`] decodes
//! the failing part's children one by one, by what the pointer says they are,
//! to find the deepest part that fails, and reports its pointer.

use std::panic;

use serde::de::DeserializeOwned;
use serde_json::Value;

use super::error::SpecError;
use super::pointer;

/// How many times [`refine`] may descend; pointers are far shorter than this.
const MAX_REFINE_STEPS: usize = 256;

/// Decodes the whole document.
pub(crate) fn document(doc: &Value, origin: &str) -> Result<openapiv3::OpenAPI, SpecError> {
    decode_at(doc, doc, "", origin)
}

/// Decodes `value`, found at `at` in `doc`, as a `T`; a failure names the
/// deepest failing part under `at`.
pub(crate) fn decode_at<T: DeserializeOwned>(
    doc: &Value,
    value: &Value,
    at: &str,
    origin: &str,
) -> Result<T, SpecError> {
    if let Some(decoded) = fast::<T>(value) {
        return Ok(decoded);
    }
    match tracked::<T>(value) {
        Ok(decoded) => Ok(decoded),
        Err((path, message)) => {
            let (pointer, message) = refine(doc, format!("{at}{path}"), message);
            Err(SpecError::Shape {
                origin: origin.to_owned(),
                pointer,
                message,
            })
        }
    }
}

/// Decodes without path tracking; `None` on any failure (or a panic inside
/// a decoder), which [`tracked`] then explains.
pub(crate) fn fast<T: DeserializeOwned>(value: &Value) -> Option<T> {
    panic::catch_unwind(panic::AssertUnwindSafe(|| T::deserialize(value).ok()))
        .ok()
        .flatten()
}

/// Decodes with path tracking. Returns the pointer (relative to `value`) and
/// message on failure. A panic inside a decoder (`openapiv3` has a few
/// `expect`s) is turned into an error: untrusted input must not crash us.
fn tracked<T: DeserializeOwned>(value: &Value) -> Result<T, (String, String)> {
    let result = panic::catch_unwind(panic::AssertUnwindSafe(|| {
        serde_path_to_error::deserialize::<_, T>(value)
    }));
    match result {
        Ok(Ok(decoded)) => Ok(decoded),
        Ok(Err(e)) => {
            let mut path = String::new();
            for segment in e.path().iter() {
                match segment {
                    serde_path_to_error::Segment::Seq { index } => {
                        pointer::push_token(&mut path, &index.to_string())
                    }
                    serde_path_to_error::Segment::Map { key } => {
                        pointer::push_token(&mut path, key)
                    }
                    serde_path_to_error::Segment::Enum { .. }
                    | serde_path_to_error::Segment::Unknown => {}
                }
            }
            Err((path, e.inner().to_string()))
        }
        Err(_) => Err((String::new(), "this part could not be decoded".to_owned())),
    }
}

/// What a part of the document is, judged by its pointer.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Part {
    Paths,
    PathItem,
    Responses,
    Response,
    RequestBody,
    Parameter,
    Schema,
    Other,
}

fn classify(tokens: &[String]) -> Part {
    let strs: Vec<&str> = tokens.iter().map(String::as_str).collect();
    match strs.as_slice() {
        ["paths"] => Part::Paths,
        ["paths", _] => Part::PathItem,
        ["paths", _, _, "responses"] => Part::Responses,
        ["paths", _, _, "responses", _] | ["components", "responses", _] => Part::Response,
        ["paths", _, _, "requestBody"] | ["components", "requestBodies", _] => Part::RequestBody,
        ["paths", _, "parameters", _]
        | ["paths", _, _, "parameters", _]
        | ["components", "parameters", _] => Part::Parameter,
        ["components", "schemas", _] => Part::Schema,
        [.., "schema"] | [.., "items"] | [.., "additionalProperties"] | [.., "not"] => Part::Schema,
        [.., "properties", _] | [.., "allOf", _] | [.., "oneOf", _] | [.., "anyOf", _] => {
            Part::Schema
        }
        _ => Part::Other,
    }
}

/// Finds the deepest failing part under `pointer`; returns its pointer and
/// the error message there. Stops where no child fails on its own.
fn refine(doc: &Value, mut pointer: String, mut message: String) -> (String, String) {
    for _ in 0..MAX_REFINE_STEPS {
        match failing_child(doc, &pointer) {
            Some((child, child_message)) => {
                pointer = child;
                message = child_message;
            }
            None => break,
        }
    }
    (pointer, message)
}

/// Decodes the part at `pointer` as what it is, then its children; returns
/// the first deeper failure.
fn failing_child(doc: &Value, at: &str) -> Option<(String, String)> {
    let value = pointer::lookup(doc, at)?;
    let tokens: Vec<String> = pointer::split(at)?
        .into_iter()
        .map(|t| t.into_owned())
        .collect();
    let part = classify(&tokens);
    if is_ref(value) {
        return None;
    }
    // First the part itself, decoded directly (not through `ReferenceOr`,
    // which hides the path), in case the tracked path goes deeper.
    let own = match part {
        Part::PathItem => tracked::<openapiv3::PathItem>(value).err(),
        Part::Response => tracked::<openapiv3::Response>(value).err(),
        Part::RequestBody => tracked::<openapiv3::RequestBody>(value).err(),
        Part::Parameter => tracked::<openapiv3::Parameter>(value).err(),
        Part::Schema => tracked::<openapiv3::Schema>(value).err(),
        Part::Paths | Part::Responses | Part::Other => None,
    };
    if let Some((path, message)) = own.filter(|(path, _)| !path.is_empty()) {
        return Some((format!("{at}{path}"), message));
    }
    // Then the children that flatten or tagging hid.
    let Value::Object(map) = value else {
        return None;
    };
    let bad_additional = map
        .get("additionalProperties")
        .is_some_and(|extra| !(extra.is_boolean() || extra.is_object()));
    if part == Part::Schema && bad_additional {
        return Some((
            pointer::join(at, "additionalProperties"),
            "expected `true`, `false` or a schema".to_owned(),
        ));
    }
    let children: Vec<(Vec<String>, &Value)> = match part {
        Part::Paths => map
            .iter()
            .filter(|(k, _)| k.starts_with('/'))
            .map(|(k, v)| (vec![k.clone()], v))
            .collect(),
        Part::Responses => map
            .iter()
            .filter(|(k, _)| !k.starts_with("x-"))
            .map(|(k, v)| (vec![k.clone()], v))
            .collect(),
        Part::Parameter => map
            .get("schema")
            .map(|schema| (vec!["schema".to_owned()], schema))
            .into_iter()
            .collect(),
        Part::Schema => schema_children(map),
        _ => Vec::new(),
    };
    for (tokens, child) in children {
        let child_at = pointer::join_all(at, &tokens);
        if is_ref(child) {
            continue;
        }
        let failed = match part {
            Part::Paths => tracked::<openapiv3::PathItem>(child).err(),
            Part::Responses => tracked::<openapiv3::Response>(child).err(),
            _ => tracked::<openapiv3::Schema>(child).err(),
        };
        if let Some((path, message)) = failed {
            return Some((format!("{child_at}{path}"), message));
        }
    }
    None
}

fn schema_children(map: &serde_json::Map<String, Value>) -> Vec<(Vec<String>, &Value)> {
    let mut out = Vec::new();
    if let Some(Value::Object(props)) = map.get("properties") {
        for (name, schema) in props {
            out.push((vec!["properties".to_owned(), name.clone()], schema));
        }
    }
    for key in ["items", "not"] {
        if let Some(schema) = map.get(key) {
            out.push((vec![key.to_owned()], schema));
        }
    }
    if let Some(schema @ Value::Object(_)) = map.get("additionalProperties") {
        out.push((vec!["additionalProperties".to_owned()], schema));
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        if let Some(Value::Array(members)) = map.get(key) {
            for (i, member) in members.iter().enumerate() {
                out.push((vec![key.to_owned(), i.to_string()], member));
            }
        }
    }
    out
}

fn is_ref(value: &Value) -> bool {
    matches!(value.get("$ref"), Some(Value::String(_)))
}
