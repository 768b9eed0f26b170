//! Tests of the widened loader, `openapi::load_files`: OpenAPI 3.1 and
//! Swagger 2.0 read as 3.0, several files with external `$ref`s merged, a
//! defect set aside until an operation that needs it is asked for; and,
//! when present, every real vendor spec in ../shared/realspecs.

use std::io::Write;
use std::path::{Path, PathBuf};

use midcall::openapi::{self, Api, ParamLocation, SchemaKind, SecurityScheme, SpecError};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/specs/wide")
        .join(name)
}

fn load(names: &[&str]) -> Api {
    let paths: Vec<PathBuf> = names.iter().map(|n| fixture(n)).collect();
    match openapi::load_files(&paths) {
        Ok(api) => api,
        Err(e) => panic!("{names:?} should load: {e}"),
    }
}

fn object_properties(api: &Api, name: &str) -> Vec<String> {
    match &api.schemas.get(name).map(|s| &s.kind) {
        Some(SchemaKind::Object { properties, .. }) => properties.keys().cloned().collect(),
        other => panic!("{name} should be an object: {other:?}"),
    }
}

#[test]
fn openapi_31_reads_as_30() {
    let api = load(&["v31.yaml"]);
    assert_eq!(api.openapi, "3.1.0");
    assert_eq!(api.title, "Tickets 3.1");
    assert_eq!(api.operations.len(), 1, "webhooks are not operations");
    assert!(api.unusable.is_empty(), "{:?}", api.unusable);
    assert!(
        api.warnings
            .iter()
            .any(|w| w.contains("#/webhooks: ignored")),
        "{:?}",
        api.warnings
    );
    // 3.1's own ways are not quirks: no note for each.
    assert!(
        !api.warnings.iter().any(|w| w.contains("3.1 style")),
        "{:?}",
        api.warnings
    );
    let ticket = api.schemas.get("Ticket").expect("Ticket");
    let at = |p: &str| api.schema_at(ticket, p).expect(p).clone();
    let subject = at("/subject");
    assert_eq!(subject.kind, SchemaKind::String);
    assert!(subject.nullable, "type [string, null]");
    assert_eq!(subject.example, Some(serde_json::json!("Printer on fire")));
    assert_eq!(at("/kind").enum_values, vec![serde_json::json!("incident")]);
    // $ref with only an annotation beside it stays a reference.
    let SchemaKind::Object { properties, .. } = &ticket.kind else {
        panic!("Ticket is an object");
    };
    assert_eq!(properties["assignee"].kind, SchemaKind::Ref("User".into()));
    // $ref with a sibling that changes it goes under allOf, beside it.
    let requester = &properties["requester"];
    assert!(requester.nullable);
    assert_eq!(
        requester.kind,
        SchemaKind::AllOf(vec![openapi::Schema::new(SchemaKind::Ref("User".into()))])
    );
    assert_eq!(at("/requester/email").format.as_deref(), Some("email"));
    // anyOf [X, null] is a nullable X.
    assert!(properties["team"].nullable);
    assert_eq!(at("/team/name").kind, SchemaKind::String);
    assert_eq!(at("/tags/0").kind, SchemaKind::Any, "items: true");
    // Numeric exclusiveMinimum is accepted.
    let op = api.operation_by_id("getTicket").expect("getTicket");
    assert_eq!(op.parameters[0].schema.kind, SchemaKind::Integer);
}

#[test]
fn swagger_20_is_converted() {
    let api = load(&["swagger2.json"]);
    assert_eq!(api.openapi, "2.0");
    assert_eq!(
        api.servers,
        [
            "https://pets.example.com/api",
            "http://pets.example.com/api"
        ]
    );
    assert!(api.unusable.is_empty(), "{:?}", api.unusable);

    let list = api.operation_by_id("listPets").expect("listPets");
    let limit = list
        .parameter("limit", ParamLocation::Query)
        .expect("limit");
    assert_eq!(limit.schema.kind, SchemaKind::Integer);
    assert_eq!(limit.schema.default, Some(serde_json::json!(20)));
    let tags = list.parameter("tags", ParamLocation::Query).expect("tags");
    assert!(
        matches!(&tags.schema.kind, SchemaKind::Array(items) if items.kind == SchemaKind::String)
    );
    let page = &list.success_response.as_ref().expect("200").schema;
    assert_eq!(
        api.schema_at(page, "/0/name").map(|s| s.kind.clone()),
        Some(SchemaKind::String)
    );

    let create = api.operation_by_id("createPet").expect("createPet");
    let body = create
        .request_body
        .as_ref()
        .expect("in: body is the request body");
    assert_eq!(body.content_type, "application/json");
    assert!(body.required);
    assert_eq!(body.description.as_deref(), Some("The new pet."));
    assert_eq!(body.schema.kind, SchemaKind::Ref("Pet".into()));
    assert_eq!(create.success_status.as_deref(), Some("201"));
    assert_eq!(
        create.security[0].schemes,
        [("oauth".to_owned(), vec!["pets".to_owned()])]
    );
    assert!(create.parameters.is_empty());

    let upload = api.operation_by_id("uploadPhoto").expect("uploadPhoto");
    let form = upload
        .request_body
        .as_ref()
        .expect("formData is a form body");
    assert_eq!(form.content_type, "multipart/form-data");
    assert!(form.required);
    let SchemaKind::Object {
        properties,
        required,
        ..
    } = &form.schema.kind
    else {
        panic!("form body is an object: {:?}", form.schema);
    };
    assert_eq!(required, &["file".to_owned()]);
    assert_eq!(properties["file"].format.as_deref(), Some("binary"));
    assert_eq!(properties["caption"].kind, SchemaKind::String);
    assert_eq!(upload.parameters.len(), 1, "only the path parameter stays");

    assert!(object_properties(&api, "Pet").contains(&"tag".to_owned()));
    let pet = api.schemas.get("Pet").expect("Pet");
    assert!(
        api.schema_at(pet, "/tag").is_some_and(|t| t.nullable),
        "x-nullable"
    );
    assert_eq!(
        api.security_schemes.get("key"),
        Some(&SecurityScheme::ApiKey {
            name: "X-Key".into(),
            location: ParamLocation::Header
        })
    );
    assert_eq!(
        api.security_schemes.get("oauth"),
        Some(&SecurityScheme::OAuth2 {
            token_url: Some("https://pets.example.com/token".into()),
            authorization_url: None,
            scopes: vec!["pets".into()],
        })
    );
    assert_eq!(list.security, api.security);
}

#[test]
fn several_files_with_external_refs_merge() {
    let api = load(&["multi/apps/contacts.json", "multi/apps/users.yaml"]);
    assert_eq!(api.title, "Contacts", "the first file's info");
    assert!(
        api.origin.ends_with("contacts.json (+1 more)"),
        "{}",
        api.origin
    );
    assert_eq!(api.servers, ["https://crm.example.com"]);
    let ops: Vec<String> = api
        .operations
        .iter()
        .map(|op| format!("{} {}", op.method, op.path))
        .collect();
    assert_eq!(ops, ["GET /contacts/", "GET /users/{id}"]);
    assert!(api.unusable.is_empty(), "{:?}", api.unusable);

    // A relative file reference, and an absolute URL matched by file name.
    let contact = api.schemas.get("Contact").expect("Contact");
    assert_eq!(
        api.schema_at(contact, "/error/statusCode")
            .map(|s| s.kind.clone()),
        Some(SchemaKind::Number)
    );
    assert_eq!(
        api.schema_at(contact, "/owner/name")
            .map(|s| s.kind.clone()),
        Some(SchemaKind::String)
    );
    assert!(api.schemas.contains_key("BadRequestDTO"));
    // The same name with another meaning in the second file is renamed,
    // and that file's references follow.
    assert_eq!(object_properties(&api, "Meta"), ["total"]);
    assert_eq!(object_properties(&api, "Meta_users"), ["page"]);
    let user = api.operation("GET", "/users/{id}").expect("users op");
    let response = &user.success_response.as_ref().expect("200").schema;
    assert_eq!(
        api.schema_at(response, "/meta/page")
            .map(|s| s.kind.clone()),
        Some(SchemaKind::String)
    );
    // Each file's default security stays with its operations.
    assert_eq!(user.security[0].schemes[0].0, "apiKey");
    let contacts = api.operation("GET", "/contacts/").expect("contacts op");
    assert_eq!(contacts.security[0].schemes[0].0, "bearer");
    assert!(api.security_schemes.contains_key("apiKey"));

    // One file alone still reads the files it refers to.
    let alone = load(&["multi/apps/contacts.json"]);
    assert!(alone.unusable.is_empty(), "{:?}", alone.unusable);
    assert!(alone.schemas.contains_key("User"));
}

#[test]
fn a_missing_referenced_file_only_affects_what_uses_it() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("spec.yaml");
    std::fs::write(
        &spec,
        "openapi: 3.0.0\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n        '200':\n          description: ok\n          content: {application/json: {schema: {$ref: 'gone.json#/components/schemas/A'}}}\n  /b:\n    get:\n      responses: {'204': {description: ok}}\n",
    )
    .unwrap();
    let api = openapi::load_files(&[&spec]).expect("loads");
    assert_eq!(api.operations.len(), 1);
    let err = api
        .usable("GET", "/a")
        .expect_err("GET /a needs the missing file");
    let text = err.to_string();
    assert!(text.contains("gone.json#/components/schemas/A"), "{text}");
    assert!(matches!(api.usable("GET", "/b"), Ok(Some(_))));
}

#[test]
fn a_dangling_ref_in_an_unused_operation_is_a_warning() {
    let api = load(&["dangling.yaml"]);
    let origin = fixture("dangling.yaml").display().to_string();
    // The operation that does not need the broken part loads.
    let customers = api
        .usable("GET", "/customers")
        .expect("no error")
        .expect("GET /customers");
    assert_eq!(customers.operation_id.as_deref(), Some("listCustomers"));
    assert!(api.schemas.contains_key("Customer"));
    // The broken schema, and the ones that need it, are out.
    for name in ["CatalogItem", "CatalogPage"] {
        assert!(
            !api.schemas.contains_key(name),
            "{name} should be set aside"
        );
    }
    // The defect is a warning naming the place.
    assert!(
        api.warnings.iter().any(|w| w.starts_with(
            "#/components/schemas/CatalogItem/properties/toggle: $ref '#/components/schemas/ToggleOverride' points to nothing"
        )),
        "{:?}",
        api.warnings
    );
    // Asking for an operation that needs it gives the error, one line,
    // naming the file, the operation and the place.
    let err = api
        .usable("get", "/catalog")
        .expect_err("needs the dangling ref");
    assert!(matches!(err, SpecError::Unusable { .. }));
    assert_eq!(
        err.to_string(),
        format!("{origin}: GET /catalog cannot be used: needs schema `CatalogPage`, which needs `CatalogItem`: #/components/schemas/CatalogItem/properties/toggle: $ref '#/components/schemas/ToggleOverride' points to nothing")
    );
    let err = api
        .usable_by_id("createOrder")
        .expect_err("dangling parameter");
    assert!(
        err.to_string()
            .contains("$ref '#/components/parameters/Missing' points to nothing"),
        "{err}"
    );
    assert!(api.operation("GET", "/catalog").is_none());
    assert_eq!(api.unusable.len(), 2);
    assert!(matches!(api.usable("GET", "/nope"), Ok(None)));
    // The strict loader still refuses the whole file.
    assert!(openapi::load_file(&fixture("dangling.yaml")).is_err());
}

#[test]
fn wide_loader_errors_are_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            "graphql.json",
            "{\"data\": {\"__schema\": {\"types\": []}}}",
            "GraphQL introspection result",
        ),
        (
            "discovery.json",
            "{\"kind\": \"discovery#restDescription\", \"discoveryVersion\": \"v1\"}",
            "Google API Discovery document",
        ),
        ("swagger12.json", "{\"swagger\": \"1.2\"}", "Swagger 1.2"),
        ("v4.yaml", "openapi: 4.0.0\n", "OpenAPI 4.0.0"),
        ("nothing.yaml", "a: 1\n", "no `openapi` field"),
        (
            "bad.yaml",
            "openapi: 3.1.0\ninfo: [1]\npaths: {}\n",
            "#/info",
        ),
        ("broken.json", "{\"openapi\": ", "broken.json:1:"),
    ];
    for (name, text, needle) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        let err = openapi::load_files(&[&path]).expect_err(name);
        let msg = err.to_string();
        assert!(msg.starts_with(&path.display().to_string()), "{msg}");
        assert!(msg.contains(needle), "{name}: {msg}");
        assert_eq!(msg.lines().count(), 1, "{msg}");
    }
    let err = openapi::load_files(&[dir.path().join("absent.yaml")]).expect_err("absent");
    assert!(matches!(err, SpecError::Io { .. }));
}

// ---------------------------------------------------------- real vendor specs

/// ../shared, or `MIDCALL_SHARED` (for a worktree placed elsewhere).
fn shared() -> Option<PathBuf> {
    let dir = std::env::var_os("MIDCALL_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared")));
    if dir.join("realspecs").is_dir() {
        Some(dir)
    } else {
        let _ = writeln!(
            std::io::stderr(),
            "notice: {} is absent; skipping the real-spec tests of the wide loader",
            dir.join("realspecs").display()
        );
        None
    }
}

fn spec_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(current) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&current) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path
                .extension()
                .is_some_and(|e| e == "json" || e == "yaml" || e == "yml")
            {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// Every real spec loads, alone, with operations (the components-only
/// GoHighLevel file aside) and every unusable operation explained.
#[test]
fn every_real_spec_loads() {
    let Some(shared) = shared() else { return };
    let files = spec_files(&shared.join("realspecs"));
    assert!(files.len() > 40, "found {}", files.len());
    let mut failures = Vec::new();
    for path in &files {
        let name = path.display().to_string();
        match openapi::load_files(&[path]) {
            Ok(api) => {
                let components_only = name.ends_with("common-schemas.json");
                if api.operations.is_empty() != components_only {
                    failures.push(format!("{name}: {} operations", api.operations.len()));
                }
                for u in &api.unusable {
                    if u.reason.is_empty() || u.reason.contains('\n') {
                        failures.push(format!("{name}: {} {}: bad reason", u.method, u.path));
                    }
                }
                if api.unusable.len() * 10 > api.operations.len() {
                    failures.push(format!(
                        "{name}: {} of {} operations unusable",
                        api.unusable.len(),
                        api.operations.len()
                    ));
                }
                let _ = api.warnings.iter().map(String::len).sum::<usize>();
            }
            Err(e) => failures.push(format!("{name}: {e}")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn real_multi_file_specs_load_together() {
    let Some(shared) = shared() else { return };
    let real = shared.join("realspecs");
    let apps: Vec<PathBuf> = spec_files(&real.join("gohighlevel/apps"));
    let api = openapi::load_files(&apps).expect("GoHighLevel loads");
    assert!(api.operations.len() > 200, "{}", api.operations.len());
    assert!(api.unusable.is_empty(), "{:?}", api.unusable.first());
    assert!(api.schemas.contains_key("BadRequestDTO"), "from ../common");
    assert!(api.operation("POST", "/contacts/").is_some());

    let zoho = spec_files(&real.join("zoho"));
    let api = openapi::load_files(&zoho).expect("Zoho loads");
    assert!(api.unusable.is_empty(), "{:?}", api.unusable.first());
    let search = api
        .operation("GET", "/crm/v8/{module_api_name}/search")
        .expect("record search");
    assert!(search.success_response.is_some());

    // Square: a dangling $ref sets aside only the operations that need it.
    let square = openapi::load_files(&[real.join("square/api.json")]).expect("Square loads");
    assert!(square.operations.len() > 250);
    assert!(square
        .warnings
        .iter()
        .any(|w| w.contains("CatalogModifierToggleOverrideType' points to nothing")));
    assert!(matches!(square.usable("GET", "/v2/customers"), Ok(Some(_))));
    if let Some(u) = square.unusable.first() {
        assert!(square.usable(&u.method, &u.path).is_err());
    }
}

#[test]
fn known_non_openapi_documents_are_named() {
    let Some(shared) = shared() else { return };
    for (file, needle) in [
        (
            "vendor-docs/shopify/admin_2026-10.json",
            "GraphQL introspection result",
        ),
        (
            "vendor-docs/google-calendar/calendar.v3.json",
            "Google API Discovery document",
        ),
    ] {
        let path = shared.join(file);
        if !path.is_file() {
            let _ = writeln!(std::io::stderr(), "notice: {} is absent", path.display());
            continue;
        }
        let err = openapi::load_files(&[&path]).expect_err(file);
        let text = err.to_string();
        assert!(matches!(err, SpecError::OtherFormat { .. }), "{text}");
        assert!(text.contains(needle), "{text}");
        assert_eq!(text.lines().count(), 1);
    }
}
