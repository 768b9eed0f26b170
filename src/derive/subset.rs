//! The subset of one or several vendor spec files that a CRM's bindings
//! use: the chosen operations, everything they reference (followed through
//! `$ref`s, into other files too), and the vendor's servers and security
//! schemes. Works on the documents as JSON values, so it keeps the vendor's
//! text exactly and never needs to understand a schema.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use crate::error::{Error, Result};
use crate::suggest;

/// One vendor file, parsed.
#[derive(Debug, Clone)]
pub struct Document {
    /// How messages name it (relative to the vendor-spec folder).
    pub name: String,
    /// Where it is, to resolve relative `$ref`s.
    pub path: PathBuf,
    /// Its contents.
    pub value: Value,
}

/// Reads a referenced file (an external `$ref`) by path.
pub type Reader<'a> = dyn FnMut(&Path) -> Result<Document> + 'a;

/// The HTTP methods of a path item, in the order the output lists them.
const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// The order of `components` kinds in the output.
const COMPONENT_KINDS: [&str; 9] = [
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

/// The state of one derivation: the documents read so far, the places
/// still to copy and where each referenced place lands in the output.
struct Ctx<'r, 'a> {
    docs: Vec<Document>,
    queue: VecDeque<(usize, String, String)>,
    read: &'r mut Reader<'a>,
    origin: &'r str,
    /// Keep a component two files define differently once per file (the
    /// later one renamed `Name_<file stem>`) instead of failing.
    rename: bool,
    /// Output pointer → the document and vendor text that took it.
    owners: BTreeMap<String, (usize, Value)>,
    /// (document, vendor pointer) → output pointer.
    names: BTreeMap<(usize, String), String>,
}

/// Builds the subset of `sources` holding `operations` (`METHOD /path`,
/// paths as the derived document has them). `origin` names the manifest in
/// errors; `read` loads a file an external `$ref` names. With
/// `rename_conflicts`, a component two files define differently is kept
/// once per file, the later one (in the order the operations reach it)
/// renamed `Name_<file stem>`, as `gen ops` loads several files; without
/// it that is an error.
pub fn subset(
    sources: &[Document],
    operations: &BTreeSet<(String, String)>,
    origin: &str,
    read: &mut Reader<'_>,
    rename_conflicts: bool,
) -> Result<Value> {
    let first = sources
        .first()
        .ok_or_else(|| Error::invalid(origin, "sources", "names no vendor file"))?;
    for doc in sources {
        if doc.value.get("openapi").is_none() {
            return Err(Error::invalid(
                origin,
                "sources",
                format!(
                    "`{}` is not an OpenAPI document (no `openapi` member)",
                    doc.name
                ),
            ));
        }
    }
    let prefixes = path_prefixes(sources, origin)?;

    let mut ctx = Ctx {
        docs: sources.to_vec(),
        queue: VecDeque::new(),
        read,
        origin,
        rename: rename_conflicts,
        owners: BTreeMap::new(),
        names: BTreeMap::new(),
    };
    let mut out_paths: BTreeMap<String, Map<String, Value>> = BTreeMap::new();
    let mut placed: BTreeMap<String, (Value, String)> = BTreeMap::new();
    let mut seen: BTreeSet<(usize, String)> = BTreeSet::new();

    // The operations, each from the one file that has it.
    let mut all_ops: Vec<String> = Vec::new();
    for (method, path) in operations {
        let lower = method.to_ascii_lowercase();
        let mut found = None;
        for (i, doc) in sources.iter().enumerate() {
            let Some(items) = doc.value.get("paths").and_then(Value::as_object) else {
                continue;
            };
            for (vendor_path, item) in items {
                let ours = format!("{}{vendor_path}", prefixes[i]);
                if ours == *path {
                    if let Some(op) = item.get(&lower) {
                        if let Some((j, _, _)) = &found {
                            let other: &Document = &sources[*j];
                            return Err(Error::invalid(
                                origin,
                                "sources",
                                format!(
                                    "`{method} {path}` is in both `{}` and `{}`; keep one file",
                                    other.name, doc.name
                                ),
                            ));
                        }
                        found = Some((i, item.clone(), op.clone()));
                    }
                }
            }
        }
        let Some((i, item, op)) = found else {
            for (i, doc) in sources.iter().enumerate() {
                if let Some(items) = doc.value.get("paths").and_then(Value::as_object) {
                    for (p, item) in items {
                        for m in METHODS {
                            if item.get(m).is_some() {
                                all_ops.push(format!(
                                    "{} {}{p}",
                                    m.to_ascii_uppercase(),
                                    prefixes[i]
                                ));
                            }
                        }
                    }
                }
            }
            let refs: Vec<&str> = all_ops.iter().map(String::as_str).collect();
            let hint = suggest::closest(&format!("{method} {path}"), &refs)
                .map(|c| format!("; did you mean `{c}`?"))
                .unwrap_or_default();
            return Err(Error::invalid(
                origin,
                "operations",
                format!("`{method} {path}` is in none of the sources{hint}"),
            ));
        };
        let entry = out_paths.entry(path.clone()).or_default();
        if let Some(params) = item.get("parameters") {
            let params = import(params, i, &mut ctx)?;
            entry.insert("parameters".into(), params);
        }
        if let Some(servers) = item.get("servers") {
            entry.insert("servers".into(), servers.clone());
        }
        let op = import(&op, i, &mut ctx)?;
        entry.insert(lower, op);
    }

    // Everything the operations reference, transitively.
    while let Some((doc, pointer, out)) = ctx.queue.pop_front() {
        if !seen.insert((doc, pointer.clone())) {
            continue;
        }
        let Some(node) = ctx.docs[doc].value.pointer(&pointer).cloned() else {
            return Err(Error::invalid(
                origin,
                "sources",
                format!(
                    "`{}` has nothing at `#{pointer}`, which a kept operation references",
                    ctx.docs[doc].name
                ),
            ));
        };
        let node = import(&node, doc, &mut ctx)?;
        let pointer = out;
        match placed.get(&pointer) {
            Some((existing, from)) if *existing != node => {
                return Err(Error::invalid(
                    origin,
                    "sources",
                    format!(
                        "`#{pointer}` differs between `{from}` and `{}`; derive them separately",
                        ctx.docs[doc].name
                    ),
                ))
            }
            Some(_) => {}
            None => {
                placed.insert(pointer, (node, ctx.docs[doc].name.clone()));
            }
        }
    }

    // Security schemes: every one the vendor declares (a `$ref` to another
    // file's scheme, as Zoho's files have, is the scheme it names).
    let schemes_pointer = "/components/securitySchemes";
    for (index, doc) in sources.iter().enumerate() {
        if let Some(schemes) = doc
            .value
            .pointer(schemes_pointer)
            .and_then(Value::as_object)
        {
            for (name, scheme) in schemes {
                let scheme = &follow(scheme, index, &mut ctx)?;
                let pointer = format!("{schemes_pointer}/{}", pointer_escape(name));
                match placed.get_mut(&pointer) {
                    Some((existing, from)) => match union(existing, scheme) {
                        Some(merged) => *existing = merged,
                        None => {
                            return Err(Error::invalid(
                                origin,
                                "sources",
                                format!(
                                    "security scheme `{name}` differs between `{from}` and `{}`",
                                    doc.name
                                ),
                            ))
                        }
                    },
                    None => {
                        placed.insert(pointer, (scheme.clone(), doc.name.clone()));
                    }
                }
            }
        }
    }

    Ok(assemble(first, &prefixes[0], out_paths, placed))
}

/// Each source's path prefix: empty when every source has the same server;
/// otherwise, when they share an origin but not a base path (ServiceTitan's
/// `https://api.servicetitan.io/crm/v2`, `…/jpm/v2`), the server becomes the
/// origin and each file's base path moves into its paths.
fn path_prefixes(sources: &[Document], origin: &str) -> Result<Vec<String>> {
    let server = |doc: &Document| -> String {
        doc.value
            .pointer("/servers/0/url")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    let servers: Vec<String> = sources.iter().map(server).collect();
    if servers.iter().all(|s| *s == servers[0]) {
        return Ok(vec![String::new(); sources.len()]);
    }
    let split = |url: &str| -> (String, String) {
        let after_scheme = url.find("://").map(|i| i + 3).unwrap_or(0);
        match url[after_scheme..].find('/') {
            Some(i) => (
                url[..after_scheme + i].to_string(),
                url[after_scheme + i..].trim_end_matches('/').to_string(),
            ),
            None => (url.to_string(), String::new()),
        }
    };
    let (origin0, _) = split(&servers[0]);
    let mut prefixes = Vec::new();
    for (doc, url) in sources.iter().zip(&servers) {
        let (o, base) = split(url);
        if o != origin0 {
            return Err(Error::invalid(
                origin,
                "sources",
                format!(
                    "`{}` is served from `{o}`, `{}` from `{origin0}`; derive them separately",
                    doc.name, sources[0].name
                ),
            ));
        }
        prefixes.push(base);
    }
    Ok(prefixes)
}

/// A copy of `node` (from document `doc`) whose `$ref`s all point into the
/// derived document, each referenced place queued for copying.
fn import(node: &Value, doc: usize, ctx: &mut Ctx<'_, '_>) -> Result<Value> {
    Ok(match node {
        Value::Object(map) => {
            let mut out = Map::new();
            for (key, value) in map {
                if key == "$ref" {
                    if let Value::String(reference) = value {
                        let (target, pointer) =
                            resolve(reference, doc, &mut ctx.docs, ctx.read, ctx.origin)?;
                        let place = allocate(ctx, target, &pointer);
                        ctx.queue.push_back((target, pointer, place.clone()));
                        out.insert(key.clone(), Value::String(format!("#{place}")));
                        continue;
                    }
                }
                out.insert(key.clone(), import(value, doc, ctx)?);
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|v| import(v, doc, ctx))
                .collect::<Result<_>>()?,
        ),
        other => other.clone(),
    })
}

/// Where the place `pointer` of document `doc` lands in the output: at the
/// same pointer, unless renaming is on and another file's different
/// definition took it (then `…/Name_<file stem>`).
fn allocate(ctx: &mut Ctx<'_, '_>, doc: usize, pointer: &str) -> String {
    if let Some(place) = ctx.names.get(&(doc, pointer.to_string())) {
        return place.clone();
    }
    let raw = ctx.docs[doc].value.pointer(pointer).cloned();
    let mut place = pointer.to_string();
    if ctx.rename {
        if let Some(raw) = &raw {
            let stem = ctx.docs[doc]
                .path
                .file_stem()
                .map(|s| {
                    s.to_string_lossy()
                        .replace(|c: char| !c.is_ascii_alphanumeric(), "_")
                })
                .unwrap_or_default();
            loop {
                match ctx.owners.get(&place) {
                    Some((owner, text)) if *owner != doc && text != raw => {
                        match renamed(&place, &stem) {
                            Some(next) => place = next,
                            None => break,
                        }
                    }
                    _ => break,
                }
            }
            ctx.owners
                .entry(place.clone())
                .or_insert_with(|| (doc, raw.clone()));
        }
    }
    ctx.names.insert((doc, pointer.to_string()), place.clone());
    place
}

/// `/components/<kind>/<Name>…` with the name suffixed `_<stem>`; `None`
/// for a place that is no component.
fn renamed(pointer: &str, stem: &str) -> Option<String> {
    let mut parts: Vec<&str> = pointer.split('/').collect();
    if parts.len() < 4 || parts[1] != "components" || stem.is_empty() {
        return None;
    }
    let name = format!("{}_{stem}", parts[3]);
    parts[3] = &name;
    Some(parts.join("/"))
}

/// A security scheme as declared: a `$ref` (to this or another file) is
/// replaced by what it names, followed as long as that is a `$ref` too.
fn follow(node: &Value, doc: usize, ctx: &mut Ctx<'_, '_>) -> Result<Value> {
    let (mut node, mut doc) = (node.clone(), doc);
    for _ in 0..16 {
        let Some(reference) = node.get("$ref").and_then(Value::as_str).map(str::to_string) else {
            return Ok(node);
        };
        let (target, pointer) = resolve(&reference, doc, &mut ctx.docs, ctx.read, ctx.origin)?;
        node = ctx.docs[target]
            .value
            .pointer(&pointer)
            .cloned()
            .ok_or_else(|| {
                Error::invalid(
                    ctx.origin,
                    "sources",
                    format!("`{reference}` names nothing (a security scheme)"),
                )
            })?;
        doc = target;
    }
    Err(Error::invalid(
        ctx.origin,
        "sources",
        "a security scheme's `$ref`s form a cycle",
    ))
}

/// The document and pointer a `$ref` in document `doc` names, reading the
/// file of an external reference on first use.
fn resolve(
    reference: &str,
    doc: usize,
    docs: &mut Vec<Document>,
    read: &mut Reader<'_>,
    origin: &str,
) -> Result<(usize, String)> {
    let (file, fragment) = reference.split_once('#').unwrap_or((reference, ""));
    if !fragment.is_empty() && !fragment.starts_with('/') {
        return Err(Error::invalid(
            origin,
            "sources",
            format!(
                "`{}` references `{reference}`, whose fragment is not a JSON pointer",
                docs[doc].name
            ),
        ));
    }
    if fragment.is_empty() {
        return Err(Error::invalid(
            origin,
            "sources",
            format!(
                "`{}` references the whole file `{reference}`; only references to a place (`file#/…`) are kept",
                docs[doc].name
            ),
        ));
    }
    if file.is_empty() {
        return Ok((doc, fragment.to_string()));
    }
    let base = docs[doc].path.parent().unwrap_or(Path::new("."));
    let path = if file.contains("://") {
        // An absolute URL (Zoho's files reference each other by their
        // raw.githubusercontent.com address): matched by file name against
        // the files read so far, then the file of that name beside the
        // referring one. Nothing is downloaded.
        let name = file.rsplit('/').next().unwrap_or_default();
        if let Some(i) = docs
            .iter()
            .position(|d| !name.is_empty() && d.path.file_name().is_some_and(|n| n == name))
        {
            return Ok((i, fragment.to_string()));
        }
        let beside = normalize(&base.join(name));
        if name.is_empty() || !beside.is_file() {
            return Err(Error::invalid(
                origin,
                "sources",
                format!(
                    "`{}` references `{reference}`, a URL, and no file `{name}` is among the sources or beside it; copy that file there",
                    docs[doc].name
                ),
            ));
        }
        beside
    } else {
        normalize(&base.join(file))
    };
    if let Some(i) = docs.iter().position(|d| normalize(&d.path) == path) {
        return Ok((i, fragment.to_string()));
    }
    let loaded = read(&path)?;
    docs.push(loaded);
    Ok((docs.len() - 1, fragment.to_string()))
}

/// `a/b/../c` → `a/c`, without touching the file system.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            std::path::Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            std::path::Component::CurDir => {}
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// The derived document, in a fixed order: version, info, servers,
/// security, paths (sorted; methods in their usual order), components
/// (kinds in their usual order, names sorted).
fn assemble(
    first: &Document,
    prefix0: &str,
    paths: BTreeMap<String, Map<String, Value>>,
    placed: BTreeMap<String, (Value, String)>,
) -> Value {
    let mut root = Map::new();
    if let Some(v) = first.value.get("openapi") {
        root.insert("openapi".into(), v.clone());
    }
    let mut info = Map::new();
    for key in ["title", "version"] {
        if let Some(v) = first.value.pointer(&format!("/info/{key}")) {
            info.insert(key.into(), v.clone());
        }
    }
    root.insert("info".into(), Value::Object(info));
    if let Some(servers) = first.value.get("servers").and_then(Value::as_array) {
        let servers: Vec<Value> = servers
            .iter()
            .map(|s| {
                let mut s = s.clone();
                if let (false, Some(url)) = (
                    prefix0.is_empty(),
                    s.get("url").and_then(Value::as_str).map(str::to_string),
                ) {
                    let trimmed = url.trim_end_matches('/');
                    let origin = trimmed.strip_suffix(prefix0).unwrap_or(trimmed);
                    s["url"] = Value::String(origin.to_string());
                }
                s
            })
            .collect();
        root.insert("servers".into(), Value::Array(servers));
    }
    if let Some(security) = first.value.get("security") {
        root.insert("security".into(), security.clone());
    }
    let mut out_paths = Map::new();
    for (path, mut item) in paths {
        let mut ordered = Map::new();
        for key in ["servers", "parameters"] {
            if let Some(v) = item.remove(key) {
                ordered.insert(key.into(), v);
            }
        }
        for method in METHODS {
            if let Some(v) = item.remove(method) {
                ordered.insert(method.into(), v);
            }
        }
        out_paths.insert(path, Value::Object(ordered));
    }
    root.insert("paths".into(), Value::Object(out_paths));

    // Everything else referenced, at the pointer it had.
    let mut rest = Value::Object(Map::new());
    for (pointer, (value, _)) in placed {
        place(&mut rest, &pointer, value);
    }
    if let Value::Object(mut rest) = rest {
        if let Some(Value::Object(mut components)) = rest.remove("components") {
            let mut ordered = Map::new();
            for kind in COMPONENT_KINDS {
                if let Some(v) = components.remove(kind) {
                    ordered.insert(kind.into(), sorted(v));
                }
            }
            let mut others: Vec<(String, Value)> = components.into_iter().collect();
            others.sort_by(|a, b| a.0.cmp(&b.0));
            for (k, v) in others {
                ordered.insert(k, sorted(v));
            }
            root.insert("components".into(), Value::Object(ordered));
        }
        let mut others: Vec<(String, Value)> = rest.into_iter().collect();
        others.sort_by(|a, b| a.0.cmp(&b.0));
        for (k, v) in others {
            root.insert(k, sorted(v));
        }
    }
    Value::Object(root)
}

/// An object with its members sorted by name (one level).
fn sorted(value: Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut members: Vec<(String, Value)> = map.into_iter().collect();
            members.sort_by(|a, b| a.0.cmp(&b.0));
            Value::Object(members.into_iter().collect())
        }
        other => other,
    }
}

/// Sets `value` at `pointer` in `root`, creating objects on the way. A
/// pointer into an array (a referenced list element) makes an object keyed
/// by the index, which keeps the reference resolvable.
fn place(root: &mut Value, pointer: &str, value: Value) {
    let parts: Vec<String> = pointer
        .split('/')
        .skip(1)
        .map(|p| p.replace("~1", "/").replace("~0", "~"))
        .collect();
    let mut node = root;
    for (i, part) in parts.iter().enumerate() {
        if !node.is_object() {
            *node = Value::Object(Map::new());
        }
        let Value::Object(map) = node else { return };
        if i + 1 == parts.len() {
            map.insert(part.clone(), value);
            return;
        }
        node = map
            .entry(part.clone())
            .or_insert_with(|| Value::Object(Map::new()));
    }
}

/// Escapes one JSON pointer token (`/` → `~1`, `~` → `~0`).
fn pointer_escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// Two declarations of one security scheme merged: objects take the union
/// of their members (each file lists the OAuth scopes of its own objects),
/// anything else must be equal. `None` when they contradict each other.
fn union(a: &Value, b: &Value) -> Option<Value> {
    match (a, b) {
        (Value::Object(a), Value::Object(b)) => {
            let mut out = a.clone();
            for (key, value) in b {
                let merged = match a.get(key) {
                    Some(existing) => union(existing, value)?,
                    None => value.clone(),
                };
                out.insert(key.clone(), merged);
            }
            let mut members: Vec<(String, Value)> = out.into_iter().collect();
            members.sort_by(|x, y| x.0.cmp(&y.0));
            Some(Value::Object(members.into_iter().collect()))
        }
        (a, b) if a == b => Some(a.clone()),
        _ => None,
    }
}
