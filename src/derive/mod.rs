//! Derived specs: a bundled `specs/<crm>/openapi.yaml` is cut from the
//! vendor's own spec files, never written from memory.
//!
//! `specs/<crm>/derive.yaml` ([`Manifest`]) names the vendor's files and a
//! commented patch list for their defects; [`derive()`] keeps exactly the
//! operations the CRM's bindings call (every `operation:` in
//! `bindings.yaml`, plus the manifest's own list), everything they
//! reference, and the vendor's servers and security schemes
//! (`subset`), applies the patches in order and writes
//! YAML with a header that says where it came from. `gen derive --check`
//! (and a test) re-derives every bundled spec and fails on any difference,
//! so a bundled spec cannot drift from the vendor's.

mod manifest;
mod subset;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde_json::Value;

pub use manifest::{Manifest, Patch, PatchOp};
pub use subset::Document;

use crate::error::{Error, Result};

/// The manifest's file name in a CRM folder.
pub const MANIFEST: &str = "derive.yaml";

/// The derived spec's file name in a CRM folder.
pub const OUTPUT: &str = "openapi.yaml";

/// One derived spec, ready to write.
#[derive(Debug, Clone)]
pub struct Derived {
    /// `specs/<crm>/openapi.yaml`.
    pub path: PathBuf,
    /// Its contents (header comment + YAML).
    pub text: String,
    /// The operations kept, `METHOD /path`, sorted.
    pub operations: Vec<String>,
    /// The manifest's source files.
    pub sources: Vec<String>,
}

/// CRM ids under `specs_dir` that have a `derive.yaml`, sorted.
pub fn crms_with_manifest(specs_dir: &Path) -> Result<Vec<String>> {
    let entries = std::fs::read_dir(specs_dir).map_err(|e| Error::io(specs_dir, &e))?;
    let mut ids = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| Error::io(specs_dir, &e))?;
        if entry.path().join(MANIFEST).is_file() {
            ids.push(entry.file_name().to_string_lossy().into_owned());
        }
    }
    ids.sort();
    Ok(ids)
}

/// Derives `specs_dir/<crm>/openapi.yaml` from the vendor files under
/// `vendor_dir`, as `specs_dir/<crm>/derive.yaml` says.
pub fn derive(specs_dir: &Path, crm: &str, vendor_dir: &Path) -> Result<Derived> {
    let folder = specs_dir.join(crm);
    let manifest_path = folder.join(MANIFEST);
    let origin = manifest_path.display().to_string();
    let manifest = Manifest::parse(&read_text(&manifest_path)?, &origin)?;

    let mut operations = BTreeSet::new();
    let bindings_path = folder.join("bindings.yaml");
    if bindings_path.is_file() {
        let text = read_text(&bindings_path)?;
        for op in bound_operations(&text, &bindings_path.display().to_string())? {
            operations.insert(op);
        }
    }
    for (i, op) in manifest.operations.iter().enumerate() {
        operations.insert(parse_operation(op).ok_or_else(|| {
            Error::invalid(
                &origin,
                format!("operations[{i}]"),
                format!("`{op}` is not `METHOD /path`"),
            )
        })?);
    }
    if operations.is_empty() {
        return Err(Error::invalid(
            &origin,
            "operations",
            "the bindings call no operation and the manifest lists none",
        ));
    }

    // An operation the vendor's file lacks but a patch adds (Salesforce's
    // SOQL `/query`, documented in its REST API guide, not in its sObjects
    // file) is not looked up in the sources: the patch, with its reason,
    // is where it comes from.
    let added = patched_operations(&manifest.patches);
    let from_files: BTreeSet<(String, String)> = operations
        .iter()
        .filter(|op| !added.contains(*op))
        .cloned()
        .collect();

    let sources = manifest
        .sources
        .iter()
        .map(|name| read_document(&vendor_dir.join(name), name))
        .collect::<Result<Vec<_>>>()?;
    let mut read = |path: &Path| {
        let name = path
            .strip_prefix(vendor_dir)
            .unwrap_or(path)
            .display()
            .to_string();
        read_document(path, &name)
    };
    let mut doc = subset::subset(
        &sources,
        &from_files,
        &origin,
        &mut read,
        manifest.rename_conflicts,
    )?;
    if let (Some(title), Some(info)) = (&manifest.title, doc.get_mut("info")) {
        info["title"] = Value::String(title.clone());
    }
    for (i, patch) in manifest.patches.iter().enumerate() {
        apply(&mut doc, patch)
            .map_err(|message| Error::invalid(&origin, format!("patches[{i}]"), message))?;
    }

    let ops: Vec<String> = operations.iter().map(|(m, p)| format!("{m} {p}")).collect();
    let yaml = serde_yaml::to_string(&doc).map_err(|e| Error::Serialize {
        what: format!("{} as YAML", folder.join(OUTPUT).display()),
        message: e.to_string(),
    })?;
    let mut text = String::new();
    text.push_str(&format!(
        "# Derived by `gen derive {crm}` from the vendor's own spec; do not edit.\n\
         # Change specs/{crm}/{MANIFEST} (sources, patches) or the bindings and re-derive.\n\
         # Vendor: {}\n# Sources (under the vendor-spec folder):\n",
        one_line(&manifest.vendor)
    ));
    for s in &manifest.sources {
        text.push_str(&format!("#   {}\n", one_line(s)));
    }
    text.push_str("# Operations kept:\n");
    for op in &ops {
        text.push_str(&format!("#   {op}\n"));
    }
    text.push_str(&format!(
        "# Patches applied: {} (each with its reason in {MANIFEST}).\n",
        manifest.patches.len()
    ));
    text.push_str(&yaml);
    Ok(Derived {
        path: folder.join(OUTPUT),
        text,
        operations: ops,
        sources: manifest.sources.clone(),
    })
}

/// Every `operation: METHOD /path` in a bindings file (actions, prechecks,
/// steps: wherever the key stands), as (upper-case method, path).
pub fn bound_operations(text: &str, origin: &str) -> Result<BTreeSet<(String, String)>> {
    let value: serde_yaml::Value = serde_yaml::from_str(text).map_err(|e| Error::Yaml {
        origin: origin.to_string(),
        location: e
            .location()
            .map(|l| format!(":{}:{}", l.line(), l.column()))
            .unwrap_or_default(),
        message: e.to_string(),
    })?;
    let mut found = BTreeSet::new();
    collect_operations(&value, &mut found);
    Ok(found)
}

fn collect_operations(value: &serde_yaml::Value, found: &mut BTreeSet<(String, String)>) {
    match value {
        serde_yaml::Value::Mapping(map) => {
            for (key, value) in map {
                if let (Some("operation"), Some(op)) = (key.as_str(), value.as_str()) {
                    if let Some(parsed) = parse_operation(op) {
                        found.insert(parsed);
                    }
                }
                collect_operations(value, found);
            }
        }
        serde_yaml::Value::Sequence(items) => {
            for item in items {
                collect_operations(item, found);
            }
        }
        serde_yaml::Value::Tagged(tagged) => collect_operations(&tagged.value, found),
        _ => {}
    }
}

fn parse_operation(op: &str) -> Option<(String, String)> {
    let (method, path) = op.trim().split_once(' ')?;
    let path = path.trim();
    path.starts_with('/')
        .then(|| (method.trim().to_ascii_uppercase(), path.to_string()))
}

/// The operations `add` patches put into the document: a whole path item
/// (`/paths/~1query`, each of its methods) or one method
/// (`/paths/~1query/get`), as (upper-case method, path).
fn patched_operations(patches: &[Patch]) -> BTreeSet<(String, String)> {
    const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];
    let mut found = BTreeSet::new();
    for patch in patches {
        if patch.op != PatchOp::Add {
            continue;
        }
        let Some(rest) = patch.path.strip_prefix("/paths/") else {
            continue;
        };
        let unescape = |s: &str| s.replace("~1", "/").replace("~0", "~");
        match rest.split_once('/') {
            None => {
                if let Some(item) = patch.value.as_ref().and_then(Value::as_object) {
                    for m in METHODS.iter().filter(|m| item.contains_key(**m)) {
                        found.insert((m.to_ascii_uppercase(), unescape(rest)));
                    }
                }
            }
            Some((path, method)) if METHODS.contains(&method) => {
                found.insert((method.to_ascii_uppercase(), unescape(path)));
            }
            Some(_) => {}
        }
    }
    found
}

/// Applies one patch; the error says what did not fit.
fn apply(doc: &mut Value, patch: &Patch) -> std::result::Result<(), String> {
    let op = match patch.op {
        PatchOp::Add => serde_json::json!({"op": "add", "path": patch.path, "value": patch.value}),
        PatchOp::Remove => serde_json::json!({"op": "remove", "path": patch.path}),
        PatchOp::Replace => {
            serde_json::json!({"op": "replace", "path": patch.path, "value": patch.value})
        }
    };
    let parsed: json_patch::Patch =
        serde_json::from_value(Value::Array(vec![op])).map_err(|e| e.to_string())?;
    json_patch::patch(doc, &parsed).map_err(|e| {
        format!(
            "does not apply to the derived spec at `{}` ({e}); has the vendor fixed it, or did the subset change?",
            patch.path
        )
    })
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn read_text(path: &Path) -> Result<String> {
    crate::input::read_text(path).map_err(|e| Error::io(path, &e))
}

/// Reads a vendor file (JSON or YAML, told apart by its first character);
/// a Swagger 2.0 file is converted to OpenAPI 3.0 first, so one derived
/// spec can take files of both kinds (ServiceTitan's CRM module is 2.0,
/// its other modules 3.0). What the conversion could not carry over is an
/// error: a derived spec keeps all of the vendor's text or says why not.
fn read_document(path: &Path, name: &str) -> Result<Document> {
    let text = read_text(path)?;
    let mut value = parse_document(&text, &path.display().to_string())?;
    if let Some(note) = crate::openapi::swagger2_to_openapi3(&mut value)
        .into_iter()
        .next()
    {
        return Err(Error::invalid(
            &path.display().to_string(),
            "swagger",
            format!("converting this Swagger 2.0 file to OpenAPI 3.0: {note}"),
        ));
    }
    Ok(Document {
        name: name.to_string(),
        path: path.to_path_buf(),
        value,
    })
}

/// Parses a spec document (JSON or YAML) into a JSON value; `origin`
/// names it in errors.
pub fn parse_document(text: &str, origin: &str) -> Result<Value> {
    Ok(crate::openapi::parse_document(text, origin)?)
}
