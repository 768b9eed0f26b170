//! The platforms' own published schemas: where the tool object is defined
//! in each, and a JSON Schema validator built from it.
//!
//! The documents are not bundled (they are the vendors' files); point
//! `gen validate --platforms DIR` (or `MIDCALL_PLATFORMS`) at a folder laid
//! out like `../shared/platforms/`: `<platform>/<file>.json|yaml`.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use serde_json::Value;

use crate::error::{Error, Result};

/// A compiled validator for one target's published tool schema.
pub struct PlatformSchema {
    /// `vapi/openapi.json#/components/schemas/CreateFunctionToolDTO`.
    pub source: String,
    validator: jsonschema::Validator,
}

impl PlatformSchema {
    /// Loads the schema of `target` from `dir`; `Ok(None)` when the target
    /// has no published schema or its file is not in `dir`.
    pub fn load(dir: &Path, target: &str) -> Result<Option<Self>> {
        // Where the tool object is: the target's registry entry.
        let Some(crate::platforms::SchemaLocation {
            folder,
            prefix,
            pointer,
        }) = crate::platforms::get(target).and_then(|p| p.schema)
        else {
            return Ok(None);
        };
        let Some(file) = newest(&dir.join(folder), prefix)? else {
            return Ok(None);
        };
        let prepared = prepared(&file, folder)?;
        let source = format!(
            "{}/{}#{pointer}",
            folder,
            file.file_name()
                .map(|n| n.to_string_lossy())
                .unwrap_or_default()
        );
        if !prepared.pointers.contains(&pointer) {
            return Err(Error::Schema {
                path: file,
                message: format!("has nothing at #{pointer}"),
            });
        }
        // The whole document is a registered resource, so the tool
        // object's internal `$ref`s resolve; the root only points at it.
        let root = serde_json::json!({
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$ref": format!("{}#{pointer}", prepared.uri),
        });
        let validator = jsonschema::options()
            .with_draft(jsonschema::Draft::Draft202012)
            .should_validate_formats(false)
            .with_registry(prepared.registry.clone())
            .build(&root)
            .map_err(|e| Error::Schema {
                path: file.clone(),
                message: format!("schema at #{pointer} does not compile: {e}"),
            })?;
        Ok(Some(PlatformSchema { source, validator }))
    }

    /// Every violation as (instance pointer, message).
    pub fn check(&self, doc: &Value) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = self
            .validator
            .iter_errors(doc)
            .map(|e| {
                let mut message = e.to_string();
                if message.len() > 300 {
                    let cut = (0..=300)
                        .rev()
                        .find(|i| message.is_char_boundary(*i))
                        .unwrap_or(0);
                    message.truncate(cut);
                    message.push('…');
                }
                (e.instance_path.to_string(), message.replace('\n', " "))
            })
            .collect();
        out.sort();
        out.dedup();
        out
    }
}

/// A platform document read, normalised and registered: once per file and
/// process, however many targets it defines (OpenAI's defines three).
struct Prepared {
    /// The URI the document is registered under.
    uri: String,
    /// A registry holding the document.
    registry: jsonschema::Registry,
    /// Which of the registry's schema pointers for this folder the
    /// document has.
    pointers: Vec<&'static str>,
}

/// The prepared documents of this process, by file.
fn cache() -> &'static Mutex<HashMap<PathBuf, Arc<Prepared>>> {
    static CACHE: OnceLock<Mutex<HashMap<PathBuf, Arc<Prepared>>>> = OnceLock::new();
    CACHE.get_or_init(|| Mutex::new(HashMap::new()))
}

fn prepared(file: &Path, folder: &str) -> Result<Arc<Prepared>> {
    let key = fs::canonicalize(file).unwrap_or_else(|_| file.to_path_buf());
    if let Some(done) = cache().lock().ok().and_then(|c| c.get(&key).cloned()) {
        return Ok(done);
    }
    let text = crate::input::read_text(file).map_err(|e| Error::io(file, &e))?;
    let mut doc: Value = if text.trim_start().starts_with('{') {
        serde_json::from_str(&text).map_err(|e| Error::Schema {
            path: file.to_path_buf(),
            message: format!("not JSON: {e}"),
        })?
    } else {
        serde_yaml::from_str(&text).map_err(|e| Error::yaml(&file.display().to_string(), &e))?
    };
    drop(text);
    let pointers = crate::platforms::PLATFORMS
        .iter()
        .filter_map(|p| p.schema.as_ref())
        .filter(|l| l.folder == folder && doc.pointer(l.pointer).is_some())
        .map(|l| l.pointer)
        .collect();
    normalise(&mut doc);
    let uri = format!("urn:midcall:platform:{folder}");
    let resource = jsonschema::Draft::Draft202012.create_resource(doc);
    let registry = jsonschema::Registry::try_new(&uri, resource).map_err(|e| Error::Schema {
        path: file.to_path_buf(),
        message: format!("cannot be registered as a schema: {e}"),
    })?;
    let done = Arc::new(Prepared {
        uri,
        registry,
        pointers,
    });
    if let Ok(mut c) = cache().lock() {
        c.insert(key, done.clone());
    }
    Ok(done)
}

/// The last file (by name) in `dir` whose name starts with `prefix` and
/// ends in `.json`, `.yaml` or `.yml`.
fn newest(dir: &Path, prefix: &str) -> Result<Option<PathBuf>> {
    let entries = match fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Error::io(dir, &e)),
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name().and_then(|n| n.to_str()).is_some_and(|n| {
                n.starts_with(prefix)
                    && (n.ends_with(".json") || n.ends_with(".yaml") || n.ends_with(".yml"))
            })
        })
        .collect();
    files.sort();
    Ok(files.pop())
}

/// Repairs what the vendors' documents say in OpenAPI 3.0 or JavaScript
/// terms but JSON Schema 2020-12 reads otherwise:
/// - `pattern: "/^…$/"` (a JS regex literal, in Vapi's document) loses
///   its slashes;
/// - boolean `exclusiveMinimum`/`exclusiveMaximum` (3.0) become numbers;
/// - `nullable: true` (3.0) adds `null` to `type`.
fn normalise(v: &mut Value) {
    match v {
        Value::Object(map) => {
            if let Some(Value::String(p)) = map.get_mut("pattern") {
                if p.len() >= 2 && p.starts_with('/') && p.ends_with('/') {
                    *p = p[1..p.len() - 1].to_string();
                }
            }
            for (flag, bound) in [
                ("exclusiveMinimum", "minimum"),
                ("exclusiveMaximum", "maximum"),
            ] {
                if let Some(Value::Bool(b)) = map.get(flag).cloned() {
                    map.remove(flag);
                    if b {
                        if let Some(n) = map.remove(bound) {
                            map.insert(flag.to_string(), n);
                        }
                    }
                }
            }
            if map.get("nullable") == Some(&Value::Bool(true)) {
                match map.get_mut("type") {
                    Some(Value::String(t)) => {
                        let t = t.clone();
                        map.insert(
                            "type".into(),
                            Value::Array(vec![Value::String(t), "null".into()]),
                        );
                    }
                    Some(Value::Array(ts)) if !ts.iter().any(|t| t == "null") => {
                        ts.push("null".into())
                    }
                    _ => {}
                }
            }
            for (_, child) in map.iter_mut() {
                normalise(child);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(normalise),
        _ => {}
    }
}
