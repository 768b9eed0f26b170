//! How fast `gen` loads a spec, next to the floor: the time to merely parse
//! the same file into a `serde_json::Value`, in the same run; and how much
//! memory `gen ops --spec` needs for it (peak resident set of a child
//! process, read with `/usr/bin/time`).
//!
//! Run with `cargo bench --bench load` (optionally the number of rounds,
//! default 5). Files: Stripe's spec as YAML and as JSON (converted into
//! `target/bench-specs/` here), Salesforce's sObjects, Cal.com (from
//! `../shared/realspecs` when present) and a synthetic spec of 20,000
//! operations (written by [`synthetic`]). `--prepare` only writes the
//! files (for `benches/peer.sh`) and prints their paths.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::{json, Map, Value};

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn time(rounds: usize, mut f: impl FnMut()) -> Duration {
    median(
        (0..rounds)
            .map(|_| {
                let t = Instant::now();
                f();
                t.elapsed()
            })
            .collect(),
    )
}

/// A spec of `operations` operations (two per path), with shared
/// parameters, component schemas and responses, about 600 bytes of JSON
/// per operation, like a large vendor spec.
pub fn synthetic(operations: usize) -> Value {
    let schemas_count = 500;
    let mut paths = Map::new();
    for i in 0..operations / 2 {
        let thing = format!("#/components/schemas/Thing{}", i % schemas_count);
        paths.insert(
            format!("/v1/things{i}/{{id}}"),
            json!({
                "get": {
                    "operationId": format!("getThing{i}"),
                    "summary": format!("Retrieve thing {i}"),
                    "tags": [format!("Things{}", i % 40)],
                    "parameters": [
                        {"$ref": "#/components/parameters/Id"},
                        {"name": "expand", "in": "query", "description": "Fields to expand.",
                         "schema": {"type": "array", "items": {"type": "string"}}}
                    ],
                    "responses": {
                        "200": {"description": "The thing.",
                                "content": {"application/json": {"schema": {"$ref": thing}}}},
                        "404": {"$ref": "#/components/responses/NotFound"}
                    }
                },
                "post": {
                    "operationId": format!("updateThing{i}"),
                    "summary": format!("Update thing {i}"),
                    "parameters": [{"$ref": "#/components/parameters/Id"}],
                    "requestBody": {"required": true, "content": {"application/json": {"schema": {
                        "type": "object",
                        "properties": {
                            "name": {"type": "string", "maxLength": 200},
                            "email": {"type": "string", "format": "email"},
                            "metadata": {"$ref": "#/components/schemas/Metadata"}
                        }
                    }}}},
                    "responses": {
                        "200": {"description": "The updated thing.",
                                "content": {"application/json": {"schema": {"$ref": thing}}}},
                        "404": {"$ref": "#/components/responses/NotFound"}
                    }
                }
            }),
        );
    }
    let mut schemas = Map::new();
    schemas.insert(
        "Metadata".into(),
        json!({"type": "object", "additionalProperties": {"type": "string"}}),
    );
    schemas.insert(
        "Error".into(),
        json!({"type": "object", "properties": {"message": {"type": "string"}, "code": {"type": "integer"}}}),
    );
    for k in 0..schemas_count {
        schemas.insert(
            format!("Thing{k}"),
            json!({
                "type": "object",
                "required": ["id", "object"],
                "properties": {
                    "id": {"type": "string", "description": "Unique identifier."},
                    "object": {"type": "string", "enum": ["thing"]},
                    "created": {"type": "integer", "format": "int64"},
                    "name": {"type": "string", "nullable": true},
                    "email": {"type": "string", "format": "email", "nullable": true},
                    "amount": {"type": "number"},
                    "metadata": {"$ref": "#/components/schemas/Metadata"},
                    "parent": {"anyOf": [{"type": "string"}, {"$ref": format!("#/components/schemas/Thing{}", (k + 1) % schemas_count)}]}
                }
            }),
        );
    }
    json!({
        "openapi": "3.0.3",
        "info": {"title": "Synthetic", "version": "1"},
        "servers": [{"url": "https://api.example.com"}],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "parameters": {"Id": {"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}},
            "responses": {"NotFound": {"description": "Not found.",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}},
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}
        },
        "security": [{"bearer": []}]
    })
}

/// Writes the bench's own files into `target/bench-specs/`; returns the
/// files to measure, with a label.
fn prepare() -> Vec<(String, PathBuf)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = root.join("target/bench-specs");
    std::fs::create_dir_all(&out).expect("target/bench-specs");
    let mut files = Vec::new();
    let real = root.join("../shared/realspecs");
    let real = std::env::var_os("MIDCALL_SHARED")
        .map(|s| PathBuf::from(s).join("realspecs"))
        .unwrap_or(real);
    if real.is_dir() {
        let yaml = real.join("stripe/spec3.yaml");
        let json_path = out.join("stripe-spec3.json");
        if !json_path.is_file() {
            let text = std::fs::read_to_string(&yaml).expect("stripe yaml");
            let value: Value = serde_yaml::from_str(&text).expect("stripe parses");
            std::fs::write(&json_path, serde_json::to_vec(&value).expect("json")).expect("write");
        }
        files.push(("Stripe (JSON)".to_owned(), json_path));
        files.push(("Stripe (YAML)".to_owned(), yaml));
        files.push((
            "Salesforce sObjects".to_owned(),
            real.join("salesforce/sobjects-59.0.min.json"),
        ));
        files.push(("Cal.com".to_owned(), real.join("calcom/openapi.json")));
    } else {
        println!(
            "notice: {} is absent; only the synthetic spec is measured",
            real.display()
        );
    }
    let synthetic_path = out.join("synthetic-20000.json");
    if !synthetic_path.is_file() {
        let text = serde_json::to_vec(&synthetic(20_000)).expect("json");
        std::fs::write(&synthetic_path, text).expect("write synthetic");
    }
    files.push(("synthetic, 20,000 operations".to_owned(), synthetic_path));
    files
}

/// The parse floor: the file into a `serde_json::Value` (YAML through
/// serde_yaml, as `gen` reads it).
fn floor(path: &Path) {
    let text = std::fs::read_to_string(path).expect("read");
    let is_json = text.trim_start().starts_with('{');
    let value: Value = if is_json {
        serde_json::from_str(&text).expect("json")
    } else {
        serde_yaml::from_str(&text).expect("yaml")
    };
    std::hint::black_box(value);
}

/// Peak resident memory of `gen ops --spec FILE` in KiB, if
/// `/usr/bin/time` is there to tell.
fn peak_kib(path: &Path) -> Option<u64> {
    let out = Command::new("/usr/bin/time")
        .args(["-f", "%M", env!("CARGO_BIN_EXE_gen"), "ops", "--spec"])
        .arg(path)
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    String::from_utf8_lossy(&out.stderr)
        .lines()
        .last()?
        .trim()
        .parse()
        .ok()
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let files = prepare();
    if args.iter().any(|a| a == "--prepare") {
        for (label, path) in &files {
            println!("{label}\t{}", path.display());
        }
        return;
    }
    let rounds: usize = args.iter().find_map(|a| a.parse().ok()).unwrap_or(5);
    println!(
        "{:<30} {:>8} {:>10} {:>10} {:>7} {:>10} {:>9}",
        "spec", "MB", "floor", "load", "ratio", "peak MiB", "peak/size"
    );
    for (label, path) in &files {
        let bytes = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
        let floor_time = time(rounds, || floor(path));
        let load_time = time(rounds, || {
            let api = midcall::openapi::load_files(&[path]).expect("loads");
            std::hint::black_box(api);
        });
        let peak = peak_kib(path);
        println!(
            "{:<30} {:>8.1} {:>10.1?} {:>10.1?} {:>6.1}x {:>10} {:>9}",
            label,
            bytes as f64 / 1e6,
            floor_time,
            load_time,
            load_time.as_secs_f64() / floor_time.as_secs_f64(),
            peak.map_or("-".to_owned(), |k| format!("{:.0}", k as f64 / 1024.0)),
            peak.map_or("-".to_owned(), |k| format!(
                "{:.1}x",
                (k * 1024) as f64 / bytes.max(1) as f64
            )),
        );
    }
}
