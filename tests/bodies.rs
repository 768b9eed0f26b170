//! Value transforms, form bodies and GraphQL bodies end to end: the
//! connectors of the `bodylab` test vendor (`tests/fixtures/bodies/`) are
//! rendered, built in a crate of their own over the local runtime, and run
//! against wiremock by `tests/fixtures/bodies/run.rs`.

use std::path::{Path, PathBuf};

use midcall::render::RenderOptions;
use midcall::source::Sources;
use midcall::Midcall;

const TEMPLATES: [&str; 6] = [
    "invoice-lookup",
    "contact-lookup",
    "appointment-availability",
    "call-note-log",
    "order-status",
    "ticket-create",
];

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn fixture() -> PathBuf {
    root().join("tests/fixtures/bodies")
}

fn sources() -> Sources {
    let mut sources = Sources::bundled();
    sources
        .overlay("specs", &fixture().join("specs"))
        .expect("the fixture overlay loads");
    sources
}

fn connector(sources: Sources, template: &str) -> String {
    let midcall = Midcall::new(sources).expect("targets load");
    let files = midcall
        .generate(
            "bodylab",
            template,
            &["connector".into()],
            &RenderOptions::default(),
        )
        .unwrap_or_else(|e| panic!("bodylab/{template}: {e}"));
    files[0].contents.clone()
}

#[test]
fn a_body_for_an_operation_that_only_takes_a_form_is_a_form() {
    let with_form = connector(sources(), "call-note-log");
    assert!(with_form.contains(".form("), "{with_form}");
    let bindings = fixture().join("specs/bodylab/bindings.yaml");
    let text = std::fs::read_to_string(&bindings).unwrap();
    let as_body = text.replacen(
        "      - form:\n          customer:",
        "      - body:\n          customer:",
        1,
    );
    assert_ne!(text, as_body);
    let mut s = sources();
    s.insert("specs/bodylab/bindings.yaml", "edited bindings", &as_body);
    assert_eq!(connector(s, "call-note-log"), with_form);
}

/// Renders every fixture connector into a new crate and runs `run.rs`
/// there with `cargo test --offline`.
#[test]
fn the_fixture_connectors_compile_and_pass_against_wiremock() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src");
    std::fs::create_dir_all(&src).unwrap();
    std::fs::create_dir_all(dir.path().join("tests")).unwrap();
    let mut lib = String::from("#![deny(warnings)]\n");
    for template in TEMPLATES {
        let module = template.replace('-', "_");
        std::fs::write(
            src.join(format!("{module}.rs")),
            connector(sources(), template),
        )
        .unwrap();
        lib.push_str(&format!("pub mod {module};\n"));
    }
    std::fs::write(src.join("lib.rs"), lib).unwrap();
    std::fs::copy(fixture().join("run.rs"), dir.path().join("tests/run.rs")).unwrap();
    let manifest = format!(
        "[package]\nname = \"bodylab\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
         [dependencies]\nmidcall-runtime = {{ path = {runtime:?} }}\nserde = {{ version = \"1\", features = [\"derive\"] }}\n\n\
         [dev-dependencies]\nserde_json = \"1\"\ntokio = {{ version = \"1\", features = [\"macros\", \"rt-multi-thread\", \"time\"] }}\nwiremock = \"0.6\"\n\n\
         [workspace]\n",
        runtime = root().join("runtime").display().to_string()
    );
    std::fs::write(dir.path().join("Cargo.toml"), manifest).unwrap();
    // The workspace's lock: the same versions, found offline, built once.
    std::fs::copy(root().join("Cargo.lock"), dir.path().join("Cargo.lock")).unwrap();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target"))
        .join("compile-tests");
    let o = std::process::Command::new(cargo)
        .args(["test", "--offline", "--quiet"])
        .current_dir(dir.path())
        .env("CARGO_TARGET_DIR", target)
        .env_remove("RUSTFLAGS")
        .output()
        .expect("cargo runs");
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        o.status.success(),
        "the bodylab connectors failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    // Every test of run.rs ran.
    assert!(stdout.contains("7 passed"), "{stdout}");
}
