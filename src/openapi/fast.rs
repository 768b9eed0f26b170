//! The happy path of the forgiving loader: schemas and path items decoded
//! straight from the JSON value into midcall's model, skipping `openapiv3`'s
//! serde types (whose untagged and flattened types buffer every nested
//! level again).
//!
//! Every function here answers `None` ("not decided here") for anything it
//! does not read exactly as `openapiv3` + `build` + `convert` would: a
//! field of the wrong type, a `null` where that is not plainly "absent", a
//! part it does not model (a path item that is a `$ref`), and every error.
//! The caller then undoes what the attempt added to the [`Builder`]'s
//! caches ([`Builder::rollback`]) and decodes the part the old way, which
//! words the error. So a spec that loads gives the same model either way,
//! and every check and message stays the old code's.
//!
//! Rules mirrored from `openapiv3` 2.2 (see its `schema.rs`): a value with
//! a string `$ref` is a reference (other keys ignored); unknown keys are
//! ignored; an `Option` field given `null` is absent; `bool` fields refuse
//! `null`; counts (`minLength`...) are unsigned integers; a schema's kind
//! is decided by which keywords it has (`Schema`'s own `Deserialize`).
//! Rarely used parts the model does not read (`externalDocs`,
//! `discriminator`, `examples`, `encoding`, `headers`, `links`,
//! `callbacks`, `servers`) are checked with `openapiv3` itself.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use super::build::{Builder, Built};
use super::convert::{self, MAX_INLINE_REFS, MAX_SCHEMA_DEPTH};
use super::model::{Body, Operation, ParamLocation, Parameter, SecurityRequirement};
use super::pointer;
use super::refs;
use super::schema::{Schema, SchemaKind};

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// How many parts (component schemas and path items) the direct decoder
/// took, and how many it left to the old way, in this process: for the
/// test that shows it is really used.
static TAKEN: AtomicUsize = AtomicUsize::new(0);
static LEFT: AtomicUsize = AtomicUsize::new(0);

/// Counts one attempt.
pub(crate) fn count(taken: bool) {
    let counter = if taken { &TAKEN } else { &LEFT };
    counter.fetch_add(1, Ordering::Relaxed);
}

/// (taken, left) so far; see [`count`].
pub(crate) fn counts() -> (usize, usize) {
    (TAKEN.load(Ordering::Relaxed), LEFT.load(Ordering::Relaxed))
}

/// What an attempt added to a builder's caches, to take back when it
/// gives up.
pub(crate) enum Undo {
    /// An `inline_cache` entry.
    Inline(String),
    /// A `parameters` entry.
    Parameter(String),
    /// A `bodies` entry.
    Body(String),
}

/// The builder's state before an attempt.
pub(crate) struct Mark {
    budget: usize,
    stack: usize,
}

/// Whether `value` decodes as a `T` (for the rarely used parts).
fn decodes<T: DeserializeOwned>(value: &Value) -> bool {
    super::decode::fast::<T>(value).is_some()
}

/// `Some` when `cond` holds: a check inside a `?` chain.
fn ok(cond: bool) -> Option<()> {
    cond.then_some(())
}

/// A string, or `null` as absent; `Err` for another type.
fn opt_str(value: &Value) -> Result<Option<&str>, ()> {
    match value {
        Value::Null => Ok(None),
        Value::String(s) => Ok(Some(s)),
        _ => Err(()),
    }
}

fn opt_string(value: &Value) -> Option<Option<String>> {
    opt_str(value).ok().map(|s| s.map(str::to_owned))
}

/// A `bool` field with a default: `null` is refused.
fn boolean(value: &Value) -> Option<bool> {
    value.as_bool()
}

/// An `Option<bool>`.
fn opt_bool(value: &Value) -> Option<Option<bool>> {
    match value {
        Value::Null => Some(None),
        Value::Bool(b) => Some(Some(*b)),
        _ => None,
    }
}

/// An `Option<usize>`: present unsigned integer, or `null`.
fn opt_count(value: &Value) -> Option<bool> {
    match value {
        Value::Null => Some(false),
        Value::Number(n) if n.as_u64().is_some() => Some(true),
        _ => None,
    }
}

/// A `Vec<String>` (no `null`).
fn strings(value: &Value) -> Option<Vec<String>> {
    value
        .as_array()?
        .iter()
        .map(|v| v.as_str().map(str::to_owned))
        .collect()
}

/// The keywords of one schema object, as `openapiv3` reads them.
#[derive(Default)]
struct Raw<'v> {
    nullable: bool,
    read_only: bool,
    write_only: bool,
    deprecated: bool,
    example: Option<&'v Value>,
    default: Option<&'v Value>,
    title: Option<&'v str>,
    description: Option<&'v str>,
    typ: Option<&'v str>,
    format: Option<&'v str>,
    pattern: bool,
    /// `minLength` or `maxLength`.
    string_counts: bool,
    properties: Option<&'v Map<String, Value>>,
    required: Option<&'v [Value]>,
    additional: Option<&'v Value>,
    /// `minProperties` or `maxProperties`.
    object_counts: bool,
    items: Option<&'v Value>,
    /// `minItems`, `maxItems` or `uniqueItems`.
    array_counts: bool,
    enumeration: Option<&'v [Value]>,
    one_of: Option<&'v [Value]>,
    all_of: Option<&'v [Value]>,
    any_of: Option<&'v [Value]>,
    not: Option<&'v Value>,
    /// How many of `openapiv3`'s kind keywords are given (not `null`).
    keywords: usize,
}

/// An `Option<Vec<_>>`: a list, or `null` as absent.
fn seq(value: &Value) -> Option<Option<&[Value]>> {
    match value {
        Value::Null => Some(None),
        Value::Array(items) => Some(Some(items.as_slice())),
        _ => None,
    }
}

/// An `Option<ReferenceOr<Schema>>` before its contents are read: an
/// object, or `null` as absent.
fn schema_or_null(value: &Value) -> Option<Option<&Value>> {
    match value {
        Value::Null => Some(None),
        Value::Object(_) => Some(Some(value)),
        _ => None,
    }
}

/// Reads a schema object's keywords once; `None` when one of them has a
/// type `openapiv3` refuses.
fn raw(map: &Map<String, Value>) -> Option<Raw<'_>> {
    let mut raw = Raw::default();
    for (key, value) in map {
        // `openapiv3`'s `RawAnySchema` keywords given (not `null`).
        let counts = !value.is_null()
            && !matches!(
                key.as_str(),
                "nullable"
                    | "readOnly"
                    | "writeOnly"
                    | "deprecated"
                    | "externalDocs"
                    | "discriminator"
                    | "example"
                    | "default"
                    | "title"
                    | "description"
            );
        match key.as_str() {
            "nullable" => raw.nullable = boolean(value)?,
            "readOnly" => raw.read_only = boolean(value)?,
            "writeOnly" => raw.write_only = boolean(value)?,
            "deprecated" => raw.deprecated = boolean(value)?,
            "externalDocs" => {
                ok(value.is_null() || decodes::<openapiv3::ExternalDocumentation>(value))?
            }
            "discriminator" => ok(value.is_null() || decodes::<openapiv3::Discriminator>(value))?,
            "example" => raw.example = Some(value).filter(|v| !v.is_null()),
            "default" => raw.default = Some(value).filter(|v| !v.is_null()),
            "title" => raw.title = opt_str(value).ok()?,
            "description" => raw.description = opt_str(value).ok()?,
            "type" => raw.typ = opt_str(value).ok()?,
            "format" => raw.format = opt_str(value).ok()?,
            "pattern" => raw.pattern = opt_str(value).ok()?.is_some(),
            "multipleOf" | "minimum" | "maximum" => ok(value.is_null() || value.is_number())?,
            "exclusiveMinimum" | "exclusiveMaximum" => {
                opt_bool(value)?;
            }
            "properties" => {
                raw.properties = match value {
                    Value::Null => None,
                    Value::Object(m) => Some(m),
                    _ => return None,
                }
            }
            "required" => {
                raw.required = seq(value)?;
                if !raw
                    .required
                    .unwrap_or_default()
                    .iter()
                    .all(Value::is_string)
                {
                    return None;
                }
            }
            "additionalProperties" => {
                raw.additional = match value {
                    Value::Null => None,
                    Value::Bool(_) | Value::Object(_) => Some(value),
                    _ => return None,
                }
            }
            "minProperties" | "maxProperties" => raw.object_counts |= opt_count(value)?,
            "items" => raw.items = schema_or_null(value)?,
            "minItems" | "maxItems" => raw.array_counts |= opt_count(value)?,
            "uniqueItems" => raw.array_counts |= opt_bool(value)?.is_some(),
            "enum" => raw.enumeration = seq(value)?,
            "minLength" | "maxLength" => raw.string_counts |= opt_count(value)?,
            "oneOf" => raw.one_of = seq(value)?,
            "allOf" => raw.all_of = seq(value)?,
            "anyOf" => raw.any_of = seq(value)?,
            "not" => raw.not = schema_or_null(value)?,
            _ => continue,
        }
        raw.keywords += usize::from(counts);
    }
    Some(raw)
}

impl Raw<'_> {
    /// Whether `openapiv3` files this schema as `Type::Number`, whose
    /// `enum` values it converts to `f64`.
    fn is_number_type(&self) -> bool {
        self.typ == Some("number")
            && !self.pattern
            && self.properties.is_none()
            && self.required.is_none()
            && self.additional.is_none()
            && !self.object_counts
            && self.items.is_none()
            && !self.array_counts
            && !self.string_counts
            && self.one_of.is_none()
            && self.all_of.is_none()
            && self.any_of.is_none()
            && self.not.is_none()
            && self
                .enumeration
                .unwrap_or_default()
                .iter()
                .all(|v| v.is_null() || v.is_number())
    }
}

/// The string `$ref` of an object (then `openapiv3` reads it as a
/// reference, whatever else it has). Small maps are scanned rather than
/// hashed into.
fn reference(map: &Map<String, Value>) -> Option<&str> {
    let found = if map.len() <= 8 {
        map.iter().find(|(k, _)| *k == "$ref").map(|(_, v)| v)
    } else {
        map.get("$ref")
    };
    found.and_then(Value::as_str)
}

/// Whether a schema (or a reference to one) decodes, without building it.
fn check_schema(value: &Value) -> bool {
    let Value::Object(map) = value else {
        return false;
    };
    if reference(map).is_some() {
        return true;
    }
    let Some(raw) = raw(map) else {
        return false;
    };
    if let Some(properties) = raw.properties {
        if !properties.values().all(check_schema) {
            return false;
        }
    }
    let members = [raw.one_of, raw.all_of, raw.any_of];
    raw.additional
        .is_none_or(|a| a.is_boolean() || check_schema(a))
        && raw.items.is_none_or(check_schema)
        && raw.not.is_none_or(check_schema)
        && members
            .iter()
            .flatten()
            .all(|list| list.iter().all(check_schema))
}

/// Whether a media type object decodes; its schema is checked unless
/// `skip_schema` (the caller builds it).
fn check_media(value: &Value, skip_schema: bool) -> bool {
    let Value::Object(map) = value else {
        return false;
    };
    map.iter().all(|(key, value)| match key.as_str() {
        "schema" => value.is_null() || skip_schema || check_schema(value),
        "examples" => decodes::<indexmap_examples::Examples>(value),
        "encoding" => decodes::<indexmap_examples::Encodings>(value),
        _ => true,
    })
}

/// Type names for the maps `openapiv3` keeps in `IndexMap`s.
mod indexmap_examples {
    use std::collections::BTreeMap;
    /// `examples` of a media type or parameter (the map's order does not
    /// matter for checking).
    pub(super) type Examples = BTreeMap<String, openapiv3::ReferenceOr<openapiv3::Example>>;
    /// `encoding` of a media type.
    pub(super) type Encodings = BTreeMap<String, openapiv3::Encoding>;
    /// `headers` of a response.
    pub(super) type Headers = BTreeMap<String, openapiv3::ReferenceOr<openapiv3::Header>>;
    /// `links` of a response.
    pub(super) type Links = BTreeMap<String, openapiv3::ReferenceOr<openapiv3::Link>>;
    /// `callbacks` of an operation.
    pub(super) type Callbacks = BTreeMap<String, openapiv3::Callback>;
}

/// Whether a `content` map decodes (schema of `chosen` not checked).
fn check_content(content: &Map<String, Value>, chosen: Option<&str>) -> bool {
    content
        .iter()
        .all(|(mt, media)| check_media(media, Some(mt.as_str()) == chosen))
}

/// Whether a response (or a reference to one) decodes.
fn check_response(value: &Value) -> bool {
    let Value::Object(map) = value else {
        return false;
    };
    if matches!(map.get("$ref"), Some(Value::String(_))) {
        return true;
    }
    response_fields(map).is_some_and(|(_, content)| check_content(content.unwrap_or(&*EMPTY), None))
}

static EMPTY: std::sync::LazyLock<Map<String, Value>> = std::sync::LazyLock::new(Map::new);

/// A response's `description` and `content`, its other fields checked.
fn response_fields(map: &Map<String, Value>) -> Option<(&str, Option<&Map<String, Value>>)> {
    let mut description = None;
    let mut content = None;
    for (key, value) in map {
        match key.as_str() {
            "description" => description = Some(value.as_str()?),
            "content" => content = Some(value.as_object()?),
            "headers" => ok(decodes::<indexmap_examples::Headers>(value))?,
            "links" => ok(decodes::<indexmap_examples::Links>(value))?,
            _ => {}
        }
    }
    Some((description?, content))
}

/// `application/json` (parameters like `charset` ignored), else the first
/// `+json` type, else the first listed: `build::pick_media_type` over a
/// JSON map.
fn pick_media_type(content: &Map<String, Value>) -> Option<(&str, &Value)> {
    let essence = |mt: &str| {
        mt.split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase()
    };
    content
        .iter()
        .find(|(mt, _)| essence(mt) == "application/json")
        .or_else(|| {
            content
                .iter()
                .find(|(mt, _)| essence(mt).ends_with("+json"))
        })
        .or_else(|| content.iter().next())
        .map(|(mt, m)| (mt.as_str(), m))
}

/// A response key read as `openapiv3::StatusCode`: `Some(Ok(code))`,
/// `Some(Err(class))` for `2XX`, `None` when it is not a status code.
fn status_code(key: &str) -> Option<Result<u16, u16>> {
    if key.len() != 3 {
        return None;
    }
    if let Ok(number) = key.parse::<i64>() {
        return (100..1000)
            .contains(&number)
            .then(|| Ok(u16::try_from(number).unwrap_or_default()));
    }
    if !key.is_ascii() {
        return None;
    }
    let v = key.as_bytes().to_ascii_uppercase();
    match v.as_slice() {
        [n, b'X', b'X'] if n.is_ascii_digit() => Some(Err(u16::from(n - b'0'))),
        _ => None,
    }
}

/// A `security` list: `Vec<IndexMap<String, Vec<String>>>`.
fn security(value: &Value) -> Option<Vec<SecurityRequirement>> {
    value
        .as_array()?
        .iter()
        .map(|req| {
            Some(SecurityRequirement {
                schemes: req
                    .as_object()?
                    .iter()
                    .map(|(name, scopes)| Some((name.clone(), strings(scopes)?)))
                    .collect::<Option<Vec<_>>>()?,
            })
        })
        .collect()
}

impl Builder<'_> {
    /// The state to return to when an attempt gives up.
    pub(crate) fn mark(&mut self) -> Mark {
        self.undo.clear();
        Mark {
            budget: self.inline_budget,
            stack: self.inline_stack.len(),
        }
    }

    /// Takes back what the attempt since `mark` added.
    pub(crate) fn rollback(&mut self, mark: Mark) {
        for undo in self.undo.drain(..) {
            match undo {
                Undo::Inline(key) => {
                    self.inline_cache.remove(&key);
                }
                Undo::Parameter(key) => {
                    self.parameters.remove(&key);
                }
                Undo::Body(key) => {
                    self.bodies.remove(&key);
                }
            }
        }
        self.inline_budget = mark.budget;
        self.inline_stack.truncate(mark.stack);
    }

    /// A component schema (or any schema found at `at`), or `None`: see
    /// the module's comment. On `None` the caller rolls back.
    pub(crate) fn fast_schema(&mut self, value: &Value) -> Option<Schema> {
        self.f_convert(value, 0)
    }

    /// `convert::convert`. No pointers are kept for the schemas' places:
    /// they only word errors, and errors are left to the old way.
    fn f_convert(&mut self, value: &Value, depth: usize) -> Option<Schema> {
        if depth > MAX_SCHEMA_DEPTH {
            return None;
        }
        let Value::Object(map) = value else {
            return None;
        };
        match reference(map) {
            Some(reference) => self.f_reference(reference, depth),
            None => self.f_item(map, depth),
        }
    }

    /// `convert::reference`, decoding an inlined target here.
    fn f_reference(&mut self, reference: &str, depth: usize) -> Option<Schema> {
        for name in pointer::component_names(reference, "schemas") {
            if self.component_schemas.contains(name.as_str()) {
                return Some(Schema::new(SchemaKind::Ref(name)));
            }
        }
        if !reference.starts_with('#') {
            return None;
        }
        if let Some((done, size)) = self.inline_cache.get(reference) {
            if *size <= self.inline_budget {
                self.inline_budget -= size;
                return Some(done.clone());
            }
            return Some(convert::cut(reference, "the document inlines too much"));
        }
        let (target_at, target) = pointer::resolve_ref(self.doc, reference)?;
        if self.inline_stack.contains(&target_at) || self.inline_stack.len() >= MAX_INLINE_REFS {
            return Some(convert::cut(
                reference,
                "it is recursive and has no component name",
            ));
        }
        if self.inline_budget == 0 {
            return Some(convert::cut(reference, "the document inlines too much"));
        }
        self.inline_stack.push(target_at.clone());
        let converted = self.f_convert(target, depth + 1);
        self.inline_stack.pop();
        let converted = converted?;
        let size = convert::node_count(&converted);
        self.inline_budget = self.inline_budget.saturating_sub(size);
        if self.inline_stack.is_empty() {
            self.inline_cache
                .insert(reference.to_owned(), (converted.clone(), size));
            self.undo.push(Undo::Inline(reference.to_owned()));
        }
        Some(converted)
    }

    /// `convert::item` and `any_schema` in one: `openapiv3`'s kinds all
    /// come out as `any_schema` would build them from the same keywords.
    fn f_item(&mut self, map: &Map<String, Value>, depth: usize) -> Option<Schema> {
        let raw = raw(map)?;
        if raw.not.is_some_and(|n| !check_schema(n)) {
            return None;
        }
        let enum_values = match raw.enumeration {
            None => Vec::new(),
            Some(values) if raw.is_number_type() => values
                .iter()
                .map(|v| {
                    v.as_f64()
                        .and_then(serde_json::Number::from_f64)
                        .map_or(Value::Null, Value::Number)
                })
                .collect(),
            Some(values) => values.to_vec(),
        };
        let mut out = Schema {
            description: raw.description.map(str::to_owned),
            title: raw.title.map(str::to_owned),
            nullable: raw.nullable,
            example: raw.example.cloned(),
            default: raw.default.cloned(),
            read_only: raw.read_only,
            write_only: raw.write_only,
            deprecated: raw.deprecated,
            format: raw.format.map(str::to_owned),
            enum_values,
            ..Schema::any()
        };
        let looks_like_object =
            raw.properties.is_some_and(|p| !p.is_empty()) || raw.additional.is_some();
        let base = match raw.typ {
            Some("object") => Some(self.f_object(&raw, depth)?),
            Some("array") => Some(self.f_array(raw.items, depth)?),
            Some("string") => Some(SchemaKind::String),
            Some("integer") => Some(SchemaKind::Integer),
            Some("number") => Some(SchemaKind::Number),
            Some("boolean") => Some(SchemaKind::Boolean),
            Some(_) => None,
            None if looks_like_object => Some(self.f_object(&raw, depth)?),
            None if raw.items.is_some() => Some(self.f_array(raw.items, depth)?),
            None => None,
        };
        // What `openapiv3` decoded but the model does not read must still
        // decode: properties of a non-object, items of a non-array.
        let built_object = matches!(base, Some(SchemaKind::Object { .. }));
        let built_array = matches!(base, Some(SchemaKind::Array(_)));
        let unread_decode = built_object
            || (raw
                .properties
                .into_iter()
                .flatten()
                .all(|(_, p)| check_schema(p))
                && raw
                    .additional
                    .is_none_or(|a| a.is_boolean() || check_schema(a)));
        ok(unread_decode)?;
        ok(built_array || raw.items.is_none_or(check_schema))?;
        let all_of = self.f_members(raw.all_of, depth)?;
        let one_of = self.f_members(raw.one_of, depth)?;
        let any_of = self.f_members(raw.any_of, depth)?;
        let compositions = usize::from(!all_of.is_empty())
            + usize::from(!one_of.is_empty())
            + usize::from(!any_of.is_empty());
        // A lone `allOf`, `oneOf` or `anyOf` is that kind even when empty
        // (`openapiv3`'s own variants); elsewhere empty lists count for
        // nothing (`AnySchema`).
        let lone = raw.typ.is_none() && raw.keywords == 1;
        out.kind = if lone && raw.all_of.is_some() {
            SchemaKind::AllOf(all_of)
        } else if lone && raw.one_of.is_some() {
            SchemaKind::OneOf(one_of)
        } else if lone && raw.any_of.is_some() {
            SchemaKind::AnyOf(any_of)
        } else if base.is_none() && compositions == 1 {
            if !all_of.is_empty() {
                SchemaKind::AllOf(all_of)
            } else if !one_of.is_empty() {
                SchemaKind::OneOf(one_of)
            } else {
                SchemaKind::AnyOf(any_of)
            }
        } else if compositions == 0 {
            base.unwrap_or(SchemaKind::Any)
        } else {
            let mut parts: Vec<Schema> = base.into_iter().map(Schema::new).collect();
            parts.extend(all_of);
            if !one_of.is_empty() {
                parts.push(Schema::new(SchemaKind::OneOf(one_of)));
            }
            if !any_of.is_empty() {
                parts.push(Schema::new(SchemaKind::AnyOf(any_of)));
            }
            SchemaKind::AllOf(parts)
        };
        Some(out)
    }

    fn f_object(&mut self, raw: &Raw<'_>, depth: usize) -> Option<SchemaKind> {
        let mut properties = BTreeMap::new();
        for (name, schema) in raw.properties.into_iter().flatten() {
            properties.insert(name.clone(), self.f_convert(schema, depth + 1)?);
        }
        let additional = match raw.additional {
            None | Some(Value::Bool(false)) => None,
            Some(Value::Bool(true)) => Some(Box::new(Schema::any())),
            Some(schema) => Some(Box::new(self.f_convert(schema, depth + 1)?)),
        };
        let required = raw
            .required
            .unwrap_or_default()
            .iter()
            .map(|v| v.as_str().map(str::to_owned))
            .collect::<Option<Vec<_>>>()?;
        Some(SchemaKind::Object {
            properties,
            required,
            additional,
        })
    }

    fn f_array(&mut self, items: Option<&Value>, depth: usize) -> Option<SchemaKind> {
        let items = match items {
            Some(items) => self.f_convert(items, depth + 1)?,
            None => Schema::any(),
        };
        Some(SchemaKind::Array(Box::new(items)))
    }

    fn f_members(&mut self, members: Option<&[Value]>, depth: usize) -> Option<Vec<Schema>> {
        let members = members.unwrap_or_default();
        let mut out = Vec::with_capacity(members.len());
        for member in members {
            out.push(self.f_convert(member, depth + 1)?);
        }
        Some(out)
    }

    /// The operations of one path item, as `Builder::path_item` builds
    /// them from a path item that decodes whole; `None` for anything else
    /// (the caller rolls back and takes the old way).
    pub(crate) fn fast_path_item(
        &mut self,
        path: &str,
        value: &Value,
        default_security: &[SecurityRequirement],
    ) -> Option<Vec<Built>> {
        let Value::Object(item) = value else {
            return None;
        };
        if matches!(item.get("$ref"), Some(Value::String(_))) {
            return None;
        }
        let mut operations: [Option<&Map<String, Value>>; 8] = [None; 8];
        let mut shared: &[Value] = &[];
        for (key, value) in item {
            match key.as_str() {
                "summary" | "description" => {
                    opt_str(value).ok()?;
                }
                "servers" => ok(decodes::<Vec<openapiv3::Server>>(value))?,
                "parameters" => shared = value.as_array()?,
                method => {
                    if let Some(i) = METHODS.iter().position(|m| *m == method) {
                        operations[i] = Some(value.as_object()?);
                    }
                }
            }
        }
        let item_at = pointer::join("/paths", path);
        let shared_src = pointer::join(&item_at, "parameters");
        let mut out = Vec::new();
        for (method, op) in METHODS.iter().zip(operations) {
            let Some(op) = op else { continue };
            let at = pointer::join(&item_at, method);
            let built =
                self.f_operation(op, path, method, &at, shared, &shared_src, default_security)?;
            out.push(Built {
                method: method.to_ascii_uppercase(),
                operation_id: built.operation_id.clone(),
                at,
                result: Ok(built),
            });
        }
        Some(out)
    }

    #[allow(clippy::too_many_arguments)]
    fn f_operation(
        &mut self,
        op: &Map<String, Value>,
        path: &str,
        method: &str,
        at: &str,
        shared: &[Value],
        shared_src: &str,
        default_security: &[SecurityRequirement],
    ) -> Option<Operation> {
        let mut tags = Vec::new();
        let mut summary = None;
        let mut description = None;
        let mut operation_id = None;
        let mut own: &[Value] = &[];
        let mut request_body = None;
        let mut responses = None;
        let mut deprecated = false;
        let mut own_security = None;
        for (key, value) in op {
            match key.as_str() {
                "tags" => tags = strings(value)?,
                "summary" => summary = opt_string(value)?,
                "description" => description = opt_string(value)?,
                "operationId" => operation_id = opt_string(value)?,
                "externalDocs" => {
                    ok(value.is_null() || decodes::<openapiv3::ExternalDocumentation>(value))?
                }
                "parameters" => own = value.as_array()?,
                "requestBody" => request_body = Some(value.as_object()?),
                "responses" => responses = Some(value.as_object()?),
                "callbacks" => ok(decodes::<indexmap_examples::Callbacks>(value))?,
                "deprecated" => deprecated = boolean(value)?,
                "security" => {
                    own_security = match value {
                        Value::Null => None,
                        other => Some(security(other)?),
                    }
                }
                "servers" => ok(decodes::<Vec<openapiv3::Server>>(value))?,
                _ => {}
            }
        }
        let responses = responses?;

        let mut parameters: Vec<Parameter> = Vec::new();
        for (i, param) in shared.iter().enumerate() {
            let param = self.f_parameter(param, &pointer::join(shared_src, &i.to_string()))?;
            merge_parameter(&mut parameters, param);
        }
        let params_src = pointer::join(at, "parameters");
        for (i, param) in own.iter().enumerate() {
            let param = self.f_parameter(param, &pointer::join(&params_src, &i.to_string()))?;
            merge_parameter(&mut parameters, param);
        }

        let request_body = match request_body {
            None => None,
            Some(body) => {
                let body_at = pointer::join(at, "requestBody");
                match body.get("$ref") {
                    Some(Value::String(reference)) => {
                        let (target_at, target) =
                            refs::follow(self.doc, self.origin, reference, &body_at).ok()?;
                        match self.bodies.get(&target_at) {
                            Some(done) => done.clone(),
                            None => {
                                let built = self.f_request_body(target.as_object()?)?;
                                self.bodies.insert(target_at.clone(), built.clone());
                                self.undo.push(Undo::Body(target_at));
                                built
                            }
                        }
                    }
                    _ => self.f_request_body(body)?,
                }
            }
        };

        // The responses: keys that read as status codes (the rest are
        // skipped, as `openapiv3` does), each checked; the first 2xx in
        // numeric order ("2XX" after the exact codes) is built.
        let mut seen: Vec<Result<u16, u16>> = Vec::new();
        let mut best: Option<(u32, Result<u16, u16>, &Value)> = None;
        for (key, value) in responses {
            if key == "default" {
                if !check_response(value) {
                    return None;
                }
                continue;
            }
            let Some(code) = status_code(key) else {
                continue;
            };
            if seen.contains(&code) {
                return None;
            }
            seen.push(code);
            let rank = match code {
                Ok(n) if (200..300).contains(&n) => u32::from(n),
                Err(2) => 1000,
                _ => {
                    if !check_response(value) {
                        return None;
                    }
                    continue;
                }
            };
            if let Some((best_rank, _, best_value)) = best {
                if rank < best_rank {
                    if !check_response(best_value) {
                        return None;
                    }
                } else {
                    if !check_response(value) {
                        return None;
                    }
                    continue;
                }
            }
            best = Some((rank, code, value));
        }
        let (success_status, success_response) = match best {
            None => (None, None),
            Some((_, code, response)) => {
                let status = match code {
                    Ok(n) => n.to_string(),
                    Err(class) => format!("{class}XX"),
                };
                let response_at = pointer::join_all(at, &["responses", &status]);
                let map = response.as_object()?;
                let body = match map.get("$ref") {
                    Some(Value::String(reference)) => {
                        let (target_at, target) =
                            refs::follow(self.doc, self.origin, reference, &response_at).ok()?;
                        match self.bodies.get(&target_at) {
                            Some(done) => done.clone(),
                            None => {
                                let built = self.f_response(target.as_object()?)?;
                                self.bodies.insert(target_at.clone(), built.clone());
                                self.undo.push(Undo::Body(target_at));
                                built
                            }
                        }
                    }
                    _ => self.f_response(map)?,
                };
                (Some(status), body)
            }
        };

        Some(Operation {
            method: method.to_ascii_uppercase(),
            path: path.to_owned(),
            operation_id,
            summary,
            description,
            tags,
            deprecated,
            parameters,
            request_body,
            success_status,
            success_response,
            security: own_security.unwrap_or_else(|| default_security.to_vec()),
            pointer: at.to_owned(),
        })
    }

    fn f_parameter(&mut self, value: &Value, at: &str) -> Option<Parameter> {
        let map = value.as_object()?;
        match map.get("$ref") {
            Some(Value::String(reference)) => {
                let (target_at, target) =
                    refs::follow(self.doc, self.origin, reference, at).ok()?;
                if let Some(done) = self.parameters.get(&target_at) {
                    return Some(done.clone());
                }
                let built = self.f_parameter_item(target.as_object()?)?;
                self.parameters.insert(target_at.clone(), built.clone());
                self.undo.push(Undo::Parameter(target_at));
                Some(built)
            }
            _ => self.f_parameter_item(map),
        }
    }

    fn f_parameter_item(&mut self, map: &Map<String, Value>) -> Option<Parameter> {
        let location = match map.get("in")?.as_str()? {
            "query" => ParamLocation::Query,
            "header" => ParamLocation::Header,
            "path" => ParamLocation::Path,
            "cookie" => ParamLocation::Cookie,
            _ => return None,
        };
        let mut name = None;
        let mut description = None;
        let mut required = false;
        let mut deprecated = None;
        let mut schema = None;
        let mut content = None;
        let mut example = None;
        for (key, value) in map {
            match key.as_str() {
                "name" => name = Some(value.as_str()?),
                "description" => description = opt_string(value)?,
                "required" => required = boolean(value)?,
                "deprecated" => deprecated = opt_bool(value)?,
                "schema" => schema = Some(value),
                "content" => content = Some(value.as_object()?),
                "example" => example = Some(value).filter(|v| !v.is_null()),
                "examples" => ok(decodes::<indexmap_examples::Examples>(value))?,
                "explode" => {
                    opt_bool(value)?;
                }
                "style" => {
                    let style = value.as_str()?;
                    let known: &[&str] = match location {
                        ParamLocation::Query => {
                            &["form", "spaceDelimited", "pipeDelimited", "deepObject"]
                        }
                        ParamLocation::Header => &["simple"],
                        ParamLocation::Path => &["matrix", "label", "simple"],
                        ParamLocation::Cookie => &["form"],
                    };
                    ok(known.contains(&style))?;
                }
                "allowReserved" if location == ParamLocation::Query => {
                    boolean(value)?;
                }
                "allowEmptyValue" if location == ParamLocation::Query => {
                    opt_bool(value)?;
                }
                _ => {}
            }
        }
        let name = name?.to_owned();
        let schema = match (schema, content) {
            (Some(schema), None) => self.f_convert(schema, 0)?,
            (None, Some(content)) => {
                let chosen = pick_media_type(content);
                if !check_content(content, chosen.map(|(mt, _)| mt)) {
                    return None;
                }
                match chosen {
                    Some((_, media)) => match media.get("schema") {
                        Some(schema) if !schema.is_null() => self.f_convert(schema, 0)?,
                        _ => Schema::any(),
                    },
                    None => Schema::any(),
                }
            }
            _ => return None,
        };
        Some(Parameter {
            name,
            location,
            required,
            description,
            deprecated: deprecated.unwrap_or(false),
            schema,
            example: example.cloned(),
        })
    }

    fn f_request_body(&mut self, map: &Map<String, Value>) -> Option<Option<Body>> {
        let mut description = None;
        let mut content = None;
        let mut required = false;
        for (key, value) in map {
            match key.as_str() {
                "description" => description = opt_string(value)?,
                "content" => content = Some(value.as_object()?),
                "required" => required = boolean(value)?,
                _ => {}
            }
        }
        self.f_body(content.unwrap_or(&*EMPTY), required, description)
    }

    fn f_response(&mut self, map: &Map<String, Value>) -> Option<Option<Body>> {
        let (description, content) = response_fields(map)?;
        self.f_body(
            content.unwrap_or(&*EMPTY),
            true,
            Some(description.to_owned()).filter(|d| !d.is_empty()),
        )
    }

    fn f_body(
        &mut self,
        content: &Map<String, Value>,
        required: bool,
        description: Option<String>,
    ) -> Option<Option<Body>> {
        let chosen = pick_media_type(content);
        if !check_content(content, chosen.map(|(mt, _)| mt)) {
            return None;
        }
        let Some((media_type, media)) = chosen else {
            return Some(None);
        };
        let schema = match media.get("schema") {
            Some(schema) if !schema.is_null() => self.f_convert(schema, 0)?,
            _ => Schema::any(),
        };
        Some(Some(Body {
            content_type: media_type.to_owned(),
            required,
            description,
            schema,
        }))
    }
}

/// `build::merge_parameter`.
fn merge_parameter(list: &mut Vec<Parameter>, param: Parameter) {
    let same = |p: &Parameter| {
        p.location == param.location
            && if p.location == ParamLocation::Header {
                p.name.eq_ignore_ascii_case(&param.name)
            } else {
                p.name == param.name
            }
    };
    match list.iter_mut().find(|p| same(p)) {
        Some(slot) => *slot = param,
        None => list.push(param),
    }
}
