//! The matcher through the `gen` binary: ranking with reasons on real
//! vendor specs (skipped with a notice without ../shared), the accuracy
//! command, draft bindings that the generator then uses, a connector
//! generated from a spec we do not bundle that compiles and answers a mock,
//! and hostile specs.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn gen(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gen"))
        .current_dir(dir)
        .args(args)
        .output()
        .expect("gen runs")
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn fixture(name: &str) -> String {
    root()
        .join("tests/fixtures/matcher")
        .join(name)
        .display()
        .to_string()
}

fn realspecs() -> Option<PathBuf> {
    let dir = root().join("../shared/realspecs");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!(
            "notice: {} is absent; skipping the real-spec checks",
            dir.display()
        );
        None
    }
}

/// `gen match --json` on a real spec: every entry carries method, path,
/// operationId, score and reasons whose points add up; the first is right.
fn ranks_first(spec: &str, template: &str, expected: &str) {
    let Some(dir) = realspecs() else { return };
    let path = dir.join(spec).display().to_string();
    let out = gen(
        &root(),
        &["match", "--spec", &path, "--template", template, "--json"],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let list: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let list = list.as_array().expect("a list");
    assert!(!list.is_empty());
    for entry in list {
        for key in ["method", "path", "operationId", "score", "reasons"] {
            assert!(entry.get(key).is_some(), "{key} missing in {entry}");
        }
        let sum: i64 = entry["reasons"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["points"].as_i64().unwrap())
            .sum();
        assert_eq!(sum, entry["score"].as_i64().unwrap(), "{entry}");
    }
    let scores: Vec<i64> = list.iter().map(|e| e["score"].as_i64().unwrap()).collect();
    assert!(
        scores.windows(2).all(|w| w[0] >= w[1]),
        "best first: {scores:?}"
    );
    let first = format!(
        "{} {}",
        list[0]["method"].as_str().unwrap(),
        list[0]["path"].as_str().unwrap()
    );
    assert_eq!(first, expected, "{spec} × {template}");
}

#[test]
fn stripe_invoice_lookup_ranks_the_invoice_first() {
    ranks_first(
        "stripe/spec3.yaml",
        "invoice-lookup",
        "GET /v1/invoices/{invoice}",
    );
}

#[test]
fn zendesk_ticket_status_ranks_show_ticket_first() {
    ranks_first(
        "zendesk/openapi-src.yaml",
        "ticket-status",
        "GET /api/v2/tickets/{ticket_id}",
    );
}

#[test]
fn pipedrive_v2_contact_lookup_ranks_the_person_search_first() {
    ranks_first("pipedrive/v2.yaml", "contact-lookup", "GET /persons/search");
}

#[test]
fn calcom_appointment_book_ranks_create_booking_first() {
    ranks_first(
        "calcom/openapi.json",
        "appointment-book",
        "POST /v2/bookings",
    );
}

#[test]
fn the_fixture_ranks_the_search_above_the_list_and_the_deprecated_one() {
    let out = gen(
        &root(),
        &[
            "match",
            "--spec",
            &fixture("acme.yaml"),
            "--template",
            "contact-lookup",
            "--json",
            "--top",
            "10",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let list: Value = serde_json::from_slice(&out.stdout).unwrap();
    let ops: Vec<String> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            format!(
                "{} {}",
                e["method"].as_str().unwrap(),
                e["path"].as_str().unwrap()
            )
        })
        .collect();
    let at = |op: &str| ops.iter().position(|o| o == op).unwrap_or(usize::MAX);
    assert_eq!(ops[0], "GET /people/search");
    assert!(at("GET /people/search") < at("GET /people"), "{ops:?}");
    assert!(
        at("GET /people/search") < at("GET /contacts/find"),
        "{ops:?}"
    );
    let deprecated = &list[at("GET /contacts/find")];
    assert!(
        deprecated["reasons"].to_string().contains("deprecated"),
        "{deprecated}"
    );
}

#[test]
fn without_a_template_each_operation_gets_its_best_templates() {
    let out = gen(
        &root(),
        &["match", "--spec", &fixture("acme.yaml"), "--json"],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let list: Value = serde_json::from_slice(&out.stdout).unwrap();
    let find = |method: &str, path: &str| {
        list.as_array()
            .unwrap()
            .iter()
            .find(|e| e["method"] == method && e["path"] == path)
            .cloned()
            .unwrap_or(Value::Null)
    };
    assert_eq!(
        find("GET", "/people/search")["templates"][0]["template"],
        "contact-lookup"
    );
    assert_eq!(
        find("POST", "/people")["templates"][0]["template"],
        "contact-create"
    );
    assert_eq!(
        find("GET", "/invoices/{invoice_id}")["templates"][0]["template"],
        "invoice-lookup"
    );
}

#[test]
fn the_accuracy_command_scores_labels_and_lists_skipped_specs() {
    let out = gen(
        &root(),
        &[
            "match",
            "--accuracy",
            &fixture("labels.yaml"),
            "--realspecs",
            &fixture(""),
            "--json",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["overall"]["cases"], 3);
    assert_eq!(v["overall"]["top1"], 3);
    assert_eq!(v["skipped"][0]["spec"], "does-not-exist.yaml");
    let human = gen(
        &root(),
        &[
            "match",
            "--accuracy",
            &fixture("labels.yaml"),
            "--realspecs",
            &fixture(""),
        ],
    );
    let human = text(&human.stdout);
    assert!(human.contains("TOP-1") && human.contains("acme"), "{human}");
}

#[test]
fn the_draft_bindings_pass_the_checks_and_drive_the_generator() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("acme-bindings.yaml");
    let f = file.display().to_string();
    let out = gen(
        dir.path(),
        &[
            "match",
            "--spec",
            &fixture("acme.yaml"),
            "--template",
            "contact-lookup",
            "--write-bindings",
            &f,
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let draft = std::fs::read_to_string(&file).unwrap();
    assert!(draft.starts_with("# DRAFT"), "{draft}");
    let bindings = midcall::bindings::parse(&draft, &f).expect("the draft parses as bindings");
    let action = &bindings.actions["contact-lookup"];
    assert_eq!(action.operation, "GET /people/search");
    assert_eq!(action.requests[0].query["email_address"], "{email}");
    let field = |name: &str| match &action.response.fields[name] {
        Some(midcall::bindings::FieldBinding::Pointer(p)) => p.clone(),
        other => panic!("{name}: {other:?}"),
    };
    assert_eq!(action.response.record, "/data/0");
    assert_eq!(field("first_name"), "/given_name");
    assert_eq!(field("last_name"), "/family_name");
    assert_eq!(field("company"), "/organization_name");
    assert!(
        matches!(bindings.auth, midcall::bindings::AuthBinding::Header { ref header, .. } if header == "X-Api-Key")
    );

    // The generator uses it, without a note about the top match.
    let out_dir = dir.path().join("out");
    let o = out_dir.display().to_string();
    let out = gen(
        dir.path(),
        &[
            "--spec",
            &fixture("acme.yaml"),
            "--bindings",
            &f,
            "--template",
            "contact-lookup",
            "--out",
            &o,
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(!text(&out.stderr).contains("top match"));
    assert!(out_dir
        .join("acme-crm/contact-lookup/connector.rs")
        .is_file());
    // An invoice template has no precheck or search box to guess: its
    // draft is the plain GET with the number in the path.
    let out = gen(
        dir.path(),
        &[
            "match",
            "--spec",
            &fixture("acme.yaml"),
            "--template",
            "invoice-lookup",
        ],
    );
    let shown = text(&out.stdout);
    assert!(
        shown.contains("invoice_number     -> path `invoice_id`"),
        "{shown}"
    );
    assert!(
        shown.contains("contact_id         -> (nothing found: not sent)"),
        "{shown}"
    );
}

/// Files under `dir`, recursively.
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(files(&p));
        } else {
            out.push(p);
        }
    }
    out.sort();
    out
}

#[test]
fn a_spec_we_do_not_bundle_gives_valid_tools_and_a_connector_that_answers_a_mock() {
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("out");
    let o = out_dir.display().to_string();
    let out = gen(
        dir.path(),
        &[
            "--spec",
            &fixture("acme.yaml"),
            "--template",
            "contact-lookup",
            "--out",
            &o,
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("top match `GET /people/search`"),
        "{}",
        text(&out.stderr)
    );
    let action = out_dir.join("acme-crm/contact-lookup");
    let validate = gen(&root(), &["validate", &action.display().to_string()]);
    assert!(
        validate.status.success(),
        "{}{}",
        text(&validate.stdout),
        text(&validate.stderr)
    );
    let platforms = root().join("../shared/platforms");
    if platforms.is_dir() {
        let v = gen(
            &root(),
            &[
                "validate",
                &action.display().to_string(),
                "--platforms",
                &platforms.display().to_string(),
            ],
        );
        assert!(v.status.success(), "{}{}", text(&v.stdout), text(&v.stderr));
    } else {
        eprintln!(
            "notice: ../shared/platforms is absent; validated against the built-in rules only"
        );
    }

    // Compile the connector in a crate of its own over midcall-runtime and
    // run one call against a mock of the CRM.
    let krate = dir.path().join("krate");
    std::fs::create_dir_all(krate.join("src")).unwrap();
    std::fs::create_dir_all(krate.join("tests")).unwrap();
    std::fs::copy(action.join("connector.rs"), krate.join("src/connector.rs")).unwrap();
    std::fs::copy(root().join("Cargo.lock"), krate.join("Cargo.lock")).unwrap();
    let runtime = root()
        .join("runtime")
        .display()
        .to_string()
        .replace('\\', "/");
    std::fs::write(
        krate.join("Cargo.toml"),
        format!(
            "[package]\nname = \"acme-connector\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n[workspace]\n\n[dependencies]\nmidcall-runtime = {{ path = \"{runtime}\" }}\nserde = {{ version = \"1\", features = [\"derive\"] }}\n\n[dev-dependencies]\ntokio = {{ version = \"1\", features = [\"macros\", \"rt-multi-thread\", \"time\"] }}\nwiremock = \"0.6\"\nserde_json = {{ version = \"1\", features = [\"preserve_order\"] }}\n"
        ),
    )
    .unwrap();
    std::fs::write(
        krate.join("src/lib.rs"),
        "//! The generated connector.\npub mod connector;\n",
    )
    .unwrap();
    std::fs::write(
        krate.join("tests/mock.rs"),
        r#"
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn finds_the_caller_by_email() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/people/search"))
        .and(query_param("email_address", "jane@example.com"))
        .and(header("X-Api-Key", "secret"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "data": [{"id": "p_1", "given_name": "Jane", "family_name": "Doe",
                      "email_address": "jane@example.com", "phone_number": "+14155550123",
                      "organization_name": "Acme"}],
            "has_more": false
        })))
        .expect(1)
        .mount(&server)
        .await;
    std::env::set_var("ACME_CRM_BASE_URL", server.uri());
    std::env::set_var("ACME_CRM_API_KEY", "secret");
    let client = midcall_runtime::Client::new(acme_connector::connector::config_from_env().unwrap()).unwrap();
    let answer = acme_connector::connector::call_json(&client, serde_json::json!({"email": "jane@example.com"})).await;
    assert_eq!(answer, serde_json::json!({"ok": true, "result": {
        "contact_id": "p_1", "first_name": "Jane", "last_name": "Doe",
        "email": "jane@example.com", "phone": "+14155550123", "company": "Acme"}}));
}
"#,
    )
    .unwrap();
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target"));
    let test = Command::new(env!("CARGO"))
        .current_dir(&krate)
        .env("CARGO_TARGET_DIR", &target)
        .args(["test", "--quiet", "--offline"])
        .output()
        .expect("cargo runs");
    assert!(
        test.status.success(),
        "the generated connector failed:\n{}\n{}",
        text(&test.stdout),
        text(&test.stderr)
    );
}

/// A spec whose names and descriptions try to break out of every format
/// they land in.
fn hostile_spec() -> String {
    let nasty = r#"evil {{ tera }} {% raw %} "quoted" 'single' `tick` */ /* \ back\slash
next line </script> ${x}"#;
    let n = serde_json::to_string(nasty).unwrap();
    format!(
        r#"{{
  "openapi": "3.0.3",
  "info": {{"title": "../../etc/passwd {{{{x}}}}", "version": "1", "description": {n}}},
  "servers": [{{"url": "https://api.hostile.example"}}],
  "paths": {{
    "/contacts/search": {{
      "get": {{
        "operationId": "../../etc/passwd",
        "summary": {n},
        "description": {n},
        "tags": [{n}],
        "parameters": [
          {{"name": "email", "in": "query", "description": {n}, "schema": {{"type": "string", "description": {n}}}}},
          {{"name": "phone", "in": "query", "schema": {{"type": "string"}}}}
        ],
        "responses": {{"200": {{"description": {n}, "content": {{"application/json": {{"schema": {{
          "type": "object", "description": {n},
          "properties": {{"results": {{"type": "array", "items": {{"type": "object", "properties": {{
            "id": {{"type": "string", "description": {n}}},
            "first_name": {{"type": "string"}}, "last_name": {{"type": "string"}},
            "email": {{"type": "string"}}, "phone": {{"type": "string"}}, "company": {{"type": "string"}}
          }}}}}}}}
        }}}}}}}}}}
      }}
    }}
  }}
}}"#
    )
}

#[test]
fn a_hostile_spec_gives_clean_output_inside_the_output_folder() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("hostile.json");
    std::fs::write(&spec, hostile_spec()).unwrap();
    let s = spec.display().to_string();
    let out_dir = dir.path().join("nested/out");
    let o = out_dir.display().to_string();
    let out = gen(
        dir.path(),
        &["--spec", &s, "--template", "contact-lookup", "--out", &o],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    // Everything written is under --out, in a sanitised folder.
    let all = files(dir.path());
    for f in &all {
        assert!(
            f.starts_with(&out_dir) || f == &spec,
            "written outside --out: {}",
            f.display()
        );
    }
    let action = out_dir.join("etc-passwd-x/contact-lookup");
    assert!(action.is_dir(), "{all:?}");
    for f in files(&action) {
        let body = std::fs::read_to_string(&f).unwrap();
        if f.extension().is_some_and(|e| e == "json") {
            serde_json::from_str::<Value>(&body).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        } else {
            syn::parse_file(&body).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        }
    }
    let validate = gen(&root(), &["validate", &action.display().to_string()]);
    assert!(validate.status.success(), "{}", text(&validate.stdout));
    // The ranking and the draft bindings survive it too.
    let m = gen(
        dir.path(),
        &[
            "match",
            "--spec",
            &s,
            "--template",
            "contact-lookup",
            "--json",
        ],
    );
    assert!(m.status.success());
    let list: Value = serde_json::from_slice(&m.stdout).unwrap();
    assert_eq!(list[0]["operationId"], "../../etc/passwd");
    let b = dir.path().join("nested/draft.yaml");
    let m = gen(
        dir.path(),
        &[
            "match",
            "--spec",
            &s,
            "--template",
            "contact-lookup",
            "--write-bindings",
            &b.display().to_string(),
        ],
    );
    assert!(m.status.success(), "{}", text(&m.stderr));
    let draft = std::fs::read_to_string(&b).unwrap();
    midcall::bindings::parse(&draft, "draft").expect("the draft parses");
    assert!(draft.lines().take_while(|l| l.starts_with('#')).count() >= 3);
}

#[test]
fn twenty_thousand_operations_match_without_trouble() {
    let dir = tempfile::tempdir().unwrap();
    let mut paths = serde_json::Map::new();
    for i in 0..20_000 {
        paths.insert(
            format!("/things{i}/{{id}}"),
            serde_json::json!({"get": {"operationId": format!("getThing{i}"), "parameters": [
                {"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
                "responses": {"200": {"description": "ok"}}}}),
        );
    }
    paths.insert(
        "/contacts/search".into(),
        serde_json::json!({"get": {"operationId": "searchContacts", "parameters": [
            {"name": "email", "in": "query", "schema": {"type": "string"}}],
            "responses": {"200": {"description": "ok"}}}}),
    );
    let spec = serde_json::json!({"openapi": "3.0.0", "info": {"title": "Big", "version": "1"}, "paths": paths});
    let file = dir.path().join("big.json");
    std::fs::write(&file, spec.to_string()).unwrap();
    let out = gen(
        dir.path(),
        &[
            "match",
            "--spec",
            &file.display().to_string(),
            "--template",
            "contact-lookup",
            "--json",
            "--top",
            "3",
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let list: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(list[0]["path"], "/contacts/search");
    let all = gen(
        dir.path(),
        &["match", "--spec", &file.display().to_string(), "--json"],
    );
    assert!(all.status.success(), "{}", text(&all.stderr));
}

#[test]
fn bad_input_is_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let out = gen(
        dir.path(),
        &[
            "match",
            "--spec",
            "missing.yaml",
            "--template",
            "contact-lookup",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        text(&out.stderr).lines().count(),
        1,
        "{}",
        text(&out.stderr)
    );
    let out = gen(
        dir.path(),
        &[
            "match",
            "--spec",
            &fixture("acme.yaml"),
            "--template",
            "contact-lookp",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("did you mean `contact-lookup`"),
        "{}",
        text(&out.stderr)
    );
    // A template the spec cannot serve: no draft, one line, nothing written.
    let b = dir.path().join("x.yaml");
    let out = gen(
        dir.path(),
        &[
            "match",
            "--spec",
            &fixture("acme.yaml"),
            "--template",
            "appointment-cancel",
            "--write-bindings",
            &b.display().to_string(),
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stdout));
    assert!(!b.exists());
}

#[test]
fn generating_without_bindings_refuses_a_spec_with_no_fitting_operation() {
    // A spec with widgets only: its best `invoice-lookup` match is a GET
    // by id that names no invoice. Writing a connector from it would call
    // the wrong operation under the template's name.
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("widgets.json");
    std::fs::write(
        &spec,
        r#"{"openapi": "3.0.3", "info": {"title": "Widgets", "version": "1"},
            "servers": [{"url": "https://api.widgets.test"}],
            "paths": {"/widgets/{widget_id}": {"get": {"operationId": "getWidget",
              "parameters": [{"name": "widget_id", "in": "path", "required": true, "schema": {"type": "string"}}],
              "responses": {"200": {"description": "ok", "content": {"application/json": {"schema":
                {"type": "object", "properties": {"id": {"type": "string"}, "status": {"type": "string"}}}}}}}}}}}"#,
    )
    .unwrap();
    let s = spec.display().to_string();
    let o = dir.path().join("out").display().to_string();
    let out = gen(
        dir.path(),
        &["--spec", &s, "--template", "invoice-lookup", "--out", &o],
    );
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("widgets.json: paths: no operation fulfils `invoice-lookup`")
            && err.contains("`GET /widgets/{widget_id}`")
            && err.contains("--bindings FILE"),
        "{err}"
    );
    assert!(!dir.path().join("out").exists(), "nothing is written");
}
