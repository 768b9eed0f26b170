//! Loading a single OpenAPI 3.0 JSON file with its path items parsed one
//! at a time (`src/openapi/streamed.rs`), and the outline that `gen ops`
//! lists (`load_files_outline`).
//!
//! The streamed way must give exactly what the whole-document way gives:
//! the same model, and the same warnings in the same order (a path item's
//! quirk notes and `$ref` defects sit where the whole document puts them).
//! `load_files_through_openapiv3` never streams, so each document here is
//! loaded both ways and compared; the count of streamed loads shows which
//! way `load_files` took.

use std::io::Write;
use std::path::{Path, PathBuf};

use midcall::openapi::{self, Api, Operation};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Writes `text` into a temporary `.json` file.
fn temp_json(text: &str) -> tempfile::NamedTempFile {
    let mut file = tempfile::Builder::new()
        .suffix(".json")
        .tempfile()
        .expect("temp file");
    file.write_all(text.as_bytes()).expect("write");
    file
}

/// The outcome of a load, comparable and printable.
fn outcome(result: Result<Api, openapi::SpecError>) -> Result<Api, String> {
    result.map_err(|e| e.to_string())
}

/// Loads `text` with `load_files` (streamed when it can be) and the
/// whole-document way; asserts the same outcome and returns it.
fn both_ways(text: &str) -> Result<Api, String> {
    let file = temp_json(text);
    let paths = [file.path().to_path_buf()];
    let streamed = outcome(openapi::load_files(&paths));
    let whole = outcome(openapi::load_files_through_openapiv3(&paths));
    assert_eq!(streamed, whole, "{text}");
    streamed
}

/// Asserts `load_files_outline` keeps exactly the outline of what
/// `load_files` gives.
fn outline_matches(paths: &[PathBuf]) -> usize {
    let full = openapi::load_files(paths);
    let outline = openapi::load_files_outline(paths);
    let (full, outline) = match (full, outline) {
        (Ok(full), Ok(outline)) => (full, outline),
        (Err(a), Err(b)) => {
            assert_eq!(a.to_string(), b.to_string(), "{paths:?}");
            return 0;
        }
        (a, b) => panic!(
            "{paths:?}: load_files {:?}, outline {:?}",
            a.map(|a| a.operations.len()).map_err(|e| e.to_string()),
            b.map(|a| a.operations.len()).map_err(|e| e.to_string())
        ),
    };
    assert_eq!(outline.warnings, full.warnings, "{paths:?}");
    assert_eq!(outline.unusable, full.unusable, "{paths:?}");
    assert!(outline.schemas.is_empty(), "{paths:?}");
    let expected: Vec<Operation> = full
        .operations
        .iter()
        .map(|op| Operation {
            method: op.method.clone(),
            path: op.path.clone(),
            operation_id: op.operation_id.clone(),
            summary: op.summary.clone(),
            description: None,
            tags: Vec::new(),
            deprecated: op.deprecated,
            parameters: Vec::new(),
            request_body: None,
            success_status: None,
            success_response: None,
            security: Vec::new(),
            pointer: String::new(),
        })
        .collect();
    assert_eq!(outline.operations, expected, "{paths:?}");
    let rest = |api: Api| Api {
        operations: Vec::new(),
        schemas: Default::default(),
        ..api
    };
    let count = full.operations.len();
    assert_eq!(rest(outline), rest(full), "{paths:?}");
    count
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
fn the_outline_lists_what_load_files_builds_on_every_real_spec() {
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
    let before = openapi::streamed_loads();
    let mut operations = 0;
    for file in &files {
        operations += outline_matches(std::slice::from_ref(file));
    }
    for group in ["gohighlevel/apps", "zoho"] {
        let mut together = Vec::new();
        spec_files(&real.join(group), &mut together);
        assert!(together.len() > 1, "{group}");
        operations += outline_matches(&together);
    }
    assert!(operations > 3000, "{operations} operations compared");
    // Salesforce's and Cal.com's specs (among others) are 3.0 JSON files
    // read on their own: streamed, both by `load_files` and the outline.
    let streamed = openapi::streamed_loads() - before;
    println!("{streamed} loads streamed");
    assert!(streamed >= 4, "{streamed} loads streamed");
}

#[test]
fn every_fixture_and_bundled_spec_gives_the_same_outline() {
    let mut files = Vec::new();
    spec_files(&root().join("tests/fixtures"), &mut files);
    spec_files(&root().join("specs"), &mut files);
    let files: Vec<PathBuf> = files
        .into_iter()
        .filter(|f| {
            std::fs::read_to_string(f).is_ok_and(|t| {
                t.contains("openapi") || t.contains("swagger") || t.contains("paths")
            })
        })
        .collect();
    assert!(files.len() >= 20, "{} fixture specs", files.len());
    for file in &files {
        outline_matches(std::slice::from_ref(file));
    }
}

const INFO: &str = r#""openapi": "3.0.3", "info": {"title": "t", "version": "1"}"#;

/// A path item with a quirk (a response without `description`), a
/// dangling `$ref` and a `$ref` to a broken schema.
const ITEM: &str = r##"{"get": {"responses": {"200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Broken"}}}}}},
    "post": {"parameters": [{"$ref": "#/components/parameters/Missing"}], "responses": {"201": {"description": "made"}}}}"##;

/// Components with a quirk, a dangling `$ref` and a cycle.
const COMPONENTS: &str = r##"{"schemas": {
    "Broken": {"$ref": "#/components/schemas/Nowhere"},
    "A": {"$ref": "#/components/schemas/B"}, "B": {"$ref": "#/components/schemas/A"},
    "Fine": {"type": "object", "properties": {"n": {"type": "integer", "maxLength": "3"}}}}}"##;

#[test]
fn notes_and_defects_of_path_items_stay_in_document_order() {
    let orders = [
        format!(
            r#"{{{INFO}, "paths": {{"/a": {ITEM}, "/b": {ITEM}}}, "components": {COMPONENTS}}}"#
        ),
        format!(
            r#"{{"components": {COMPONENTS}, {INFO}, "paths": {{"/a": {ITEM}, "/b": {ITEM}}}}}"#
        ),
        format!(
            r#"{{"paths": {{"/a": {ITEM}}}, "components": {COMPONENTS}, {INFO}, "servers": [{{"url": "https://{{h}}", "variables": {{"h": {{}}}}}}]}}"#
        ),
    ];
    for text in &orders {
        let api = both_ways(text);
        let api = api.expect("loads");
        // The notes of servers, paths and components, the defects, and the
        // unusable operations are all there.
        assert!(api.warnings.len() >= 8, "{:#?}", api.warnings);
        assert!(
            api.warnings
                .iter()
                .any(|w| w
                    .contains("#/paths/~1a/get/responses/200: response had no text `description`")),
            "{:#?}",
            api.warnings
        );
        assert!(api.unusable.len() >= 2, "{:#?}", api.unusable);
    }
    // The same document read from a file that the whole-document way
    // must take (YAML) gives the same warnings as the streamed JSON.
    let json = &orders[0];
    let value: serde_json::Value = serde_json::from_str(json).expect("json");
    let mut yaml = tempfile::Builder::new()
        .suffix(".yaml")
        .tempfile()
        .expect("temp file");
    yaml.write_all(serde_yaml::to_string(&value).expect("yaml").as_bytes())
        .expect("write");
    let from_yaml = openapi::load_files(&[yaml.path()]).expect("yaml loads");
    let from_json = both_ways(json).expect("json loads");
    assert_eq!(from_json.warnings, from_yaml.warnings);
    assert_eq!(from_json.unusable, from_yaml.unusable);
}

#[test]
fn corners_of_the_document_load_the_same_both_ways() {
    let ok = r#"{"get": {"responses": {"200": {"description": "ok"}}}}"#;
    let documents = [
        // Duplicate keys: the last value, at the first place.
        format!(r#"{{{INFO}, "paths": {{"/a": {ok}, "/b": {ok}, "/a": {ITEM}}}}}"#),
        format!(r#"{{{INFO}, "paths": {{"/a": {ok}}}, "paths": {{"/b": {ITEM}}}}}"#),
        // Extensions and data keys among the paths, a byte order mark,
        // whitespace.
        format!(
            "\u{feff} \n{{{INFO}, \"paths\": {{\"x-a\": {{\"$ref\": \"#/nowhere\"}}, \"enum\": {ITEM}, \"/a\": {ok}}}}}"
        ),
        format!(r##"{{{INFO}, "paths": {{"examples": {{"e": {{"$ref": "#/nowhere"}}}}, "/a": {ok}}}}}"##),
        format!(r##"{{{INFO}, "paths": {{"$ref": "#/nowhere", "/a": {ok}}}}}"##),
        // A path item that is a `$ref`, refs into the paths, to a file.
        format!(r##"{{{INFO}, "paths": {{"/a": {{"$ref": "#/components/pathItems/P"}}}}, "components": {{"pathItems": {{"P": {ok}}}}}}}"##),
        format!(r##"{{{INFO}, "paths": {{"/a": {ok}, "/b": {{"$ref": "#/paths/~1a"}}}}}}"##),
        format!(r#"{{{INFO}, "paths": {{"/a": {{"$ref": "other.json#/paths/~1a"}}}}}}"#),
        // Not an object, no paths, paths of the wrong shape.
        format!(r#"{{{INFO}}}"#),
        format!(r#"{{{INFO}, "paths": []}}"#),
        format!(r#"{{{INFO}, "paths": {{"/a": []}}}}"#),
        format!(r#"{{{INFO}, "paths": {{"/a": 5}}}}"#),
        "[1]".to_owned(),
        // Errors: syntax inside a path item, a number out of range, a bad
        // `info`, trailing text.
        format!(r#"{{{INFO}, "paths": {{"/a": {{"get": {{"x": 1e999}}}}}}}}"#),
        format!(r#"{{{INFO}, "paths": {{"/a": {{"get": tru}}}}}}"#),
        r#"{"openapi": "3.0.0", "info": 5, "paths": {"/a": {"get": {"x": 1e999}}}}"#.to_owned(),
        format!(r#"{{{INFO}, "paths": {{}}}} x"#),
        // Other versions.
        r#"{"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {"/a": {}}}"#.to_owned(),
        r#"{"swagger": "2.0", "info": {"title": "t", "version": "1"}, "paths": {}}"#.to_owned(),
        r#"{"openapi": 3.0, "info": {"title": "t", "version": "1"}, "paths": {}}"#.to_owned(),
    ];
    for text in &documents {
        let _ = both_ways(text);
    }
    // Nesting at the whole document's limit: refused the same way; one
    // level less loads.
    for (depth, loads) in [(124, true), (125, false)] {
        let nested = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
        let text = format!(r#"{{{INFO}, "paths": {{"/a": {{"x-n": {nested}}}}}}}"#);
        assert_eq!(both_ways(&text).is_ok(), loads, "nesting {depth}");
    }
}
