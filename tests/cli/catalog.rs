//! `gen list`, `gen show` and `gen assess`.

use serde_json::Value;

use super::Gen;

/// The CRMs whose `specs/<crm>/bindings.yaml` binds `template` (an entry
/// under `actions`), sorted.
fn bound_by(template: &str) -> Vec<String> {
    super::bound_actions()
        .into_iter()
        .filter(|(_, templates)| templates.iter().any(|t| t == template))
        .map(|(crm, _)| crm)
        .collect()
}

/// Exit 0; standard output.
fn ok(args: &[&str]) -> String {
    Gen::new().args(args).run().stdout
}

/// Exit 0; standard output as JSON.
fn json(args: &[&str]) -> Value {
    Gen::new().args(args).run().json()
}

/// Exit 2 and exactly one line on stderr holding every needle.
fn one_line_error(args: &[&str], needles: &[&str]) {
    Gen::new()
        .args(args)
        .one_line_error(needles.iter().copied())
        .run();
}

const ASSESS_SLOW: &[&str] = &[
    "assess",
    "--latency-ms",
    "9000",
    "--uptime",
    "99.9",
    "--payload-kb",
    "20",
    "--freshness",
    "seconds",
    "--frequency",
    "daily",
    "--criticality",
    "high",
];

fn assess_with(latency: &str) -> Vec<&str> {
    let mut args = ASSESS_SLOW.to_vec();
    args[2] = latency;
    args
}

#[test]
fn list_json_lists_every_template_with_category_and_access() {
    let list = json(&["list", "--json"]);
    let rows = list.as_array().expect("an array");
    assert!(rows.len() >= 26, "{}", rows.len());
    let find = |id: &str| {
        rows.iter()
            .find(|r| r["id"] == id)
            .unwrap_or_else(|| panic!("`{id}` not listed"))
    };
    let lookup = find("contact-lookup");
    assert_eq!(lookup["category"], "customer-service");
    assert_eq!(lookup["access"], "read");
    assert_eq!(lookup["tool"], "lookup_contact");
    let lookups = bound_by("contact-lookup");
    assert!(lookups.len() >= 11, "{lookups:?}");
    assert_eq!(lookup["crm_count"], lookups.len());
    assert_eq!(lookup["crms"], serde_json::json!(lookups));
    // contact-create: every system with a safe write (a natural key or an
    // idempotency key), HubSpot among them.
    let create = find("contact-create");
    assert_eq!(create["access"], "write");
    let creates = bound_by("contact-create");
    assert!(creates.contains(&"hubspot".to_string()), "{creates:?}");
    assert_eq!(create["crm_count"], creates.len());
    assert_eq!(create["crms"], serde_json::json!(creates));
    // account-verify: wherever a system keeps a second factor (HubSpot first).
    let verify = find("account-verify");
    assert!(
        verify["crms"]
            .as_array()
            .is_some_and(|c| c.contains(&serde_json::json!("hubspot"))),
        "{verify}"
    );
    let book = find("appointment-book");
    assert_eq!(book["category"], "sales");
    assert_eq!(book["access"], "write");
    let books = bound_by("appointment-book");
    assert!(books.contains(&"calcom".to_string()), "{books:?}");
    assert_eq!(book["crm_count"], books.len());
    assert_eq!(book["crms"], serde_json::json!(books));
    for id in [
        "account-verify",
        "order-status",
        "shipment-tracking",
        "device-config-lookup",
        "known-issue-search",
        "ticket-create",
        "ticket-status",
        "invoice-lookup",
        "payment-status",
        "payment-reminder-send",
        "payment-plan-create",
        "lead-qualify",
        "account-lookup",
        "appointment-availability",
        "appointment-reschedule",
        "appointment-cancel",
        "product-search",
        "inventory-check",
        "delivery-estimate",
        "order-create",
        "payment-link-send",
        "shipping-options",
        "warranty-check",
        "repair-status",
        "return-create",
        "call-note-log",
        "contact-create",
    ] {
        let row = find(id);
        assert!(
            row["category"].is_string() && row["access"].is_string(),
            "{row}"
        );
        assert!(!row["summary"].as_str().unwrap_or("").is_empty(), "{row}");
    }
}

#[test]
fn list_filters_by_access_and_category() {
    let writes = json(&["list", "--access", "write", "--json"]);
    let writes = writes.as_array().expect("an array");
    assert!(!writes.is_empty());
    assert!(writes.iter().all(|r| r["access"] == "write"), "{writes:?}");
    assert!(writes.iter().any(|r| r["id"] == "appointment-book"));

    let table = ok(&["list", "--access", "write"]);
    assert!(table.contains("appointment-book"), "{table}");
    assert!(!table.contains("contact-lookup"), "{table}");
    assert!(!table.contains(" read "), "{table}");

    let billing = json(&["list", "--category", "billing", "--json"]);
    let billing = billing.as_array().expect("an array");
    assert_eq!(billing.len(), 4, "{billing:?}");
    assert!(billing.iter().all(|r| r["category"] == "billing"));
}

#[test]
fn list_is_a_readable_table_and_deterministic() {
    let a = ok(&["list"]);
    assert_eq!(a, ok(&["list"]));
    let header = a.lines().next().unwrap_or_default();
    for col in ["ID", "CATEGORY", "ACCESS", "CRMS", "SUMMARY"] {
        assert!(header.contains(col), "{header}");
    }
    let row = a
        .lines()
        .find(|l| l.starts_with("contact-lookup "))
        .expect("a contact-lookup row");
    assert!(
        row.contains("customer-service")
            && row.contains("read")
            && row.contains(&format!(" {} ", bound_by("contact-lookup").len())),
        "{row}"
    );
}

#[test]
fn show_explains_appointment_book_and_renders_an_example() {
    let text = ok(&["show", "appointment-book"]);
    for needle in [
        "appointment-book",
        "category: sales",
        "access: write",
        "book_appointment",
        "Parameters:",
        "start (string, format date-time; required)",
        "Result fields",
        "Idempotency: natural-key",
        "Supported by: calcom",
        "Example: mcp.json for calcom",
        "read the weekday",
        "highly suitable",
    ] {
        assert!(text.contains(needle), "`{needle}` missing:\n{text}");
    }
    // The example is a real MCP tool definition at the end.
    let start = text.find("\n{").expect("a rendered example");
    let tool: Value = serde_json::from_str(&text[start..]).expect("the example is JSON");
    assert_eq!(tool["name"], "book_appointment");
    assert_eq!(tool["annotations"]["readOnlyHint"], false);
    assert!(tool["inputSchema"]["properties"]["start"].is_object());
}

#[test]
fn show_uses_a_supporting_crm_when_there_is_one() {
    let text = ok(&["show", "contact-lookup"]);
    let lookups = bound_by("contact-lookup");
    let supported = format!("Supported by: {}", lookups.join(", "));
    assert!(text.contains(&supported), "`{supported}` missing:\n{text}");
    // The first supporting CRM gives the example.
    assert!(text.contains(&format!("for {}", lookups[0])), "{text}");
    let shown = json(&["show", "contact-lookup", "--json"]);
    assert_eq!(shown["crms"], serde_json::json!(lookups));
    assert_eq!(shown["example"]["crm"], lookups[0].as_str());
    assert_eq!(shown["example"]["definition"]["name"], "lookup_contact");
    assert_eq!(shown["template"]["profile"]["freshness"], "minutes");
}

#[test]
fn assess_names_latency_when_too_slow() {
    let text = ok(ASSESS_SLOW);
    let verdict = text
        .lines()
        .find(|l| l.starts_with("Verdict:"))
        .expect("a verdict line");
    assert!(verdict.starts_with("Verdict: not suitable."), "{verdict}");
    assert!(verdict.contains("API response time"), "{verdict}");
    assert!(text.contains("Instead:"), "{text}");

    let mut args = ASSESS_SLOW.to_vec();
    args.push("--json");
    let a = json(&args);
    assert_eq!(a["verdict"], "not-suitable");
    assert_eq!(a["ratings"][1]["criterion"], "latency");
    assert_eq!(a["ratings"][1]["suitability"], "not-suitable");
    assert_eq!(a["ratings"][0]["suitability"], "highly-suitable");
}

#[test]
fn assess_inside_every_threshold_is_highly_suitable() {
    let text = ok(&assess_with("800"));
    assert!(text.contains("Verdict: highly suitable."), "{text}");
    assert!(!text.contains("Instead:"), "{text}");
    // 5 s sits in the middle column.
    let text = ok(&assess_with("5000"));
    assert!(text.contains("Verdict: moderately suitable."), "{text}");
}

#[test]
fn assess_reads_a_templates_profile() {
    let a = json(&["assess", "--template", "order-status", "--json"]);
    assert_eq!(a["template"], "order-status");
    assert_eq!(a["profile"]["freshness"], "minutes");
    assert_eq!(a["ratings"].as_array().map(Vec::len), Some(6));
}

#[test]
fn unknown_ids_and_bad_flag_values_give_one_line_with_the_choices() {
    one_line_error(
        &["show", "appointment-bok"],
        &[
            "unknown template `appointment-bok`",
            "did you mean `appointment-book`",
            "valid: ",
        ],
    );
    one_line_error(
        &["assess", "--template", "nope"],
        &["unknown template `nope`", "contact-lookup"],
    );
    one_line_error(
        &["list", "--access", "delete"],
        &["`delete`", "--access", "valid: read, write"],
    );
    one_line_error(
        &["list", "--category", "marketing"],
        &[
            "`marketing`",
            "customer-service, technical-support, billing, sales, e-commerce, after-sales",
        ],
    );
    let mut args = ASSESS_SLOW.to_vec();
    args[10] = "hourly";
    one_line_error(
        &args,
        &["`hourly`", "--frequency", "daily, weekly, monthly"],
    );
    let mut args = ASSESS_SLOW.to_vec();
    args[8] = "hourly";
    one_line_error(
        &args,
        &[
            "--freshness",
            "seconds, minutes, hours, daily, weeks, months",
        ],
    );
    let mut args = ASSESS_SLOW.to_vec();
    args[4] = "120";
    one_line_error(&args, &["--uptime", "0 to 100"]);
    one_line_error(
        &["assess", "--template", "order-status", "--uptime", "99"],
        &["--template", "--uptime"],
    );
}
