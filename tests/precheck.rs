//! `precheck:` and `{const: …}` in a binding: a natural-key write looks
//! its record up first. Checked like the operation itself, with one-line
//! errors naming the file and the place, and rendered as
//! `write_unless_found`.

use midcall::source::Sources;
use midcall::Midcall;

const BINDINGS: &str = include_str!("../specs/hubspot/bindings.yaml");

fn with(text: &str) -> Midcall {
    let mut sources = Sources::bundled();
    sources.insert("specs/hubspot/bindings.yaml", "b.yaml", text);
    Midcall::new(sources).unwrap()
}

/// The bindings with `f` applied to the contact-create action only.
fn edit_create(f: impl Fn(&str) -> String) -> String {
    let (before, create) = BINDINGS
        .split_once("  contact-create:\n")
        .expect("contact-create is bound");
    format!("{before}  contact-create:\n{}", f(create))
}

/// The precheck block of contact-create, as written in the bindings.
fn precheck_block() -> String {
    let create = BINDINGS.split_once("  contact-create:\n").unwrap().1;
    let start = create.find("    precheck:\n").unwrap();
    let end = create
        .find("    operation: POST /crm/v3/objects/contacts\n")
        .unwrap();
    create[start..end].to_string()
}

fn error(text: &str, template: &str) -> String {
    let msg = match with(text).action("hubspot", template) {
        Ok(_) => panic!("bindings were accepted:\n{text}"),
        Err(e) => e.to_string(),
    };
    assert_eq!(msg.lines().count(), 1, "{msg}");
    assert!(msg.starts_with("b.yaml"), "{msg}");
    msg
}

#[test]
fn the_bundled_contact_create_binding_resolves_with_its_precheck() {
    let action = Midcall::bundled()
        .unwrap()
        .action("hubspot", "contact-create")
        .unwrap();
    let midcall::call::Flow::WriteUnlessFound {
        lookup,
        write,
        same_time: None,
        found_when: None,
    } = &action.flow
    else {
        panic!("a precheck: {:?}", action.flow);
    };
    assert_eq!(
        lookup.call.operation(),
        "POST /crm/v3/objects/contacts/search"
    );
    assert_eq!(lookup.call.retry, midcall::call::Retry::Safe);
    assert_eq!(write.call.operation(), "POST /crm/v3/objects/contacts");
    assert_eq!(
        write.call.retry,
        midcall::call::Retry::Never,
        "the write itself is never retried"
    );
}

#[test]
fn a_precheck_on_a_read_template_is_refused() {
    let text = BINDINGS.replacen(
        "    retry_safe: true\n",
        &format!("    retry_safe: true\n{}", precheck_block()),
        1,
    );
    let msg = error(&text, "contact-lookup");
    assert!(
        msg.contains("actions.contact-lookup.precheck:")
            && msg.contains("only reads; a precheck guards a write"),
        "{msg}"
    );
}

#[test]
fn a_natural_key_template_without_a_precheck_is_refused() {
    let text = edit_create(|c| c.replace(&precheck_block(), ""));
    let msg = error(&text, "contact-create");
    assert!(
        msg.contains("actions.contact-create:")
            && msg.contains("natural-key")
            && msg.contains("email, phone")
            && msg.contains("add a `precheck`"),
        "{msg}"
    );
}

#[test]
fn a_constant_of_the_wrong_type_is_refused() {
    let text =
        edit_create(|c| c.replacen("created: { const: false }", "created: { const: \"no\" }", 1));
    let msg = error(&text, "contact-create");
    assert!(
        msg.contains("actions.contact-create.precheck.response.fields.created.const")
            && msg.contains("not a boolean"),
        "{msg}"
    );
    let text = edit_create(|c| c.replace("created: { const: true }", "created: { const: 1 }"));
    let msg = error(&text, "contact-create");
    assert!(
        msg.contains("actions.contact-create.response.fields.created.const"),
        "{msg}"
    );
    let text = edit_create(|c| c.replace("created: { const: true }", "created: { cnst: true }"));
    let msg = error(&text, "contact-create");
    assert!(
        msg.contains("actions.contact-create.response.fields.created.cnst")
            && msg.contains("is not a result field source (did you mean `const`?)"),
        "{msg}"
    );
}

#[test]
fn a_precheck_must_read() {
    let text = edit_create(|c| {
        c.replacen(
            "operation: POST /crm/v3/objects/contacts/search\n      retry_safe: true\n",
            "operation: POST /crm/v3/objects/contacts/search\n",
            1,
        )
    });
    let msg = error(&text, "contact-create");
    assert!(
        msg.contains("actions.contact-create.precheck.operation")
            && msg.contains("retry_safe: true"),
        "{msg}"
    );
    let text = edit_create(|c| {
        c.replacen(
            "operation: POST /crm/v3/objects/contacts/search\n      retry_safe: true\n",
            "operation: PATCH /crm/v3/objects/contacts/{contactId}\n",
            1,
        )
    });
    let msg = error(&text, "contact-create");
    assert!(
        msg.contains("actions.contact-create.precheck.operation") && msg.contains("must read"),
        "{msg}"
    );
}

#[test]
fn a_precheck_is_checked_against_the_spec_like_the_operation() {
    let text = edit_create(|c| {
        c.replacen(
            "/crm/v3/objects/contacts/search",
            "/crm/v3/objects/contacts/serch",
            1,
        )
    });
    let msg = error(&text, "contact-create");
    assert!(
        msg.contains("actions.contact-create.precheck.operation") && msg.contains("did you mean"),
        "{msg}"
    );
    let text = edit_create(|c| c.replacen("value: \"{email}\"", "value: \"{e_mail}\"", 1));
    let msg = error(&text, "contact-create");
    assert!(
        msg.contains(
            "actions.contact-create.precheck.requests[0].body.filterGroups[0].filters[0].value"
        ) && msg.contains("e_mail"),
        "{msg}"
    );
    let text = edit_create(|c| {
        c.replacen(
            "first_name: /properties/firstname",
            "first_name: /properties/first_name",
            1,
        )
    });
    let msg = error(&text, "contact-create");
    assert!(
        msg.contains("actions.contact-create.precheck.response.fields.first_name")
            && msg.contains("/results/0/properties/first_name"),
        "{msg}"
    );
    let text = edit_create(|c| c.replacen("          created: { const: false }\n", "", 1));
    let msg = error(&text, "contact-create");
    assert!(
        msg.contains("actions.contact-create.precheck.response.fields")
            && msg.contains("`created` is not mapped"),
        "{msg}"
    );
}

#[test]
fn a_precheck_has_no_precheck_of_its_own() {
    let text = edit_create(|c| {
        c.replacen(
            "      retry_safe: true\n",
            "      retry_safe: true\n      precheck: {}\n",
            1,
        )
    });
    let msg = error(&text, "contact-create");
    assert!(msg.contains("unknown field `precheck`"), "{msg}");
}

#[test]
fn an_idempotency_header_may_stand_beside_a_precheck_and_goes_on_the_write_only() {
    // HubSpot's bindings with the header added: accepted, and rendered on
    // the write alone (the look-up is a read).
    let text = edit_create(|c| {
        c.replacen(
            "    operation: POST /crm/v3/objects/contacts\n",
            "    operation: POST /crm/v3/objects/contacts\n    idempotency: {header: Idempotency-Key}\n",
            1,
        )
    });
    let files = with(&text)
        .generate(
            "hubspot",
            "contact-create",
            &["connector".into()],
            &Default::default(),
        )
        .expect("accepted");
    let code = &files[0].contents;
    let write = code.split_once("let write = ").expect("a write").1;
    let precheck = code.split_once("let write = ").unwrap().0;
    assert!(
        write.contains(".idempotency_key(\"Idempotency-Key\")"),
        "{code}"
    );
    assert!(!precheck.contains("idempotency_key"), "{code}");
    assert!(
        code.contains(".write_unless_found(precheck, \"/results/0\", write, \"\")"),
        "{code}"
    );
    // Stripe's bundled contact-create is such a binding.
    let stripe = Midcall::bundled()
        .unwrap()
        .generate(
            "stripe",
            "contact-create",
            &["connector".into()],
            &Default::default(),
        )
        .unwrap();
    let code = &stripe[0].contents;
    for snippet in [
        "Request::new(Method::Get, \"/v1/customers\")",
        "Request::new(Method::Post, \"/v1/customers\")\n        .idempotency_key(\"Idempotency-Key\")",
        ".form(",
        ".write_unless_found(precheck, \"/data/0\", write, \"\")",
    ] {
        assert!(code.contains(snippet), "{snippet} missing:\n{code}");
    }
}

#[test]
fn the_connector_looks_first_and_omits_absent_arguments() {
    let files = Midcall::bundled()
        .unwrap()
        .generate(
            "hubspot",
            "contact-create",
            &["connector".into()],
            &Default::default(),
        )
        .unwrap();
    let code = &files[0].contents;
    for snippet in [
        ".write_unless_found(precheck, \"/results/0\", write, \"\")",
        "Written::Found(record) => {",
        "created: Some(false),",
        "created: Some(true),",
        ".json_without_nulls(",
        "\"email\" : args.email.as_deref(),",
    ] {
        assert!(code.contains(snippet), "{snippet} missing:\n{code}");
    }
    // The search is a read; the create is sent as it is (never retried by the client).
    assert_eq!(code.matches(".retry_safe(true)").count(), 2, "{code}");
    assert!(!code.contains("idempotency_key"), "{code}");
}
