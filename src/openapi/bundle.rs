//! Several files as one document: the files given together, plus every
//! file their `$ref`s name, read once each and merged.
//!
//! A `$ref` to another file is resolved relative to the file it is in
//! (`../common/common-schemas.json#/components/schemas/BadRequestDTO`); an
//! absolute `http(s)` URL is matched by its last path segment against the
//! files given, then against a file of that name beside the referring one
//! (Zoho's specs refer to each other by their GitHub URLs). Nothing is
//! fetched from the network; a reference that finds no file stays external
//! and is reported where it is used.
//!
//! Each file is first read as 3.0 on its own (3.1 and Swagger 2.0
//! converted, quirks repaired). Then the first file given is the base: the
//! other files' components join its own (an identical component is shared;
//! a different one with a taken name is renamed `Name_file`), the paths of
//! every file given join its paths, and every `$ref` is rewritten to point
//! into the merged document. A reference to something that is not a
//! component of another file (rare) points into a copy of that file kept
//! under `midcall-bundled`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use super::dialect::{self, Dialect};
use super::error::SpecError;
use super::keys;
use super::pointer;
use super::quirks;
use super::swagger;

/// More files than this through `$ref`s is refused.
const MAX_FILES: usize = 500;

/// Nesting beyond this is not searched for `$ref`s.
const MAX_DEPTH: usize = 256;

/// The component sections whose entries are merged by name.
const SECTIONS: [&str; 9] = [
    "schemas",
    "responses",
    "parameters",
    "examples",
    "requestBodies",
    "headers",
    "securitySchemes",
    "links",
    "callbacks",
];

/// One file, read and made 3.0.
struct File {
    /// The path as opened.
    path: PathBuf,
    /// The path as shown in messages.
    origin: String,
    /// Its document, 3.0-shaped.
    doc: Value,
    /// Whether the file was given (its paths count), not only referred to.
    root: bool,
}

/// The merged document and what was noted while making it.
pub(crate) struct Bundle {
    /// The document, OpenAPI 3.0-shaped.
    pub(crate) doc: Value,
    /// The name used in messages: the first file, plus how many others.
    pub(crate) origin: String,
    /// The first file's version as written ("3.1.0", "2.0").
    pub(crate) version: String,
    /// Notes, one line each.
    pub(crate) notes: Vec<String>,
}

/// Reads the files and everything they refer to, and merges them.
pub(crate) fn load(paths: &[&Path]) -> Result<Bundle, SpecError> {
    let Some(first) = paths.first() else {
        return Err(SpecError::Empty {
            origin: "(no spec file given)".to_owned(),
        });
    };
    let mut notes = Vec::new();
    let mut files: Vec<File> = Vec::new();
    let mut index: HashMap<PathBuf, usize> = HashMap::new();
    let mut version = String::new();
    for path in paths {
        let key = canonical(path);
        if index.contains_key(&key) {
            continue;
        }
        let (doc, found) = read_file(path, &mut notes, paths.len() > 1)?;
        if version.is_empty() {
            version = found;
        }
        index.insert(key, files.len());
        files.push(File {
            path: path.to_path_buf(),
            origin: path.display().to_string(),
            doc,
            root: true,
        });
    }

    // Follow external references, file by file, reading each new file once.
    let mut targets: Vec<HashMap<String, Option<usize>>> = Vec::new();
    let mut i = 0;
    while i < files.len() {
        let mut refs = Vec::new();
        external_refs(&files[i].doc, &mut refs, 0);
        let mut map: HashMap<String, Option<usize>> = HashMap::new();
        for file_part in refs {
            if map.contains_key(&file_part) {
                continue;
            }
            let found = match locate(&file_part, &files[i].path, &files) {
                Some(Located::Loaded(t)) => Some(t),
                Some(Located::Path(path)) => {
                    let key = canonical(&path);
                    match index.get(&key) {
                        Some(&t) => Some(t),
                        None if files.len() < MAX_FILES => {
                            let (doc, _) = read_file(&path, &mut notes, true)?;
                            index.insert(key, files.len());
                            files.push(File {
                                origin: path.display().to_string(),
                                path,
                                doc,
                                root: false,
                            });
                            Some(files.len() - 1)
                        }
                        None => None,
                    }
                }
                None => None,
            };
            map.insert(file_part, found);
        }
        targets.push(map);
        i += 1;
    }

    let origin = if paths.len() > 1 {
        format!("{} (+{} more)", first.display(), paths.len() - 1)
    } else {
        first.display().to_string()
    };
    if files.len() == 1 {
        // One file, nothing to merge: its external references stay as they
        // are and are reported where they are used.
        let file = files.pop().map(|f| f.doc).unwrap_or_default();
        return Ok(Bundle {
            doc: file,
            origin,
            version,
            notes,
        });
    }

    let names = component_names(&files);
    let mut bundled: Vec<usize> = Vec::new();
    for (i, file) in files.iter_mut().enumerate() {
        let mut rewrite = Rewrite {
            file: i,
            targets: &targets[i],
            names: &names,
            bundled: &mut bundled,
        };
        rewrite.value(&mut file.doc, 0);
    }
    bundled.sort_unstable();
    bundled.dedup();
    let copies: Vec<(usize, Value)> = bundled
        .iter()
        .filter_map(|&t| files.get(t).map(|f| (t, f.doc.clone())))
        .collect();

    let mut files = files.into_iter();
    let Some(base) = files.next() else {
        return Err(SpecError::Empty { origin });
    };
    let mut doc = base.doc;
    let base_security = doc.get("security").cloned();
    for (offset, file) in files.enumerate() {
        let i = offset + 1;
        merge(
            &mut doc,
            file,
            i,
            &names,
            base_security.as_ref(),
            &mut notes,
        );
    }
    if !copies.is_empty() {
        if let Value::Object(map) = &mut doc {
            let holder: Map<String, Value> = copies
                .into_iter()
                .map(|(t, v)| (t.to_string(), v))
                .collect();
            map.insert("midcall-bundled".into(), Value::Object(holder));
        }
    }
    Ok(Bundle {
        doc,
        origin,
        version,
        notes,
    })
}

/// The path used to tell files apart.
fn canonical(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

/// Reads one file and makes it 3.0-shaped; returns it and the version as
/// written. Notes are prefixed with the file name when several files are
/// read.
fn read_file(
    path: &Path,
    notes: &mut Vec<String>,
    prefix: bool,
) -> Result<(Value, String), SpecError> {
    let origin = path.display().to_string();
    let text = super::load::read(path)?;
    let mut doc = super::load::parse(&text, &origin)?;
    drop(text);
    let (dialect, version) = dialect::detect(&doc, &origin)?;
    let mut own = Vec::new();
    match dialect {
        Dialect::V30 => {
            if let Value::Object(map) = &mut doc {
                map.insert("openapi".into(), Value::String("3.0.3".into()));
                dialect::ensure_paths(map, &mut own);
            }
        }
        Dialect::V31 => dialect::normalise_31(&mut doc, &mut own),
        Dialect::Swagger2 => {
            own.push(format!(
                "#: Swagger {version} document converted to OpenAPI 3.0"
            ));
            own.extend(swagger::convert(&mut doc));
        }
    }
    own.extend(quirks::repair_dialect(&mut doc, dialect == Dialect::V31));
    if prefix {
        notes.extend(own.into_iter().map(|n| format!("{origin}{n}")));
    } else {
        notes.extend(own);
    }
    Ok((doc, version))
}

/// The file parts of every external `$ref` in a document (example data
/// and `x-` extensions skipped).
pub(crate) fn external_refs(value: &Value, out: &mut Vec<String>, depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    match value {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = keys::get(map, "$ref") {
                if !reference.starts_with('#') {
                    let file = reference.split('#').next().unwrap_or_default();
                    if !file.is_empty() && !out.iter().any(|f| f == file) {
                        out.push(file.to_owned());
                    }
                }
            }
            for (key, child) in map {
                if (child.is_object() || child.is_array()) && !is_data_key(key) {
                    external_refs(child, out, depth + 1);
                }
            }
        }
        Value::Array(items) => {
            for child in items {
                external_refs(child, out, depth + 1);
            }
        }
        _ => {}
    }
}

pub(crate) fn is_data_key(key: &str) -> bool {
    matches!(key, "example" | "examples" | "default" | "enum" | "const") || key.starts_with("x-")
}

enum Located {
    /// A file already read.
    Loaded(usize),
    /// A file to read.
    Path(PathBuf),
}

/// Where the file part of a `$ref` found in `from` is.
fn locate(file_part: &str, from: &Path, files: &[File]) -> Option<Located> {
    let dir = from.parent().unwrap_or(Path::new(""));
    let is_url = file_part.starts_with("http://") || file_part.starts_with("https://");
    if is_url {
        let name = file_part
            .split(['?', '#'])
            .next()
            .unwrap_or_default()
            .rsplit('/')
            .next()
            .filter(|n| !n.is_empty())?;
        if let Some(t) = files
            .iter()
            .position(|f| f.path.file_name().is_some_and(|n| n == name))
        {
            return Some(Located::Loaded(t));
        }
        let beside = dir.join(name);
        return beside.is_file().then_some(Located::Path(beside));
    }
    let decoded = pointer::percent_decode(file_part);
    let path = dir.join(decoded.as_ref());
    path.is_file().then_some(Located::Path(path))
}

/// The merged name of every component: (file, section, name) → name.
type Names = HashMap<(usize, &'static str, String), String>;

fn component_names(files: &[File]) -> Names {
    let mut names = Names::new();
    // Which file's value each merged name holds.
    let mut taken: HashMap<(&'static str, String), usize> = HashMap::new();
    for (i, file) in files.iter().enumerate() {
        let stem = file
            .path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| i.to_string());
        for section in SECTIONS {
            let Some(Value::Object(entries)) =
                file.doc.get("components").and_then(|c| c.get(section))
            else {
                continue;
            };
            for (name, value) in entries {
                let merged = match taken.get(&(section, name.clone())) {
                    None => name.clone(),
                    Some(&owner) => {
                        let same = files
                            .get(owner)
                            .and_then(|f| f.doc.get("components"))
                            .and_then(|c| c.get(section))
                            .and_then(|s| s.get(name))
                            == Some(value);
                        if same {
                            names.insert((i, section, name.clone()), name.clone());
                            continue;
                        }
                        let mut candidate = format!("{name}_{stem}");
                        let mut n = 2;
                        while taken.contains_key(&(section, candidate.clone())) {
                            candidate = format!("{name}_{stem}{n}");
                            n += 1;
                        }
                        candidate
                    }
                };
                taken.insert((section, merged.clone()), i);
                names.insert((i, section, name.clone()), merged);
            }
        }
    }
    names
}

/// Rewrites the `$ref`s of one file to point into the merged document.
struct Rewrite<'a> {
    file: usize,
    targets: &'a HashMap<String, Option<usize>>,
    names: &'a Names,
    /// Files a reference needs a whole copy of.
    bundled: &'a mut Vec<usize>,
}

impl Rewrite<'_> {
    fn value(&mut self, value: &mut Value, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        match value {
            Value::Object(map) => {
                if let Some(Value::String(reference)) = map.get_mut("$ref") {
                    if let Some(new) = self.reference(reference) {
                        *reference = new;
                    }
                }
                for (key, child) in map.iter_mut() {
                    if (child.is_object() || child.is_array()) && !is_data_key(key) {
                        self.value(child, depth + 1);
                    } else if key == "examples" {
                        // Example objects may be `$ref`s themselves.
                        if let Value::Object(examples) = child {
                            for example in examples.values_mut() {
                                self.value(example, depth + 1);
                            }
                        }
                    }
                }
            }
            Value::Array(items) => {
                for child in items {
                    self.value(child, depth + 1);
                }
            }
            _ => {}
        }
    }

    /// The rewritten reference, or `None` to leave it as it is.
    fn reference(&mut self, reference: &str) -> Option<String> {
        let (file_part, fragment) = match reference.split_once('#') {
            Some((f, frag)) => (f, frag),
            None => (reference, ""),
        };
        let target = if file_part.is_empty() {
            self.file
        } else {
            (*self.targets.get(file_part)?)?
        };
        let tokens = pointer::split(&pointer::percent_decode(fragment))?
            .into_iter()
            .map(|t| t.into_owned())
            .collect::<Vec<_>>();
        if let [components, section, name] = tokens.as_slice() {
            if components == "components" {
                if let Some(section) = SECTIONS.iter().find(|s| *s == section) {
                    // A component its file lacks is looked for among the
                    // merged ones (Zoho's files use each other's that way).
                    let merged = self
                        .names
                        .get(&(target, *section, name.clone()))
                        .unwrap_or(name);
                    return Some(format!(
                        "#{}",
                        pointer::join_all("", &["components", section, merged])
                    ));
                }
            }
        }
        if target == 0 {
            return Some(format!("#{fragment}"));
        }
        self.bundled.push(target);
        Some(format!(
            "#{}",
            pointer::join_all("", &["midcall-bundled".to_owned(), target.to_string()])
                + &pointer::join_all("", &tokens)
        ))
    }
}

/// Adds one file to the merged document: its components, and its paths if
/// it was given.
fn merge(
    doc: &mut Value,
    file: File,
    i: usize,
    names: &Names,
    base_security: Option<&Value>,
    notes: &mut Vec<String>,
) {
    let File {
        doc: other,
        origin,
        root,
        ..
    } = file;
    let Value::Object(mut other) = other else {
        return;
    };
    let Value::Object(base) = doc else { return };
    if let Some(Value::Object(mut components)) = other.remove("components") {
        let target = base
            .entry("components")
            .or_insert_with(|| Value::Object(Map::new()));
        if !target.is_object() {
            *target = Value::Object(Map::new());
        }
        if let Value::Object(target) = target {
            for section in SECTIONS {
                let Some(Value::Object(entries)) = components.remove(section) else {
                    continue;
                };
                let into = target
                    .entry(section)
                    .or_insert_with(|| Value::Object(Map::new()));
                if let Value::Object(into) = into {
                    for (name, value) in entries {
                        let merged = names
                            .get(&(i, section, name.clone()))
                            .cloned()
                            .unwrap_or(name);
                        into.entry(merged).or_insert(value);
                    }
                }
            }
        }
    }
    if !root {
        return;
    }
    if !base.contains_key("servers") {
        if let Some(servers) = other.remove("servers") {
            base.insert("servers".into(), servers);
        }
    }
    // Operations without their own `security` keep their file's default.
    let own_security = other.remove("security");
    let inherit = own_security.filter(|s| Some(s) != base_security);
    let Some(Value::Object(paths)) = other.remove("paths") else {
        return;
    };
    let base_paths = base
        .entry("paths")
        .or_insert_with(|| Value::Object(Map::new()));
    let Value::Object(base_paths) = base_paths else {
        return;
    };
    for (path, mut item) in paths {
        if let (Some(security), Value::Object(item)) = (&inherit, &mut item) {
            for method in [
                "get", "put", "post", "delete", "options", "head", "patch", "trace",
            ] {
                if let Some(Value::Object(op)) = item.get_mut(method) {
                    op.entry("security").or_insert_with(|| security.clone());
                }
            }
        }
        match base_paths.get_mut(&path) {
            None => {
                base_paths.insert(path, item);
            }
            Some(Value::Object(existing)) => {
                let Value::Object(item) = item else { continue };
                for (key, value) in item {
                    if existing.contains_key(&key) {
                        if !key.starts_with("x-") && key != "parameters" {
                            notes.push(format!(
                                "{origin}#{}: `{key}` of this path is also in an earlier file; the earlier one is used",
                                pointer::join("/paths", &path)
                            ));
                        }
                    } else {
                        existing.insert(key, value);
                    }
                }
            }
            Some(_) => {}
        }
    }
}
