//! Swagger (OpenAPI) 2.0 converted to 3.0, on the raw document, before the
//! rest of the loader sees it.
//!
//! What changes: `host`, `basePath` and `schemes` become `servers`;
//! `definitions`, global `parameters` and `responses` move under
//! `components` (every `$ref` follows); `securityDefinitions` become
//! `components.securitySchemes` (OAuth 2 flows renamed); an `in: body`
//! parameter becomes the `requestBody`, `in: formData` parameters a form
//! body (`multipart/form-data` when a file is sent or the operation says
//! so, else `application/x-www-form-urlencoded`); a parameter's `type`,
//! `format`, `items`, `enum`... become its `schema`; a response's `schema`
//! goes under `content` for each media type the operation `produces`.
//! In schemas, `type: file` is a binary string and `x-nullable` is
//! `nullable`.

use serde_json::{Map, Value};

/// Keys of a 2.0 parameter (or items or header object) that describe its
/// value: they move into the 3.0 `schema`.
const SCHEMA_KEYS: [&str; 17] = [
    "type",
    "format",
    "items",
    "enum",
    "default",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minLength",
    "maxLength",
    "pattern",
    "minItems",
    "maxItems",
    "uniqueItems",
    "multipleOf",
    "x-nullable",
];

const METHODS: [&str; 7] = ["get", "put", "post", "delete", "options", "head", "patch"];

/// Converts a Swagger 2.0 document in place; returns notes for what could
/// not be carried over.
pub(crate) fn convert(doc: &mut Value) -> Vec<String> {
    let mut notes = Vec::new();
    let Value::Object(old) = std::mem::take(doc) else {
        return notes;
    };
    let mut old = old;
    let consumes = media_list(old.get("consumes"));
    let produces = media_list(old.get("produces"));
    let global_params = match old.remove("parameters") {
        Some(Value::Object(p)) => p,
        _ => Map::new(),
    };

    let mut out = Map::new();
    out.insert("openapi".into(), Value::String("3.0.3".into()));
    for key in ["info", "tags", "externalDocs", "security"] {
        if let Some(v) = old.remove(key) {
            out.insert(key.into(), v);
        }
    }
    out.insert("servers".into(), servers(&old));
    for (key, value) in &old {
        if key.starts_with("x-") {
            out.insert(key.clone(), value.clone());
        }
    }

    let mut paths_out = Map::new();
    if let Some(Value::Object(paths)) = old.remove("paths") {
        for (path, item) in paths {
            let Value::Object(mut item) = item else {
                paths_out.insert(path, item);
                continue;
            };
            if item.contains_key("$ref") {
                paths_out.insert(path, Value::Object(item));
                continue;
            }
            let shared = match item.remove("parameters") {
                Some(Value::Array(p)) => p,
                _ => Vec::new(),
            };
            let mut item_out = Map::new();
            let (shared_plain, shared_body) = split_params(&shared, &global_params);
            if !shared_plain.is_empty() {
                item_out.insert("parameters".into(), Value::Array(shared_plain));
            }
            for (key, value) in item {
                if METHODS.contains(&key.as_str()) {
                    let op = operation(value, &shared_body, &global_params, &consumes, &produces);
                    item_out.insert(key, op);
                } else {
                    item_out.insert(key, value);
                }
            }
            paths_out.insert(path, Value::Object(item_out));
        }
    }
    out.insert("paths".into(), Value::Object(paths_out));

    let mut components = Map::new();
    if let Some(Value::Object(mut definitions)) = old.remove("definitions") {
        for schema in definitions.values_mut() {
            fix_schema(schema, 0);
        }
        components.insert("schemas".into(), Value::Object(definitions));
    }
    let mut params_out = Map::new();
    for (name, param) in &global_params {
        let location = param.get("in").and_then(Value::as_str);
        if !matches!(location, Some("body") | Some("formData")) {
            params_out.insert(name.clone(), parameter(param));
        }
    }
    if !params_out.is_empty() {
        components.insert("parameters".into(), Value::Object(params_out));
    }
    if let Some(Value::Object(responses)) = old.remove("responses") {
        let converted: Map<String, Value> = responses
            .into_iter()
            .map(|(name, r)| (name, response(r, &produces)))
            .collect();
        components.insert("responses".into(), Value::Object(converted));
    }
    if let Some(Value::Object(definitions)) = old.remove("securityDefinitions") {
        let mut schemes = Map::new();
        for (name, scheme) in definitions {
            match security_scheme(&scheme) {
                Some(s) => {
                    schemes.insert(name, s);
                }
                None => notes.push(format!(
                    "#/securityDefinitions/{name}: not a known Swagger 2.0 security scheme; ignored"
                )),
            }
        }
        components.insert("securitySchemes".into(), Value::Object(schemes));
    }
    if !components.is_empty() {
        out.insert("components".into(), Value::Object(components));
    }
    let mut converted = Value::Object(out);
    rewrite_refs(&mut converted, 0);
    *doc = converted;
    notes
}

/// A list of media types (`consumes`, `produces`).
fn media_list(value: Option<&Value>) -> Vec<String> {
    match value {
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        _ => Vec::new(),
    }
}

/// `servers` from `schemes`, `host` and `basePath`.
fn servers(old: &Map<String, Value>) -> Value {
    let base = old.get("basePath").and_then(Value::as_str).unwrap_or("");
    let Some(host) = old.get("host").and_then(Value::as_str) else {
        let url = if base.is_empty() { "/" } else { base };
        return serde_json::json!([{ "url": url }]);
    };
    let mut schemes = media_list(old.get("schemes"));
    if schemes.is_empty() {
        schemes.push("https".into());
    }
    // https first: the one a connector should use.
    schemes.sort_by_key(|s| s != "https");
    Value::Array(
        schemes
            .iter()
            .map(|scheme| serde_json::json!({ "url": format!("{scheme}://{host}{base}") }))
            .collect(),
    )
}

/// Splits a parameter list into plain parameters (converted) and the
/// body or form parameters (kept in 2.0 form), following `$ref`s to
/// global body parameters.
fn split_params(params: &[Value], global: &Map<String, Value>) -> (Vec<Value>, Vec<Value>) {
    let mut plain = Vec::new();
    let mut body = Vec::new();
    for param in params {
        let target = param
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix("#/parameters/"))
            .and_then(|name| global.get(&crate::openapi::pointer::unescape(name).into_owned()));
        let resolved = target.unwrap_or(param);
        match resolved.get("in").and_then(Value::as_str) {
            Some("body") | Some("formData") => body.push(resolved.clone()),
            _ if param.get("$ref").is_some() => plain.push(param.clone()),
            _ => plain.push(parameter(param)),
        }
    }
    (plain, body)
}

/// A non-body parameter: its value keys become `schema`.
fn parameter(param: &Value) -> Value {
    let Value::Object(map) = param else {
        return param.clone();
    };
    if map.contains_key("$ref") {
        return param.clone();
    }
    let mut out = Map::new();
    let mut schema = Map::new();
    for (key, value) in map {
        if SCHEMA_KEYS.contains(&key.as_str()) {
            schema.insert(key.clone(), value.clone());
        } else if key == "x-example" {
            out.insert("example".into(), value.clone());
        } else if key != "collectionFormat" && key != "allowEmptyValue" {
            out.insert(key.clone(), value.clone());
        }
    }
    if map.get("collectionFormat").and_then(Value::as_str) == Some("multi") {
        out.insert("explode".into(), Value::Bool(true));
    }
    let mut schema = Value::Object(schema);
    fix_schema(&mut schema, 0);
    out.insert("schema".into(), schema);
    Value::Object(out)
}

/// One operation: parameters split into plain ones and a request body,
/// responses moved under `content`.
fn operation(
    op: Value,
    shared_body: &[Value],
    global: &Map<String, Value>,
    consumes: &[String],
    produces: &[String],
) -> Value {
    let Value::Object(mut op) = op else {
        return op;
    };
    let own_consumes = match op.remove("consumes") {
        Some(v) => media_list(Some(&v)),
        None => consumes.to_vec(),
    };
    let own_produces = match op.remove("produces") {
        Some(v) => media_list(Some(&v)),
        None => produces.to_vec(),
    };
    op.remove("schemes");
    let params = match op.remove("parameters") {
        Some(Value::Array(p)) => p,
        _ => Vec::new(),
    };
    let (plain, mut body) = split_params(&params, global);
    if body.is_empty() {
        body = shared_body.to_vec();
    }
    if !plain.is_empty() {
        op.insert("parameters".into(), Value::Array(plain));
    }
    if let Some(request_body) = request_body(&body, &own_consumes) {
        op.insert("requestBody".into(), request_body);
    }
    if let Some(Value::Object(responses)) = op.remove("responses") {
        let converted: Map<String, Value> = responses
            .into_iter()
            .map(|(code, r)| {
                if code.starts_with("x-") {
                    (code, r)
                } else {
                    (code, response(r, &own_produces))
                }
            })
            .collect();
        op.insert("responses".into(), Value::Object(converted));
    }
    Value::Object(op)
}

/// The 3.0 request body for an operation's body or form parameters.
fn request_body(params: &[Value], consumes: &[String]) -> Option<Value> {
    if let Some(body) = params
        .iter()
        .find(|p| p.get("in").and_then(Value::as_str) == Some("body"))
    {
        let mut schema = body
            .get("schema")
            .cloned()
            .unwrap_or(Value::Object(Map::new()));
        fix_schema(&mut schema, 0);
        let types: Vec<String> = {
            let json: Vec<String> = consumes.iter().filter(|c| !is_form(c)).cloned().collect();
            if json.is_empty() {
                vec!["application/json".to_owned()]
            } else {
                json
            }
        };
        let mut content = Map::new();
        for media in types {
            content.insert(media, serde_json::json!({ "schema": schema }));
        }
        let mut out = Map::new();
        if let Some(d) = body.get("description") {
            out.insert("description".into(), d.clone());
        }
        out.insert(
            "required".into(),
            Value::Bool(
                body.get("required")
                    .and_then(Value::as_bool)
                    .unwrap_or(false),
            ),
        );
        out.insert("content".into(), Value::Object(content));
        return Some(Value::Object(out));
    }
    let form: Vec<&Value> = params
        .iter()
        .filter(|p| p.get("in").and_then(Value::as_str) == Some("formData"))
        .collect();
    if form.is_empty() {
        return None;
    }
    let mut properties = Map::new();
    let mut required = Vec::new();
    let mut has_file = false;
    for param in &form {
        let Some(name) = param.get("name").and_then(Value::as_str) else {
            continue;
        };
        has_file |= param.get("type").and_then(Value::as_str) == Some("file");
        let converted = parameter(param);
        let mut schema = converted
            .get("schema")
            .cloned()
            .unwrap_or(Value::Object(Map::new()));
        if let (Value::Object(s), Some(d)) = (&mut schema, param.get("description")) {
            s.entry("description").or_insert(d.clone());
        }
        properties.insert(name.to_owned(), schema);
        if param.get("required").and_then(Value::as_bool) == Some(true) {
            required.push(Value::String(name.to_owned()));
        }
    }
    let multipart = has_file
        || consumes
            .iter()
            .any(|c| c.starts_with("multipart/form-data"));
    let media = if multipart {
        "multipart/form-data"
    } else {
        "application/x-www-form-urlencoded"
    };
    let mut schema = Map::new();
    schema.insert("type".into(), Value::String("object".into()));
    schema.insert("properties".into(), Value::Object(properties));
    if !required.is_empty() {
        schema.insert("required".into(), Value::Array(required.clone()));
    }
    Some(serde_json::json!({
        "required": !required.is_empty(),
        "content": { media: { "schema": Value::Object(schema) } },
    }))
}

fn is_form(media: &str) -> bool {
    media.starts_with("multipart/form-data")
        || media.starts_with("application/x-www-form-urlencoded")
}

/// A response: `schema` under `content` for each produced media type,
/// headers' value keys under `schema`.
fn response(response: Value, produces: &[String]) -> Value {
    let Value::Object(mut map) = response else {
        return response;
    };
    if map.contains_key("$ref") {
        return Value::Object(map);
    }
    map.remove("examples");
    if let Some(mut schema) = map.remove("schema") {
        fix_schema(&mut schema, 0);
        let mut content = Map::new();
        let types: Vec<String> = if produces.is_empty() {
            vec!["application/json".to_owned()]
        } else {
            produces.to_vec()
        };
        for media in types {
            content.insert(media, serde_json::json!({ "schema": schema }));
        }
        map.insert("content".into(), Value::Object(content));
    }
    if let Some(Value::Object(headers)) = map.remove("headers") {
        let converted: Map<String, Value> = headers
            .into_iter()
            .map(|(name, h)| (name, parameter_like_header(&h)))
            .collect();
        map.insert("headers".into(), Value::Object(converted));
    }
    Value::Object(map)
}

fn parameter_like_header(header: &Value) -> Value {
    let mut converted = parameter(header);
    if let Value::Object(map) = &mut converted {
        map.remove("name");
        map.remove("in");
    }
    converted
}

/// A security definition as a 3.0 security scheme.
fn security_scheme(scheme: &Value) -> Option<Value> {
    let description = scheme.get("description").cloned();
    let mut out = match scheme.get("type").and_then(Value::as_str)? {
        "basic" => serde_json::json!({"type": "http", "scheme": "basic"}),
        "apiKey" => serde_json::json!({
            "type": "apiKey",
            "name": scheme.get("name").cloned().unwrap_or(Value::String(String::new())),
            "in": scheme.get("in").cloned().unwrap_or(Value::String("header".into())),
        }),
        "oauth2" => {
            let scopes = scheme
                .get("scopes")
                .cloned()
                .filter(Value::is_object)
                .unwrap_or(Value::Object(Map::new()));
            let auth = scheme.get("authorizationUrl").cloned();
            let token = scheme.get("tokenUrl").cloned();
            let (name, mut flow) = match scheme.get("flow").and_then(Value::as_str)? {
                "implicit" => ("implicit", serde_json::json!({"authorizationUrl": auth})),
                "password" => ("password", serde_json::json!({"tokenUrl": token})),
                "application" => ("clientCredentials", serde_json::json!({"tokenUrl": token})),
                "accessCode" => (
                    "authorizationCode",
                    serde_json::json!({"authorizationUrl": auth, "tokenUrl": token}),
                ),
                _ => return None,
            };
            if let Value::Object(f) = &mut flow {
                f.retain(|_, v| !v.is_null());
                f.insert("scopes".into(), scopes);
            }
            serde_json::json!({"type": "oauth2", "flows": { name: flow }})
        }
        _ => return None,
    };
    if let (Value::Object(map), Some(d)) = (&mut out, description) {
        map.insert("description".into(), d);
    }
    Some(out)
}

/// Schema differences: `type: file`, `x-nullable`, a text `discriminator`.
fn fix_schema(schema: &mut Value, depth: usize) {
    if depth > 256 {
        return;
    }
    let Value::Object(map) = schema else { return };
    if map.get("type").and_then(Value::as_str) == Some("file") {
        map.insert("type".into(), Value::String("string".into()));
        map.insert("format".into(), Value::String("binary".into()));
    }
    if let Some(flag) = map.remove("x-nullable") {
        map.insert("nullable".into(), flag);
    }
    if let Some(Value::String(property)) = map.get("discriminator").cloned() {
        map.insert(
            "discriminator".into(),
            serde_json::json!({ "propertyName": property }),
        );
    }
    if let Some(Value::Object(properties)) = map.get_mut("properties") {
        for child in properties.values_mut() {
            fix_schema(child, depth + 1);
        }
    }
    for key in ["items", "additionalProperties", "not"] {
        if let Some(child) = map.get_mut(key) {
            fix_schema(child, depth + 1);
        }
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        if let Some(Value::Array(members)) = map.get_mut(key) {
            for member in members {
                fix_schema(member, depth + 1);
            }
        }
    }
}

/// `#/definitions/X` → `#/components/schemas/X`, and the same for global
/// parameters and responses (also after a file name).
fn rewrite_refs(value: &mut Value, depth: usize) {
    if depth > 256 {
        return;
    }
    match value {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get_mut("$ref") {
                for (old, new) in [
                    ("#/definitions/", "#/components/schemas/"),
                    ("#/parameters/", "#/components/parameters/"),
                    ("#/responses/", "#/components/responses/"),
                ] {
                    if let Some(at) = reference.find(old) {
                        reference.replace_range(at..at + old.len(), new);
                        break;
                    }
                }
            }
            for (key, child) in map.iter_mut() {
                if key != "example" && key != "default" && key != "enum" {
                    rewrite_refs(child, depth + 1);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| rewrite_refs(v, depth + 1)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn converts_bodies_forms_and_servers() {
        let mut doc = json!({
            "swagger": "2.0",
            "info": {"title": "t", "version": "1"},
            "host": "api.example.com", "basePath": "/v2", "schemes": ["http", "https"],
            "consumes": ["application/json"],
            "parameters": {"Body": {"in": "body", "name": "b", "schema": {"$ref": "#/definitions/Pet"}}},
            "paths": {"/pets": {
                "post": {"parameters": [{"$ref": "#/parameters/Body"},
                                        {"in": "query", "name": "q", "type": "array", "items": {"type": "string"}, "collectionFormat": "multi"}],
                         "responses": {"200": {"description": "ok", "schema": {"$ref": "#/definitions/Pet"}}}},
                "put": {"consumes": ["multipart/form-data"],
                        "parameters": [{"in": "formData", "name": "f", "type": "file", "required": true}],
                        "responses": {"204": {"description": "done"}}}
            }},
            "definitions": {"Pet": {"type": "object", "properties": {"tag": {"type": "string", "x-nullable": true}}}},
            "securityDefinitions": {"o": {"type": "oauth2", "flow": "accessCode", "authorizationUrl": "https://a", "tokenUrl": "https://t", "scopes": {"s": "x"}}}
        });
        convert(&mut doc);
        assert_eq!(doc["servers"][0]["url"], "https://api.example.com/v2");
        let post = &doc["paths"]["/pets"]["post"];
        assert_eq!(
            post["requestBody"]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/Pet"
        );
        assert_eq!(post["parameters"][0]["schema"]["items"]["type"], "string");
        assert_eq!(post["parameters"][0]["explode"], true);
        assert_eq!(
            post["responses"]["200"]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/Pet"
        );
        let put = &doc["paths"]["/pets"]["put"]["requestBody"];
        assert_eq!(
            put["content"]["multipart/form-data"]["schema"]["properties"]["f"]["format"],
            "binary"
        );
        assert_eq!(
            doc["components"]["schemas"]["Pet"]["properties"]["tag"]["nullable"],
            true
        );
        assert_eq!(
            doc["components"]["securitySchemes"]["o"]["flows"]["authorizationCode"]["tokenUrl"],
            "https://t"
        );
    }
}
