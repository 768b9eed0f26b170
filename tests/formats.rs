//! The template and bindings formats: every bundled file loads, and bad
//! files get one-line errors that name the file and the place.

use midcall::source::Sources;
use midcall::{catalog, Midcall};

const TEMPLATE: &str = include_str!("../templates/contact-lookup/template.yaml");
const BINDINGS: &str = include_str!("../specs/hubspot/bindings.yaml");

#[test]
fn every_bundled_template_and_binding_resolves() {
    let midcall = Midcall::bundled().unwrap();
    let crms = midcall.crm_ids();
    assert!(crms.contains(&"hubspot".to_string()));
    for id in midcall.template_ids() {
        catalog::load(&midcall.sources, &id).unwrap();
    }
    for (crm, template) in midcall.bound_pairs().unwrap() {
        midcall.action(&crm, &template).unwrap();
    }
}

fn template_error(text: &str) -> String {
    let e = catalog::parse(text, "t.yaml", Some("contact-lookup")).unwrap_err();
    let msg = e.to_string();
    assert_eq!(msg.lines().count(), 1, "{msg}");
    assert!(msg.starts_with("t.yaml"), "{msg}");
    msg
}

#[test]
fn template_errors_name_the_place() {
    let msg = template_error(&TEMPLATE.replace("access: read", "access: read\ncolour: blue"));
    assert!(msg.contains("unknown field `colour`"), "{msg}");
    assert!(msg.starts_with("t.yaml:"), "line and column: {msg}");

    let msg = template_error(&TEMPLATE.replace("name: lookup_contact", "name: Lookup-Contact"));
    assert!(msg.contains("tool.name"), "{msg}");

    let msg = template_error(&TEMPLATE.replace("id: contact-lookup", "id: other-id"));
    assert!(msg.contains("folder name"), "{msg}");

    let msg =
        template_error(&TEMPLATE.replace("category: customer-service", "category: marketing"));
    assert!(msg.contains("marketing"), "{msg}");

    let msg = template_error(&TEMPLATE.replace(
        "at_least_one_of: [email, phone]",
        "at_least_one_of: [email, fax]",
    ));
    assert!(
        msg.contains("tool.at_least_one_of") && msg.contains("fax"),
        "{msg}"
    );

    let msg = template_error(&TEMPLATE.replace("timeout_ms: 3000", "timeout_ms: 90000"));
    assert!(msg.contains("limits.timeout_ms"), "{msg}");

    let msg = template_error("");
    assert!(msg.contains("empty"), "{msg}");
}

fn binding_error(text: &str) -> String {
    let mut sources = Sources::bundled();
    sources.insert("specs/hubspot/bindings.yaml", "b.yaml", text);
    let midcall = Midcall::new(sources).unwrap();
    let msg = match midcall.action("hubspot", "contact-lookup") {
        Ok(_) => panic!("bindings were accepted:\n{text}"),
        Err(e) => e.to_string(),
    };
    assert_eq!(msg.lines().count(), 1, "{msg}");
    assert!(msg.starts_with("b.yaml"), "{msg}");
    msg
}

#[test]
fn binding_errors_name_the_place() {
    let msg = binding_error(&BINDINGS.replace("/properties/firstname", "/properties/first_name"));
    assert!(
        msg.contains("actions.contact-lookup.response.fields.first_name")
            && msg.contains("/results/0/properties/first_name"),
        "{msg}"
    );

    let msg = binding_error(&BINDINGS.replace("value: \"{email}\"", "value: \"{e_mail}\""));
    assert!(
        msg.contains("requests[0].body") && msg.contains("e_mail"),
        "{msg}"
    );

    let msg = binding_error(&BINDINGS.replace("value: \"{email}\"", "value: \"{email\""));
    assert!(msg.contains("unclosed"), "{msg}");

    let msg = binding_error(&BINDINGS.replace("        company: /properties/company\n", ""));
    assert!(msg.contains("`company` is not mapped"), "{msg}");

    let msg = binding_error(&BINDINGS.replace("env: HUBSPOT_ACCESS_TOKEN", "env: hubspot-token"));
    assert!(msg.contains("auth.env"), "{msg}");

    let msg = binding_error(&BINDINGS.replace("scheme: bearer", "scheme: magic"));
    assert!(msg.contains("magic"), "{msg}");

    let msg = binding_error(&BINDINGS.replace("contact-lookup:", "ticket-create:"));
    assert!(
        msg.contains("no binding for template `contact-lookup`"),
        "{msg}"
    );
}

#[test]
fn a_path_binding_is_checked_against_the_spec() {
    // getContact has a path parameter; binding it from an optional argument
    // that may be absent is refused.
    let text = BINDINGS
        .replace(
            "operation: POST /crm/v3/objects/contacts/search",
            "operation: GET /crm/v3/objects/contacts/{contactId}",
        )
        .replace("retry_safe: true", "retry_safe: true\n    # get");
    let text = {
        let start = text.find("    requests:").unwrap();
        let end = text.find("    response:").unwrap();
        format!(
            "{}    requests:\n      - path: {{contactId: \"{{email}}\"}}\n        query: {{idProperty: email}}\n{}",
            &text[..start],
            &text[end..]
        )
    }
    .replace("record: /results/0", "record: \"\"");
    let msg = binding_error(&text);
    assert!(
        msg.contains("requests[0].path.contactId") && msg.contains("optional"),
        "{msg}"
    );

    let fixed = text.replace("- path:", "- when: [email]\n        path:");
    let mut sources = Sources::bundled();
    sources.insert("specs/hubspot/bindings.yaml", "b.yaml", &fixed);
    let midcall = Midcall::new(sources).unwrap();
    let files = midcall
        .generate(
            "hubspot",
            "contact-lookup",
            &["connector".into()],
            &Default::default(),
        )
        .unwrap();
    let code = &files[0].contents;
    assert!(
        squash(code).contains(&squash(
            r#"["/crm/v3/objects/contacts/", encode_path_segment(email).as_str()].concat()"#
        )),
        "{code}"
    );
    assert!(code.contains(r#".query("idProperty", "email")"#), "{code}");
}

#[test]
fn an_auth_the_operation_does_not_accept_is_refused() {
    let msg = binding_error(&BINDINGS.replace(
        "scheme: bearer\n  env: HUBSPOT_ACCESS_TOKEN",
        "scheme: header\n  header: X-Api-Key\n  env: HUBSPOT_ACCESS_TOKEN",
    ));
    assert!(
        msg.contains("b.yaml: auth:") && msg.contains("oauth2 (bearer token)"),
        "{msg}"
    );
}

/// The ticket-status binding with `edit` applied to its text, resolved.
fn ticket_status(edit: impl Fn(&str) -> String) -> Result<Midcall, String> {
    let text = edit(BINDINGS);
    assert_ne!(text, BINDINGS, "the edit changed nothing");
    let mut sources = Sources::bundled();
    sources.insert("specs/hubspot/bindings.yaml", "b.yaml", &text);
    let midcall = Midcall::new(sources).map_err(|e| e.to_string())?;
    match midcall.action("hubspot", "ticket-status") {
        Ok(_) => Ok(midcall),
        Err(e) => Err(e.to_string()),
    }
}

fn ticket_status_error(edit: impl Fn(&str) -> String) -> String {
    let msg = match ticket_status(edit) {
        Ok(_) => panic!("the edited ticket-status binding was accepted"),
        Err(msg) => msg,
    };
    assert_eq!(msg.lines().count(), 1, "{msg}");
    assert!(msg.starts_with("b.yaml"), "{msg}");
    msg
}

#[test]
fn a_value_map_is_checked_against_the_spec_and_the_field_type() {
    let msg = ticket_status_error(|b| b.replace("\"4\": closed", "\"4\": 4"));
    assert!(
        msg.contains(r#"actions.ticket-status.response.fields.status.map."4""#)
            && msg.contains("`4` is not a string"),
        "{msg}"
    );

    let msg = ticket_status_error(|b| {
        b.replace(
            "pointer: /properties/hs_pipeline_stage",
            "pointer: /properties/hs_stage",
        )
    });
    assert!(
        msg.contains("actions.ticket-status.response.fields.status.pointer")
            && msg.contains("nothing at `/results/0/properties/hs_stage`"),
        "{msg}"
    );

    let msg = ticket_status_error(|b| {
        b.replace(
            "\"4\": closed\n",
            "\"4\": closed\n          default: true\n",
        )
    });
    assert!(
        msg.contains("fields.status.default") && msg.contains("`true` is not a string"),
        "{msg}"
    );

    let msg = ticket_status_error(|b| {
        b.replace("          map:\n", "          map: {}\n          old:\n")
    });
    assert!(msg.contains("unknown field `old`"), "{msg}");

    let msg = ticket_status_error(|b| {
        let start = b.find("          map:\n").unwrap();
        let end = b.find("        subject: /properties/subject").unwrap();
        format!("{}          map: {{}}\n{}", &b[..start], &b[end..])
    });
    assert!(
        msg.contains("fields.status.map") && msg.contains("maps no value"),
        "{msg}"
    );

    let msg = ticket_status_error(|b| b.replace("\"3\": open", "\"\": open"));
    assert!(msg.contains(r#"fields.status.map."""#), "{msg}");
}

#[test]
fn a_value_map_renders_a_sorted_table_with_its_default() {
    // Unquoted YAML number keys are the text of the number.
    let midcall = ticket_status(|b| {
        b.replace("\"1\": new", "1: new").replace(
            "\"4\": closed\n",
            "\"4\": closed\n          default: open\n",
        )
    })
    .unwrap();
    let files = midcall
        .generate(
            "hubspot",
            "ticket-status",
            &["connector".into()],
            &Default::default(),
        )
        .unwrap();
    let code = &files[0].contents;
    assert!(
        squash(code).contains(&squash(r#"status: project::mapped(record, "/properties/hs_pipeline_stage", &[("1", "new"), ("2", "waiting_on_customer"), ("3", "open"), ("4", "closed"),], Some("open"),).map(str::to_string),"#)),
        "{code}"
    );
}

#[test]
fn an_integer_value_map_holds_i64_only() {
    let template = include_str!("../templates/ticket-status/template.yaml").replace(
        "    type: string\n    description: Where the ticket stands.\n    values: [new, open, waiting_on_customer, resolved, closed]\n",
        "    type: integer\n    description: Where the ticket stands.\n",
    );
    let resolve = |map: &str| {
        let mut sources = Sources::bundled();
        sources.insert("templates/ticket-status/template.yaml", "t.yaml", &template);
        let bindings = BINDINGS
            .replace("\"1\": new", &format!("\"1\": {map}"))
            .replace("\"2\": waiting_on_customer", "\"2\": 2")
            .replace("\"3\": open", "\"3\": 3")
            .replace("\"4\": closed", "\"4\": 4");
        sources.insert("specs/hubspot/bindings.yaml", "b.yaml", &bindings);
        let midcall = Midcall::new(sources).unwrap();
        midcall
            .generate(
                "hubspot",
                "ticket-status",
                &["connector".into()],
                &Default::default(),
            )
            .map(|files| files[0].contents.clone())
            .map_err(|e| e.to_string())
    };
    let code = resolve("1").unwrap();
    assert!(
        squash(&code).contains(&squash(
            r#"&[("1", 1i64), ("2", 2i64), ("3", 3i64), ("4", 4i64)], None,),"#
        )),
        "{code}"
    );
    let msg = resolve("18446744073709551615").unwrap_err();
    assert!(
        msg.contains(r#"fields.status.map."1""#) && msg.contains("is not an integer"),
        "{msg}"
    );
}

/// The code without whitespace, so a check of emitted tokens does not
/// depend on how the printer lays them out.
fn squash(code: &str) -> String {
    code.chars().filter(|c| !c.is_whitespace()).collect()
}
