//! `$ref` checks over the raw document, and following `$ref` chains.
//!
//! Before anything is built, every `$ref` in the document is checked, in one
//! pass:
//! external references are refused, local ones must point to something, and
//! a chain of references must end in something that is not a reference (a
//! pure cycle like `A: {$ref: B}`, `B: {$ref: A}` is an error). A recursive
//! schema with structure in between (`Node.children.items: {$ref: Node}`) is
//! not a chain and is fine: its references stay lazy in the model.
//!
//! Example values (`example`, `default`, `enum`, an Example's `value`) and
//! `x-` extensions are not searched: their `$ref` keys are data.

use std::collections::HashSet;

use serde_json::Value;

use super::error::SpecError;
use super::keys;
use super::pointer;

/// The longest `$ref` chain followed before giving up.
const MAX_HOPS: usize = 64;

/// Nesting beyond this is not searched (the parsers stop at 128 anyway).
const MAX_DEPTH: usize = 256;

/// Checks every `$ref` in the document: an external one is reported first
/// (a spec split over files is reported as such even when it also has
/// broken local references, which bundling may well fix), else the first
/// local one that leads nowhere. One pass over the document.
pub(crate) fn check(doc: &Value, origin: &str) -> Result<(), SpecError> {
    let mut scan = Scan {
        doc,
        origin,
        mode: Mode::Strict,
        ok: HashSet::new(),
        first_local: None,
        found: Vec::new(),
    };
    scan.value(doc, &mut String::new(), 0)?;
    match scan.first_local {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

/// Every `$ref` problem in the document, in document order, each with the
/// pointer of the object holding the `$ref`: for a loader that sets the
/// parts they are in aside instead of failing.
pub(crate) fn collect(doc: &Value, origin: &str) -> Vec<SpecError> {
    let mut scan = Scan {
        doc,
        origin,
        mode: Mode::Collect,
        ok: HashSet::new(),
        first_local: None,
        found: Vec::new(),
    };
    // Collecting never returns early.
    let _ = scan.value(doc, &mut String::new(), 0);
    scan.found
}

/// [`collect`] for a document whose `paths` entry is scanned apart, item
/// by item with [`collect_in`]: the problems found before the `paths` key
/// (in the document's own key order) and those found after it.
pub(crate) fn collect_around(
    doc: &Value,
    paths_key: &str,
    origin: &str,
) -> (Vec<SpecError>, Vec<SpecError>) {
    let mut scan = Scan {
        doc,
        origin,
        mode: Mode::Collect,
        ok: HashSet::new(),
        first_local: None,
        found: Vec::new(),
    };
    let Value::Object(map) = doc else {
        return (Vec::new(), Vec::new());
    };
    let mut at = String::new();
    let mut before = None;
    if let Some(Value::String(reference)) = map.get("$ref") {
        let _ = scan.reference(reference, &at);
    }
    for (key, child) in map {
        if key == paths_key {
            before = Some(std::mem::take(&mut scan.found));
            continue;
        }
        let _ = scan.entry(key, child, &mut at, 0);
    }
    match before {
        Some(before) => (before, scan.found),
        None => (scan.found, Vec::new()),
    }
}

/// The `$ref` problems inside `value`, which sits at `at` (a pointer, at
/// nesting `depth`) but is not in `doc`; references are followed in `doc`.
/// What [`collect`] finds there when the value is in the document.
pub(crate) fn collect_in(
    doc: &Value,
    value: &Value,
    at: &str,
    depth: usize,
    origin: &str,
) -> Vec<SpecError> {
    let mut scan = Scan {
        doc,
        origin,
        mode: Mode::Collect,
        ok: HashSet::new(),
        first_local: None,
        found: Vec::new(),
    };
    if !(value.is_object() || value.is_array()) {
        return Vec::new();
    }
    let _ = scan.value(value, &mut at.to_owned(), depth);
    scan.found
}

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    /// Return at the first external reference; remember the first local
    /// problem.
    Strict,
    /// Note every problem.
    Collect,
}

struct Scan<'a> {
    doc: &'a Value,
    origin: &'a str,
    mode: Mode,
    /// References already followed to their end without trouble.
    ok: HashSet<&'a str>,
    /// The first local reference that leads nowhere ([`Mode::Strict`]).
    first_local: Option<SpecError>,
    /// Every problem ([`Mode::Collect`]).
    found: Vec<SpecError>,
}

impl<'a> Scan<'a> {
    fn value(&mut self, value: &'a Value, at: &mut String, depth: usize) -> Result<(), SpecError> {
        if depth > MAX_DEPTH {
            return Ok(());
        }
        match value {
            Value::Object(map) => {
                if let Some(Value::String(reference)) = keys::get(map, "$ref") {
                    self.reference(reference, at)?;
                }
                for (key, child) in map {
                    self.entry(key, child, at, depth)?;
                }
            }
            Value::Array(items) => {
                for (i, child) in items.iter().enumerate() {
                    if !(child.is_object() || child.is_array()) {
                        continue;
                    }
                    let len = at.len();
                    pointer::push_token(at, &i.to_string());
                    self.value(child, at, depth + 1)?;
                    at.truncate(len);
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// One entry of an object at `at` (at nesting `depth`).
    fn entry(
        &mut self,
        key: &str,
        child: &'a Value,
        at: &mut String,
        depth: usize,
    ) -> Result<(), SpecError> {
        if !(child.is_object() || child.is_array()) || is_data_key(key) {
            return Ok(());
        }
        let len = at.len();
        pointer::push_token(at, key);
        if key == "examples" {
            self.examples(child, at)?;
        } else {
            self.value(child, at, depth + 1)?;
        }
        at.truncate(len);
        Ok(())
    }

    /// An `examples` map: only the entries' own `$ref`s are references.
    fn examples(&mut self, value: &'a Value, at: &mut String) -> Result<(), SpecError> {
        if let Value::Object(map) = value {
            for (name, example) in map {
                if let Some(Value::String(reference)) = example.get("$ref") {
                    let len = at.len();
                    pointer::push_token(at, name);
                    self.reference(reference, at)?;
                    at.truncate(len);
                }
            }
        }
        Ok(())
    }

    fn reference(&mut self, reference: &'a str, at: &str) -> Result<(), SpecError> {
        if !reference.starts_with('#') {
            let error = SpecError::ExternalRef {
                origin: self.origin.to_owned(),
                pointer: at.to_owned(),
                reference: reference.to_owned(),
            };
            return match self.mode {
                Mode::Strict => Err(error),
                Mode::Collect => {
                    self.found.push(error);
                    Ok(())
                }
            };
        }
        if self.ok.contains(reference) {
            return Ok(());
        }
        if self.mode == Mode::Strict && self.first_local.is_some() {
            // Only an external reference can still change the outcome.
            return Ok(());
        }
        match follow(self.doc, self.origin, reference, at) {
            Ok(_) => {
                self.ok.insert(reference);
            }
            Err(e) => match self.mode {
                Mode::Strict => self.first_local = Some(e),
                Mode::Collect => self.found.push(e),
            },
        }
        Ok(())
    }
}

/// Keys whose values are data, not OpenAPI structure.
pub(crate) fn is_data_key(key: &str) -> bool {
    matches!(key, "example" | "default" | "enum" | "const") || key.starts_with("x-")
}

/// Follows `reference` (found in the object at `at`) through any chain of
/// references to the first value that is not one; returns its pointer and
/// the value.
pub(crate) fn follow<'a>(
    doc: &'a Value,
    origin: &str,
    reference: &str,
    at: &str,
) -> Result<(String, &'a Value), SpecError> {
    // Pointers visited, starting with the object holding the first $ref, so
    // that a cycle through that object is reported from where it starts.
    let mut visited: Vec<String> = vec![at.to_owned()];
    let mut current = reference.to_owned();
    let mut site = at.to_owned();
    loop {
        if !current.starts_with('#') {
            return Err(SpecError::ExternalRef {
                origin: origin.to_owned(),
                pointer: site,
                reference: current,
            });
        }
        let Some((target_at, target)) = pointer::resolve_ref(doc, &current) else {
            return Err(SpecError::Ref {
                origin: origin.to_owned(),
                pointer: site,
                reference: current,
                reason: "points to nothing".into(),
            });
        };
        let Some(Value::String(next)) = keys::of(target, "$ref") else {
            return Ok((target_at, target));
        };
        if let Some(start) = visited.iter().position(|p| *p == target_at) {
            let mut cycle: Vec<String> = visited
                .get(start..)
                .unwrap_or_default()
                .iter()
                .map(|p| short_name(p))
                .collect();
            cycle.push(short_name(&target_at));
            return Err(SpecError::Cycle {
                origin: origin.to_owned(),
                pointer: target_at,
                cycle,
            });
        }
        if visited.len() > MAX_HOPS {
            return Err(SpecError::Ref {
                origin: origin.to_owned(),
                pointer: at.to_owned(),
                reference: reference.to_owned(),
                reason: format!("starts a chain of more than {MAX_HOPS} $refs"),
            });
        }
        visited.push(target_at.clone());
        site = target_at;
        current = next.clone();
    }
}

/// The name shown for a place in a cycle: a component's name, else the
/// pointer.
fn short_name(at: &str) -> String {
    pointer::short_name(&pointer::display(at))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn finds_cycles_from_their_start() {
        let doc = json!({"components": {"schemas": {
            "A": {"$ref": "#/components/schemas/B"},
            "B": {"$ref": "#/components/schemas/A"},
        }}});
        let e = check(&doc, "c.yaml").unwrap_err();
        assert_eq!(
            e.to_string(),
            "c.yaml: #/components/schemas/A: reference cycle: A -> B -> A"
        );
        let doc = json!({"components": {"schemas": {"A": {"$ref": "#/components/schemas/A"}}}});
        let e = check(&doc, "c.yaml").unwrap_err();
        assert_eq!(
            e.to_string(),
            "c.yaml: #/components/schemas/A: reference cycle: A -> A"
        );
    }

    #[test]
    fn skips_example_data() {
        let doc = json!({"a": {"example": {"$ref": "nope.json"}, "x-y": {"$ref": "z"},
            "examples": {"e": {"value": {"$ref": "nope"}}}}});
        assert!(check(&doc, "c.yaml").is_ok());
    }
}
