//! Tests of the spec loader over small fixtures (tests/fixtures/specs/) and,
//! when present, the real vendor specs in ../shared/realspecs.

use std::io::Write;
use std::path::{Path, PathBuf};

use midcall::openapi::{
    self, Api, Body, ParamLocation, Schema, SchemaKind, SecurityScheme, SpecError,
};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/specs")
        .join(name)
}

fn load(name: &str) -> Api {
    let path = fixture(name);
    match openapi::load_file(&path) {
        Ok(api) => api,
        Err(e) => panic!("{name} should load: {e}"),
    }
}

/// Loads a fixture that must fail; checks that the message is one line that
/// starts with the file name, and returns the error and the message after
/// "file: ".
fn load_err(name: &str) -> (SpecError, String) {
    let path = fixture(name);
    let err = match openapi::load_file(&path) {
        Ok(_) => panic!("{name} should not load"),
        Err(e) => e,
    };
    let text = err.to_string();
    assert!(
        !text.contains('\n') && !text.contains('\r'),
        "not one line: {text:?}"
    );
    let prefix = format!("{}:", path.display());
    let rest = match text.strip_prefix(&prefix) {
        Some(rest) => rest.trim_start().to_owned(),
        None => panic!("message does not start with the file name {prefix:?}: {text}"),
    };
    assert_eq!(err.origin(), path.display().to_string());
    (err, rest)
}

fn body_schema(body: Option<&Body>) -> &Schema {
    &body.expect("a body").schema
}

// ---------------------------------------------------------------- fixtures

#[test]
fn petstore_document_level() {
    let api = load("petstore.yaml");
    assert_eq!(api.title, "Petstore");
    assert_eq!(api.version, "1.2.0");
    assert_eq!(api.openapi, "3.0.3");
    assert_eq!(
        api.description.as_deref(),
        Some("A small pet shop for loader tests.")
    );
    assert_eq!(
        api.servers,
        vec!["https://eu.petstore.example/v1".to_owned()]
    );
    assert!(api.warnings.is_empty(), "{:?}", api.warnings);
    assert!(api.origin.ends_with("petstore.yaml"));

    let names: Vec<&str> = api.schemas.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        [
            "Category",
            "Company",
            "Error",
            "NewPet",
            "Person",
            "Pet",
            "PetAlias",
            "PetPage",
            "SearchResult"
        ]
    );

    assert_eq!(api.security.len(), 1);
    assert_eq!(
        api.security[0].schemes,
        vec![("bearerAuth".to_owned(), vec![])]
    );
    assert_eq!(
        api.security_schemes.get("bearerAuth"),
        Some(&SecurityScheme::Http {
            scheme: "bearer".into(),
            bearer_format: Some("JWT".into())
        })
    );
    assert_eq!(
        api.security_schemes.get("apiKey"),
        Some(&SecurityScheme::ApiKey {
            name: "X-Api-Key".into(),
            location: ParamLocation::Header
        })
    );
    assert_eq!(
        api.security_schemes.get("oauth"),
        Some(&SecurityScheme::OAuth2 {
            token_url: Some("https://petstore.example/oauth/token".into()),
            authorization_url: Some("https://petstore.example/oauth/authorize".into()),
            scopes: vec!["pets:read".into(), "pets:write".into()],
        })
    );
}

#[test]
fn petstore_operations_in_document_then_method_order() {
    let api = load("petstore.yaml");
    let ops: Vec<String> = api
        .operations
        .iter()
        .map(|op| format!("{} {}", op.method, op.path))
        .collect();
    assert_eq!(
        ops,
        [
            "GET /pets",
            "POST /pets",
            "GET /pets/{petId}",
            "DELETE /pets/{petId}",
            "GET /categories",
            "POST /search",
            "GET /v2/pets",
            "POST /v2/pets"
        ]
    );
    // A path item that is a $ref: its operations sit under their own path.
    let v2 = api.operation("GET", "/v2/pets").expect("GET /v2/pets");
    assert_eq!(v2.pointer, "/paths/~1v2~1pets/get");
    let v1 = api.operation("GET", "/pets").expect("GET /pets");
    assert_eq!(v2.parameters, v1.parameters);
    assert_eq!(v2.success_response, v1.success_response);
    let search = api.operation("post", "/search").expect("POST /search");
    assert_eq!(search.pointer, "/paths/~1search/post");
    assert_eq!(
        api.operation("Get", "/pets/{petId}")
            .map(|op| op.pointer.as_str()),
        Some("/paths/~1pets~1{petId}/get")
    );
    assert!(api.operation("GET", "/nope").is_none());
    assert_eq!(
        api.operation_by_id("deletePet")
            .map(|op| op.method.as_str()),
        Some("DELETE")
    );
    assert!(api.operation_by_id("nope").is_none());
}

#[test]
fn petstore_parameters_refs_and_merging() {
    let api = load("petstore.yaml");

    // A $ref'd parameter reached through a chain of two $refs.
    let list = api.operation_by_id("listPets").expect("listPets");
    assert_eq!(list.parameters.len(), 2);
    let limit = &list.parameters[0];
    assert_eq!(limit.name, "limit");
    assert_eq!(limit.location, ParamLocation::Query);
    assert!(!limit.required);
    assert_eq!(
        limit.description.as_deref(),
        Some("How many items to return.")
    );
    assert_eq!(limit.schema.kind, SchemaKind::Integer);
    assert_eq!(limit.schema.format.as_deref(), Some("int32"));
    assert_eq!(limit.schema.default, Some(serde_json::json!(20)));
    let header = list
        .parameter("X-Request-Id", ParamLocation::Header)
        .expect("header parameter");
    assert_eq!(header.schema.format.as_deref(), Some("uuid"));
    assert_eq!(ParamLocation::Header.to_string(), "header");
    assert_eq!(ParamLocation::Path.to_string(), "path");

    // Path-level parameters come first; the operation's `verbose` replaces
    // the path-level one in place.
    let show = api.operation_by_id("showPet").expect("showPet");
    let params: Vec<(&str, ParamLocation)> = show
        .parameters
        .iter()
        .map(|p| (p.name.as_str(), p.location))
        .collect();
    assert_eq!(
        params,
        [
            ("petId", ParamLocation::Path),
            ("verbose", ParamLocation::Query)
        ]
    );
    assert!(show.parameters[0].required);
    assert_eq!(show.parameters[0].schema.format.as_deref(), Some("int64"));
    assert_eq!(
        show.parameters[1].description.as_deref(),
        Some("Operation-level description wins.")
    );
    let delete = api.operation_by_id("deletePet").expect("deletePet");
    assert_eq!(
        delete.parameters[1].description.as_deref(),
        Some("Path-level description.")
    );
}

#[test]
fn petstore_bodies_and_responses() {
    let api = load("petstore.yaml");

    // $ref'd request body; application/json is preferred over the first.
    let create = api.operation_by_id("createPet").expect("createPet");
    let body = create.request_body.as_ref().expect("request body");
    assert_eq!(body.content_type, "application/json");
    assert!(body.required);
    assert_eq!(body.description.as_deref(), Some("The pet to add."));
    assert_eq!(body.schema.kind, SchemaKind::Ref("NewPet".into()));
    // YAML integer key `201:`.
    assert_eq!(create.success_status.as_deref(), Some("201"));
    assert_eq!(
        body_schema(create.success_response.as_ref()).kind,
        SchemaKind::Ref("Pet".into())
    );

    // $ref'd response; "200" wins over "2XX".
    let list = api.operation_by_id("listPets").expect("listPets");
    assert_eq!(list.success_status.as_deref(), Some("200"));
    let page = list.success_response.as_ref().expect("success response");
    assert_eq!(page.content_type, "application/json");
    assert_eq!(page.description.as_deref(), Some("A page of pets"));
    assert_eq!(page.schema.kind, SchemaKind::Ref("PetPage".into()));
    assert!(list.request_body.is_none());

    // "200" before "204" whatever the order in the file; a +json type is
    // preferred over a first non-JSON one.
    let show = api.operation_by_id("showPet").expect("showPet");
    assert_eq!(show.success_status.as_deref(), Some("200"));
    assert_eq!(
        show.success_response
            .as_ref()
            .map(|b| b.content_type.as_str()),
        Some("application/problem+json")
    );

    // A 2xx response without content gives no body.
    let delete = api.operation_by_id("deletePet").expect("deletePet");
    assert_eq!(delete.success_status.as_deref(), Some("204"));
    assert!(delete.success_response.is_none());

    // Media type parameters are kept in the content type.
    let categories = api
        .operation_by_id("listCategories")
        .expect("listCategories");
    assert_eq!(
        categories
            .success_response
            .as_ref()
            .map(|b| b.content_type.as_str()),
        Some("application/json; charset=utf-8")
    );

    // An inline body with a $ref into another schema's properties, inlined.
    let search = api.operation_by_id("search").expect("search");
    let schema = body_schema(search.request_body.as_ref());
    let SchemaKind::Object {
        properties,
        required,
        additional,
    } = &schema.kind
    else {
        panic!("search body should be an object: {schema:?}");
    };
    assert_eq!(required, &["query".to_owned()]);
    assert!(additional.is_none());
    let pet_name = properties.get("petName").expect("petName");
    assert_eq!(pet_name.kind, SchemaKind::String);
    assert_eq!(pet_name.example, Some(serde_json::json!("Rex")));
}

#[test]
fn petstore_security_per_operation() {
    let api = load("petstore.yaml");
    let list = api.operation_by_id("listPets").expect("listPets");
    assert_eq!(list.security, api.security, "inherits the default");
    let show = api.operation_by_id("showPet").expect("showPet");
    assert!(show.security.is_empty(), "`security: []` means no auth");
    let delete = api.operation_by_id("deletePet").expect("deletePet");
    assert!(delete.deprecated);
    let schemes: Vec<&(String, Vec<String>)> =
        delete.security.iter().flat_map(|r| &r.schemes).collect();
    assert_eq!(
        schemes,
        [
            &("apiKey".to_owned(), vec![]),
            &("oauth".to_owned(), vec!["pets:write".to_owned()])
        ]
    );
}

#[test]
fn petstore_schemas_and_resolution() {
    let api = load("petstore.yaml");
    let alias = api.schemas.get("PetAlias").expect("PetAlias");
    assert_eq!(alias.kind, SchemaKind::Ref("Pet".into()));
    let pet = api.resolve(alias).expect("PetAlias resolves");
    let SchemaKind::AllOf(members) = &pet.kind else {
        panic!("Pet is an allOf: {pet:?}");
    };
    assert_eq!(members.len(), 2);
    assert_eq!(members[0].kind, SchemaKind::Ref("NewPet".into()));

    let new_pet = api.schemas.get("NewPet").expect("NewPet");
    let SchemaKind::Object { properties, .. } = &new_pet.kind else {
        panic!("NewPet is an object");
    };
    assert!(properties.get("tag").is_some_and(|t| t.nullable));

    let SchemaKind::Object { properties, .. } = &members[1].kind else {
        panic!("second member is an object");
    };
    let status = properties.get("status").expect("status");
    assert_eq!(
        status.enum_values,
        vec![
            serde_json::json!("available"),
            serde_json::json!("pending"),
            serde_json::json!("sold")
        ]
    );
    assert!(properties.get("id").is_some_and(|id| id.read_only));
    assert!(matches!(
        properties.get("owner").map(|o| &o.kind),
        Some(SchemaKind::OneOf(alternatives)) if alternatives.len() == 2
    ));

    // resolve() on something that is not a reference is itself.
    assert_eq!(api.resolve(new_pet), Some(new_pet));
}

#[test]
fn resolve_gives_none_on_dangling_or_looping_refs() {
    let mut api = load("petstore.yaml");
    api.schemas
        .insert("Loop1".into(), Schema::new(SchemaKind::Ref("Loop2".into())));
    api.schemas
        .insert("Loop2".into(), Schema::new(SchemaKind::Ref("Loop1".into())));
    let dangling = Schema::new(SchemaKind::Ref("Gone".into()));
    assert!(api.resolve(&dangling).is_none());
    let looping = Schema::new(SchemaKind::Ref("Loop1".into()));
    assert!(api.resolve(&looping).is_none());
    assert!(api.schema_at(&looping, "/x").is_none());
    assert!(api.leaf_pointers(&looping, 6).is_empty());
}

#[test]
fn schema_at_walks_data_pointers() {
    let api = load("petstore.yaml");
    let list = api.operation_by_id("listPets").expect("listPets");
    let page = body_schema(list.success_response.as_ref());

    let kind = |pointer: &str| api.schema_at(page, pointer).map(|s| s.kind.clone());
    // Through an array (index or *), a chain of refs and allOf members.
    assert_eq!(kind("/results/0/name"), Some(SchemaKind::String));
    assert_eq!(kind("/results/*/id"), Some(SchemaKind::Integer));
    // A oneOf alternative that has the step.
    let email = api
        .schema_at(page, "/results/3/owner/email")
        .expect("email");
    assert_eq!(email.format.as_deref(), Some("email"));
    assert_eq!(kind("/results/0/owner/domain"), Some(SchemaKind::String));
    // additionalProperties take any key.
    assert_eq!(kind("/results/0/labels/colour"), Some(SchemaKind::String));
    // The empty pointer is the (resolved) schema itself; `#` is accepted.
    assert!(matches!(kind(""), Some(SchemaKind::Object { .. })));
    assert!(api.schema_at(page, "#/next").is_some_and(|s| s.nullable));
    // Paths that do not exist.
    assert_eq!(kind("/results/0/nope"), None);
    assert_eq!(kind("/results/name"), None);
    assert_eq!(kind("/next/more"), None);
    assert_eq!(kind("results"), None);
}

#[test]
fn recursive_schemas_load_and_walks_terminate() {
    let api = load("petstore.yaml");
    let category = api.schemas.get("Category").expect("Category");
    let deep = "/children/0/children/5/parent/children/*/parent/parent/name";
    assert_eq!(
        api.schema_at(category, deep).map(|s| s.kind.clone()),
        Some(SchemaKind::String)
    );
    // The recursion is cut where Category would be entered again: at once
    // when the walk starts from a reference to it, one level down when it
    // starts from the schema itself.
    let by_ref = Schema::new(SchemaKind::Ref("Category".into()));
    assert_eq!(api.leaf_pointers(&by_ref, 6), vec!["/name".to_owned()]);
    assert_eq!(
        api.leaf_pointers(category, 6),
        vec![
            "/name".to_owned(),
            "/parent/name".to_owned(),
            "/children/*/name".to_owned()
        ]
    );

    let search = api.operation_by_id("search").expect("search");
    let result = body_schema(search.success_response.as_ref());
    let leaves = api.leaf_pointers(result, 6);
    for expected in [
        "/total",
        "/hits/*/name",
        "/hits/*/tag",
        "/hits/*/id",
        "/hits/*/status",
        "/hits/*/owner/email",
        "/hits/*/owner/domain",
        "/hits/*/labels/*",
    ] {
        assert!(
            leaves.iter().any(|l| l == expected),
            "{expected} missing from {leaves:?}"
        );
    }
    // Shallow first, each once.
    assert_eq!(leaves.first().map(String::as_str), Some("/total"));
    let mut unique = leaves.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), leaves.len());
    // A depth limit leaves deeper parts out.
    assert_eq!(api.leaf_pointers(result, 1), vec!["/total".to_owned()]);
    let shallow = api.leaf_pointers(result, 2);
    assert!(shallow.iter().all(|l| l.matches('/').count() <= 2));
}

#[test]
fn json_content_is_sniffed_whatever_the_extension() {
    let yaml = load("petstore.yaml");
    let json = load("petstore_json.yaml");
    assert_eq!(json.operations, yaml.operations);
    assert_eq!(json.schemas, yaml.schemas);
    assert_eq!(json.security_schemes, yaml.security_schemes);
    assert_eq!(json.servers, yaml.servers);
    assert_eq!(json.title, yaml.title);
}

#[test]
fn quirks_are_read_leniently_with_warnings() {
    let api = load("quirks.yaml");
    let op = api.operation("GET", "/me").expect("GET /me");
    assert_eq!(op.parameters[0].schema.kind, SchemaKind::Any);
    let schema = body_schema(op.success_response.as_ref());
    let SchemaKind::Object {
        properties,
        required,
        ..
    } = &schema.kind
    else {
        panic!("object expected: {schema:?}");
    };
    assert_eq!(required, &["id".to_owned()]);
    let id = properties.get("id").expect("id");
    assert_eq!(id.kind, SchemaKind::String);
    assert!(id.nullable);
    assert_eq!(
        properties.get("message").map(|m| m.enum_values.clone()),
        Some(vec![serde_json::json!("The access token is invalid")])
    );
    assert_eq!(api.warnings.len(), 5, "{:#?}", api.warnings);
    let place = "#/paths/~1me/get/";
    assert!(api.warnings.iter().all(|w| w.starts_with(place)));
}

#[test]
fn error_pure_ref_cycle() {
    let (err, rest) = load_err("cycle.yaml");
    assert!(matches!(err, SpecError::Cycle { .. }), "{err:?}");
    assert_eq!(rest, "#/components/schemas/A: reference cycle: A -> B -> A");

    let (_, rest) = load_err("self_cycle.yaml");
    assert_eq!(rest, "#/components/schemas/A: reference cycle: A -> A");

    let (_, rest) = load_err("parameter_cycle.yaml");
    assert_eq!(
        rest,
        "#/components/parameters/P: reference cycle: P -> Q -> P"
    );
}

#[test]
fn error_missing_ref_target() {
    let (err, rest) = load_err("missing_ref.yaml");
    assert!(matches!(err, SpecError::Ref { .. }), "{err:?}");
    assert_eq!(
        rest,
        "#/paths/~1contacts/get/responses/200/content/application~1json/schema: \
         $ref '#/components/schemas/Nope' points to nothing"
    );
    assert_eq!(
        err.pointer(),
        Some("/paths/~1contacts/get/responses/200/content/application~1json/schema")
    );
}

#[test]
fn error_syntax_has_line_and_column() {
    let (err, rest) = load_err("malformed.yaml");
    assert!(
        matches!(
            err,
            SpecError::Syntax {
                line: 8,
                column: 1,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(
        rest.starts_with("8:1: did not find expected ',' or ']'"),
        "{rest}"
    );

    let (err, rest) = load_err("malformed.json");
    assert!(
        matches!(
            err,
            SpecError::Syntax {
                line: 4,
                column: 13,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(rest, "4:13: key must be a string");
}

#[test]
fn error_empty_and_not_a_mapping() {
    let (err, rest) = load_err("empty.yaml");
    assert!(matches!(err, SpecError::Empty { .. }), "{err:?}");
    assert!(rest.starts_with("the file is empty"), "{rest}");

    let (err, rest) = load_err("list.yaml");
    assert!(matches!(err, SpecError::NotAMapping { .. }), "{err:?}");
    assert!(
        rest.starts_with("#: the document is a list, not a mapping"),
        "{rest}"
    );
}

#[test]
fn error_versions() {
    let (err, rest) = load_err("openapi31.yaml");
    assert!(matches!(err, SpecError::Version { .. }), "{err:?}");
    assert_eq!(
        rest,
        "#/openapi: OpenAPI 3.1.0 is not supported yet; midcall reads 3.0.x"
    );

    let (err, rest) = load_err("swagger2.json");
    assert!(matches!(err, SpecError::Swagger { .. }), "{err:?}");
    assert_eq!(
        rest,
        "#/swagger: Swagger 2.0 is not supported yet (convert it to OpenAPI 3.0)"
    );

    let (err, rest) = load_err("not_openapi.yaml");
    assert!(matches!(err, SpecError::NotOpenApi { .. }), "{err:?}");
    assert!(
        rest.starts_with("#: not an OpenAPI document: no `openapi` field"),
        "{rest}"
    );
}

#[test]
fn error_external_ref() {
    let (err, rest) = load_err("external_ref.yaml");
    assert!(matches!(err, SpecError::ExternalRef { .. }), "{err:?}");
    assert!(
        rest.starts_with(
            "#/paths/~1users/get/responses/200/content/application~1json/schema: \
             external $ref `common.yaml#/components/schemas/User` is not supported"
        ),
        "{rest}"
    );
}

#[test]
fn error_shape_names_the_deepest_place() {
    let (err, rest) = load_err("bad_shape.yaml");
    assert!(matches!(err, SpecError::Shape { .. }), "{err:?}");
    assert!(
        rest.starts_with(
            "#/paths/~1users/get/responses/200/content/application~1json/schema/properties/name: "
        ),
        "{rest}"
    );

    let (_, rest) = load_err("bad_parameter.yaml");
    assert!(
        rest.starts_with("#/paths/~1users/post/parameters/0/in: unknown variant `body`"),
        "{rest}"
    );
}

#[test]
fn error_io_names_the_file() {
    let path = fixture("does-not-exist.yaml");
    let err = openapi::load_file(&path).expect_err("missing file");
    assert!(matches!(err, SpecError::Io { .. }), "{err:?}");
    let text = err.to_string();
    assert!(
        text.starts_with(&format!("{}: cannot read the file", path.display())),
        "{text}"
    );
    assert!(!text.contains('\n'));
}

#[test]
fn load_str_uses_the_origin_in_errors() {
    let err =
        openapi::load_str("openapi: 3.0.0\ninfo: [", "<bundled hubspot>").expect_err("bad yaml");
    assert!(err.to_string().starts_with("<bundled hubspot>:"), "{err}");
    let api = openapi::load_str(
        "openapi: '3.0'\ninfo: {title: t, version: v}\npaths: {}\n",
        "<inline>",
    )
    .expect("minimal document");
    assert_eq!(api.origin, "<inline>");
    assert!(api.operations.is_empty());
}

/// Hostile or odd documents: each must give a result or a one-line error,
/// never a panic or a hang.
#[test]
fn hostile_inputs_do_not_panic() {
    let deep_json = format!("{}{}", "[".repeat(300), "]".repeat(300));
    // A schema nested 55 levels deep: inside every parser's limit.
    let mut nested = String::from("{\"type\": \"string\"}");
    for _ in 0..55 {
        nested = format!("{{\"type\": \"object\", \"properties\": {{\"x\": {nested}}}}}");
    }
    let deep_schema = format!(
        "{{\"openapi\": \"3.0.0\", \"info\": {{\"title\": \"t\", \"version\": \"1\"}}, \
         \"paths\": {{}}, \"components\": {{\"schemas\": {{\"Deep\": {nested}}}}}}}"
    );
    let laughs = "openapi: 3.0.0\na: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n\
                  c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n\
                  e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n\
                  g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]\nh: [*g, *g, *g, *g, *g, *g, *g, *g, *g]\n";
    let head = "openapi: 3.0.0\ninfo: {title: t, version: '1'}\n";
    let mut cases: Vec<String> = vec![
        deep_json,
        deep_schema.clone(),
        laughs.to_owned(),
        "\u{feff}openapi: 3.0.0".to_owned(),
        "openapi: 3.0.0".to_owned(),
        "openapi: [3]".to_owned(),
        "openapi: 3.0\ninfo: {title: t, version: '1'}\npaths: {}".to_owned(),
        format!("{head}paths: {{}}\ncomponents: {{schemas: {{A: {{$ref: '#'}}}}}}"),
        format!("{head}paths: {{}}\ncomponents: {{schemas: {{A: {{$ref: '#nope'}}}}}}"),
        format!("{head}paths: {{}}\ncomponents: {{schemas: {{A: {{$ref: '#/paths'}}}}}}"),
        format!(
            "{head}paths: {{}}\ncomponents: {{schemas: {{A: {{type: array, items: {{$ref: '#/components/schemas/A/items'}}}}}}}}"
        ),
        format!(
            "{head}paths:\n  /a:\n    get:\n      responses:\n        '200':\n          description: x\n          content:\n            application/json:\n              schema: {{$ref: '#/components/schemas/A/properties/next'}}\ncomponents:\n  schemas:\n    A:\n      type: object\n      properties:\n        next: {{type: object, properties: {{again: {{$ref: '#/components/schemas/A/properties/next'}}}}}}\n"
        ),
        format!("{head}paths:\n  /a: {{$ref: '#/paths/~1a'}}\n"),
        format!(
            "{head}paths:\n  /a:\n    get:\n      responses: {{'200': {{$ref: '#/paths/~1a/get/responses/200'}}}}\n"
        ),
        format!("{head}paths:\n  /a:\n    get:\n      responses: {{'200': {{$ref: '#/info'}}}}\n"),
        format!(
            "{head}paths:\n  /a:\n    get:\n      parameters: [{{$ref: '#/components/parameters/P'}}]\n      responses: {{'200': {{description: ok}}}}\ncomponents: {{parameters: {{P: {{$ref: '#/components/parameters/P'}}}}}}\n"
        ),
        format!(
            "{head}paths: {{}}\ncomponents: {{schemas: {{'': {{type: string}}, '~/': {{$ref: '#/components/schemas/~0~1'}}}}}}"
        ),
        format!(
            "{head}servers: [{{url: 'https://{{a}}{{b', variables: {{a: {{default: x}}}}}}]\npaths: {{}}"
        ),
        format!(
            "{head}paths:\n  /a:\n    get:\n      responses:\n        200: {{description: ok, content: {{application/json: {{schema: {{type: integer, minimum: 1.5, enum: [1, 2.5, null]}}}}}}}}\n"
        ),
        "{\"openapi\": \"3.0.0\", \"info\": 5, \"paths\": {}}".to_owned(),
        "? [complex, key]\n: value\nopenapi: 3.0.0\n".to_owned(),
        "!!binary aGVsbG8=".to_owned(),
        "openapi: 3.0.0\ninfo: {title: t, version: '1'}\npaths: {}\nx: .nan\ny: !custom {a: 1}\n"
            .to_owned(),
    ];
    // Schemas nested as deep as the parsers allow, and deeper, in a response.
    for levels in [58, 64] {
        let mut nested = String::from("{\"type\": \"string\"}");
        for _ in 0..levels {
            nested = format!("{{\"type\": \"object\", \"properties\": {{\"x\": {nested}}}}}");
        }
        cases.push(format!(
            "{{\"openapi\": \"3.0.0\", \"info\": {{\"title\": \"t\", \"version\": \"1\"}}, \
             \"paths\": {{\"/a\": {{\"get\": {{\"responses\": {{\"200\": {{\"description\": \"d\", \
             \"content\": {{\"application/json\": {{\"schema\": {nested}}}}}}}}}}}}}}}}}"
        ));
    }
    // $refs into other schemas' properties that double at every level: a
    // model that inlined them all would have 2^40 nodes.
    let mut doubling = format!(
        "{head}paths: {{}}\ncomponents:\n  schemas:\n    L0: {{properties: {{p: {{type: string}}}}}}\n"
    );
    for k in 1..=40 {
        let r = format!("{{$ref: '#/components/schemas/L{}/properties/p'}}", k - 1);
        doubling.push_str(&format!(
            "    L{k}: {{properties: {{p: {{type: object, properties: {{a: {r}, b: {r}}}}}}}}}\n"
        ));
    }
    cases.push(doubling);
    for (i, text) in cases.iter().enumerate() {
        match openapi::load_str(text, "hostile.yaml") {
            Ok(api) => {
                for schema in api.schemas.values() {
                    let _ = api.leaf_pointers(schema, 8);
                    let _ = api.schema_at(schema, "/x/x/x/0/a");
                }
                for op in &api.operations {
                    if let Some(body) = &op.success_response {
                        let _ = api.leaf_pointers(&body.schema, 8);
                        let _ = api.schema_at(&body.schema, "/again/again/again");
                    }
                }
            }
            Err(e) => {
                let text = e.to_string();
                assert!(text.starts_with("hostile.yaml"), "case {i}: {text}");
                assert!(!text.contains('\n'), "case {i}: {text}");
            }
        }
    }
    // The deep schema loads and can be walked to its bottom.
    let api = openapi::load_str(&deep_schema, "deep.json").expect("deep schema loads");
    let deep = api.schemas.get("Deep").expect("Deep");
    let pointer = "/x".repeat(55);
    assert_eq!(
        api.schema_at(deep, &pointer).map(|s| s.kind.clone()),
        Some(SchemaKind::String)
    );
    assert_eq!(api.leaf_pointers(deep, 100), vec![pointer]);
    assert!(api.leaf_pointers(deep, 10).is_empty());
}

// ---------------------------------------------------------- real vendor specs

fn realspecs() -> Option<PathBuf> {
    let dir = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/realspecs"));
    if dir.is_dir() {
        Some(dir)
    } else {
        // Straight to stderr: the test harness swallows `eprintln!` of
        // passing tests, and a skip must be seen.
        let _ = writeln!(
            std::io::stderr(),
            "notice: {} is absent; skipping the real-spec tests",
            dir.display()
        );
        None
    }
}

/// What loading a real spec must give.
#[derive(Debug, PartialEq)]
enum Expect {
    Loads,
    External,
    Version,
    Swagger,
    /// A local $ref to a schema the file does not define.
    Dangling,
    /// Not an API: a components-only file without `paths`.
    Shape,
}

fn expectation(relative: &str) -> Expect {
    match relative {
        "chargebee/chargebee_api_v1_spec.yaml" => Expect::Version,
        "square-swagger2/api.json" | "servicetitan/tenant-crm-v2.json" => Expect::Swagger,
        // Square's external $refs are all inside `example` data (not
        // references); what really breaks it is a $ref to a schema it lacks.
        "square/api.json" => Expect::Dangling,
        "gohighlevel/common/common-schemas.json" => Expect::Shape,
        "zoho/common.json" => Expect::Loads,
        r if r.starts_with("zoho/") || r.starts_with("gohighlevel/") => Expect::External,
        _ => Expect::Loads,
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

/// Walks every success response of a loaded spec, to prove termination.
fn walk_responses(api: &Api) -> usize {
    let mut total = 0;
    for op in &api.operations {
        if let Some(body) = &op.success_response {
            total += api.leaf_pointers(&body.schema, 6).len();
            let _ = api.schema_at(&body.schema, "/data/0/id");
        }
        if let Some(body) = &op.request_body {
            let _ = api.leaf_pointers(&body.schema, 3);
        }
    }
    total
}

fn check_real_spec(dir: &Path, path: &Path) -> Result<(), String> {
    let relative = path
        .strip_prefix(dir)
        .map_err(|e| e.to_string())?
        .to_string_lossy()
        .replace('\\', "/");
    let expected = expectation(&relative);
    let result = openapi::load_file(path);
    let got = match &result {
        Ok(_) => Expect::Loads,
        Err(SpecError::ExternalRef { .. }) => Expect::External,
        Err(SpecError::Version { .. }) => Expect::Version,
        Err(SpecError::Swagger { .. }) => Expect::Swagger,
        Err(SpecError::Ref { reason, .. }) if reason == "points to nothing" => Expect::Dangling,
        Err(SpecError::Shape { .. }) => Expect::Shape,
        Err(e) => return Err(format!("{relative}: unexpected error: {e}")),
    };
    if let Err(e) = &result {
        let text = e.to_string();
        if !text.starts_with(&path.display().to_string()) || text.contains('\n') {
            return Err(format!("{relative}: badly formed message: {text}"));
        }
    }
    if got != expected {
        let detail = result
            .as_ref()
            .err()
            .map(ToString::to_string)
            .unwrap_or_default();
        return Err(format!(
            "{relative}: expected {expected:?}, got {got:?} {detail}"
        ));
    }
    if let Ok(api) = &result {
        if api.operations.is_empty() && relative != "zoho/common.json" {
            return Err(format!("{relative}: no operations"));
        }
        walk_responses(api);
    }
    Ok(())
}

#[test]
fn real_specs_load_or_fail_cleanly() {
    let Some(dir) = realspecs() else { return };
    let files: Vec<PathBuf> = spec_files(&dir)
        .into_iter()
        .filter(|p| !p.ends_with("stripe/spec3.yaml"))
        .collect();
    assert!(
        files.len() > 40,
        "expected the vendor specs, found {}",
        files.len()
    );
    let failures: Vec<String> = files
        .iter()
        .filter_map(|path| check_real_spec(&dir, path).err())
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn real_spec_stripe_loads_and_walks() {
    let Some(dir) = realspecs() else { return };
    let path = dir.join("stripe/spec3.yaml");
    if let Err(e) = check_real_spec(&dir, &path) {
        panic!("{e}");
    }
    let api = openapi::load_file(&path).expect("stripe loads");
    assert!(api.operations.len() > 400);
    let customers = api
        .operation("GET", "/v1/customers")
        .expect("GET /v1/customers");
    let list = body_schema(customers.success_response.as_ref());
    let id = api.schema_at(list, "/data/0/id").expect("/data/0/id");
    assert_eq!(id.kind, SchemaKind::String);
    let email = api.schema_at(list, "/data/0/email").expect("/data/0/email");
    assert_eq!(email.kind, SchemaKind::String);
    let leaves = api.leaf_pointers(list, 3);
    assert!(leaves.iter().any(|l| l == "/data/*/email"), "{leaves:?}");
}

#[test]
fn real_spec_hubspot_contacts() {
    let Some(dir) = realspecs() else { return };
    let api = openapi::load_file(&dir.join("hubspot/crm/contacts.json")).expect("contacts loads");
    assert!(api.title.contains("Contacts") || !api.title.is_empty());
    assert_eq!(api.servers, vec!["https://api.hubapi.com".to_owned()]);

    let search = api
        .operation("POST", "/crm/v3/objects/contacts/search")
        .expect("POST /crm/v3/objects/contacts/search");
    assert_eq!(
        search.operation_id.as_deref(),
        Some("post-/crm/v3/objects/contacts/search_doSearch")
    );
    assert_eq!(
        search.pointer,
        "/paths/~1crm~1v3~1objects~1contacts~1search/post"
    );
    let body = search.request_body.as_ref().expect("search body");
    assert!(body.required);
    assert_eq!(body.content_type, "application/json");
    let request = api.resolve(&body.schema).expect("body schema resolves");
    let SchemaKind::Object {
        properties,
        required,
        ..
    } = &request.kind
    else {
        panic!("search request should be an object: {request:?}");
    };
    assert!(properties.contains_key("filterGroups"));
    assert!(required.iter().any(|r| r == "filterGroups"));
    let filter_property = api
        .schema_at(&body.schema, "/filterGroups/0/filters/0/propertyName")
        .expect("filter property name");
    assert_eq!(filter_property.kind, SchemaKind::String);

    let response = body_schema(search.success_response.as_ref());
    let email = api
        .schema_at(response, "/results/0/properties/email")
        .expect("contact properties are a map of strings");
    assert_eq!(email.kind, SchemaKind::String);
    let id = api.schema_at(response, "/results/0/id").expect("id");
    assert_eq!(id.kind, SchemaKind::String);
    assert_eq!(
        api.schema_at(response, "/total").map(|s| s.kind.clone()),
        Some(SchemaKind::Integer)
    );
    let leaves = api.leaf_pointers(response, 6);
    for expected in ["/total", "/results/*/id", "/results/*/properties/*"] {
        assert!(
            leaves.iter().any(|l| l == expected),
            "{expected} not in {leaves:?}"
        );
    }

    let schemes: Vec<&str> = search
        .security
        .iter()
        .flat_map(|r| r.schemes.iter().map(|(name, _)| name.as_str()))
        .collect();
    assert!(schemes.contains(&"oauth2"), "{schemes:?}");
    assert!(matches!(
        api.security_schemes.get("oauth2"),
        Some(SecurityScheme::OAuth2 { token_url: Some(url), .. }) if url.contains("oauth/v1/token")
    ));
    assert!(matches!(
        api.security_schemes.get("private_apps"),
        Some(SecurityScheme::ApiKey {
            location: ParamLocation::Header,
            ..
        })
    ));
}

#[test]
fn real_spec_errors_name_the_place() {
    let Some(dir) = realspecs() else { return };
    let square = dir.join("square/api.json");
    let err = openapi::load_file(&square).expect_err("square has a dangling $ref");
    let text = err.to_string();
    assert!(
        text.contains(
            "$ref '#/components/schemas/CatalogModifierToggleOverrideType' points to nothing"
        ),
        "{text}"
    );
    let zoho = dir.join("zoho/users.json");
    let err = openapi::load_file(&zoho).expect_err("zoho users has external refs");
    assert!(matches!(err, SpecError::ExternalRef { .. }), "{err}");
    assert!(
        err.to_string()
            .contains("#/components/securitySchemes/iam-oauth2-schema"),
        "{err}"
    );
}

#[test]
fn real_spec_calendly_quirk_is_tolerated() {
    let Some(dir) = realspecs() else { return };
    let api = openapi::load_file(&dir.join("calendly/openapi.yaml")).expect("calendly loads");
    assert!(
        api.warnings
            .iter()
            .any(|w| w.contains("`enum` was a single value")),
        "{:?}",
        api.warnings
    );
}
