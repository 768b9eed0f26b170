//! Tolerance for common mistakes in real-world 3.0 specs.
//!
//! `openapiv3` is strict, and vendors' specs are not: Calendly writes
//! `enum: some value` instead of a list, many specs leave out a response's
//! `description` or a parameter's `schema`, some borrow `type: [string,
//! "null"]` from 3.1 or `required: true` on a property from Swagger. Such a
//! document means something clear, so rather than refuse it the loader
//! rewrites these spots before decoding and notes each rewrite in
//! [`Api::warnings`](super::Api::warnings).
//!
//! The walk follows the document's structure (paths, operations, components,
//! schemas) so that only real schemas are touched, never example data. It is
//! depth-bounded.

use serde_json::{Map, Value};

use super::keys;
use super::pointer;

/// Deeper nesting is left alone (the parsers stop at 128 levels anyway).
const MAX_DEPTH: usize = 256;

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Rewrites known quirks in place; returns one note per rewrite, each
/// "#/pointer: what was done".
pub(crate) fn repair(doc: &mut Value) -> Vec<String> {
    repair_dialect(doc, false)
}

/// Like [`repair`]; with `v31`, the document is OpenAPI 3.1 and its own
/// ways (`type` lists, numeric `exclusiveMinimum`, `const`, `examples`
/// lists, `$ref` with siblings, `anyOf` with `type: 'null'`, boolean
/// schemas) are read as their 3.0 equivalents without a note each.
pub(crate) fn repair_dialect(doc: &mut Value, v31: bool) -> Vec<String> {
    let mut fixer = Fixer::new(v31);
    fixer.document(doc);
    fixer.notes
}

/// [`repair_dialect`] of a document whose `paths` are repaired apart, item
/// by item with [`repair_path_item`]: the notes of the parts before
/// `paths` (`info`, `servers`) and of those after (`components`), so that
/// the path items' notes go in between, in the order [`repair_dialect`]
/// gives them. `paths` itself is not looked at.
pub(crate) fn repair_around_paths(doc: &mut Value, v31: bool) -> (Vec<String>, Vec<String>) {
    let mut fixer = Fixer::new(v31);
    let Value::Object(map) = doc else {
        return (Vec::new(), Vec::new());
    };
    fixer.head(map);
    let before = std::mem::take(&mut fixer.notes);
    fixer.tail(map);
    (before, fixer.notes)
}

/// The repairs of one entry of `paths` (the path `path`), with the notes
/// [`repair_dialect`] gives for it; `x-` entries are left alone, as there.
pub(crate) fn repair_path_item(path: &str, item: &mut Value, v31: bool) -> Vec<String> {
    if path.starts_with("x-") {
        return Vec::new();
    }
    let mut fixer = Fixer::new(v31);
    fixer.at = pointer::join("/paths", path);
    fixer.path_item(item, 0);
    fixer.notes
}

struct Fixer {
    notes: Vec<String>,
    /// Pointer of the value being looked at.
    at: String,
    /// The document is OpenAPI 3.1.
    v31: bool,
}

/// Keywords next to a 3.1 `$ref` that only annotate it; others change
/// what the schema accepts, so the `$ref` moves under `allOf` beside them.
const REF_ANNOTATIONS: [&str; 10] = [
    "$ref",
    "description",
    "summary",
    "title",
    "deprecated",
    "readOnly",
    "writeOnly",
    "example",
    "examples",
    "$comment",
];

impl Fixer {
    fn new(v31: bool) -> Fixer {
        Fixer {
            notes: Vec::new(),
            at: String::new(),
            v31,
        }
    }

    /// Notes a rewrite that is a quirk in 3.0 but normal in 3.1.
    fn note_30(&mut self, what: &str) {
        if !self.v31 {
            self.note(what);
        }
    }

    /// 3.1 rules for one schema, before anything else looks at it.
    fn schema_31(&mut self, schema: &mut Value) {
        if let Value::Bool(accepts) = schema {
            *schema = if *accepts {
                Value::Object(Map::new())
            } else {
                serde_json::json!({"not": {}})
            };
            return;
        }
        let Value::Object(map) = schema else { return };
        let structural = map.get("$ref").is_some_and(Value::is_string)
            && map
                .keys()
                .any(|k| !REF_ANNOTATIONS.contains(&k.as_str()) && !k.starts_with("x-"));
        if structural {
            if let Some(reference) = map.remove("$ref") {
                let mut only_ref = Map::new();
                only_ref.insert("$ref".into(), reference);
                match map.get_mut("allOf") {
                    Some(Value::Array(members)) => members.insert(0, Value::Object(only_ref)),
                    _ => {
                        map.insert("allOf".into(), Value::Array(vec![Value::Object(only_ref)]));
                    }
                }
            }
        }
        if let Some(value) = map.remove("const") {
            map.entry("enum").or_insert(Value::Array(vec![value]));
        }
        if let Some(Value::Array(examples)) = map.get("examples") {
            if let Some(first) = examples.first().cloned() {
                map.entry("example").or_insert(first);
            }
            map.remove("examples");
        }
        for key in ["anyOf", "oneOf"] {
            let Some(Value::Array(members)) = map.get_mut(key) else {
                continue;
            };
            let before = members.len();
            members.retain(|m| m.get("type").and_then(Value::as_str) != Some("null"));
            if members.len() == before {
                continue;
            }
            map.insert("nullable".into(), Value::Bool(true));
            let remaining = match map.get(key) {
                Some(Value::Array(members)) => members.len(),
                _ => 0,
            };
            if remaining == 0 {
                map.remove(key);
            } else if remaining == 1 && !map.contains_key("allOf") {
                if let Some(Value::Array(members)) = map.remove(key) {
                    map.insert("allOf".into(), Value::Array(members));
                }
            }
        }
    }

    fn note(&mut self, what: &str) {
        self.notes
            .push(format!("{}: {what}", pointer::display(&self.at)));
    }

    /// Runs `f` on `map[key]` with the pointer extended by `key`.
    fn child(
        &mut self,
        map: &mut Map<String, Value>,
        key: &str,
        f: impl FnOnce(&mut Self, &mut Value),
    ) {
        if let Some(value) = keys::get_mut(map, key) {
            let len = self.at.len();
            pointer::push_token(&mut self.at, key);
            f(self, value);
            self.at.truncate(len);
        }
    }

    /// Runs `f` on every entry of the map or list at `map[key]`
    /// (`x-` extension entries skipped).
    fn each(
        &mut self,
        map: &mut Map<String, Value>,
        key: &str,
        mut f: impl FnMut(&mut Self, &mut Value),
    ) {
        self.child(map, key, |this, value| match value {
            Value::Object(entries) => {
                for (name, entry) in entries.iter_mut() {
                    if name.starts_with("x-") {
                        continue;
                    }
                    let len = this.at.len();
                    pointer::push_token(&mut this.at, name);
                    f(this, entry);
                    this.at.truncate(len);
                }
            }
            Value::Array(items) => {
                for (i, entry) in items.iter_mut().enumerate() {
                    let len = this.at.len();
                    pointer::push_token(&mut this.at, &i.to_string());
                    f(this, entry);
                    this.at.truncate(len);
                }
            }
            _ => {}
        });
    }

    fn document(&mut self, doc: &mut Value) {
        let Value::Object(map) = doc else { return };
        self.head(map);
        self.each(map, "paths", |this, item| this.path_item(item, 0));
        self.tail(map);
    }

    /// The parts walked before `paths`.
    fn head(&mut self, map: &mut Map<String, Value>) {
        self.child(map, "info", |this, info| {
            let Value::Object(info) = info else { return };
            for key in ["title", "version"] {
                if !info.get(key).is_some_and(Value::is_string) {
                    let text = info.get(key).map(scalar_text).unwrap_or_default();
                    info.insert(key.to_owned(), Value::String(text.clone()));
                    this.note(&format!(
                        "`info.{key}` was missing or not text; read as \"{text}\""
                    ));
                }
            }
        });
        self.each(map, "servers", Self::server);
    }

    /// The parts walked after `paths`.
    fn tail(&mut self, map: &mut Map<String, Value>) {
        self.child(map, "components", |this, components| {
            let Value::Object(components) = components else {
                return;
            };
            this.each(components, "schemas", |this, s| this.schema(s, 0));
            this.each(components, "parameters", Self::parameter);
            this.each(components, "requestBodies", Self::request_body);
            this.each(components, "responses", Self::response);
            this.each(components, "headers", Self::header);
            this.each(components, "securitySchemes", Self::security_scheme);
        });
    }

    fn server(&mut self, server: &mut Value) {
        let Value::Object(server) = server else {
            return;
        };
        self.each(server, "variables", |this, var| {
            let Value::Object(var) = var else { return };
            if !var.get("default").is_some_and(Value::is_string) {
                let default = match var.get("default") {
                    Some(v) if !v.is_null() => scalar_text(v),
                    _ => var
                        .get("enum")
                        .and_then(|e| e.get(0))
                        .map(scalar_text)
                        .unwrap_or_default(),
                };
                var.insert("default".into(), Value::String(default.clone()));
                this.note(&format!(
                    "server variable had no text `default`; using \"{default}\""
                ));
            }
        });
    }

    fn path_item(&mut self, item: &mut Value, depth: usize) {
        if depth > 4 || is_ref(item) {
            return;
        }
        let Value::Object(map) = item else { return };
        self.each(map, "parameters", Self::parameter);
        for method in METHODS {
            self.child(map, method, |this, op| this.operation(op, depth));
        }
    }

    fn operation(&mut self, op: &mut Value, depth: usize) {
        let Value::Object(map) = op else { return };
        self.each(map, "parameters", Self::parameter);
        self.child(map, "requestBody", Self::request_body);
        self.each(map, "responses", Self::response);
        self.each(map, "callbacks", |this, callback| {
            if let Value::Object(expressions) = callback {
                for (name, item) in expressions.iter_mut() {
                    let len = this.at.len();
                    pointer::push_token(&mut this.at, name);
                    this.path_item(item, depth + 1);
                    this.at.truncate(len);
                }
            }
        });
    }

    fn parameter(&mut self, param: &mut Value) {
        if is_ref(param) {
            return;
        }
        let Value::Object(map) = param else { return };
        if !map.contains_key("schema") && !map.contains_key("content") {
            map.insert("schema".into(), Value::Object(Map::new()));
            self.note("parameter had neither `schema` nor `content`; read as accepting anything");
        }
        self.child(map, "schema", |this, s| this.schema(s, 0));
        self.each(map, "content", Self::media_type);
    }

    fn request_body(&mut self, body: &mut Value) {
        if is_ref(body) {
            return;
        }
        let Value::Object(map) = body else { return };
        self.each(map, "content", Self::media_type);
    }

    fn response(&mut self, response: &mut Value) {
        if is_ref(response) {
            return;
        }
        let Value::Object(map) = response else { return };
        if !map.get("description").is_some_and(Value::is_string) {
            let text = map.get("description").map(scalar_text).unwrap_or_default();
            map.insert("description".into(), Value::String(text));
            self.note("response had no text `description` (required in OpenAPI 3.0)");
        }
        self.each(map, "content", Self::media_type);
        self.each(map, "headers", Self::header);
    }

    fn header(&mut self, header: &mut Value) {
        if is_ref(header) {
            return;
        }
        let Value::Object(map) = header else { return };
        if !map.contains_key("schema") && !map.contains_key("content") {
            map.insert("schema".into(), Value::Object(Map::new()));
            self.note("header had neither `schema` nor `content`; read as accepting anything");
        }
        self.child(map, "schema", |this, s| this.schema(s, 0));
        self.each(map, "content", Self::media_type);
    }

    fn media_type(&mut self, media: &mut Value) {
        let Value::Object(map) = media else { return };
        self.child(map, "schema", |this, s| this.schema(s, 0));
    }

    fn security_scheme(&mut self, scheme: &mut Value) {
        if is_ref(scheme) {
            return;
        }
        let Value::Object(map) = scheme else { return };
        self.child(map, "flows", |this, flows| {
            let Value::Object(flows) = flows else { return };
            for (name, flow) in flows.iter_mut() {
                let Value::Object(flow) = flow else { continue };
                if flow.get("scopes").is_some_and(Value::is_object) {
                    continue;
                }
                flow.insert("scopes".into(), Value::Object(Map::new()));
                let len = this.at.len();
                pointer::push_token(&mut this.at, name);
                this.note("OAuth2 flow had no `scopes` map; read as no scopes");
                this.at.truncate(len);
            }
        });
    }

    fn schema(&mut self, schema: &mut Value, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        if self.v31 {
            self.schema_31(schema);
        }
        if is_ref(schema) {
            return;
        }
        let Value::Object(map) = schema else { return };
        if keywords_need_fixing(map) {
            self.schema_keywords(map);
        }
        // A property marked `required: true` (Swagger habit) joins the
        // object's `required` list.
        let mut now_required = Vec::new();
        self.each(map, "properties", |this, property| {
            let flag = match property.get("required") {
                Some(Value::Bool(flag)) => Some(*flag),
                _ => None,
            };
            if let (Some(flag), Value::Object(p)) = (flag, &mut *property) {
                let name = this.at.rsplit('/').next().map(pointer::unescape);
                match name {
                    Some(name) if flag => now_required.push(name.into_owned()),
                    _ => {}
                }
                p.remove("required");
                this.note(
                    "`required: true|false` on a property; moved to the object's `required` list",
                );
            }
            this.schema(property, depth + 1);
        });
        if !now_required.is_empty() {
            let list = map
                .entry("required")
                .or_insert_with(|| Value::Array(Vec::new()));
            if !list.is_array() {
                *list = Value::Array(Vec::new());
            }
            if let Value::Array(list) = list {
                for name in now_required {
                    if !list.iter().any(|v| v.as_str() == Some(&name)) {
                        list.push(Value::String(name));
                    }
                }
            }
        }
        for key in ["items", "not"] {
            self.child(map, key, |this, s| this.schema(s, depth + 1));
        }
        if map
            .get("additionalProperties")
            .is_some_and(Value::is_object)
        {
            self.child(map, "additionalProperties", |this, s| {
                this.schema(s, depth + 1)
            });
        }
        for key in ["allOf", "oneOf", "anyOf"] {
            self.each(map, key, |this, s| this.schema(s, depth + 1));
        }
    }

    /// Fixes the keywords of one schema object.
    fn schema_keywords(&mut self, map: &mut Map<String, Value>) {
        // `type: [x, "null"]` (3.1 style).
        if let Some(Value::Array(types)) = map.get("type") {
            let has_null = types.iter().any(|t| t.as_str() == Some("null"));
            let others: Vec<Value> = types
                .iter()
                .filter(|t| t.as_str() != Some("null"))
                .cloned()
                .collect();
            match others.as_slice() {
                [single] => {
                    map.insert("type".into(), single.clone());
                }
                _ => {
                    map.remove("type");
                }
            }
            if has_null {
                map.insert("nullable".into(), Value::Bool(true));
            }
            self.note_30("`type` was a list (OpenAPI 3.1 style); read as one type plus `nullable`");
        }
        // `enum: value` instead of a list.
        if let Some(single) = map.get("enum").filter(|v| !v.is_array()).cloned() {
            map.insert("enum".into(), Value::Array(vec![single]));
            self.note("`enum` was a single value, not a list; read as a one-item list");
        }
        // Numeric `exclusiveMinimum: 5` (3.1 style).
        for (exclusive, bound) in [
            ("exclusiveMinimum", "minimum"),
            ("exclusiveMaximum", "maximum"),
        ] {
            if let Some(Value::Number(n)) = map.get(exclusive) {
                let n = n.clone();
                map.insert(exclusive.into(), Value::Bool(true));
                map.entry(bound).or_insert(Value::Number(n));
                self.note_30(&format!(
                    "numeric `{exclusive}` (OpenAPI 3.1 style); read as `{bound}` plus `{exclusive}: true`"
                ));
            }
        }
        // Booleans and numbers written as text, or of the wrong kind.
        for key in [
            "nullable",
            "readOnly",
            "writeOnly",
            "deprecated",
            "uniqueItems",
            "exclusiveMinimum",
            "exclusiveMaximum",
        ] {
            match map.get(key) {
                None | Some(Value::Bool(_)) => {}
                Some(Value::String(s)) if s == "true" || s == "false" => {
                    let flag = s == "true";
                    map.insert(key.into(), Value::Bool(flag));
                    self.note(&format!("`{key}` was text; read as a boolean"));
                }
                Some(_) => {
                    map.remove(key);
                    self.note(&format!("`{key}` was not a boolean; ignored"));
                }
            }
        }
        for key in [
            "minLength",
            "maxLength",
            "minItems",
            "maxItems",
            "minProperties",
            "maxProperties",
        ] {
            match map.get(key) {
                None => {}
                Some(Value::Number(n)) if n.is_u64() => {}
                Some(Value::String(s)) if s.trim().parse::<u64>().is_ok() => {
                    let n = s.trim().parse::<u64>().unwrap_or_default();
                    map.insert(key.into(), Value::from(n));
                    self.note(&format!("`{key}` was text; read as a number"));
                }
                Some(_) => {
                    map.remove(key);
                    self.note(&format!("`{key}` was not a whole number; ignored"));
                }
            }
        }
        for key in ["minimum", "maximum", "multipleOf"] {
            match map.get(key) {
                None | Some(Value::Number(_)) => {}
                Some(Value::String(s)) if number_from_text(s).is_some() => {
                    let n = number_from_text(s).map_or(Value::Null, Value::Number);
                    map.insert(key.into(), n);
                    self.note(&format!("`{key}` was text; read as a number"));
                }
                Some(_) => {
                    map.remove(key);
                    self.note(&format!("`{key}` was not a number; ignored"));
                }
            }
        }
        for key in ["format", "pattern", "description", "title", "type"] {
            match map.get(key) {
                None | Some(Value::String(_)) => {}
                Some(Value::Null) => {
                    map.remove(key);
                }
                Some(other) => {
                    let text = scalar_text(other);
                    if key == "description" || key == "title" {
                        map.insert(key.into(), Value::String(text));
                        self.note(&format!("`{key}` was not text; converted"));
                    } else {
                        map.remove(key);
                        self.note(&format!("`{key}` was not text; ignored"));
                    }
                }
            }
        }
        // `required` must be a list of names; a boolean here (not on a
        // property) means nothing.
        if let Some(required) = map.get("required") {
            if !required.is_array() {
                map.remove("required");
                self.note("`required` on a schema was not a list of property names; ignored");
            } else if let Some(Value::Array(names)) = map.get_mut("required") {
                let before = names.len();
                names.retain(Value::is_string);
                if names.len() != before {
                    self.note(
                        "`required` listed something other than property names; those were ignored",
                    );
                }
            }
        }
        // Tuple-style `items: [a, b]`.
        if let Some(Value::Array(items)) = map.get("items") {
            let first = items.first().cloned().unwrap_or(Value::Object(Map::new()));
            map.insert("items".into(), first);
            self.note("`items` was a list; read as its first entry");
        }
        // `properties` that is not a map.
        if map.get("properties").is_some_and(|p| !p.is_object()) {
            map.remove("properties");
            self.note("`properties` was not a map; ignored");
        }
    }
}

/// Whether any keyword of a schema object is one that
/// [`Fixer::schema_keywords`] rewrites: one pass over the keys, so that the
/// common, well-formed schema costs no lookup per keyword.
fn keywords_need_fixing(map: &Map<String, Value>) -> bool {
    map.iter().any(|(key, value)| match key.as_str() {
        "type" => !value.is_string(),
        "enum" => !value.is_array(),
        "nullable" | "readOnly" | "writeOnly" | "deprecated" | "uniqueItems"
        | "exclusiveMinimum" | "exclusiveMaximum" => !value.is_boolean(),
        "minLength" | "maxLength" | "minItems" | "maxItems" | "minProperties" | "maxProperties" => {
            !value.is_u64()
        }
        "minimum" | "maximum" | "multipleOf" => !value.is_number(),
        "format" | "pattern" | "description" | "title" => !value.is_string(),
        "required" => !value
            .as_array()
            .is_some_and(|names| names.iter().all(Value::is_string)),
        "items" => value.is_array(),
        "properties" => !value.is_object(),
        _ => false,
    })
}

fn is_ref(value: &Value) -> bool {
    matches!(keys::of(value, "$ref"), Some(Value::String(_)))
}

/// A scalar as text (`true`, `3`, `abc`); other values as JSON.
fn scalar_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

fn number_from_text(text: &str) -> Option<serde_json::Number> {
    let text = text.trim();
    if let Ok(i) = text.parse::<i64>() {
        return Some(i.into());
    }
    text.parse::<f64>()
        .ok()
        .and_then(serde_json::Number::from_f64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn repairs_schema_quirks() {
        let mut doc = json!({
            "info": {"title": "t"},
            "paths": {"/a": {"get": {
                "parameters": [{"name": "q", "in": "query"}],
                "responses": {"200": {"content": {"application/json": {"schema": {
                    "type": "object",
                    "properties": {
                        "id": {"type": ["string", "null"], "required": true},
                        "kind": {"type": "string", "enum": "only"},
                        "n": {"type": "integer", "exclusiveMinimum": 0, "maxLength": "3"},
                        "e": {"type": "string", "example": {"enum": "data"}}
                    }
                }}}}}
            }}}
        });
        let notes = repair(&mut doc);
        let schema =
            &doc["paths"]["/a"]["get"]["responses"]["200"]["content"]["application/json"]["schema"];
        assert_eq!(schema["required"], json!(["id"]));
        assert_eq!(
            schema["properties"]["id"],
            json!({"type": "string", "nullable": true})
        );
        assert_eq!(schema["properties"]["kind"]["enum"], json!(["only"]));
        assert_eq!(schema["properties"]["n"]["minimum"], json!(0));
        assert_eq!(schema["properties"]["n"]["exclusiveMinimum"], json!(true));
        assert_eq!(
            schema["properties"]["e"]["example"],
            json!({"enum": "data"})
        );
        assert_eq!(doc["info"]["version"], json!(""));
        assert_eq!(
            doc["paths"]["/a"]["get"]["parameters"][0]["schema"],
            json!({})
        );
        assert_eq!(
            doc["paths"]["/a"]["get"]["responses"]["200"]["description"],
            json!("")
        );
        assert!(notes.iter().any(|n| n.starts_with("#/paths/~1a/get/responses/200/content/application~1json/schema/properties/kind: `enum`")), "{notes:?}");
    }
}
