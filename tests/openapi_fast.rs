//! The forgiving loader's direct decoder (`src/openapi/fast.rs`) against
//! the decoding through `openapiv3`'s types that it replaces on the happy
//! path: every spec must give the same model (or the same error) both
//! ways. Run on every real vendor spec in ../shared/realspecs (each file on
//! its own, and the multi-file vendors together), every spec among the
//! test fixtures and under specs/, and small documents made to hit the
//! corners of the decoding rules (types refused, `null`s, kinds decided by
//! keywords, status-code keys...).

use std::io::Write;
use std::path::{Path, PathBuf};

use midcall::openapi::{self, Api};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Loads `paths` both ways and asserts the same outcome; returns how many
/// operations and warnings the load gave.
fn same_both_ways(paths: &[PathBuf]) -> (usize, usize) {
    let fast = openapi::load_files(paths);
    let slow = openapi::load_files_through_openapiv3(paths);
    match (fast, slow) {
        (Ok(fast), Ok(slow)) => {
            assert_same(&fast, &slow, paths);
            (fast.operations.len(), fast.warnings.len())
        }
        (Err(fast), Err(slow)) => {
            assert_eq!(fast.to_string(), slow.to_string(), "{paths:?}");
            (0, 0)
        }
        (fast, slow) => panic!(
            "{paths:?}: direct decoder {:?}, openapiv3 {:?}",
            fast.map(|a| a.operations.len()).map_err(|e| e.to_string()),
            slow.map(|a| a.operations.len()).map_err(|e| e.to_string())
        ),
    }
}

/// Compares part by part, so that a difference is shown small.
fn assert_same(fast: &Api, slow: &Api, paths: &[PathBuf]) {
    assert_eq!(fast.warnings, slow.warnings, "{paths:?}: warnings");
    assert_eq!(fast.unusable, slow.unusable, "{paths:?}: unusable");
    assert_eq!(
        fast.operations.len(),
        slow.operations.len(),
        "{paths:?}: operations"
    );
    for (a, b) in fast.operations.iter().zip(&slow.operations) {
        assert_eq!(a, b, "{paths:?}: {} {}", b.method, b.path);
    }
    assert_eq!(
        fast.schemas.keys().collect::<Vec<_>>(),
        slow.schemas.keys().collect::<Vec<_>>(),
        "{paths:?}: schema names"
    );
    for (name, schema) in &slow.schemas {
        assert_eq!(
            fast.schemas.get(name),
            Some(schema),
            "{paths:?}: schema {name}"
        );
    }
    assert_eq!(fast, slow, "{paths:?}");
}

fn spec_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            spec_files(&path, out);
        } else if path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| matches!(e, "json" | "yaml" | "yml"))
        {
            out.push(path);
        }
    }
}

#[test]
fn every_real_spec_loads_the_same_both_ways() {
    let real = root().join("../shared/realspecs");
    if !real.is_dir() {
        println!(
            "notice: {} is absent; real specs not compared",
            real.display()
        );
        return;
    }
    let mut files = Vec::new();
    spec_files(&real, &mut files);
    assert!(files.len() >= 40, "{} real spec files", files.len());
    let (taken_before, _) = openapi::direct_decoder_counts();
    let mut operations = 0;
    for file in &files {
        operations += same_both_ways(std::slice::from_ref(file)).0;
    }
    // The vendors whose spec is several files, loaded together.
    for group in ["gohighlevel/apps", "zoho"] {
        let mut together = Vec::new();
        spec_files(&real.join(group), &mut together);
        assert!(together.len() > 1, "{group}");
        operations += same_both_ways(&together).0;
    }
    assert!(operations > 3000, "{operations} operations compared");
    // The direct decoder really did the work (other tests of this file
    // may add to the counts meanwhile, never take away).
    let (taken, left) = openapi::direct_decoder_counts();
    println!("direct decoder: {taken} parts taken, {left} left to openapiv3 (all tests so far)");
    assert!(
        taken - taken_before > 10_000,
        "only {} parts decoded directly",
        taken - taken_before
    );
}

#[test]
fn every_fixture_and_bundled_spec_loads_the_same_both_ways() {
    let mut files = Vec::new();
    spec_files(&root().join("tests/fixtures"), &mut files);
    spec_files(&root().join("specs"), &mut files);
    let files: Vec<PathBuf> = files
        .into_iter()
        .filter(|f| {
            // Only documents that look like specs (bindings, templates and
            // derive files are not).
            std::fs::read_to_string(f).is_ok_and(|t| {
                t.contains("openapi") || t.contains("swagger") || t.contains("paths")
            })
        })
        .collect();
    assert!(files.len() >= 20, "{} fixture specs", files.len());
    for file in &files {
        same_both_ways(std::slice::from_ref(file));
    }
}

/// Writes `doc` (JSON) into a temporary file and compares both ways.
fn compare(doc: serde_json::Value) -> (usize, usize) {
    let mut file = tempfile::Builder::new()
        .suffix(".json")
        .tempfile()
        .expect("temp file");
    file.write_all(doc.to_string().as_bytes()).expect("write");
    same_both_ways(&[file.path().to_path_buf()])
}

fn spec_with_schema(schema: serde_json::Value) -> serde_json::Value {
    serde_json::json!({
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {"/x": {"post": {
            "requestBody": {"content": {"application/json": {"schema": schema.clone()}}},
            "responses": {"200": {"description": "ok",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/S"}}}}}
        }}},
        "components": {"schemas": {"S": schema, "Other": {"type": "string"}}}
    })
}

#[test]
fn schema_corners_load_the_same_both_ways() {
    use serde_json::json;
    let schemas = [
        json!({"type": "number", "enum": [1, 2.5, null]}),
        json!({"type": "number", "enum": [1, "a"]}),
        json!({"type": "number", "enum": [1], "pattern": "x"}),
        json!({"type": "integer", "enum": [1, -2, 18446744073709551615u64]}),
        json!({"type": "integer", "minimum": 1.5}),
        json!({"type": "string", "format": "date-time", "enum": ["a", null]}),
        json!({"type": "string", "enum": [1]}),
        json!({"type": "string", "properties": {"a": {"type": "integer"}}}),
        json!({"type": "string", "properties": {"a": {"type": "integer", "minLength": "x"}}}),
        json!({"type": "string", "items": {"nullable": "yes"}}),
        json!({"type": "boolean", "format": "x"}),
        json!({"type": "object", "items": {"type": "string"}, "required": ["a"]}),
        json!({"type": "object", "required": "a"}),
        json!({"type": "object", "required": [1]}),
        json!({"type": "object", "properties": null, "additionalProperties": null}),
        json!({"type": "object", "additionalProperties": true}),
        json!({"type": "object", "additionalProperties": false, "minProperties": 1}),
        json!({"type": "object", "additionalProperties": "yes"}),
        json!({"type": "object", "additionalProperties": {"$ref": "#/components/schemas/Other"}}),
        json!({"properties": {"a": {}}, "required": ["a"]}),
        json!({"properties": {}}),
        json!({"items": {"type": "string"}}),
        json!({"type": "array"}),
        json!({"type": "array", "items": [{"type": "string"}]}),
        json!({"type": "array", "items": null, "minItems": -1}),
        json!({"type": "array", "maxItems": 1.0}),
        json!({"oneOf": [{"type": "string"}, {"$ref": "#/components/schemas/Other"}]}),
        json!({"type": "object", "oneOf": [{"type": "string"}], "anyOf": [{}], "allOf": [{}]}),
        json!({"allOf": []}),
        json!({"oneOf": [], "description": "d", "x-a": 1, "type": null}),
        json!({"anyOf": [], "allOf": []}),
        json!({"anyOf": [], "properties": {}}),
        json!({"oneOf": [], "required": []}),
        json!({"not": {"type": "string"}}),
        json!({"not": {"type": "string", "minLength": "x"}}),
        json!({"type": "null"}),
        json!({"type": ["string", "null"]}),
        json!({"type": null, "format": null, "title": null, "description": null}),
        json!({"nullable": null}),
        json!({"nullable": true, "readOnly": true, "writeOnly": false, "deprecated": true}),
        json!({"example": null, "default": null}),
        json!({"example": {"a": [1, 2.0]}, "default": -3}),
        json!({"externalDocs": {"url": "https://x"}}),
        json!({"externalDocs": {"description": "no url"}}),
        json!({"discriminator": {"propertyName": "kind"}}),
        json!({"discriminator": "kind"}),
        json!({"x-thing": {"$ref": "#/nowhere"}, "type": "string"}),
        json!({"$ref": "#/components/schemas/Other", "description": "ignored"}),
        json!({"$ref": "#/components/schemas/Missing"}),
        json!({"$ref": 5, "type": "string"}),
        json!({"type": "object", "properties": {"a": {"$ref": "#/paths/~1x/post/responses/200"}}}),
        json!({"type": "object", "properties": {"self": {"$ref": "#/components/schemas/S/properties/self"}}}),
        json!({"type": "object", "properties": {"a": true}}),
        json!({"exclusiveMinimum": 3, "type": "number"}),
        json!({"multipleOf": "2", "type": "number"}),
        json!({"type": "string", "uniqueItems": true}),
        json!({"type": "string", "maxLength": 3, "minLength": null}),
    ];
    for schema in schemas {
        compare(spec_with_schema(schema));
    }
}

#[test]
fn operation_corners_load_the_same_both_ways() {
    use serde_json::json;
    let ok = json!({"description": "ok"});
    let items = [
        json!({"get": {"responses": {"2XX": ok, "201": ok, "200": ok, "default": ok, "x-a": 1, "abc": 2}}}),
        json!({"get": {"responses": {"2xx": ok, "2XX": ok}}}),
        json!({"get": {"responses": {"299": ok, "1000": ok, "099": ok}}}),
        json!({"get": {"responses": {"404": {"content": {}}}}}),
        json!({"get": {"responses": {"200": {"description": 5}}}}),
        json!({"get": {"responses": {"default": null}}}),
        json!({"get": {"responses": {"200": {"$ref": "#/components/responses/R"}}}}),
        json!({"get": {"responses": {"200": {"$ref": "#/components/responses/Missing"}}}}),
        json!({"get": {}}),
        json!({"get": null}),
        json!({"get": {"responses": {}, "tags": null}}),
        json!({"get": {"responses": {}, "tags": ["a", 1]}}),
        json!({"get": {"responses": {}, "operationId": null, "summary": null, "deprecated": true}}),
        json!({"get": {"responses": {}, "deprecated": null}}),
        json!({"get": {"responses": {}, "security": []}, "post": {"responses": {}, "security": [{"k": ["s"]}]}}),
        json!({"get": {"responses": {}, "security": [{"k": "s"}]}}),
        json!({"get": {"responses": {}, "security": null}}),
        json!({"get": {"responses": {}, "externalDocs": {"url": "u"}, "servers": [{"url": "u"}]}}),
        json!({"get": {"responses": {}, "servers": [{}]}}),
        json!({"get": {"responses": {}, "callbacks": {"c": {"{$url}": {"post": {"responses": {}}}}}}}),
        json!({"get": {"responses": {}, "callbacks": {"c": 1}}}),
        json!({"parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
               "get": {"responses": {}, "parameters": [{"name": "id", "in": "path", "schema": {"type": "integer"}}]},
               "delete": {"responses": {}}}),
        json!({"parameters": [{"$ref": "#/components/parameters/P"}], "get": {"responses": {}}, "put": {"responses": {}}}),
        json!({"parameters": [{"$ref": "#/components/parameters/Missing"}], "get": {"responses": {}}}),
        json!({"parameters": null, "get": {"responses": {}}}),
        json!({"get": {"responses": {}, "parameters": [
            {"name": "X-A", "in": "header", "schema": {}}, {"name": "x-a", "in": "header", "schema": {"type": "string"}},
            {"name": "q", "in": "query", "style": "deepObject", "explode": true, "allowReserved": false, "allowEmptyValue": null, "schema": {}},
            {"name": "c", "in": "cookie", "content": {"text/plain": {}, "application/vnd+json": {"schema": {"type": "string"}}}},
            {"name": "d", "in": "query", "deprecated": null, "example": null, "examples": {"e": {"value": 1}}, "schema": {}}
        ]}}),
        json!({"get": {"responses": {}, "parameters": [{"name": "q", "in": "query", "style": "matrix", "schema": {}}]}}),
        json!({"get": {"responses": {}, "parameters": [{"name": "q", "in": "path", "allowReserved": "x", "schema": {}}]}}),
        json!({"get": {"responses": {}, "parameters": [{"name": "q", "in": "query", "allowReserved": "x", "schema": {}}]}}),
        json!({"get": {"responses": {}, "parameters": [{"name": "q", "in": "body", "schema": {}}]}}),
        json!({"get": {"responses": {}, "parameters": [{"name": "q", "in": "query"}]}}),
        json!({"get": {"responses": {}, "parameters": [{"name": "q", "in": "query", "schema": null}]}}),
        json!({"get": {"responses": {}, "parameters": [{"name": "q", "in": "query", "schema": {}, "content": {}}]}}),
        json!({"get": {"responses": {}, "parameters": [{"name": "q", "in": "query", "required": null, "schema": {}}]}}),
        json!({"get": {"responses": {}, "parameters": [{"in": "query", "schema": {}}]}}),
        json!({"post": {"responses": {}, "requestBody": {"$ref": "#/components/requestBodies/B"}},
               "put": {"responses": {}, "requestBody": {"$ref": "#/components/requestBodies/B"}}}),
        json!({"post": {"responses": {}, "requestBody": {"content": {"application/xml": {"schema": {"type": "string"}},
               "Application/JSON; charset=utf-8": {"schema": {"type": "integer"}, "encoding": {"a": {"contentType": "x"}}}}}}}),
        json!({"post": {"responses": {}, "requestBody": {"content": {"application/xml": {"schema": {"minLength": "x"}},
               "application/json": {}}}}}),
        json!({"post": {"responses": {}, "requestBody": {"required": null, "content": {}}}}),
        json!({"post": {"responses": {}, "requestBody": {"content": {"a/b": {"schema": null, "examples": {"e": 1}}}}}}),
        json!({"post": {"responses": {"200": {"description": "", "headers": {"h": {"schema": {}}},
               "links": {"l": {"operationId": "x"}}, "content": {"application/json": {"schema": {"type": "string"}}}}}}}),
        json!({"post": {"responses": {"200": {"description": "d", "headers": {"h": 1}}}}}),
        json!({"$ref": "#/paths/~1other"}),
        json!({"summary": 5, "get": {"responses": {}}}),
        json!({"servers": [{"url": "u"}], "get": {"responses": {}}}),
    ];
    let mut loaded = 0;
    for item in items {
        let doc = json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "paths": {"/x/{id}": item, "/other": {"get": {"responses": {}}}},
            "components": {
                "parameters": {"P": {"name": "id", "in": "path", "required": true, "schema": {"$ref": "#/components/schemas/S"}}},
                "requestBodies": {"B": {"content": {"application/json": {"schema": {"type": "object", "properties": {"a": {"$ref": "#/components/parameters/P/schema"}}}}}}},
                "responses": {"R": {"description": "r", "content": {"application/json": {"schema": {"type": "array", "items": {"$ref": "#/components/schemas/S"}}}}}},
                "schemas": {"S": {"type": "string"}}
            }
        });
        loaded += compare(doc).0;
    }
    assert!(loaded > 40, "{loaded} operations compared");
}
