//! `gen derive`: bundled specs cut from the vendors' own files.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use midcall::derive;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn realspecs() -> Option<PathBuf> {
    let dir = repo().join("../shared/realspecs");
    if dir.is_dir() {
        Some(dir)
    } else {
        say("notice: ../shared/realspecs is absent; bundled specs not re-derived");
        None
    }
}

/// Straight to stderr, past the test harness's capture, so a CI log shows it.
fn say(line: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "{line}");
}

fn gen(args: &[&str], cwd: &Path) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_gen"))
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("gen runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The bundled systems whose spec is derived from a vendor file
/// (`specs/<crm>/derive.yaml`).
const WITH_VENDOR_SOURCE: [&str; 13] = [
    "calcom",
    "calendly",
    "gohighlevel",
    "google-calendar",
    "hubspot",
    "intercom",
    "pipedrive",
    "salesforce",
    "servicetitan",
    "square",
    "stripe",
    "zendesk",
    "zoho",
];

#[test]
fn every_bundled_spec_with_a_vendor_source_re_derives_byte_for_byte() {
    let Some(vendor) = realspecs() else { return };
    let specs = repo().join("specs");
    let crms = derive::crms_with_manifest(&specs).expect("specs/ lists");
    for expected in WITH_VENDOR_SOURCE {
        assert!(
            crms.iter().any(|c| c == expected),
            "{expected} has a derive.yaml"
        );
    }
    for crm in &crms {
        let manifest_path = specs.join(crm).join(derive::MANIFEST);
        let manifest = derive::Manifest::parse(
            &fs::read_to_string(&manifest_path).expect("manifest"),
            &manifest_path.display().to_string(),
        )
        .expect("manifest parses");
        if let Some(absent) = manifest.sources.iter().find(|s| !vendor.join(s).is_file()) {
            say(&format!(
                "notice: {crm} not re-derived: the vendor file {absent} is absent"
            ));
            continue;
        }
        let derived = derive::derive(&specs, crm, &vendor).expect("derives");
        let committed = fs::read_to_string(&derived.path).expect("committed spec");
        assert!(
            committed == derived.text,
            "{} differs from what `gen derive {crm}` writes: re-derive it, never edit it",
            derived.path.display()
        );
        say(&format!(
            "re-derived {crm} from {} ({} operations)",
            derived.sources.join(", "),
            derived.operations.len()
        ));
    }
}

#[test]
fn a_hand_edit_of_a_derived_spec_is_found_by_check() {
    let Some(vendor) = realspecs() else { return };
    let tmp = tempfile::tempdir().expect("tmp");
    let specs = tmp.path().join("specs");
    fs::create_dir_all(specs.join("hubspot")).expect("mkdir");
    for f in ["derive.yaml", "bindings.yaml", "openapi.yaml"] {
        fs::copy(
            repo().join("specs/hubspot").join(f),
            specs.join("hubspot").join(f),
        )
        .expect("copy");
    }
    let vendor = vendor.display().to_string();
    let args = [
        "--specs",
        "specs",
        "derive",
        "--check",
        "--vendor-specs",
        &vendor,
    ];
    let (code, _, err) = gen(&args, tmp.path());
    assert_eq!(code, 0, "{err}");
    let spec = specs.join("hubspot/openapi.yaml");
    let text = fs::read_to_string(&spec).expect("read");
    fs::write(
        &spec,
        text.replacen("Search for contacts", "Search contacts", 1),
    )
    .expect("edit");
    let (code, _, err) = gen(&args, tmp.path());
    assert_eq!(code, 1);
    assert!(err.contains("hubspot/openapi.yaml"), "{err}");
    // Deriving again restores it.
    let write = ["--specs", "specs", "derive", "--vendor-specs", &vendor];
    assert_eq!(gen(&write, tmp.path()).0, 0);
    assert_eq!(fs::read_to_string(&spec).expect("read"), text);
}

/// A small vendor: two files, a shared schema, an external reference, a
/// schema no kept operation uses.
fn vendor_fixture(root: &Path) {
    fs::create_dir_all(root.join("acme/apps")).expect("mkdir");
    fs::create_dir_all(root.join("acme/common")).expect("mkdir");
    fs::write(
        root.join("acme/apps/people.json"),
        r##"{
  "openapi": "3.0.1",
  "info": {"title": "People", "version": "1"},
  "servers": [{"url": "https://api.acme.test"}],
  "components": {
    "securitySchemes": {"oauth": {"type": "oauth2", "flows": {"clientCredentials": {"tokenUrl": "https://acme.test/token", "scopes": {"people.read": ""}}}}},
    "schemas": {
      "Person": {"type": "object", "properties": {"id": {"type": "string"}, "org": {"$ref": "#/components/schemas/Org"}}},
      "Org": {"type": "object", "properties": {"name": {"type": "string"}}},
      "Unused": {"type": "string"},
      "Search": {"type": "object", "required": ["email", "cursor"], "properties": {"email": {"type": "string"}, "cursor": {"type": "string"}}}
    }
  },
  "paths": {
    "/people/search": {"post": {"operationId": "search", "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Search"}}}},
      "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Person"}}}},
                    "400": {"description": "bad", "content": {"application/json": {"schema": {"$ref": "../common/errors.json#/components/schemas/Problem"}}}}}}},
    "/people/{id}": {"delete": {"operationId": "remove", "responses": {"204": {"description": "gone"}}}}
  }
}"##,
    )
    .expect("write");
    fs::write(
        root.join("acme/apps/orgs.json"),
        r##"{
  "openapi": "3.0.1",
  "info": {"title": "Orgs", "version": "1"},
  "servers": [{"url": "https://api.acme.test"}],
  "components": {
    "securitySchemes": {"oauth": {"type": "oauth2", "flows": {"clientCredentials": {"tokenUrl": "https://acme.test/token", "scopes": {"orgs.read": ""}}}}},
    "schemas": {"Org": {"type": "object", "properties": {"name": {"type": "string"}}}}
  },
  "paths": {
    "/orgs/{id}": {"parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
      "get": {"operationId": "org", "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Org"}}}}}}}
  }
}"##,
    )
    .expect("write");
    fs::write(
        root.join("acme/common/errors.json"),
        r##"{"components": {"schemas": {"Problem": {"type": "object", "properties": {"detail": {"$ref": "#/components/schemas/Detail"}}}, "Detail": {"type": "string"}}}}"##,
    )
    .expect("write");
}

fn crm_fixture(specs: &Path, manifest: &str, bindings: &str) {
    fs::create_dir_all(specs.join("acme")).expect("mkdir");
    fs::write(specs.join("acme/derive.yaml"), manifest).expect("write");
    fs::write(specs.join("acme/bindings.yaml"), bindings).expect("write");
}

const BINDINGS: &str = "actions:\n  contact-lookup:\n    operation: POST /people/search\n  account-lookup:\n    steps:\n      - operation: get /orgs/{id}\n";

#[test]
fn keeps_the_bound_operations_and_everything_they_reference_only() {
    let tmp = tempfile::tempdir().expect("tmp");
    let (vendor, specs) = (tmp.path().join("vendor"), tmp.path().join("specs"));
    vendor_fixture(&vendor);
    crm_fixture(
        &specs,
        "vendor: Acme\nsources: [acme/apps/people.json, acme/apps/orgs.json]\n",
        BINDINGS,
    );
    let derived = derive::derive(&specs, "acme", &vendor).expect("derives");
    assert_eq!(
        derived.operations,
        ["GET /orgs/{id}", "POST /people/search"]
    );
    let yaml: serde_json::Value = serde_yaml::from_str(&derived.text).expect("yaml");
    let schemas = yaml["components"]["schemas"].as_object().expect("schemas");
    let names: Vec<&str> = schemas.keys().map(String::as_str).collect();
    // Org is shared by both files (equal, so kept once); Problem and Detail
    // come from the external file, under their own names; Unused is gone.
    assert_eq!(names, ["Detail", "Org", "Person", "Problem", "Search"]);
    assert_eq!(
        yaml["paths"]["/people/search"]["post"]["responses"]["400"]["content"]["application/json"]
            ["schema"]["$ref"],
        "#/components/schemas/Problem"
    );
    assert!(
        yaml["paths"].get("/people/{id}").is_none(),
        "unbound operation dropped"
    );
    assert_eq!(yaml["paths"]["/orgs/{id}"]["parameters"][0]["name"], "id");
    // Both files' OAuth scopes are kept.
    let scopes =
        &yaml["components"]["securitySchemes"]["oauth"]["flows"]["clientCredentials"]["scopes"];
    assert!(scopes.get("people.read").is_some() && scopes.get("orgs.read").is_some());
    assert_eq!(yaml["servers"][0]["url"], "https://api.acme.test");
    // Deterministic.
    let again = derive::derive(&specs, "acme", &vendor).expect("derives");
    assert_eq!(derived.text, again.text);
    // The result is a spec midcall loads.
    midcall::openapi::load_str(&derived.text, "derived.yaml").expect("loads");
}

#[test]
fn patches_apply_in_order_and_each_failure_names_its_entry() {
    let tmp = tempfile::tempdir().expect("tmp");
    let (vendor, specs) = (tmp.path().join("vendor"), tmp.path().join("specs"));
    vendor_fixture(&vendor);
    let manifest = "vendor: Acme\nsources: [acme/apps/people.json, acme/apps/orgs.json]\npatches:\n  - why: the search needs no cursor on the first page\n    op: replace\n    path: /components/schemas/Search/required\n    value: [email]\n";
    crm_fixture(&specs, manifest, BINDINGS);
    let derived = derive::derive(&specs, "acme", &vendor).expect("derives");
    let yaml: serde_json::Value = serde_yaml::from_str(&derived.text).expect("yaml");
    assert_eq!(
        yaml["components"]["schemas"]["Search"]["required"],
        serde_json::json!(["email"])
    );

    let stale =
        format!("{manifest}  - why: gone\n    op: remove\n    path: /components/schemas/Unused\n");
    crm_fixture(&specs, &stale, BINDINGS);
    let err = derive::derive(&specs, "acme", &vendor)
        .expect_err("Unused is not in the subset")
        .to_string();
    assert!(
        err.contains("derive.yaml: patches[1]:") && err.contains("/components/schemas/Unused"),
        "{err}"
    );

    let no_reason = "vendor: Acme\nsources: [acme/apps/people.json]\npatches:\n  - why: ''\n    op: remove\n    path: /x\n";
    crm_fixture(&specs, no_reason, BINDINGS);
    let err = derive::derive(&specs, "acme", &vendor)
        .expect_err("no reason")
        .to_string();
    assert!(err.contains("patches[0].why"), "{err}");
}

#[test]
fn an_operation_no_source_has_is_an_error_with_the_closest() {
    let tmp = tempfile::tempdir().expect("tmp");
    let (vendor, specs) = (tmp.path().join("vendor"), tmp.path().join("specs"));
    vendor_fixture(&vendor);
    crm_fixture(
        &specs,
        "vendor: Acme\nsources: [acme/apps/people.json]\n",
        "actions:\n  contact-lookup:\n    operation: POST /people/serch\n",
    );
    let err = derive::derive(&specs, "acme", &vendor)
        .expect_err("typo")
        .to_string();
    assert!(
        err.contains("`POST /people/serch` is in none of the sources")
            && err.contains("POST /people/search"),
        "{err}"
    );
}

/// An operation the vendor's file lacks but its docs describe comes from
/// an `add` patch (Salesforce's SOQL `GET /query`): it is not looked up in
/// the sources, and without the patch it is the usual error.
#[test]
fn an_operation_a_patch_adds_is_not_looked_up_in_the_sources() {
    let tmp = tempfile::tempdir().expect("tmp");
    let (vendor, specs) = (tmp.path().join("vendor"), tmp.path().join("specs"));
    vendor_fixture(&vendor);
    let bindings = "actions:\n  contact-lookup:\n    operation: GET /query\n  account-lookup:\n    operation: POST /people/search\n";
    let manifest = "vendor: Acme\nsources: [acme/apps/people.json]\npatches:\n  - why: the file lacks the documented query resource\n    op: add\n    path: /paths/~1query\n    value:\n      get:\n        operationId: query\n        parameters: [{name: q, in: query, required: true, schema: {type: string}}]\n        responses:\n          '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Person'}}}}\n";
    crm_fixture(&specs, manifest, bindings);
    let derived = derive::derive(&specs, "acme", &vendor).expect("derives");
    assert_eq!(derived.operations, ["GET /query", "POST /people/search"]);
    let yaml: serde_json::Value = serde_yaml::from_str(&derived.text).expect("yaml");
    assert_eq!(yaml["paths"]["/query"]["get"]["operationId"], "query");
    midcall::openapi::load_str(&derived.text, "derived.yaml").expect("loads");

    // A patch adding one method names it too.
    let one_method = manifest.replace("    op: add\n    path: /paths/~1query\n    value:\n      get:\n        operationId: query\n", "    op: add\n    path: /paths/~1query\n    value: {}\n  - why: and its GET\n    op: add\n    path: /paths/~1query/get\n    value:\n        operationId: query\n");
    crm_fixture(&specs, &one_method, bindings);
    let derived = derive::derive(&specs, "acme", &vendor).expect("derives");
    assert_eq!(derived.operations, ["GET /query", "POST /people/search"]);

    // Without the patch, the operation is looked up and missing.
    crm_fixture(
        &specs,
        "vendor: Acme\nsources: [acme/apps/people.json]\n",
        bindings,
    );
    let err = derive::derive(&specs, "acme", &vendor)
        .expect_err("no such operation")
        .to_string();
    assert!(
        err.contains("`GET /query` is in none of the sources"),
        "{err}"
    );
}

#[test]
fn a_component_two_files_define_differently_is_an_error() {
    let tmp = tempfile::tempdir().expect("tmp");
    let (vendor, specs) = (tmp.path().join("vendor"), tmp.path().join("specs"));
    vendor_fixture(&vendor);
    let orgs = vendor.join("acme/apps/orgs.json");
    let text = fs::read_to_string(&orgs).expect("read");
    fs::write(
        &orgs,
        text.replace(
            r#""name": {"type": "string"}"#,
            r#""name": {"type": "integer"}"#,
        ),
    )
    .expect("write");
    crm_fixture(
        &specs,
        "vendor: Acme\nsources: [acme/apps/people.json, acme/apps/orgs.json]\n",
        BINDINGS,
    );
    let err = derive::derive(&specs, "acme", &vendor)
        .expect_err("conflict")
        .to_string();
    assert!(
        err.contains("`#/components/schemas/Org` differs between"),
        "{err}"
    );
}

#[test]
fn url_refs_are_matched_by_file_name_and_conflicts_renamed_on_request() {
    // Zoho's shape: files reference each other by absolute URL, each file
    // defines its own `Info`, and a security scheme is a `$ref` to another
    // file's.
    let tmp = tempfile::tempdir().expect("tmp");
    let (vendor, specs) = (tmp.path().join("vendor"), tmp.path().join("specs"));
    fs::create_dir_all(vendor.join("z")).expect("mkdir");
    let url = "https://raw.githubusercontent.com/acme/oas/refs/heads/main/v1";
    fs::write(
        vendor.join("z/records.json"),
        format!(
            r##"{{"openapi": "3.0.0", "info": {{"title": "Records", "version": "1"}},
  "servers": [{{"url": "https://api.acme.test"}}],
  "security": [{{"oauth": ["records"]}}],
  "components": {{
    "securitySchemes": {{"oauth": {{"$ref": "{url}/common.json#/components/securitySchemes/oauth"}}}},
    "schemas": {{"Info": {{"type": "object", "properties": {{"count": {{"type": "integer"}}}}}},
                 "Page": {{"type": "object", "properties": {{"info": {{"$ref": "#/components/schemas/Info"}}, "owner": {{"$ref": "{url}/users.json#/components/schemas/User"}}}}}}}}
  }},
  "paths": {{"/records": {{"get": {{"operationId": "list", "responses": {{"200": {{"description": "ok", "content": {{"application/json": {{"schema": {{"$ref": "#/components/schemas/Page"}}}}}}}}}}}}}}}}
}}"##
        ),
    )
    .expect("write");
    fs::write(
        vendor.join("z/notes.json"),
        r##"{"openapi": "3.0.0", "info": {"title": "Notes", "version": "1"},
  "servers": [{"url": "https://api.acme.test"}],
  "components": {"schemas": {"Info": {"type": "object", "properties": {"more": {"type": "boolean"}}},
                             "Notes": {"type": "object", "properties": {"info": {"$ref": "#/components/schemas/Info"}}}}},
  "paths": {"/notes": {"get": {"operationId": "notes", "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Notes"}}}}}}}}
}"##,
    )
    .expect("write");
    fs::write(
        vendor.join("z/users.json"),
        r##"{"openapi": "3.0.0", "info": {"title": "Users", "version": "1"}, "paths": {},
  "components": {"schemas": {"User": {"type": "object", "properties": {"name": {"type": "string"}}}}}}"##,
    )
    .expect("write");
    fs::write(
        vendor.join("z/common.json"),
        r##"{"openapi": "3.0.0", "info": {"title": "Common", "version": "1"}, "paths": {},
  "components": {"securitySchemes": {"oauth": {"type": "oauth2", "flows": {"authorizationCode": {"authorizationUrl": "https://acme.test/auth", "tokenUrl": "https://acme.test/token", "scopes": {"records": ""}}}}}}}"##,
    )
    .expect("write");
    let bindings = "actions:\n  contact-lookup:\n    operation: GET /records\n  account-lookup:\n    operation: GET /notes\n";
    // Without `rename_conflicts`, the two `Info`s are an error.
    crm_fixture(
        &specs,
        "vendor: Acme\nsources: [z/records.json, z/notes.json]\n",
        bindings,
    );
    let err = derive::derive(&specs, "acme", &vendor)
        .expect_err("conflict")
        .to_string();
    assert!(
        err.contains("`#/components/schemas/Info` differs between"),
        "{err}"
    );
    // With it, each file keeps its own; the URL refs resolve by file name.
    crm_fixture(
        &specs,
        "vendor: Acme\nsources: [z/records.json, z/notes.json]\nrename_conflicts: true\n",
        bindings,
    );
    let derived = derive::derive(&specs, "acme", &vendor).expect("derives");
    let yaml: serde_json::Value = serde_yaml::from_str(&derived.text).expect("yaml");
    let schemas = &yaml["components"]["schemas"];
    // `GET /notes` comes first (operations are sorted), so its `Info` keeps
    // the name and the records file's is renamed.
    assert_eq!(schemas["Info"]["properties"]["more"]["type"], "boolean");
    assert_eq!(
        schemas["Info_records"]["properties"]["count"]["type"],
        "integer"
    );
    assert_eq!(
        schemas["Page"]["properties"]["info"]["$ref"],
        "#/components/schemas/Info_records"
    );
    assert_eq!(
        schemas["Page"]["properties"]["owner"]["$ref"],
        "#/components/schemas/User"
    );
    assert_eq!(schemas["User"]["properties"]["name"]["type"], "string");
    assert_eq!(
        yaml["components"]["securitySchemes"]["oauth"]["type"], "oauth2",
        "the scheme the $ref names, not the $ref"
    );
    midcall::openapi::load_str(&derived.text, "derived.yaml").expect("loads");
    // A URL whose file is nowhere is an error naming it.
    fs::remove_file(vendor.join("z/users.json")).expect("rm");
    let err = derive::derive(&specs, "acme", &vendor)
        .expect_err("missing")
        .to_string();
    assert!(err.contains("no file `users.json`"), "{err}");
}

/// Every bundled spec with a `derive.yaml` loads with the strict loader
/// that `gen` uses, and has every operation its header says it kept. Needs
/// no vendor files: it checks what is committed.
#[test]
fn every_derived_spec_loads_strictly_with_every_kept_operation() {
    let specs = repo().join("specs");
    let crms = derive::crms_with_manifest(&specs).expect("specs/ lists");
    for expected in WITH_VENDOR_SOURCE {
        assert!(
            crms.iter().any(|c| c == expected),
            "{expected} has a derive.yaml"
        );
    }
    for crm in &crms {
        let path = specs.join(crm).join("openapi.yaml");
        let text = fs::read_to_string(&path).expect("derived spec committed");
        let api = midcall::openapi::load_str(&text, &path.display().to_string())
            .unwrap_or_else(|e| panic!("{crm}: {e}"));
        assert!(
            api.warnings.is_empty(),
            "{crm}: the loader repaired the derived spec (patch the vendor's defect instead): {:?}",
            api.warnings
        );
        let kept: Vec<&str> = text
            .lines()
            .skip_while(|l| *l != "# Operations kept:")
            .skip(1)
            .take_while(|l| l.starts_with("#   "))
            .map(|l| l.trim_start_matches("#   "))
            .collect();
        assert!(!kept.is_empty(), "{crm}: the header lists the operations");
        for op in kept {
            let (method, op_path) = op.split_once(' ').expect("METHOD /path");
            assert!(
                api.operations
                    .iter()
                    .any(|o| o.method.eq_ignore_ascii_case(method) && o.path == op_path),
                "{crm}: `{op}` is in the header but not in the loaded spec"
            );
        }
        say(&format!(
            "{crm}: {} loads ({} operations, {} bytes)",
            path.display(),
            api.operations.len(),
            text.len()
        ));
    }
}

/// A vendor whose modules are served from one origin under different base
/// paths, one module a Swagger 2.0 file (ServiceTitan's CRM module is):
/// the 2.0 file is converted to OpenAPI 3.0 before the subset is cut.
fn mixed_vendor_fixture(root: &Path) {
    fs::create_dir_all(root.join("mixed")).expect("mkdir");
    fs::write(
        root.join("mixed/crm.json"),
        r##"{
  "swagger": "2.0",
  "info": {"title": "CRM", "version": "2"},
  "host": "api.mixed.test",
  "basePath": "/crm/v2",
  "schemes": ["https"],
  "consumes": ["application/json"],
  "produces": ["application/json"],
  "securityDefinitions": {"appKey": {"type": "apiKey", "name": "App-Key", "in": "header"}},
  "security": [{"appKey": []}],
  "paths": {
    "/tenant/{tenant}/customers": {
      "get": {"operationId": "Customers_GetList",
        "parameters": [{"name": "tenant", "in": "path", "required": true, "type": "integer"},
                       {"name": "phone", "in": "query", "type": "string"}],
        "responses": {"200": {"description": "ok", "schema": {"$ref": "#/definitions/CustomerPage"}}}},
      "post": {"operationId": "Customers_Create",
        "parameters": [{"name": "tenant", "in": "path", "required": true, "type": "integer"},
                       {"name": "body", "in": "body", "required": true, "schema": {"$ref": "#/definitions/Customer"}}],
        "responses": {"200": {"description": "ok", "schema": {"$ref": "#/definitions/Customer"}}}}
    }
  },
  "definitions": {
    "CustomerPage": {"type": "object", "properties": {"data": {"type": "array", "items": {"$ref": "#/definitions/Customer"}}}},
    "Customer": {"type": "object", "properties": {"id": {"type": "integer"}, "name": {"type": "string", "x-nullable": true}}},
    "Unused": {"type": "string"}
  }
}"##,
    )
    .expect("write");
    fs::write(
        root.join("mixed/jpm.json"),
        r##"{
  "openapi": "3.0.1",
  "info": {"title": "JPM", "version": "2"},
  "servers": [{"url": "https://api.mixed.test/jpm/v2"}],
  "components": {
    "securitySchemes": {"appKey": {"type": "apiKey", "name": "App-Key", "in": "header"}},
    "schemas": {"Job": {"type": "object", "properties": {"id": {"type": "integer"}, "jobStatus": {"type": "string"}}}}
  },
  "security": [{"appKey": []}],
  "paths": {
    "/tenant/{tenant}/jobs/{id}": {"get": {"operationId": "Jobs_Get",
      "parameters": [{"name": "tenant", "in": "path", "required": true, "schema": {"type": "integer"}},
                     {"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}],
      "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Job"}}}}}}}
  }
}"##,
    )
    .expect("write");
}

#[test]
fn a_swagger_2_source_is_converted_and_merged_with_openapi_3_modules() {
    let tmp = tempfile::tempdir().expect("tmp");
    let (vendor, specs) = (tmp.path().join("vendor"), tmp.path().join("specs"));
    mixed_vendor_fixture(&vendor);
    fs::create_dir_all(specs.join("mixed")).expect("mkdir");
    // No bindings.yaml: the manifest's operations alone.
    fs::write(
        specs.join("mixed/derive.yaml"),
        "vendor: Mixed\nsources: [mixed/crm.json, mixed/jpm.json]\noperations:\n  - GET /crm/v2/tenant/{tenant}/customers\n  - POST /crm/v2/tenant/{tenant}/customers\n  - GET /jpm/v2/tenant/{tenant}/jobs/{id}\n",
    )
    .expect("write");
    let derived = derive::derive(&specs, "mixed", &vendor).expect("derives");
    let yaml: serde_json::Value = serde_yaml::from_str(&derived.text).expect("yaml");
    assert!(yaml.get("swagger").is_none(), "{}", derived.text);
    assert!(yaml["openapi"]
        .as_str()
        .expect("openapi")
        .starts_with("3.0"));
    // One origin; each module's base path is in its paths.
    assert_eq!(yaml["servers"][0]["url"], "https://api.mixed.test");
    let paths: Vec<&str> = yaml["paths"]
        .as_object()
        .expect("paths")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        paths,
        [
            "/crm/v2/tenant/{tenant}/customers",
            "/jpm/v2/tenant/{tenant}/jobs/{id}"
        ]
    );
    // definitions → components.schemas, with the references following;
    // the unused definition is gone; x-nullable → nullable.
    let schemas = yaml["components"]["schemas"].as_object().expect("schemas");
    let names: Vec<&str> = schemas.keys().map(String::as_str).collect();
    assert_eq!(names, ["Customer", "CustomerPage", "Job"]);
    assert_eq!(
        schemas["CustomerPage"]["properties"]["data"]["items"]["$ref"],
        "#/components/schemas/Customer"
    );
    assert_eq!(schemas["Customer"]["properties"]["name"]["nullable"], true);
    let customers = &yaml["paths"]["/crm/v2/tenant/{tenant}/customers"];
    // A 2.0 `in: body` parameter is the request body; a typed parameter
    // has a schema; a response schema sits under its media type.
    assert_eq!(
        customers["post"]["requestBody"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/Customer"
    );
    assert_eq!(
        customers["get"]["parameters"][1]["schema"]["type"],
        "string"
    );
    assert_eq!(
        customers["get"]["responses"]["200"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/CustomerPage"
    );
    // The security scheme both kinds of file declare is kept once.
    assert_eq!(
        yaml["components"]["securitySchemes"]["appKey"]["name"],
        "App-Key"
    );
    let api = midcall::openapi::load_str(&derived.text, "mixed.yaml").expect("loads");
    assert!(api.warnings.is_empty(), "{:?}", api.warnings);
    assert_eq!(api.operations.len(), 3);
}

#[test]
fn a_swagger_2_feature_the_conversion_cannot_carry_is_an_error_naming_the_file() {
    let tmp = tempfile::tempdir().expect("tmp");
    let (vendor, specs) = (tmp.path().join("vendor"), tmp.path().join("specs"));
    mixed_vendor_fixture(&vendor);
    let crm = vendor.join("mixed/crm.json");
    let text = fs::read_to_string(&crm).expect("read");
    // A security scheme kind Swagger 2.0 does not have.
    fs::write(
        &crm,
        text.replace(r#""type": "apiKey", "name""#, r#""type": "magic", "name""#),
    )
    .expect("write");
    fs::create_dir_all(specs.join("mixed")).expect("mkdir");
    fs::write(
        specs.join("mixed/derive.yaml"),
        "vendor: Mixed\nsources: [mixed/crm.json]\noperations:\n  - GET /crm/v2/tenant/{tenant}/customers\n",
    )
    .expect("write");
    let err = derive::derive(&specs, "mixed", &vendor)
        .expect_err("not convertible")
        .to_string();
    assert!(
        err.contains("crm.json")
            && err.contains("Swagger 2.0")
            && err.contains("securityDefinitions"),
        "{err}"
    );
}

/// Shopify has no OpenAPI file (its Admin API is GraphQL), so its spec is
/// written from the docs, says so, and is the one bundled spec without a
/// derive.yaml: one endpoint, the version of the introspection schema the
/// vendor ships, and the access-token header.
#[test]
fn shopify_is_written_from_the_docs_with_one_graphql_endpoint() {
    let folder = repo().join("specs/shopify");
    assert!(!folder.join(derive::MANIFEST).exists());
    let notes = fs::read_to_string(folder.join("NOTES.md")).expect("NOTES.md");
    assert!(notes.contains("written by hand"), "{notes}");
    let text = fs::read_to_string(folder.join("openapi.yaml")).expect("spec");
    assert!(text.starts_with("# Written by hand from Shopify's own documentation"));
    let api = midcall::openapi::load_str(&text, "specs/shopify/openapi.yaml").expect("loads");
    assert!(api.warnings.is_empty(), "{:?}", api.warnings);
    let ops: Vec<String> = api
        .operations
        .iter()
        .map(|o| format!("{} {}", o.method.to_ascii_uppercase(), o.path))
        .collect();
    assert_eq!(ops, ["POST /admin/api/{version}/graphql.json"]);
    let yaml: serde_json::Value = serde_yaml::from_str(&text).expect("yaml");
    let version = yaml["paths"]["/admin/api/{version}/graphql.json"]["post"]["parameters"][0]
        ["schema"]["enum"][0]
        .as_str()
        .expect("one version");
    assert_eq!(yaml["info"]["version"], version);
    assert_eq!(
        yaml["components"]["securitySchemes"]["accessToken"]["name"],
        "X-Shopify-Access-Token"
    );
    // The version is the one whose introspection schema Shopify ships.
    let docs = repo().join("../shared/vendor-docs/shopify");
    if docs.is_dir() {
        assert!(
            docs.join(format!("admin_{version}.json")).is_file(),
            "no introspection schema for {version} under {}",
            docs.display()
        );
    } else {
        say("notice: ../shared/vendor-docs/shopify is absent; the version not checked against it");
    }
}

/// Every bundled spec is either derived (a `derive.yaml`) or written by
/// hand from the vendor's docs because the vendor publishes no spec file
/// (Shopify, Freshdesk): then its `NOTES.md` says "written by hand", the
/// spec's first line says so too, and every operation the spec holds is
/// cited in `NOTES.md` (`METHOD path`), so none is in it unread.
#[test]
fn every_bundled_spec_is_derived_or_written_from_cited_docs() {
    let specs = repo().join("specs");
    let derived = derive::crms_with_manifest(&specs).expect("specs/ lists");
    let mut written = Vec::new();
    for entry in fs::read_dir(&specs).expect("specs/") {
        let folder = entry.expect("entry").path();
        let crm = folder.file_name().unwrap().to_string_lossy().into_owned();
        let spec = folder.join("openapi.yaml");
        if !spec.is_file() || derived.contains(&crm) {
            continue;
        }
        let notes = fs::read_to_string(folder.join("NOTES.md")).unwrap_or_else(|_| {
            panic!("{crm}: no derive.yaml and no NOTES.md saying where the spec comes from")
        });
        assert!(
            notes.contains("written by hand"),
            "{crm}: NOTES.md must say the spec is written by hand"
        );
        let text = fs::read_to_string(&spec).expect("spec");
        assert!(
            text.starts_with("# Written by hand from"),
            "{crm}: the spec's header must say it is written by hand"
        );
        let api = midcall::openapi::load_str(&text, &spec.display().to_string())
            .unwrap_or_else(|e| panic!("{crm}: {e}"));
        assert!(api.warnings.is_empty(), "{crm}: {:?}", api.warnings);
        for op in &api.operations {
            let cited = format!("`{} {}`", op.method.to_ascii_uppercase(), op.path);
            assert!(
                notes.contains(&cited),
                "{crm}: NOTES.md cites no source for {cited}"
            );
        }
        written.push(crm);
    }
    written.sort();
    assert_eq!(written, ["freshdesk", "shopify"]);
}

/// Freshdesk publishes no spec file: its bundled spec is written from the
/// API v2 reference, with basic auth (the API key as the user) and the
/// helpdesk's own domain in the server URL, and NOTES.md links the
/// reference section of every operation.
#[test]
fn freshdesk_is_written_from_the_api_reference() {
    let folder = repo().join("specs/freshdesk");
    assert!(!folder.join(derive::MANIFEST).exists());
    let notes = fs::read_to_string(folder.join("NOTES.md")).expect("NOTES.md");
    let text = fs::read_to_string(folder.join("openapi.yaml")).expect("spec");
    let yaml: serde_json::Value = serde_yaml::from_str(&text).expect("yaml");
    assert_eq!(
        yaml["servers"][0]["url"],
        "https://{domain}.freshdesk.com/api/v2"
    );
    assert_eq!(
        yaml["components"]["securitySchemes"]["apiKey"]["scheme"],
        "basic"
    );
    let api = midcall::openapi::load_str(&text, "specs/freshdesk/openapi.yaml").expect("loads");
    for op in &api.operations {
        let line = notes
            .lines()
            .find(|l| l.contains(&format!("`{} {}`", op.method.to_ascii_uppercase(), op.path)))
            .expect("cited");
        assert!(
            line.contains("https://developers.freshdesk.com/api/#"),
            "{line}"
        );
    }
}
