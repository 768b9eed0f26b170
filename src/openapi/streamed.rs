//! One OpenAPI 3.0 JSON file loaded with its path items kept as text until
//! each is built: every path item is parsed, repaired, checked and built on
//! its own and dropped after, so that the parsed document (a
//! `serde_json::Value` takes about ten times its text) is never held whole.
//!
//! The result is exactly what the whole-document way (`bundle::load`, then
//! `lenient::build`) gives: the same model, and the same notes, warnings
//! and unusable operations in the same order: the path items' quirk notes
//! go between those of `servers` and `components`, and their `$ref`
//! defects where `paths` stands among the document's keys. Whatever this
//! way would not do the same answers `None`, and the caller loads the file
//! the whole-document way, which also words every error: a file that is
//! not one JSON object with a `paths` object, not OpenAPI 3.0, an external
//! `$ref` (the file may need others), a `$ref` into `paths`, nesting the
//! whole document's parse would refuse, a part that does not parse, an
//! `info` of the wrong shape.

use std::collections::HashSet;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde::de::{self, DeserializeSeed, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use super::bundle;
use super::dialect::{self, Dialect};
use super::error::SpecError;
use super::lenient::{self, Assembly};
use super::model::Api;
use super::pointer;
use super::quirks;
use super::refs;

/// How deep serde_json lets a whole document nest (arrays and objects).
const PARSER_DEPTH: usize = 127;

/// How many files have been loaded this way in this process: for the
/// tests that show it is used.
static LOADED: AtomicUsize = AtomicUsize::new(0);

/// See [`LOADED`].
pub(crate) fn loaded() -> usize {
    LOADED.load(Ordering::Relaxed)
}

/// Loads the file at `path` this way, or answers `None` (see the module's
/// comment). Only a file that cannot be read is an error here.
pub(crate) fn load(path: &Path, outline: bool) -> Result<Option<Api>, SpecError> {
    let origin = path.display().to_string();
    let text = super::load::read(path)?;
    let api = from_text(&text, &origin, outline);
    if api.is_some() {
        LOADED.fetch_add(1, Ordering::Relaxed);
    }
    Ok(api)
}

/// [`load`] of a file's text; `origin` names it.
fn from_text(text: &str, origin: &str, outline: bool) -> Option<Api> {
    // As `load::parse` judges JSON.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.chars().find(|c| !c.is_whitespace()) != Some('{') {
        return None;
    }
    let Top {
        doc: mut map,
        paths,
        version,
    } = serde_json::from_str(text).ok()?;
    let (paths, version) = (paths?, version?);
    // `bundle::read_file` for a 3.0 document that has `paths`.
    map.insert("openapi".into(), Value::String("3.0.3".into()));
    let mut doc = Value::Object(map);
    let (mut notes, notes_after_paths) = quirks::repair_around_paths(&mut doc, false);
    if refers_to_files(&doc) || lenient::refers_into_paths(&doc) {
        return None;
    }

    // `lenient::build`, the path items' `$ref` defects spliced in after.
    let (before, after) = refs::collect_around(&doc, "paths", origin);
    let splice = before.len();
    let defects = before.into_iter().chain(after).collect();
    let mut assembly = Assembly::new(&doc, origin, true, outline, defects).ok()?;
    let mut path_defects = Vec::new();
    let mut each = |path: String, mut item: Value| -> bool {
        if 2 + nesting(&item) > PARSER_DEPTH {
            return false;
        }
        notes.extend(quirks::repair_path_item(&path, &mut item, false));
        if lenient::refers_into_paths(&item) {
            return false;
        }
        if !bundle::is_data_key(&path) && refers_to_files(&item) {
            return false;
        }
        if !refs::is_data_key(&path) {
            let at = pointer::join("/paths", &path);
            for defect in refs::collect_in(&doc, &item, &at, 2, origin) {
                let text = lenient::reason(&defect, origin);
                // A defect that breaks a schema component is found again
                // from the component itself, with the same words; were it
                // not, which words the component keeps would depend on
                // where `paths` stands.
                if let Some(name) = defect.pointer().and_then(lenient::schema_component) {
                    if assembly.ref_broken.get(&name) != Some(&text) {
                        return false;
                    }
                }
                path_defects.push(text);
            }
        }
        if !path.starts_with("x-") {
            assembly.taken_path_item(&path, item);
        }
        true
    };
    let mut items = serde_json::Deserializer::from_str(paths.get());
    PathItems { each: &mut each }.deserialize(&mut items).ok()?;
    items.end().ok()?;
    assembly.warnings.splice(splice..splice, path_defects);

    // `load_files`: the version as written, the notes before the warnings.
    let mut api = assembly.finish();
    api.openapi = version;
    notes.extend(notes_after_paths);
    notes.append(&mut api.warnings);
    api.warnings = notes;
    Some(api)
}

/// A document's top level: every entry parsed but `paths`, kept as text.
struct Top<'t> {
    /// The entries, `paths` as `null` (as `lenient::build` leaves it once
    /// the paths are taken out).
    doc: Map<String, Value>,
    /// The text of `paths`.
    paths: Option<&'t RawValue>,
    /// `openapi` as written, when it is 3.0.
    version: Option<String>,
}

impl<'de> Deserialize<'de> for Top<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(TopVisitor)
    }
}

struct TopVisitor;

impl<'de> Visitor<'de> for TopVisitor {
    type Value = Top<'de>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an OpenAPI document")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut entries: A) -> Result<Top<'de>, A::Error> {
        let mut top = Top {
            doc: Map::new(),
            paths: None,
            version: None,
        };
        // A duplicate key keeps the first place and the last value, as in
        // a parsed `Value`.
        while let Some(key) = entries.next_key::<String>()? {
            match key.as_str() {
                "paths" => {
                    top.paths = Some(entries.next_value()?);
                    top.doc.insert(key, Value::Null);
                }
                "openapi" => {
                    let value: Value = entries.next_value()?;
                    // `dialect::detect` decides by `openapi` alone.
                    let only = Value::Object([(key.clone(), value.clone())].into_iter().collect());
                    top.version = match dialect::detect(&only, "") {
                        Ok((Dialect::V30, version)) => Some(version),
                        _ => return Err(de::Error::custom("not OpenAPI 3.0")),
                    };
                    top.doc.insert(key, value);
                }
                "swagger" => return Err(de::Error::custom("maybe Swagger")),
                _ => {
                    let value = entries.next_value()?;
                    top.doc.insert(key, value);
                }
            }
        }
        Ok(top)
    }
}

/// The entries of `paths`, each parsed and handed to `each` in turn (which
/// answers whether to go on). A duplicate path stops it: the whole
/// document keeps its last value at its first place.
struct PathItems<'f, F> {
    each: &'f mut F,
}

impl<'de, F: FnMut(String, Value) -> bool> DeserializeSeed<'de> for PathItems<'_, F> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de, F: FnMut(String, Value) -> bool> Visitor<'de> for PathItems<'_, F> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the paths of an OpenAPI document")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut entries: A) -> Result<(), A::Error> {
        let mut seen = HashSet::new();
        while let Some(path) = entries.next_key::<String>()? {
            // Keys that the `$ref` check reads specially right under
            // `paths`, and a second entry of one path.
            if path == "$ref" || path == "examples" || !seen.insert(path.clone()) {
                return Err(de::Error::custom("read whole"));
            }
            let item = entries.next_value()?;
            if !(self.each)(path, item) {
                return Err(de::Error::custom("read whole"));
            }
        }
        Ok(())
    }
}

/// Whether `value` has a `$ref` to another file, which `bundle::load`
/// would try to read.
fn refers_to_files(value: &Value) -> bool {
    let mut files = Vec::new();
    bundle::external_refs(value, &mut files, 0);
    !files.is_empty()
}

/// How deeply arrays and objects nest in `value` (0 for a scalar).
fn nesting(value: &Value) -> usize {
    let container = |v: &&Value| v.is_object() || v.is_array();
    let mut deepest = 0;
    let mut stack = vec![(value, 1)];
    while let Some((value, depth)) = stack.pop() {
        match value {
            Value::Object(map) => {
                stack.extend(map.values().filter(container).map(|c| (c, depth + 1)));
            }
            Value::Array(items) => {
                stack.extend(items.iter().filter(container).map(|c| (c, depth + 1)));
            }
            _ => continue,
        }
        deepest = deepest.max(depth);
    }
    deepest
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn measures_nesting() {
        assert_eq!(nesting(&serde_json::json!(1)), 0);
        assert_eq!(
            nesting(&serde_json::json!({"a": [1, {"b": {}}], "c": []})),
            4
        );
    }

    #[test]
    fn leaves_what_it_does_not_read_alike_to_the_whole_document_way() {
        let whole = |text: &str| from_text(text, "t.json", false);
        let info = r#""openapi": "3.0.0", "info": {"title": "t", "version": "1"}"#;
        assert!(whole(&format!(r#"{{{info}, "paths": {{}}}}"#)).is_some());
        // No `paths`, not 3.0, YAML, a `$ref` into `paths` or to a file.
        assert!(whole(&format!("{{{info}}}")).is_none());
        assert!(whole(
            r#"{"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {}}"#
        )
        .is_none());
        assert!(whole("openapi: 3.0.0\npaths: {}\n").is_none());
        let item = |body: &str| whole(&format!(r#"{{{info}, "paths": {{"/a": {body}}}}}"#));
        assert!(item(r##"{"get": {"responses": {"200": {"$ref": "#/paths/~1b"}}}}"##).is_none());
        assert!(item(r#"{"get": {"responses": {"200": {"$ref": "other.json#/r"}}}}"#).is_none());
        // A number serde_json refuses, and nesting at its limit.
        assert!(item(r#"{"get": {"x": 1e999}}"#).is_none());
        let nested = |n: usize| {
            let body = format!(r#"{{"x-deep": {}{}}}"#, "[".repeat(n), "]".repeat(n));
            let text = format!(r#"{{{info}, "paths": {{"/a": {body}}}}}"#);
            (
                serde_json::from_str::<Value>(&text).is_ok(),
                item(&body).is_some(),
            )
        };
        assert_eq!(nested(124), (true, true));
        assert_eq!(nested(125), (false, false));
    }
}
