//! Example requests against the vendor's spec: every request an example
//! case teaches the connector (method, path, query, body) must be one the
//! CRM's bundled (derived) spec accepts, so an example cannot make the
//! connector send something the vendor would refuse.
//!
//! The check reads the spec as a JSON document, not through the loader's
//! model: it needs the request body schema as JSON Schema. OpenAPI 3.0
//! schemas are turned into JSON Schema (2020-12) the usual way (`nullable`
//! adds `null`, boolean exclusive bounds become numbers) and made strict: an
//! object that lists its `properties` and says nothing of
//! `additionalProperties` is closed, as the response checks treat it, so a
//! property the vendor never declared is caught. Objects combined through
//! `allOf` stay open (closing one branch would refuse the others' members).
//!
//! A form body (`form:` in an example) is read back into the JSON its
//! bracket notation encodes and checked against the operation's
//! `application/x-www-form-urlencoded` schema the same way, every value
//! being text (a number or a boolean in the schema accepts its text).

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex, OnceLock};

use serde_json::{Map, Value};

use crate::examples::ExampleRequest;

/// Problems with one request, each a sentence; empty when it conforms.
/// Checking many requests against one spec is cheaper with a [`Checker`].
pub fn check_request(spec: &Value, request: &ExampleRequest) -> Vec<String> {
    Checker::new(Cow::Borrowed(spec)).check(request)
}

/// Checks requests against one spec, doing the work they share once: the
/// spec's component schemas are turned into JSON Schema once (once more
/// for form bodies), and each operation's body validator is compiled the
/// first time a request needs it.
pub struct Checker<'a> {
    spec: Cow<'a, Value>,
    /// Names of component schemas an `allOf` references (left open).
    open: OnceLock<BTreeSet<String>>,
    /// The spec's `components` as JSON Schema, in a registry the body
    /// validators' `$ref`s resolve in (for JSON bodies, for forms), or why
    /// they do not compile.
    components: [OnceLock<std::result::Result<jsonschema::Registry, String>>; 2],
    /// Compiled body validators by (method, path template, form), or why
    /// the schema does not compile.
    validators: Mutex<BTreeMap<(String, String, bool), Arc<Compiled>>>,
}

/// A body validator, or the sentence saying why it does not compile.
type Compiled = std::result::Result<jsonschema::Validator, String>;

impl<'a> Checker<'a> {
    /// A checker for `spec`, a parsed OpenAPI document.
    pub fn new(spec: Cow<'a, Value>) -> Self {
        Checker {
            spec,
            open: OnceLock::new(),
            components: [OnceLock::new(), OnceLock::new()],
            validators: Mutex::new(BTreeMap::new()),
        }
    }

    /// The spec checked against.
    pub fn spec(&self) -> &Value {
        &self.spec
    }

    /// Problems with one request, each a sentence; empty when it conforms.
    pub fn check(&self, request: &ExampleRequest) -> Vec<String> {
        let spec: &Value = &self.spec;
        let mut problems = Vec::new();
        let method = request.method.to_ascii_lowercase();
        let Some((template, item, op)) = find_operation(spec, &method, &request.path) else {
            problems.push(format!(
                "no operation of the spec is `{} {}`",
                request.method, request.path
            ));
            return problems;
        };
        let params = parameters(spec, item, op);

        // Path parameters: each value fits its schema.
        for (name, value) in path_values(&template, &request.path) {
            if let Some(p) = params
                .iter()
                .find(|p| p.location == "path" && p.name == name)
            {
                if let Some(problem) = scalar_problem(spec, &p.schema, &value) {
                    problems.push(format!("path parameter `{name}` = `{value}`: {problem}"));
                }
            }
        }
        // Query: declared names only, required ones present, values that fit.
        for (name, value) in &request.query {
            match params
                .iter()
                .find(|p| p.location == "query" && p.name == *name)
            {
                None => problems.push(format!(
                    "query parameter `{name}` is not one `{} {template}` declares",
                    request.method
                )),
                Some(p) => {
                    if let Some(problem) = scalar_problem(spec, &p.schema, value) {
                        problems.push(format!("query parameter `{name}` = `{value}`: {problem}"));
                    }
                }
            }
        }
        for p in params
            .iter()
            .filter(|p| p.location == "query" && p.required)
        {
            if !request.query.contains_key(&p.name) {
                problems.push(format!("required query parameter `{}` is missing", p.name));
            }
        }
        // Headers a case gives exactly that the operation declares (Cal.com's
        // `cal-api-version`): values that fit (names compared ignoring case).
        // Headers the spec does not declare (an idempotency key) are not
        // checked: vendors often leave them out.
        for (name, expected) in &request.headers {
            let crate::examples::ExpectedHeader::Exact(value) = expected else {
                continue;
            };
            if let Some(p) = params
                .iter()
                .find(|p| p.location == "header" && p.name.eq_ignore_ascii_case(name))
            {
                if let Some(problem) = scalar_problem(spec, &p.schema, value) {
                    problems.push(format!("header `{name}` = `{value}`: {problem}"));
                }
            }
        }
        // Body: JSON, or a form.
        let body_spec = op.get("requestBody").map(|b| deref(spec, b));
        let sent = request.body.is_some() || request.form.is_some();
        match body_spec {
            None if sent => problems.push(format!(
                "`{} {template}` takes no request body",
                request.method
            )),
            Some(b) if !sent && b.get("required") == Some(&Value::Bool(true)) => {
                problems.push(format!("`{} {template}` requires a body", request.method))
            }
            Some(b) => {
                if let Some(body) = &request.body {
                    match b.pointer("/content/application~1json/schema") {
                        None => problems.push(format!(
                            "`{} {template}` takes no JSON body{}",
                            request.method,
                            if b.pointer(FORM_SCHEMA).is_some() {
                                " (it takes a form: give `form:`)"
                            } else {
                                ""
                            }
                        )),
                        Some(schema) => problems
                            .extend(self.body_problems(&method, &template, schema, body, false)),
                    }
                }
                if let Some(form) = &request.form {
                    match (b.pointer(FORM_SCHEMA), form_value(form)) {
                        (None, _) => problems.push(format!(
                            "`{} {template}` takes no form body",
                            request.method
                        )),
                        (Some(_), Err(problem)) => problems.push(format!("form: {problem}")),
                        (Some(schema), Ok(value)) => problems
                            .extend(self.body_problems(&method, &template, schema, &value, true)),
                    }
                }
            }
            None => {}
        }
        problems
    }
}

/// Where an operation's form body schema is, below its `requestBody`.
const FORM_SCHEMA: &str = "/content/application~1x-www-form-urlencoded/schema";

/// A form body read back into the JSON it encodes, in the bracket notation
/// the connector writes (`metadata[source]=voice` is `{"metadata":
/// {"source": "voice"}}`, `items[0][id]=a` an array): every value is
/// text, `+` a space, `%XX` a byte. A field named twice, a malformed key or
/// a part without `=` is a problem.
pub fn form_value(form: &str) -> Result<Value, String> {
    let decode = |part: &str| {
        percent_encoding::percent_decode_str(&part.replace('+', " "))
            .decode_utf8()
            .map(|s| s.into_owned())
            .map_err(|_| format!("`{part}` is not UTF-8 once decoded"))
    };
    let mut root = Value::Object(Map::new());
    if form.is_empty() {
        return Ok(root);
    }
    for part in form.split('&') {
        let Some((key, value)) = part.split_once('=') else {
            return Err(format!("`{part}` is not a `name=value` pair"));
        };
        let (key, value) = (decode(key)?, decode(value)?);
        let path = form_key(&key)
            .ok_or_else(|| format!("`{key}` is not a field name in bracket notation"))?;
        let mut node = &mut root;
        for (i, segment) in path.iter().enumerate() {
            let Value::Object(map) = node else {
                return Err(format!(
                    "`{key}` gives a value and members to the same field"
                ));
            };
            if i + 1 == path.len() {
                if map.contains_key(segment.as_str()) {
                    return Err(format!("`{key}` is given twice"));
                }
                map.insert(segment.clone(), Value::String(value.clone()));
                break;
            }
            node = map
                .entry(segment.clone())
                .or_insert_with(|| Value::Object(Map::new()));
        }
    }
    Ok(arrays(root))
}

/// `a[b][0]` as its segments (`a`, `b`, `0`), or `None` when malformed.
fn form_key(key: &str) -> Option<Vec<String>> {
    let (first, mut rest) = match key.find('[') {
        Some(i) => key.split_at(i),
        None => (key, ""),
    };
    if first.is_empty() || first.contains(']') {
        return None;
    }
    let mut out = vec![first.to_string()];
    while !rest.is_empty() {
        let inner = rest.strip_prefix('[')?;
        let end = inner.find(']')?;
        let segment = &inner[..end];
        if segment.is_empty() || segment.contains('[') {
            return None;
        }
        out.push(segment.to_string());
        rest = &inner[end + 1..];
    }
    Some(out)
}

/// Objects whose members are exactly `0`, `1`, … become arrays.
fn arrays(value: Value) -> Value {
    match value {
        Value::Object(map) => {
            let is_list =
                !map.is_empty() && (0..map.len()).all(|i| map.contains_key(i.to_string().as_str()));
            let mut map: Map<String, Value> =
                map.into_iter().map(|(k, v)| (k, arrays(v))).collect();
            if is_list {
                Value::Array(
                    (0..map.len())
                        .map(|i| map.remove(i.to_string().as_str()).unwrap_or(Value::Null))
                        .collect(),
                )
            } else {
                Value::Object(map)
            }
        }
        other => other,
    }
}

/// A declared parameter.
struct Param {
    name: String,
    location: String,
    required: bool,
    schema: Value,
}

/// The operation whose path template matches `path` (literal segments
/// equal, `{name}` any non-empty segment), preferring the most literal.
fn find_operation<'a>(
    spec: &'a Value,
    method: &str,
    path: &str,
) -> Option<(String, &'a Value, &'a Value)> {
    let paths = spec.get("paths")?.as_object()?;
    let segments: Vec<&str> = path.split('/').collect();
    let mut best: Option<(usize, String, &Value, &Value)> = None;
    for (template, item) in paths {
        let Some(op) = item.get(method) else { continue };
        let parts: Vec<&str> = template.split('/').collect();
        if parts.len() != segments.len() {
            continue;
        }
        let mut literal = 0;
        let fits = parts.iter().zip(&segments).all(|(t, s)| {
            if t.starts_with('{') && t.ends_with('}') {
                !s.is_empty()
            } else {
                literal += 1;
                t == s
            }
        });
        if fits && best.as_ref().is_none_or(|(n, ..)| literal > *n) {
            best = Some((literal, template.clone(), item, op));
        }
    }
    best.map(|(_, t, i, o)| (t, i, o))
}

/// `{name}` → value pairs of a matched path.
fn path_values(template: &str, path: &str) -> Vec<(String, String)> {
    template
        .split('/')
        .zip(path.split('/'))
        .filter_map(|(t, s)| {
            let name = t.strip_prefix('{')?.strip_suffix('}')?;
            let value = percent_encoding::percent_decode_str(s)
                .decode_utf8_lossy()
                .into_owned();
            Some((name.to_string(), value))
        })
        .collect()
}

/// The path item's and the operation's parameters (the operation's win).
fn parameters(spec: &Value, item: &Value, op: &Value) -> Vec<Param> {
    let mut out: Vec<Param> = Vec::new();
    for list in [item.get("parameters"), op.get("parameters")]
        .into_iter()
        .flatten()
    {
        for p in list.as_array().into_iter().flatten() {
            let p = deref(spec, p);
            let (Some(name), Some(location)) = (
                p.get("name").and_then(Value::as_str),
                p.get("in").and_then(Value::as_str),
            ) else {
                continue;
            };
            out.retain(|q| !(q.name == name && q.location == location));
            out.push(Param {
                name: name.to_string(),
                location: location.to_string(),
                required: p.get("required") == Some(&Value::Bool(true)),
                schema: p.get("schema").cloned().unwrap_or(Value::Null),
            });
        }
    }
    out
}

/// Follows a local `$ref` (a few hops at most).
fn deref<'a>(spec: &'a Value, mut node: &'a Value) -> &'a Value {
    for _ in 0..8 {
        match node.get("$ref").and_then(Value::as_str) {
            Some(r) => match r.strip_prefix('#').and_then(|p| spec.pointer(p)) {
                Some(target) => node = target,
                None => return node,
            },
            None => return node,
        }
    }
    node
}

/// Whether a parameter's text value fits its schema's type and enum.
fn scalar_problem(spec: &Value, schema: &Value, value: &str) -> Option<String> {
    let schema = deref(spec, schema);
    let fits = match schema.get("type").and_then(Value::as_str) {
        Some("integer") => value.parse::<i64>().is_ok(),
        Some("number") => value.parse::<f64>().is_ok(),
        Some("boolean") => value == "true" || value == "false",
        _ => true,
    };
    if !fits {
        return Some(match schema.get("type").and_then(Value::as_str) {
            Some("integer") => "not an integer".into(),
            Some(t) => format!("not a {t}"),
            None => "not a value of its type".into(),
        });
    }
    if let Some(options) = schema.get("enum").and_then(Value::as_array) {
        if !options.iter().any(|o| match o {
            Value::String(s) => s == value,
            Value::Number(n) => value.parse::<f64>().ok() == n.as_f64(),
            Value::Bool(b) => value == if *b { "true" } else { "false" },
            _ => false,
        }) {
            return Some("not one of the values the spec lists".into());
        }
    }
    None
}

impl Checker<'_> {
    /// Validates `body` against the operation's body schema, made strict;
    /// `form`: the body is a form read back into JSON, whose values are all
    /// text, so a number or a boolean in the schema accepts its text. The
    /// validator is compiled once per operation and kind of body.
    fn body_problems(
        &self,
        method: &str,
        template: &str,
        schema: &Value,
        body: &Value,
        form: bool,
    ) -> Vec<String> {
        let key = (method.to_string(), template.to_string(), form);
        let cached = self
            .validators
            .lock()
            .ok()
            .and_then(|v| v.get(&key).cloned());
        let compiled = match cached {
            Some(c) => c,
            None => {
                let c = Arc::new(self.compile(schema, form));
                if let Ok(mut v) = self.validators.lock() {
                    v.insert(key, c.clone());
                }
                c
            }
        };
        let validator = match compiled.as_ref() {
            Ok(v) => v,
            Err(e) => return vec![e.clone()],
        };
        let what = if form { "form" } else { "body" };
        let mut problems: Vec<String> = validator
            .iter_errors(body)
            .map(|e| {
                let at = e.instance_path.to_string();
                format!(
                    "{what}{}: {e}",
                    if at.is_empty() {
                        String::new()
                    } else {
                        format!(" at `{at}`")
                    }
                )
            })
            .collect();
        problems.sort();
        problems.dedup();
        problems
    }

    /// The validator of one body schema, its `$ref`s to the spec's
    /// components resolved in [`Checker::components`].
    fn compile(&self, schema: &Value, form: bool) -> Compiled {
        let registry = self.components(form).clone()?;
        let mut root = schema.clone();
        to_json_schema(&mut root, true);
        if form {
            as_text(&mut root);
        }
        point_refs_at_components(&mut root);
        let mut doc = Map::new();
        doc.insert("$schema".into(), DRAFT.into());
        if let Value::Object(m) = root {
            doc.extend(m);
        }
        doc.remove("components");
        jsonschema::options()
            .with_draft(jsonschema::Draft::Draft202012)
            .with_registry(registry)
            .build(&Value::Object(doc))
            .map_err(|e| not_compiled(&e))
    }

    /// The spec's `components` with every schema turned into JSON Schema
    /// (closed unless an `allOf` references it), and for `form` made to
    /// accept text, in a registry at [`COMPONENTS`]; checked against the
    /// meta-schema once here rather than once per body schema beside it
    /// (the meta-schema reads every member of a document, `components`
    /// included).
    fn components(&self, form: bool) -> &std::result::Result<jsonschema::Registry, String> {
        self.components[usize::from(form)].get_or_init(|| {
            let spec: &Value = &self.spec;
            let open = self.open.get_or_init(|| {
                let mut open = BTreeSet::new();
                collect_all_of_refs(spec, &mut open);
                open
            });
            let mut components = spec.get("components").cloned().unwrap_or(Value::Null);
            if let Some(schemas) = components.get_mut("schemas").and_then(Value::as_object_mut) {
                for (name, s) in schemas.iter_mut() {
                    to_json_schema(s, !open.contains(name));
                }
            }
            if form {
                as_text(&mut components);
            }
            let mut doc = Map::new();
            doc.insert("$schema".into(), DRAFT.into());
            doc.insert("components".into(), components);
            let doc = Value::Object(doc);
            jsonschema::draft202012::meta::validate(&doc).map_err(|e| not_compiled(&e))?;
            jsonschema::Registry::options()
                .draft(jsonschema::Draft::Draft202012)
                .build([(
                    COMPONENTS,
                    jsonschema::Draft::Draft202012.create_resource(doc),
                )])
                .map_err(|e| format!("the body schema does not compile: {e}"))
        })
    }
}

/// The JSON Schema dialect body schemas are checked in.
const DRAFT: &str = "https://json-schema.org/draft/2020-12/schema";

/// Where a spec's `components` are registered for the body validators.
const COMPONENTS: &str = "urn:midcall:spec";

/// The problem of a body schema that does not compile.
fn not_compiled(e: &jsonschema::ValidationError) -> String {
    format!("the body schema does not compile: {e}")
}

/// Points the `$ref`s of a body schema that name the spec's components
/// (`#/components/…`) at [`COMPONENTS`]; values (`enum`, `const`,
/// `default`, examples) are left as they are.
fn point_refs_at_components(v: &mut Value) {
    match v {
        Value::Object(map) => {
            if let Some(Value::String(r)) = map.get_mut("$ref") {
                if r.starts_with("#/components/") {
                    r.insert_str(0, COMPONENTS);
                }
            }
            for (key, child) in map.iter_mut() {
                match (key.as_str(), child) {
                    // Maps of schemas, whatever their members' names.
                    (
                        "properties" | "patternProperties" | "$defs" | "definitions"
                        | "dependentSchemas",
                        Value::Object(members),
                    ) => members.values_mut().for_each(point_refs_at_components),
                    ("enum" | "const" | "default" | "example" | "examples", _) => {}
                    (_, child) => point_refs_at_components(child),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(point_refs_at_components),
        _ => {}
    }
}

/// Makes every scalar schema below `v` accept its value as text, as a
/// form sends it: an integer is digits, a number a decimal, a boolean
/// `true` or `false`, and an `enum`'s values are compared as text.
fn as_text(v: &mut Value) {
    match v {
        Value::Object(map) => {
            let text = |t: &str| match t {
                "integer" => Some(Some("^-?[0-9]+$")),
                "number" => Some(Some("^-?[0-9]+(\\.[0-9]+)?([eE][-+]?[0-9]+)?$")),
                "boolean" => Some(None),
                _ => None,
            };
            let scalar = match map.get("type") {
                Some(Value::String(t)) => text(t),
                Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).find_map(text),
                _ => None,
            };
            if let Some(pattern) = scalar {
                map.insert("type".into(), "string".into());
                match pattern {
                    Some(p) => {
                        map.insert("pattern".into(), p.into());
                    }
                    None => {
                        map.entry("enum")
                            .or_insert_with(|| serde_json::json!([true, false]));
                    }
                }
            }
            if let Some(Value::Array(values)) = map.get_mut("enum") {
                for value in values.iter_mut() {
                    if !value.is_string() {
                        let text = value.to_string();
                        *value = Value::String(text);
                    }
                }
            }
            map.values_mut().for_each(as_text);
        }
        Value::Array(items) => items.iter_mut().for_each(as_text),
        _ => {}
    }
}

/// Names of component schemas an `allOf` references directly.
fn collect_all_of_refs(v: &Value, out: &mut BTreeSet<String>) {
    match v {
        Value::Object(map) => {
            if let Some(Value::Array(items)) = map.get("allOf") {
                for item in items {
                    if let Some(name) = item
                        .get("$ref")
                        .and_then(Value::as_str)
                        .and_then(|r| r.strip_prefix("#/components/schemas/"))
                    {
                        out.insert(name.to_string());
                    }
                }
            }
            map.values().for_each(|c| collect_all_of_refs(c, out));
        }
        Value::Array(items) => items.iter().for_each(|c| collect_all_of_refs(c, out)),
        _ => {}
    }
}

/// OpenAPI 3.0 schema → JSON Schema 2020-12, in place; `close` closes
/// objects that list properties and say nothing of extra ones.
fn to_json_schema(v: &mut Value, close: bool) {
    let Value::Object(map) = v else { return };
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
    if map.remove("nullable") == Some(Value::Bool(true)) {
        if let Some(Value::String(t)) = map.get("type").cloned() {
            map.insert("type".into(), serde_json::json!([t, "null"]));
        }
        if let Some(Value::Array(options)) = map.get_mut("enum") {
            if !options.contains(&Value::Null) {
                options.push(Value::Null);
            }
        }
    }
    // `example` is documentation in 3.0; 2020-12 knows only `examples`.
    map.remove("example");
    if close
        && map.contains_key("properties")
        && !map.contains_key("additionalProperties")
        && !map.contains_key("allOf")
    {
        map.insert("additionalProperties".into(), Value::Bool(false));
    }
    for (key, child) in map.iter_mut() {
        match key.as_str() {
            // Members of an allOf stay open; everything below them too is
            // treated normally.
            "allOf" => {
                if let Value::Array(items) = child {
                    items.iter_mut().for_each(|c| to_json_schema(c, false));
                }
            }
            "properties" | "patternProperties" | "$defs" | "definitions" => {
                if let Value::Object(members) = child {
                    members.values_mut().for_each(|c| to_json_schema(c, close));
                }
            }
            "items" | "additionalProperties" | "not" => to_json_schema(child, close),
            "anyOf" | "oneOf" => {
                if let Value::Array(items) = child {
                    items.iter_mut().for_each(|c| to_json_schema(c, close));
                }
            }
            _ => {}
        }
    }
}
