//! A tool promises only what its binding does (issue 9 item 4): result
//! fields a binding never fills leave that CRM's output schema and
//! connector, a field's values shrink to those the binding produces, and
//! template words that promise more are refused unless the binding says
//! how it differs.

use midcall::render::RenderOptions;
use midcall::source::Sources;
use midcall::Midcall;
use serde_json::Value;

fn render(sources: Sources, target: &str) -> Result<String, String> {
    let midcall = Midcall::new(sources).map_err(|e| e.to_string())?;
    midcall
        .generate(
            "hubspot",
            "ticket-status",
            &[target.to_string()],
            &RenderOptions::default(),
        )
        .map(|mut files| files.remove(0).contents)
        .map_err(|e| e.to_string())
}

fn bundled_text(rel: &str) -> String {
    Sources::bundled().get(rel).expect(rel).text.clone()
}

/// The bundled sources with one file's text changed.
fn with(rel: &str, edit: impl Fn(&str) -> String) -> Sources {
    let mut sources = Sources::bundled();
    let text = edit(&bundled_text(rel));
    sources.insert(rel, &format!("{rel} (edited)"), &text);
    sources
}

const TEMPLATE: &str = "templates/ticket-status/template.yaml";
const BINDINGS: &str = "specs/hubspot/bindings.yaml";

#[test]
fn hubspot_ticket_status_promises_only_what_its_binding_fills() {
    let mcp: Value = serde_json::from_str(&render(Sources::bundled(), "mcp").unwrap()).unwrap();
    let props = &mcp["outputSchema"]["properties"];
    // HubSpot has no latest-update text on a ticket: no such field.
    assert!(props.get("last_update").is_none(), "{props}");
    // Its stage map never says `resolved`: the schema does not either.
    assert_eq!(
        props["status"]["enum"],
        serde_json::json!(["new", "open", "waiting_on_customer", "closed"])
    );
    let description = mcp["description"].as_str().unwrap();
    assert!(!description.contains("latest open"), "{description}");
    assert!(!description.contains("latest update"), "{description}");
    let connector = render(Sources::bundled(), "connector").unwrap();
    assert!(!connector.contains("last_update"), "{connector}");
    assert!(connector.contains("pub status: Option<String>"));
}

#[test]
fn the_generic_definition_keeps_every_field_and_value() {
    let midcall = Midcall::bundled().unwrap();
    let files = midcall
        .generate_generic(
            "ticket-status",
            &["mcp".to_string()],
            &RenderOptions::default(),
        )
        .unwrap();
    let mcp: Value = serde_json::from_str(&files[0].contents).unwrap();
    let props = &mcp["outputSchema"]["properties"];
    assert!(props["last_update"].is_object(), "{props}");
    assert_eq!(props["status"]["enum"].as_array().map(Vec::len), Some(5));
}

#[test]
fn words_that_promise_an_unfilled_field_are_refused() {
    // Today's words before the fix: "the latest update".
    let sources = with(TEMPLATE, |t| {
        t.replace(
            "Tell them the status in plain words",
            "Tell them the status and the latest update in plain words",
        )
    });
    let err = render(sources, "mcp").unwrap_err();
    assert_eq!(err.lines().count(), 1, "{err}");
    for needle in [
        "bindings.yaml",
        "actions.ticket-status.response.fields.last_update",
        "HubSpot never fills `last_update`",
        "\"latest update\"",
        "actions.ticket-status.differs",
    ] {
        assert!(err.contains(needle), "`{needle}` not in: {err}");
    }
    // The field's name in words counts too.
    let sources = with(TEMPLATE, |t| {
        t.replace(
            "Let me look up that ticket.",
            "Let me find the last update.",
        )
    });
    let err = render(sources, "mcp").unwrap_err();
    assert!(
        err.contains("start line") && err.contains("\"last update\""),
        "{err}"
    );
}

#[test]
fn a_binding_that_says_how_it_differs_passes_and_says_it() {
    let mut sources = with(TEMPLATE, |t| {
        t.replace(
            "Tell them the status in plain words",
            "Tell them the status and the latest update in plain words",
        )
    });
    // ticket-status's own operation line (a line start: ticket-create's
    // precheck searches tickets too, further in).
    let bindings = bundled_text(BINDINGS).replacen(
        "\n    operation: POST /crm/v3/objects/tickets/search\n",
        "\n    operation: POST /crm/v3/objects/tickets/search\n    differs: HubSpot keeps no update text on a ticket, so there is no latest update to tell.\n",
        1,
    );
    sources.insert(BINDINGS, "bindings.yaml (edited)", &bindings);
    let mcp: Value = serde_json::from_str(&render(sources, "mcp").unwrap()).unwrap();
    let description = mcp["description"].as_str().unwrap();
    assert!(
        description.ends_with(
            "With HubSpot: HubSpot keeps no update text on a ticket, so there is no latest update to tell."
        ),
        "{description}"
    );
}

#[test]
fn a_value_the_template_does_not_list_or_a_raw_value_is_refused() {
    let sources = with(BINDINGS, |b| b.replace("\"4\": closed", "\"4\": done"));
    let err = render(sources, "mcp").unwrap_err();
    assert!(
        err.contains("fields.status") && err.contains("produces `done`"),
        "{err}"
    );
    let sources = with(BINDINGS, |b| {
        b.replace(
            "          pointer: /properties/hs_pipeline_stage\n          map:\n            \"1\": new\n            \"2\": waiting_on_customer\n            \"3\": open\n            \"4\": closed\n",
            "          /properties/hs_pipeline_stage\n",
        )
        .replace("        status:\n          /properties", "        status: /properties")
    });
    let err = render(sources, "mcp").unwrap_err();
    assert!(
        err.contains("fields.status") && err.contains("passes on the CRM's own values"),
        "{err}"
    );
}

fn zendesk(sources: Sources, template: &str, target: &str) -> String {
    let midcall = Midcall::new(sources).unwrap();
    midcall
        .generate(
            "zendesk",
            template,
            &[target.to_string()],
            &RenderOptions::default(),
        )
        .map(|mut files| files.remove(0).contents)
        .unwrap()
}

#[test]
fn an_alternative_argument_no_request_uses_leaves_the_tool() {
    // Zendesk's account-lookup searches organizations by name only: the
    // tool must not ask for a domain the connector would refuse.
    let mcp: Value =
        serde_json::from_str(&zendesk(Sources::bundled(), "account-lookup", "mcp")).unwrap();
    let input = &mcp["inputSchema"];
    assert!(input["properties"].get("domain").is_none(), "{input}");
    assert!(input["properties"]["company_name"].is_object(), "{input}");
    // One alternative left: it is required, in every target (an `anyOf`
    // of one is a `required` most platforms would not read).
    assert_eq!(input["required"], serde_json::json!(["company_name"]));
    assert!(input.get("anyOf").is_none(), "{input}");
    let vapi: Value =
        serde_json::from_str(&zendesk(Sources::bundled(), "account-lookup", "vapi")).unwrap();
    assert_eq!(
        vapi["function"]["parameters"]["required"],
        serde_json::json!(["company_name"])
    );
    let connector = zendesk(Sources::bundled(), "account-lookup", "connector");
    assert!(!connector.contains("pub domain"), "{connector}");
    assert!(
        connector.contains("I need the company name to do that."),
        "{connector}"
    );
    // Both alternatives used (contact-lookup): both stay.
    let mcp: Value =
        serde_json::from_str(&zendesk(Sources::bundled(), "contact-lookup", "mcp")).unwrap();
    assert!(mcp["inputSchema"]["properties"]["email"].is_object());
    assert!(mcp["inputSchema"]["properties"]["phone"].is_object());
    // A binding that searches by domain too keeps it.
    let sources = with("specs/zendesk/bindings.yaml", |b| {
        b.replace(
            "      - when: [company_name]\n        query: {name: \"{company_name}\"}\n",
            "      - when: [company_name]\n        query: {name: \"{company_name}\"}\n      - when: [domain]\n        query: {name: \"{domain}\"}\n",
        )
    });
    let mcp: Value = serde_json::from_str(&zendesk(sources, "account-lookup", "mcp")).unwrap();
    assert!(
        mcp["inputSchema"]["properties"]["domain"].is_object(),
        "{mcp}"
    );
}

fn generated(crm: &str, template: &str, target: &str) -> String {
    Midcall::bundled()
        .unwrap()
        .generate(
            crm,
            template,
            &[target.to_string()],
            &RenderOptions::default(),
        )
        .map(|mut files| files.remove(0).contents)
        .unwrap()
}

#[test]
fn a_natural_key_write_asks_for_the_keys_its_look_up_can_find() {
    // Stripe's contact-create looks customers up by email alone: the phone
    // is saved (a parameter still) but no longer makes a call on its own.
    let mcp: Value = serde_json::from_str(&generated("stripe", "contact-create", "mcp")).unwrap();
    let input = &mcp["inputSchema"];
    assert!(input["properties"]["phone"].is_object(), "{input}");
    assert_eq!(
        input["required"],
        serde_json::json!(["first_name", "last_name", "email"]),
        "{input}"
    );
    assert!(input.get("anyOf").is_none(), "{input}");
    assert!(
        mcp["description"]
            .as_str()
            .unwrap()
            .contains("With Stripe: Stripe keeps one full name per customer"),
        "{mcp}"
    );
    // Its answer is for the record it wrote or found: no first name (Stripe
    // keeps a full name), and the annotations of a keyed, additive write.
    assert!(
        mcp["outputSchema"]["properties"]
            .get("first_name")
            .is_none(),
        "{mcp}"
    );
    assert_eq!(
        mcp["annotations"],
        serde_json::json!({"title": "Contact creation", "readOnlyHint": false,
            "destructiveHint": false, "idempotentHint": true, "openWorldHint": true})
    );
    let connector = generated("stripe", "contact-create", "connector");
    assert!(
        connector.contains("I need the email to do that."),
        "{connector}"
    );
    assert!(
        connector.contains("pub phone: Option<String>"),
        "{connector}"
    );
    // HubSpot looks up by email or phone: both stay alternatives.
    let mcp: Value = serde_json::from_str(&generated("hubspot", "contact-create", "mcp")).unwrap();
    assert_eq!(
        mcp["inputSchema"]["anyOf"],
        serde_json::json!([{"required": ["email"]}, {"required": ["phone"]}])
    );
}

#[test]
fn an_optional_argument_no_request_uses_leaves_the_tool() {
    // Pipedrive's product search has no price or stock filter: a tool
    // offering `max_price` would let the assistant say "under 150 euros"
    // of products the connector never filtered.
    let mcp: Value =
        serde_json::from_str(&generated("pipedrive", "product-search", "mcp")).unwrap();
    let props = &mcp["inputSchema"]["properties"];
    assert!(props["query"].is_object(), "{props}");
    assert!(props.get("max_price").is_none(), "{props}");
    assert!(props.get("in_stock_only").is_none(), "{props}");
    let connector = generated("pipedrive", "product-search", "connector");
    assert!(!connector.contains("max_price"), "{connector}");
    // A cancellation's reason: Cal.com saves it (`cancellationReason`),
    // HighLevel has nowhere to put it.
    let calcom: Value =
        serde_json::from_str(&generated("calcom", "appointment-cancel", "mcp")).unwrap();
    assert!(
        calcom["inputSchema"]["properties"]["reason"].is_object(),
        "{calcom}"
    );
    let highlevel: Value =
        serde_json::from_str(&generated("gohighlevel", "appointment-cancel", "mcp")).unwrap();
    assert!(
        highlevel["inputSchema"]["properties"]
            .get("reason")
            .is_none(),
        "{highlevel}"
    );
}
