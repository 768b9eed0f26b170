//! Example requests against the bundled (derived) spec: an example cannot
//! teach the connector a request the vendor would refuse.

use midcall::conformance::check_request;
use midcall::examples::{self, ExampleRequest};
use midcall::source::Sources;
use midcall::Midcall;
use serde_json::{json, Value};

fn request(
    method: &str,
    path: &str,
    query: &[(&str, &str)],
    body: Option<Value>,
) -> ExampleRequest {
    serde_json::from_value(json!({
        "method": method,
        "path": path,
        "query": query.iter().map(|(k, v)| (k.to_string(), Value::from(*v))).collect::<serde_json::Map<_, _>>(),
        "body": body,
        "response": {"status": 200},
    }))
    .expect("a request")
}

fn spec() -> Value {
    json!({
        "openapi": "3.0.1",
        "paths": {
            "/people/{id}": {
                "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}],
                "get": {"parameters": [
                    {"name": "fields", "in": "query", "schema": {"type": "string", "enum": ["name", "email"]}},
                    {"name": "v", "in": "query", "required": true, "schema": {"type": "string"}}
                ]}
            },
            "/people/search": {"post": {"requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Search"}}}}}},
            "/people": {"post": {"requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Create"}}}}}}
        },
        "components": {"schemas": {
            "Search": {"type": "object", "required": ["email"], "properties": {
                "email": {"type": "string"},
                "note": {"type": "string", "nullable": true},
                "meta": {"type": "object", "additionalProperties": {"type": "string"}}
            }},
            "Base": {"type": "object", "properties": {"name": {"type": "string"}}},
            "Create": {"allOf": [{"$ref": "#/components/schemas/Base"}, {"type": "object", "properties": {"age": {"type": "integer"}}}]}
        }}
    })
}

#[test]
fn a_conforming_request_has_no_problem() {
    let spec = spec();
    assert!(check_request(
        &spec,
        &request("GET", "/people/42", &[("v", "2"), ("fields", "name")], None)
    )
    .is_empty());
    let body = json!({"email": "a@b.c", "note": null, "meta": {"any": "thing"}});
    assert!(check_request(&spec, &request("POST", "/people/search", &[], Some(body))).is_empty());
    // allOf members stay open: each branch's members are allowed.
    let body = json!({"name": "Jane", "age": 40});
    assert_eq!(
        check_request(&spec, &request("POST", "/people", &[], Some(body))),
        Vec::<String>::new()
    );
}

#[test]
fn each_kind_of_nonconformance_is_named() {
    let spec = spec();
    let one = |r: ExampleRequest| check_request(&spec, &r).join(" | ");
    let p = one(request("GET", "/persons/42", &[("v", "2")], None));
    assert!(
        p.contains("no operation of the spec is `GET /persons/42`"),
        "{p}"
    );
    let p = one(request("GET", "/people/abc", &[("v", "2")], None));
    assert!(
        p.contains("path parameter `id` = `abc`: not an integer"),
        "{p}"
    );
    let p = one(request(
        "GET",
        "/people/42",
        &[("v", "2"), ("expand", "all")],
        None,
    ));
    assert!(p.contains("query parameter `expand` is not one"), "{p}");
    let p = one(request("GET", "/people/42", &[], None));
    assert!(p.contains("required query parameter `v` is missing"), "{p}");
    let p = one(request(
        "GET",
        "/people/42",
        &[("v", "2"), ("fields", "phone")],
        None,
    ));
    assert!(
        p.contains("`fields` = `phone`: not one of the values"),
        "{p}"
    );
    let p = one(request("POST", "/people/search", &[], None));
    assert!(p.contains("requires a body"), "{p}");
    let p = one(request("GET", "/people/42", &[("v", "2")], Some(json!({}))));
    assert!(p.contains("takes no request body"), "{p}");
    // Strict: a property the schema does not list is refused, as is a wrong type.
    let p = one(request(
        "POST",
        "/people/search",
        &[],
        Some(json!({"email": "a@b.c", "emial": "x"})),
    ));
    assert!(p.contains("'emial' was unexpected"), "{p}");
    let p = one(request(
        "POST",
        "/people/search",
        &[],
        Some(json!({"email": 7})),
    ));
    assert!(p.contains("at `/email`"), "{p}");
}

#[test]
fn every_bundled_example_request_conforms_to_its_spec() {
    let midcall = Midcall::bundled().expect("bundled");
    let pairs = midcall.bound_pairs().expect("every example conforms");
    assert!(!pairs.is_empty());
}

#[test]
fn an_example_body_with_a_property_the_vendor_does_not_allow_fails() {
    let path = examples::path("hubspot", "ticket-status");
    let bundled = Sources::bundled();
    let text = bundled.get(&path).expect("bundled examples").text.clone();
    let edited = text.replacen(
        "        limit: 1\n",
        "        limit: 1\n        archived: false\n",
        1,
    );
    assert_ne!(edited, text);
    let mut sources = Sources::bundled();
    sources.insert(&path, "edited.yaml", &edited);
    let midcall = Midcall::new(sources).expect("loads");
    let err = midcall.bound_pairs().expect_err("refused").to_string();
    assert!(
        err.starts_with(
            "edited.yaml: [0].requests[0]: case `by ticket number, a closed ticket`: body: "
        ) && err.contains("'archived' was unexpected"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
}

/// Shopify's one GraphQL endpoint: an example's request must be a POST to
/// the spec's version with the body `{query, variables}` and nothing else.
#[test]
fn a_shopify_example_outside_the_graphql_request_shape_fails() {
    let path = examples::path("shopify", "inventory-check");
    let text = Sources::bundled()
        .get(&path)
        .expect("bundled examples")
        .text
        .clone();
    let refused = |from: &str, to: &str| {
        assert!(text.contains(from), "`{from}` is not in the examples");
        let mut sources = Sources::bundled();
        sources.insert(&path, "edited.yaml", &text.replacen(from, to, 1));
        let midcall = Midcall::new(sources).expect("loads");
        midcall.bound_pairs().expect_err("refused").to_string()
    };
    let err = refused(
        "        variables: { id: gid://shopify/Product/8012345678901 }\n",
        "        variables: { id: gid://shopify/Product/8012345678901 }\n        extensions: { persistedQuery: {} }\n",
    );
    assert!(err.contains("'extensions' was unexpected"), "{err}");
    let err = refused(
        "        variables: { id: gid://shopify/Product/8012345678901 }\n",
        "        variables: [gid://shopify/Product/8012345678901]\n",
    );
    assert!(err.contains("at `/variables`"), "{err}");
    let err = refused(
        "      path: /admin/api/2026-10/graphql.json",
        "      path: /admin/api/2025-01/graphql.json",
    );
    assert!(
        err.contains("path parameter `version` = `2025-01`: not one of the values"),
        "{err}"
    );
}

fn form_request(method: &str, path: &str, form: &str) -> ExampleRequest {
    serde_json::from_value(json!({
        "method": method, "path": path, "form": form, "response": {"status": 200},
    }))
    .expect("a request")
}

/// A Stripe-like create that takes only a form.
fn form_spec() -> Value {
    json!({
        "openapi": "3.0.0",
        "paths": {
            "/v1/customers": {"post": {"requestBody": {"required": false, "content": {
                "application/x-www-form-urlencoded": {"schema": {
                    "type": "object", "additionalProperties": false,
                    "properties": {
                        "email": {"type": "string", "maxLength": 12},
                        "balance": {"type": "integer"},
                        "tax_exempt": {"type": "string", "enum": ["", "exempt", "none"]},
                        "test": {"type": "boolean"},
                        "metadata": {"anyOf": [
                            {"type": "object", "additionalProperties": {"type": "string"}},
                            {"type": "string", "enum": [""]}
                        ]},
                        "expand": {"type": "array", "items": {"type": "string"}},
                        "address": {"$ref": "#/components/schemas/address"}
                    }
                }}
            }}}},
            "/v1/people": {"post": {"requestBody": {"content": {"application/json": {"schema": {"type": "object"}}}}}}
        },
        "components": {"schemas": {"address": {"type": "object", "properties": {"city": {"type": "string"}}}}}
    })
}

#[test]
fn a_form_body_is_read_back_and_checked_against_the_form_schema() {
    let spec = form_spec();
    let one =
        |form: &str| check_request(&spec, &form_request("POST", "/v1/customers", form)).join(" | ");
    assert_eq!(
        one("email=a%40b.c&balance=-20&test=true&metadata[source]=voice&metadata[x+y]=1&expand[0]=a&expand[1]=b&address[city]=Berlin&tax_exempt="),
        ""
    );
    // A property the schema does not allow, at the top or nested in a closed object.
    let p = one("email=a%40b.c&nickname=x");
    assert!(
        p.contains("form: Additional properties are not allowed ('nickname' was unexpected)"),
        "{p}"
    );
    let p = one("address[street]=Main");
    assert!(
        p.contains("at `/address`") && p.contains("'street' was unexpected"),
        "{p}"
    );
    // Values are text: an integer or a boolean accepts only its text.
    let p = one("balance=12.5");
    assert!(p.contains("at `/balance`"), "{p}");
    let p = one("test=yes");
    assert!(p.contains("at `/test`"), "{p}");
    let p = one("tax_exempt=maybe");
    assert!(p.contains("at `/tax_exempt`"), "{p}");
    let p = one("email=toolong%40example.com");
    assert!(p.contains("at `/email`"), "{p}");
    // Malformed forms are named.
    assert!(one("email").contains("form: `email` is not a `name=value` pair"));
    assert!(one("email=a&email=b").contains("form: `email` is given twice"));
    assert!(one("meta[data=x").contains("is not a field name in bracket notation"));
    // A form where the operation takes JSON, and JSON where it takes a form.
    let p = check_request(&spec, &form_request("POST", "/v1/people", "a=b")).join(" | ");
    assert!(p.contains("`POST /v1/people` takes no form body"), "{p}");
    let p = check_request(
        &spec,
        &request("POST", "/v1/customers", &[], Some(json!({"email": "a"}))),
    )
    .join(" | ");
    assert!(
        p.contains("takes no JSON body (it takes a form: give `form:`)"),
        "{p}"
    );
}

#[test]
fn form_values_nest_in_bracket_notation() {
    use midcall::conformance::form_value;
    assert_eq!(
        form_value("name=Jane+Doe&metadata[source]=voice&line_items[0][price]=p1&line_items[1][price]=p%262").unwrap(),
        json!({"name": "Jane Doe", "metadata": {"source": "voice"},
               "line_items": [{"price": "p1"}, {"price": "p&2"}]})
    );
    // Indexes that do not run 0, 1, … stay an object.
    assert_eq!(form_value("a[1]=x").unwrap(), json!({"a": {"1": "x"}}));
    assert_eq!(form_value("").unwrap(), json!({}));
    assert!(form_value("a=1&a[b]=2")
        .unwrap_err()
        .contains("gives a value and members"));
}

#[test]
fn a_stripe_example_form_with_a_field_stripe_does_not_take_fails() {
    let path = examples::path("stripe", "contact-create");
    let bundled = Sources::bundled();
    let text = bundled.get(&path).expect("bundled examples").text.clone();
    let edited = text.replacen(
        "&metadata[company]=Acme+%26+Sons",
        "&company=Acme+%26+Sons",
        1,
    );
    assert_ne!(edited, text);
    let mut sources = Sources::bundled();
    sources.insert(&path, "edited.yaml", &edited);
    let err = Midcall::new(sources)
        .expect("loads")
        .bound_pairs()
        .expect_err("refused")
        .to_string();
    assert!(
        err.starts_with(
            "edited.yaml: [0].requests[1]: case `created, with phone and company`: form: "
        ) && err.contains("'company' was unexpected"),
        "{err}"
    );
}

/// One checker answers many requests: each body validator is compiled once
/// and gives the same answer every time; `$ref`s to components resolve
/// below properties of any name (`enum` included), not in values.
#[test]
fn a_checker_reused_for_many_requests_answers_as_check_request_does() {
    use midcall::conformance::Checker;
    use std::borrow::Cow;
    let mut spec = spec();
    spec["paths"]["/tags"] = json!({"post": {"requestBody": {"content": {"application/json": {"schema": {
        "type": "object",
        "properties": {"enum": {"$ref": "#/components/schemas/Base"}},
        "default": {"enum": {"$ref": "#/not/a/schema"}}
    }}}}}});
    let checker = Checker::new(Cow::Borrowed(&spec));
    let requests = [
        request("POST", "/people/search", &[], Some(json!({"email": 7}))),
        request(
            "POST",
            "/people/search",
            &[],
            Some(json!({"email": "a@b.c"})),
        ),
        request(
            "POST",
            "/people",
            &[],
            Some(json!({"name": "Ann", "age": "x"})),
        ),
        request("POST", "/tags", &[], Some(json!({"enum": {"name": "a"}}))),
        request("POST", "/tags", &[], Some(json!({"enum": {"name": 3}}))),
    ];
    for _ in 0..2 {
        for r in &requests {
            assert_eq!(checker.check(r), check_request(&spec, r), "{r:?}");
        }
    }
    let p = checker.check(&requests[4]).join(" | ");
    assert!(p.contains("at `/enum/name`"), "{p}");
    assert!(checker.check(&requests[3]).is_empty());
}

/// A body schema, or a component schema it uses, that is not JSON Schema
/// is named.
#[test]
fn a_body_schema_that_is_not_json_schema_is_a_problem() {
    let body = Some(json!({"email": "a@b.c"}));
    let mut bad_component = spec();
    bad_component["components"]["schemas"]["Search"]["required"] = json!("email");
    let mut bad_root = spec();
    bad_root["paths"]["/people/search"]["post"]["requestBody"]["content"]["application/json"]
        ["schema"] = json!({"type": "object", "required": "email"});
    for spec in [bad_component, bad_root] {
        let p = check_request(&spec, &request("POST", "/people/search", &[], body.clone()));
        assert_eq!(p.len(), 1, "{p:?}");
        assert!(
            p[0].starts_with("the body schema does not compile: "),
            "{p:?}"
        );
    }
}
