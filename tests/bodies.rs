//! Value transforms, form bodies and GraphQL bodies end to end: the
//! connectors of the `bodylab` test vendor (`tests/fixtures/bodies/`) are
//! rendered, built in a crate of their own over the local runtime, and run
//! against wiremock by `tests/fixtures/bodies/run.rs`.

#[path = "support/connector_crate.rs"]
mod connector_crate;
use connector_crate::ConnectorCrate;
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
    let krate = ConnectorCrate::new("bodylab", "src/lib.rs");
    let mut lib = String::from("#![deny(warnings)]\n");
    for template in TEMPLATES {
        let module = template.replace('-', "_");
        krate.write(&format!("src/{module}.rs"), &connector(sources(), template));
        lib.push_str(&format!("pub mod {module};\n"));
    }
    krate.write("src/lib.rs", &lib);
    krate.write(
        "tests/run.rs",
        &std::fs::read_to_string(fixture().join("run.rs")).unwrap(),
    );
    let o = krate.cargo(&["test"]);
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        o.status.success(),
        "the bodylab connectors failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    // Every test of run.rs ran.
    assert!(stdout.contains("7 passed"), "{stdout}");
}

/// The fixture's bindings with `edits` applied (each must change the
/// text), checked for `template`: the error's lines.
fn problems(template: &str, edits: &[(&str, &str)]) -> Vec<String> {
    let mut text = std::fs::read_to_string(fixture().join("specs/bodylab/bindings.yaml")).unwrap();
    for (from, to) in edits {
        assert!(text.contains(from), "`{from}` is not in the bindings");
        text = text.replacen(from, to, 1);
    }
    let mut s = sources();
    s.insert("specs/bodylab/bindings.yaml", "bindings.yaml", &text);
    let midcall = Midcall::new(s).expect("targets load");
    let e = midcall
        .generate(
            "bodylab",
            template,
            &["connector".into()],
            &RenderOptions::default(),
        )
        .expect_err("the edited binding is refused");
    e.to_string().lines().map(str::to_string).collect()
}

#[test]
fn a_transform_of_the_wrong_type_is_named() {
    assert_eq!(
        problems(
            "call-note-log",
            &[(
                "logged: { const: true }",
                "logged: { money: { amount: /created, currency: eur } }"
            )]
        ),
        ["bindings.yaml: actions.call-note-log.response.fields.logged.money: `money` gives a string, but result field `logged` is a boolean"]
    );
    assert_eq!(
        problems(
            "contact-lookup",
            &[(
                "company: { join: [/company/name, /company/city], with: \", \" }",
                "company: { count: /emails }"
            )]
        ),
        ["bindings.yaml: actions.contact-lookup.response.fields.company.count: `count` gives an integer, but result field `company` is a string"]
    );
    // The spec says what is at a pointer: a count needs an array.
    assert_eq!(
        problems(
            "appointment-availability",
            &[("slot_count: { count: /slots }", "slot_count: { count: /slots/0/start }")]
        ),
        ["bindings.yaml: actions.appointment-availability.response.fields.slot_count.count: `/slots/0/start` is a string in the success response, not an array"]
    );
    // A joined list is text.
    assert_eq!(
        problems(
            "appointment-availability",
            &[("slot_count: { count: /slots }", "slot_count: { each: /slots, item: /start, limit: 3 }")]
        ),
        ["bindings.yaml: actions.appointment-availability.response.fields.slot_count.limit: a joined list is text, but result field `slot_count` is an integer; use `pick`"]
    );
}

#[test]
fn an_each_only_pointer_must_be_a_boolean_below_one_element() {
    assert_eq!(
        problems(
            "appointment-availability",
            &[
                (
                    "first_slot: { each: /slots, item:",
                    "first_slot: { each: /slots, only: /start, item:"
                ),
                (
                    "second_slot: { each: /slots, item:",
                    "second_slot: { each: /slots, only: /free, item:"
                ),
            ]
        ),
        [
            "bindings.yaml: actions.appointment-availability.response.fields.first_slot.only: `/start` is not a boolean in the success response; `only` keeps the elements that hold `true` there",
            "bindings.yaml: actions.appointment-availability.response.fields.second_slot.only: the success response of `GET /v1/availability` has nothing at `/slots/0/free`",
        ]
    );
}

#[test]
fn unknown_transform_keys_and_missing_pointers_are_named() {
    let lines = problems(
        "invoice-lookup",
        &[
            (
                "due_date: { date_time: /due_date }",
                "due_date: { date_tme: /due_date }",
            ),
            (
                "issue_date: { unix_time: /created, offset: \"+02:00\" }",
                "issue_date: { unix_time: /created, ofset: \"+02:00\" }",
            ),
            (
                "amount: { money: { amount: /total, currency: /currency } }",
                "amount: { money: { amount: /totl, currency: euro } }",
            ),
        ],
    );
    assert_eq!(
        lines,
        [
            "bindings.yaml: actions.invoice-lookup.response.fields.amount.money.amount: the success response of `GET /v1/invoices/{id}` has nothing at `/totl`",
            "bindings.yaml: actions.invoice-lookup.response.fields.amount.money.currency: `\"euro\"` is neither a pointer (`/currency`) nor a three-letter currency code",
            "bindings.yaml: actions.invoice-lookup.response.fields.due_date.date_tme: `date_tme` is not a result field source (did you mean `date_time`?); give a transform (money, unix_time, unix_millis, date_time, join, count, first_of, each), `const:`, or `pointer:` with `map:`",
            "bindings.yaml: actions.invoice-lookup.response.fields.issue_date.ofset: `ofset` is not an option of `unix_time`; it takes `offset`",
        ]
    );
}

#[test]
fn a_form_field_that_cannot_be_encoded_is_named() {
    let lines = problems(
        "call-note-log",
        &[
            ("tags: [voice, \"{outcome}\"]", "tags: [voice, null, []]"),
            (
                "metadata: {source: voice, follow_up: \"{follow_up_date}\"}",
                "metadata: {\"a[b]\": voice, extra: {}}",
            ),
        ],
    );
    assert_eq!(
        lines,
        [
            "bindings.yaml: actions.call-note-log.requests[0].form.metadata.a[b]: a form field name cannot be `a[b]`: `[`, `]`, `&` and `=` are the notation's own",
            "bindings.yaml: actions.call-note-log.requests[0].form.metadata.extra: an empty object sends nothing in a form; remove the field",
            "bindings.yaml: actions.call-note-log.requests[0].form.tags[1]: a literal `null` sends nothing in a form; remove the field",
            "bindings.yaml: actions.call-note-log.requests[0].form.tags[2]: an empty list sends nothing in a form; remove the field",
        ]
    );
    // Two bodies in one request.
    assert_eq!(
        problems(
            "ticket-create",
            &[("      - graphql:\n          query: |\n            mutation", "      - form: {a: b}\n        graphql:\n          query: |\n            mutation")]
        ),
        ["bindings.yaml: actions.ticket-create.requests[0]: gives `form` and `graphql`; a request has one body"]
    );
}

#[test]
fn graphql_variables_must_match_the_document() {
    let lines = problems(
        "order-status",
        &[
            (
                "variables: {q: \"name:{order_number}\"}",
                "variables: {q: \"name:{order_number}\", first: 3}",
            ),
            ("variables: {q: \"email:{email}\"}", "variables: {}"),
        ],
    );
    assert_eq!(
        lines,
        [
            "bindings.yaml: actions.order-status.requests[0].graphql.variables.first: `$first` is not declared by the query; it declares: $q",
            "bindings.yaml: actions.order-status.requests[1].graphql.variables: `$q` is declared non-null by the query but given no value",
        ]
    );
    // A non-null variable whose value may be absent.
    assert_eq!(
        problems(
            "ticket-create",
            &[(
                "mutation Create($input: TicketInput!) {",
                "mutation Create($input: TicketInput!, $device: ID!) { # $device\n              x(id: $device) { id }",
            ), (
                "          user_errors: /ticketCreate/userErrors",
                "            device: \"{device_id}\"\n          user_errors: /ticketCreate/userErrors",
            )]
        ),
        ["bindings.yaml: actions.ticket-create.requests[0].graphql.variables.device: `$device` is non-null (`!`) but its value may be absent; list the argument in `when` or make it required"]
    );
}

#[test]
fn a_mutation_says_where_its_user_errors_are() {
    assert_eq!(
        problems(
            "ticket-create",
            &[("          user_errors: /ticketCreate/userErrors\n", "")]
        ),
        ["bindings.yaml: actions.ticket-create.requests[0].graphql: a mutation answers its failures in `userErrors`; say where: `user_errors: /<payload>/userErrors`, selected in the query"]
    );
    assert_eq!(
        problems(
            "ticket-create",
            &[("                userErrors { field message code }\n", "")]
        ),
        ["bindings.yaml: actions.ticket-create.requests[0].graphql.user_errors: the query does not select `userErrors`"]
    );
    assert_eq!(
        problems(
            "ticket-create",
            &[("user_errors: /ticketCreate/userErrors", "user_errors: /ticketCreate/ticket/errors")]
        ),
        ["bindings.yaml: actions.ticket-create.requests[0].graphql.user_errors: `/ticketCreate/ticket/errors` is not `/<payload>/userErrors`: the runtime reads user errors in a top-level payload of `data`"]
    );
}

/// A 4xx naming a field the binding set itself is `refused`: form fields
/// and GraphQL variables (and input members) that hold the caller's
/// values are listed.
#[test]
fn form_and_graphql_bodies_list_the_callers_fields() {
    let note = connector(sources(), "call-note-log");
    assert!(
        note.contains(r#".caller_fields(["customer", "body", "tags", "follow_up"])"#),
        "{note}"
    );
    let order = connector(sources(), "order-status");
    assert_eq!(
        order.matches(r#".caller_fields(["q"])"#).count(),
        2,
        "{order}"
    );
    let ticket = connector(sources(), "ticket-create");
    assert!(
        ticket.contains(
            r#".caller_fields(["contactId", "subject", "body", "priority", "deviceId"])"#
        ),
        "{ticket}"
    );
}
