//! The forgiving build behind [`load_files`](super::load_files): each part
//! of the document is decoded and converted on its own and dropped once
//! converted, so that a defect stays where it is.
//!
//! A schema component that cannot be built (a dangling `$ref`, a reference
//! cycle, the wrong shape), and every component that refers to one, is left
//! out of [`Api::schemas`]; an operation that cannot be built, or whose
//! parameters, body or response refer to a left-out schema, goes to
//! [`Api::unusable`] with the reason. Each is also one line in
//! [`Api::warnings`]. Only a defect of the document as a whole (its `info`
//! has the wrong shape) fails the load.

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};

use openapiv3::ReferenceOr;
use serde_json::Value;

use super::build::{self, Builder, Built};
use super::decode;
use super::error::SpecError;
use super::model::{Api, Operation, SecurityRequirement, SecurityScheme, Unusable};
use super::pointer;
use super::refs;
use super::schema::{Schema, SchemaKind};

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Builds the model of a 3.0-shaped document, setting broken parts aside.
///
/// With `fast`, each component schema and path item is first decoded
/// straight into the model (`fast.rs`); what that does not take is decoded
/// through `openapiv3` as before, which words every error. The model is
/// the same either way (`tests/openapi_fast.rs` checks it on every real
/// spec).
///
/// With `fast`, and when no `$ref` points into `paths`, the paths are
/// taken out of the document first and each path item is dropped as soon
/// as its operations are built, so that the raw paths and the model of
/// their operations are not both held whole.
///
/// With `outline`, the model keeps only the outline of each operation
/// (see [`Assembly::outline`]).
pub(crate) fn build(
    mut doc: Value,
    origin: &str,
    fast: bool,
    outline: bool,
) -> Result<Api, SpecError> {
    let defects = refs::collect(&doc, origin);
    let taken_paths = if fast && !refers_into_paths(&doc) {
        doc.get_mut("paths").map(Value::take)
    } else {
        None
    };
    let doc = &doc;
    let mut assembly = Assembly::new(doc, origin, fast, outline, defects)?;
    match taken_paths {
        Some(Value::Object(paths)) => {
            // Each path item is dropped once built.
            for (path, value) in paths {
                if path.starts_with("x-") {
                    continue;
                }
                assembly.taken_path_item(&path, value);
            }
        }
        Some(_) => {}
        None => {
            if let Some(Value::Object(paths)) = doc.get("paths") {
                for (path, value) in paths {
                    if path.starts_with("x-") {
                        continue;
                    }
                    let built = match fast_path_item(
                        &mut assembly.builder,
                        path,
                        value,
                        &assembly.security,
                    ) {
                        Some(built) => built,
                        None => path_item(
                            &mut assembly.builder,
                            doc,
                            path,
                            value,
                            &assembly.security,
                            origin,
                        ),
                    };
                    assembly.record(path, built);
                }
            }
        }
    }
    Ok(assembly.finish())
}

/// The forgiving build of one document, part by part: everything but the
/// paths in [`Assembly::new`], then each path item, then
/// [`Assembly::finish`]. Also used by `streamed.rs`, which hands it the
/// path items one at a time.
pub(crate) struct Assembly<'d> {
    origin: &'d str,
    outline: bool,
    pub(crate) builder: Builder<'d>,
    pub(crate) warnings: Vec<String>,
    /// Schema components that a `$ref` defect breaks, with its text.
    pub(crate) ref_broken: BTreeMap<String, String>,
    info: openapiv3::Info,
    servers: Vec<openapiv3::Server>,
    pub(crate) security: Vec<SecurityRequirement>,
    schemas: BTreeMap<String, Schema>,
    security_schemes: BTreeMap<String, SecurityScheme>,
    /// Why each schema component that cannot be used cannot.
    why: HashMap<String, String>,
    operations: Vec<Operation>,
    unusable: Vec<Unusable>,
}

impl<'d> Assembly<'d> {
    /// Everything but the paths: the `$ref` defects (`defects`, in
    /// document order) as warnings, `info`, `servers`, `security` and the
    /// components. Only an `info` of the wrong shape is an error.
    pub(crate) fn new(
        doc: &'d Value,
        origin: &'d str,
        fast: bool,
        outline: bool,
        defects: Vec<SpecError>,
    ) -> Result<Assembly<'d>, SpecError> {
        let mut warnings = Vec::new();
        let mut builder = Builder::new(doc, origin);
        builder.fast = fast;

        // Where `$ref`s lead nowhere or in circles: schema components so
        // affected are broken; the rest is noted, and fails where it is used.
        let mut broken: BTreeMap<String, String> = BTreeMap::new();
        for defect in defects {
            let text = reason(&defect, origin);
            if let Some(name) = defect.pointer().and_then(schema_component) {
                broken.entry(name).or_insert_with(|| text.clone());
            }
            warnings.push(text);
        }
        let ref_broken = broken.clone();

        let info: openapiv3::Info = match doc.get("info") {
            Some(info) => decode::decode_at(doc, info, "/info", origin)?,
            None => {
                warnings.push("#: the document has no `info`".to_owned());
                openapiv3::Info::default()
            }
        };
        let servers: Vec<openapiv3::Server> =
            part(doc, "/servers", origin, &mut warnings).unwrap_or_default();
        let security: Vec<SecurityRequirement> =
            part::<Vec<openapiv3::SecurityRequirement>>(doc, "/security", origin, &mut warnings)
                .unwrap_or_default()
                .iter()
                .map(build::security_requirement)
                .collect();

        let components = doc.get("components");
        let mut schemas = BTreeMap::new();
        // In an outline, each schema is dropped once built: only the names
        // it refers to are kept, to tell which schemas a broken one taints.
        let mut schema_refs: BTreeMap<String, HashSet<String>> = BTreeMap::new();
        if let Some(Value::Object(entries)) = components.and_then(|c| c.get("schemas")) {
            for (name, value) in entries {
                if broken.contains_key(name) {
                    continue;
                }
                let at = pointer::join_all("", &["components", "schemas", name]);
                let direct = if builder.fast {
                    let mark = builder.mark();
                    let schema = builder.fast_schema(value);
                    super::fast::count(schema.is_some());
                    if schema.is_none() {
                        builder.rollback(mark);
                    }
                    schema
                } else {
                    None
                };
                let converted = match direct {
                    Some(schema) => Ok(schema),
                    None => {
                        decode::decode_at::<ReferenceOr<openapiv3::Schema>>(doc, value, &at, origin)
                            .and_then(|schema| builder.schema((&schema).into(), &at))
                    }
                };
                match converted {
                    Ok(schema) if outline => {
                        let mut names = HashSet::new();
                        ref_names(&schema, &mut names);
                        schema_refs.insert(name.clone(), names);
                    }
                    Ok(schema) => {
                        schemas.insert(name.clone(), schema);
                    }
                    Err(e) => {
                        let text = reason(&e, origin);
                        warnings.push(text.clone());
                        broken.insert(name.clone(), text);
                    }
                }
            }
        }
        let mut security_schemes = BTreeMap::new();
        if let Some(Value::Object(entries)) = components.and_then(|c| c.get("securitySchemes")) {
            for (name, value) in entries {
                let at = pointer::join_all("", &["components", "securitySchemes", name]);
                let scheme = decode::decode_at::<ReferenceOr<openapiv3::SecurityScheme>>(
                    doc, value, &at, origin,
                )
                .and_then(|s| builder.security_scheme(&s, &at));
                match scheme {
                    Ok(scheme) => {
                        security_schemes.insert(name.clone(), scheme);
                    }
                    Err(e) => warnings.push(reason(&e, origin)),
                }
            }
        }

        // A schema that refers to a broken one is broken too.
        if !outline && !broken.is_empty() {
            schema_refs = schemas
                .iter()
                .map(|(name, schema)| {
                    let mut names = HashSet::new();
                    ref_names(schema, &mut names);
                    (name.clone(), names)
                })
                .collect();
        }
        let why = taint(&schema_refs, &broken);
        schemas.retain(|name, _| !why.contains_key(name));

        Ok(Assembly {
            origin,
            outline,
            builder,
            warnings,
            ref_broken,
            info,
            servers,
            security,
            schemas,
            security_schemes,
            why,
            operations: Vec::new(),
            unusable: Vec::new(),
        })
    }

    /// Builds one path item taken out of the document (`value` is dropped
    /// once built).
    pub(crate) fn taken_path_item(&mut self, path: &str, value: Value) {
        let built = match fast_path_item(&mut self.builder, path, &value, &self.security) {
            Some(built) => built,
            None => {
                // The old way words errors by looking the failing
                // part up in a document: one with this item alone.
                let mut alone = serde_json::Map::new();
                alone.insert(path.to_owned(), value);
                let alone = Value::Object(
                    [("paths".to_owned(), Value::Object(alone))]
                        .into_iter()
                        .collect(),
                );
                let value = &alone["paths"][path];
                path_item(
                    &mut self.builder,
                    &alone,
                    path,
                    value,
                    &self.security,
                    self.origin,
                )
            }
        };
        self.record(path, built);
    }

    /// Files the operations of one path item: usable ones, or unusable
    /// with a warning each.
    fn record(&mut self, path: &str, built: Vec<Built>) {
        for built in built {
            let result = built.result.and_then(|op| match needs(&op, &self.why) {
                Some(reason) => Err(reason),
                None => Ok(op),
            });
            match result {
                Ok(op) if self.outline => self.operations.push(Self::outline(op)),
                Ok(op) => self.operations.push(op),
                Err(e) => {
                    let text = match &e {
                        SpecError::Unusable { reason, .. } => reason.clone(),
                        other => reason(other, self.origin),
                    };
                    self.warnings
                        .push(format!("{} {path}: cannot be used: {text}", built.method));
                    self.unusable.push(Unusable {
                        method: built.method,
                        path: path.to_owned(),
                        operation_id: built.operation_id,
                        pointer: built.at,
                        reason: text,
                    });
                }
            }
        }
    }

    /// What an outline keeps of an operation: method, path,
    /// `operationId`, `summary` and `deprecated`. Its parameters, bodies,
    /// security, tags, description and pointer are built and checked (so
    /// that what cannot be used is found as in the full model), then
    /// dropped.
    fn outline(op: Operation) -> Operation {
        Operation {
            method: op.method,
            path: op.path,
            operation_id: op.operation_id,
            summary: op.summary,
            description: None,
            tags: Vec::new(),
            deprecated: op.deprecated,
            parameters: Vec::new(),
            request_body: None,
            success_status: None,
            success_response: None,
            security: Vec::new(),
            pointer: String::new(),
        }
    }

    /// The model.
    pub(crate) fn finish(self) -> Api {
        Api {
            origin: self.origin.to_owned(),
            title: self.info.title,
            version: self.info.version,
            openapi: String::new(),
            description: self.info.description,
            servers: self.servers.iter().map(build::server_url).collect(),
            operations: self.operations,
            schemas: self.schemas,
            security_schemes: self.security_schemes,
            security: self.security,
            warnings: self.warnings,
            unusable: self.unusable,
        }
    }
}

/// A top-level part, decoded; a defect there is a warning.
fn part<T: serde::de::DeserializeOwned>(
    doc: &Value,
    at: &str,
    origin: &str,
    warnings: &mut Vec<String>,
) -> Option<T> {
    let value = pointer::lookup(doc, at)?;
    match decode::decode_at(doc, value, at, origin) {
        Ok(v) => Some(v),
        Err(e) => {
            warnings.push(format!("{}; ignored", reason(&e, origin)));
            None
        }
    }
}

/// An error's message without the origin in front.
pub(crate) fn reason(e: &SpecError, origin: &str) -> String {
    let text = e.to_string();
    text.strip_prefix(origin)
        .and_then(|rest| rest.strip_prefix(": "))
        .map_or(text.clone(), str::to_owned)
}

/// The schema component a pointer is inside of.
pub(crate) fn schema_component(at: &str) -> Option<String> {
    let tokens = pointer::split(at)?;
    match tokens.as_slice() {
        [c, s, name, ..] if c == "components" && s == "schemas" => Some(name.clone().into_owned()),
        _ => None,
    }
}

/// The operations of one path item by the direct decoder, when the
/// builder uses it and it takes the item; `None` leaves the builder as it
/// was.
fn fast_path_item(
    builder: &mut Builder<'_>,
    path: &str,
    value: &Value,
    security: &[SecurityRequirement],
) -> Option<Vec<Built>> {
    if !builder.fast {
        return None;
    }
    let mark = builder.mark();
    let built = builder.fast_path_item(path, value, security);
    super::fast::count(built.is_some());
    if built.is_none() {
        builder.rollback(mark);
    }
    built
}

/// Whether some `$ref` in the document (anywhere: references are followed
/// from inlined places too) points into `paths` or at the whole document.
pub(crate) fn refers_into_paths(doc: &Value) -> bool {
    let into_paths = |fragment: &str| {
        fragment.is_empty() || fragment == "/paths" || fragment.starts_with("/paths/")
    };
    let mut stack = vec![doc];
    while let Some(value) = stack.pop() {
        match value {
            Value::Object(map) => {
                for (key, child) in map {
                    match child {
                        Value::String(reference) if key == "$ref" => {
                            if let Some(fragment) = reference.strip_prefix('#') {
                                if into_paths(fragment)
                                    || into_paths(&pointer::percent_decode(fragment))
                                {
                                    return true;
                                }
                            }
                        }
                        Value::Object(_) | Value::Array(_) => stack.push(child),
                        _ => {}
                    }
                }
            }
            Value::Array(items) => stack.extend(items),
            _ => {}
        }
    }
    false
}

/// The operations of one path item. When the item as a whole has the
/// wrong shape, each operation is decoded on its own so that only the
/// broken ones are lost.
fn path_item(
    builder: &mut Builder<'_>,
    doc: &Value,
    path: &str,
    value: &Value,
    security: &[SecurityRequirement],
    origin: &str,
) -> Vec<Built> {
    let item_at = pointer::join("/paths", path);
    let mut failed: Vec<Built> = Vec::new();
    let item: ReferenceOr<openapiv3::PathItem> = match decode::fast(value) {
        Some(item) => item,
        None => {
            let mut item = openapiv3::PathItem::default();
            let shared = value.get("parameters").map(|p| {
                let at = pointer::join(&item_at, "parameters");
                decode::decode_at::<Vec<ReferenceOr<openapiv3::Parameter>>>(doc, p, &at, origin)
            });
            let shared_error = match shared {
                Some(Ok(params)) => {
                    item.parameters = params;
                    None
                }
                Some(Err(e)) => Some(e),
                None => None,
            };
            for method in METHODS {
                let Some(op_value) = value.get(method) else {
                    continue;
                };
                let at = pointer::join(&item_at, method);
                let decoded = match &shared_error {
                    Some(e) => Err(SpecError::Unusable {
                        origin: origin.to_owned(),
                        method: method.to_ascii_uppercase(),
                        path: path.to_owned(),
                        reason: reason(e, origin),
                    }),
                    None => decode::decode_at::<openapiv3::Operation>(doc, op_value, &at, origin),
                };
                match decoded {
                    Ok(op) => match method {
                        "get" => item.get = Some(op),
                        "put" => item.put = Some(op),
                        "post" => item.post = Some(op),
                        "delete" => item.delete = Some(op),
                        "options" => item.options = Some(op),
                        "head" => item.head = Some(op),
                        "patch" => item.patch = Some(op),
                        _ => item.trace = Some(op),
                    },
                    Err(e) => failed.push(Built {
                        method: method.to_ascii_uppercase(),
                        operation_id: op_value
                            .get("operationId")
                            .and_then(Value::as_str)
                            .map(str::to_owned),
                        at,
                        result: Err(e),
                    }),
                }
            }
            ReferenceOr::Item(item)
        }
    };
    let mut out = match builder.path_item(path, &item, security) {
        Ok(built) => built,
        Err(e) => METHODS
            .iter()
            .filter(|m| value.get(**m).is_some() || value.get("$ref").is_some())
            .map(|m| Built {
                method: m.to_ascii_uppercase(),
                operation_id: None,
                at: pointer::join(&item_at, m),
                result: Err(SpecError::Unusable {
                    origin: origin.to_owned(),
                    method: m.to_ascii_uppercase(),
                    path: path.to_owned(),
                    reason: reason(&e, origin),
                }),
            })
            .take(if value.get("$ref").is_some() { 1 } else { 8 })
            .collect(),
    };
    out.extend(failed);
    let order = |b: &Built| {
        METHODS
            .iter()
            .position(|m| m.eq_ignore_ascii_case(&b.method))
    };
    out.sort_by_key(order);
    out
}

/// Which schema components cannot be used, and why: the broken ones, and
/// every one that refers (directly or through others) to a broken one.
/// `refs` holds the names each schema component refers to directly.
fn taint(
    refs: &BTreeMap<String, HashSet<String>>,
    broken: &BTreeMap<String, String>,
) -> HashMap<String, String> {
    // Each entry reads on from "needs schema ": "`X`: reason", or
    // "`U`, which needs `X`: reason".
    let mut why: HashMap<String, String> = broken
        .iter()
        .map(|(name, reason)| (name.clone(), format!("`{name}`: {reason}")))
        .collect();
    if why.is_empty() {
        return why;
    }
    // Who refers to whom, reversed.
    let mut referrers: HashMap<&str, Vec<&str>> = HashMap::new();
    for (name, names) in refs {
        for target in names {
            referrers.entry(target).or_default().push(name);
        }
    }
    // In name order (not the hash map's, which differs from run to run):
    // which cause a schema is said to need must not change between runs.
    let mut queue: VecDeque<&str> = broken.keys().map(String::as_str).collect();
    while let Some(bad) = queue.pop_front() {
        let Some(users) = referrers.get(bad) else {
            continue;
        };
        let cause = why.get(bad).cloned().unwrap_or_default();
        for user in users {
            if !why.contains_key(*user) {
                why.insert((*user).to_owned(), format!("`{user}`, which needs {cause}"));
                queue.push_back(user);
            }
        }
    }
    why
}

/// Why an operation cannot be used: it refers to a schema that is out.
fn needs(op: &Operation, why: &HashMap<String, String>) -> Option<SpecError> {
    if why.is_empty() {
        return None;
    }
    let mut names = HashSet::new();
    for param in &op.parameters {
        ref_names(&param.schema, &mut names);
    }
    for body in op.request_body.iter().chain(op.success_response.iter()) {
        ref_names(&body.schema, &mut names);
    }
    let mut names: Vec<&String> = names.iter().collect();
    names.sort();
    names.into_iter().find_map(|name| {
        why.get(name).map(|cause| SpecError::Unusable {
            origin: String::new(),
            method: op.method.clone(),
            path: op.path.clone(),
            reason: format!("needs schema {cause}"),
        })
    })
}

/// The component names a schema refers to directly (not following them).
fn ref_names(schema: &Schema, out: &mut HashSet<String>) {
    let mut stack = vec![schema];
    while let Some(current) = stack.pop() {
        match &current.kind {
            SchemaKind::Ref(name) => {
                out.insert(name.clone());
            }
            SchemaKind::Object {
                properties,
                additional,
                ..
            } => {
                stack.extend(properties.values());
                stack.extend(additional.as_deref());
            }
            SchemaKind::Array(items) => stack.push(items),
            SchemaKind::AllOf(members)
            | SchemaKind::OneOf(members)
            | SchemaKind::AnyOf(members) => stack.extend(members),
            _ => {}
        }
    }
}
