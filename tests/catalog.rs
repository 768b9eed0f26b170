//! The catalogue test: every bundled template loads and keeps the
//! catalogue's rules, and each rule is shown to fail on a bad template.

use std::collections::BTreeSet;

use midcall::assess::Suitability;
use midcall::catalog::{self, Access, Category, Template};
use midcall::source::Sources;

/// The brief's scenarios, one template each: (id, category, access).
const SCENARIOS: &[(&str, &str, &str)] = &[
    ("contact-lookup", "customer-service", "read"),
    ("account-verify", "customer-service", "read"),
    ("order-status", "customer-service", "read"),
    ("shipment-tracking", "customer-service", "read"),
    ("call-note-log", "customer-service", "write"),
    ("contact-create", "customer-service", "write"),
    ("device-config-lookup", "technical-support", "read"),
    ("known-issue-search", "technical-support", "read"),
    ("ticket-create", "technical-support", "write"),
    ("ticket-status", "technical-support", "read"),
    ("invoice-lookup", "billing", "read"),
    ("payment-status", "billing", "read"),
    ("payment-reminder-send", "billing", "write"),
    ("payment-plan-create", "billing", "write"),
    ("lead-qualify", "sales", "write"),
    ("account-lookup", "sales", "read"),
    ("appointment-availability", "sales", "read"),
    ("appointment-book", "sales", "write"),
    ("appointment-reschedule", "sales", "write"),
    ("appointment-cancel", "sales", "write"),
    ("product-search", "e-commerce", "read"),
    ("inventory-check", "e-commerce", "read"),
    ("delivery-estimate", "e-commerce", "read"),
    ("order-create", "e-commerce", "write"),
    ("payment-link-send", "e-commerce", "write"),
    ("shipping-options", "e-commerce", "read"),
    ("warranty-check", "after-sales", "read"),
    ("repair-status", "after-sales", "read"),
    ("spare-part-check", "after-sales", "read"),
    ("return-create", "after-sales", "write"),
];

fn all() -> Vec<Template> {
    match catalog::load_all(&Sources::bundled()) {
        Ok(t) => t,
        Err(e) => panic!("a bundled template does not load: {e}"),
    }
}

#[test]
fn every_scenario_of_the_brief_has_its_template() {
    let templates = all();
    for (id, category, access) in SCENARIOS {
        let Some(t) = templates.iter().find(|t| t.id == *id) else {
            panic!("no template `{id}`");
        };
        assert_eq!(t.category.as_str(), *category, "{id}");
        assert_eq!(t.access.as_str(), *access, "{id}");
    }
    // Every one of the six families is served.
    let served: BTreeSet<Category> = templates.iter().map(|t| t.category).collect();
    assert_eq!(served.len(), Category::ALL.len(), "{served:?}");
}

#[test]
fn the_catalogue_keeps_its_rules() {
    let templates = all();
    let problems = catalog::catalogue_problems(&templates);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    for t in &templates {
        // Re-run the per-template checks explicitly (load ran them too).
        if let Err(e) = catalog::check(t, &t.id, Some(&t.id)) {
            panic!("{e}");
        }
        assert!(
            (3..=8).contains(&t.result.len()),
            "{}: returns 3 to 8 fields, has {}",
            t.id,
            t.result.len()
        );
        if t.access == Access::Write {
            assert!(t.idempotency.is_some(), "{}", t.id);
        }
        assert!(t.limits.timeout_ms <= 8000, "{}", t.id);
        let verdict = midcall::assess::assess(&t.profile).verdict;
        assert_ne!(verdict, Suitability::NotSuitable, "{}", t.id);
    }
}

#[test]
fn every_template_renders_every_tool_definition() {
    let midcall = match midcall::Midcall::bundled() {
        Ok(m) => m,
        Err(e) => panic!("{e}"),
    };
    let options = midcall::render::RenderOptions::default();
    for t in all() {
        let files = match midcall.generate_generic(&t.id, &[], &options) {
            Ok(f) => f,
            Err(e) => panic!("{}: {e}", t.id),
        };
        assert!(files.len() >= 3, "{}: {files:?}", t.id);
        for f in &files {
            let v: serde_json::Value = match serde_json::from_str(&f.contents) {
                Ok(v) => v,
                Err(e) => panic!("{} {}: {e}", t.id, f.file_name),
            };
            // The tool name is in every definition, wherever the platform keeps it.
            let name = [&v["name"], &v["function"]["name"]]
                .into_iter()
                .find_map(|n| n.as_str())
                .unwrap_or_default();
            assert_eq!(name, t.tool.name, "{} {}", t.id, f.file_name);
        }
    }
}

/// A correct write template, to be broken one rule at a time.
const GOOD_WRITE: &str = r#"
id: thing-create
title: Thing
category: sales
summary: Creates a thing. Writes.
access: write
intent: {entities: [thing], action: create}
tool:
  name: create_thing
  description: >-
    Create a thing. Before calling, read the details back to the caller and
    call only after they confirm with an explicit yes.
  parameters:
    - name: label
      type: string
      required: true
      description: The thing's label.
speech: {start: One moment., delayed: Still working., failed: Sorry.}
result:
  - {name: thing_id, type: string, description: The id; never read it aloud.}
  - {name: label, type: string, description: The label saved.}
  - {name: created, type: boolean, description: False when it existed.}
profile: {freshness: seconds, latency_ms: 500, uptime: 99.9, payload_kb: 1, frequency: daily, criticality: high}
idempotency: {kind: natural-key, key: [label], note: A repeat finds the thing by label.}
"#;

fn parse(text: &str) -> Result<Template, String> {
    catalog::parse(text, "t.yaml", Some("thing-create")).map_err(|e| e.to_string())
}

fn rejected(text: &str, needles: &[&str]) {
    match parse(text) {
        Ok(_) => panic!("accepted:\n{text}"),
        Err(msg) => {
            assert_eq!(msg.lines().count(), 1, "{msg}");
            assert!(msg.starts_with("t.yaml"), "{msg}");
            for n in needles {
                assert!(msg.contains(n), "`{n}` missing in: {msg}");
            }
        }
    }
}

#[test]
fn the_checker_fails_on_bad_templates() {
    assert!(parse(GOOD_WRITE).is_ok(), "{:?}", parse(GOOD_WRITE).err());

    // A write template without the confirmation instruction.
    rejected(
        &GOOD_WRITE.replace("read the details back", "tell"),
        &["tool.description", "confirm"],
    );
    rejected(
        &GOOD_WRITE.replace("confirm with an explicit yes", "agree"),
        &["tool.description"],
    );
    // A write template without idempotency; a read template with one.
    let no_idem: String = GOOD_WRITE
        .lines()
        .filter(|l| !l.starts_with("idempotency"))
        .collect::<Vec<_>>()
        .join("\n");
    rejected(&no_idem, &["idempotency", "write template"]);
    rejected(
        &GOOD_WRITE.replace("access: write", "access: read"),
        &["idempotency", "read template"],
    );
    rejected(
        &GOOD_WRITE.replace("key: [label]", "key: [colour]"),
        &["idempotency.key[0]", "colour"],
    );
    rejected(
        &GOOD_WRITE.replace("kind: natural-key", "kind: none"),
        &["idempotency.key"],
    );
    rejected(
        &GOOD_WRITE.replace("kind: natural-key", "kind: maybe"),
        &["maybe"],
    );
    // A parameter without a description.
    rejected(
        &GOOD_WRITE.replace("description: The thing's label.", "description: ' '"),
        &["tool.parameters[0]", "no description"],
    );
    // A category outside the six.
    rejected(
        &GOOD_WRITE.replace("category: sales", "category: marketing"),
        &["marketing"],
    );
    // A bad profile value names the line.
    rejected(
        &GOOD_WRITE.replace("freshness: seconds", "freshness: hourly"),
        &["t.yaml:", "hourly"],
    );
    rejected(
        &GOOD_WRITE.replace("uptime: 99.9", "uptime: 120"),
        &["profile", "uptime"],
    );
    // A missing profile.
    rejected(
        &GOOD_WRITE
            .lines()
            .filter(|l| !l.starts_with("profile"))
            .collect::<Vec<_>>()
            .join("\n"),
        &["profile"],
    );
    // A format some platform rejects; a deadline the brief rules out.
    rejected(
        &GOOD_WRITE.replace(
            "type: string\n      required",
            "type: string\n      format: uri\n      required",
        ),
        &["format", "uri"],
    );
    rejected(
        &format!("{GOOD_WRITE}limits: {{timeout_ms: 9000}}\n"),
        &["limits.timeout_ms"],
    );
}

#[test]
fn the_catalogue_rules_fail_on_bad_catalogues() {
    let good = match parse(GOOD_WRITE) {
        Ok(t) => t,
        Err(e) => panic!("{e}"),
    };
    assert!(catalog::catalogue_problems(std::slice::from_ref(&good)).is_empty());

    // Duplicate ids and tool names.
    let problems = catalog::catalogue_problems(&[good.clone(), good.clone()]);
    assert!(
        problems.iter().any(|p| p.contains("appears 2 times")),
        "{problems:?}"
    );
    assert!(
        problems.iter().any(|p| p.contains("both name their tool")),
        "{problems:?}"
    );

    // A tool name some platform rejects (built past the per-file check).
    let mut long = good.clone();
    long.tool.name = "create_a_thing_with_a_name_longer_than_forty".to_string();
    let problems = catalog::catalogue_problems(&[long]);
    assert!(problems.iter().any(|p| p.contains("vapi")), "{problems:?}");

    // Too few result fields.
    let mut thin = good.clone();
    thin.result.truncate(1);
    let problems = catalog::catalogue_problems(&[thin]);
    assert!(
        problems.iter().any(|p| p.contains("result")),
        "{problems:?}"
    );

    // A profile the brief rates not suitable.
    let mut slow = good;
    slow.profile.latency_ms = 9000;
    let problems = catalog::catalogue_problems(&[slow]);
    assert!(
        problems.iter().any(|p| p.contains("not suitable")),
        "{problems:?}"
    );
}

#[test]
fn text_cut_short_is_refused() {
    // A description that ends mid-sentence, in every place the caller or
    // the LLM reads.
    rejected(
        &GOOD_WRITE.replace(
            "description: The thing's label.",
            "description: The thing's",
        ),
        &["tool.parameters[0].description", "mid-sentence"],
    );
    rejected(
        &GOOD_WRITE.replace(
            "description: The label saved.",
            "description: The label saved without the",
        ),
        &["result[1].description"],
    );
    rejected(
        &GOOD_WRITE.replace(
            "note: A repeat finds the thing by label.",
            "note: A repeat finds the thing by label or",
        ),
        &["idempotency.note"],
    );
    // A ` #` in a plain scalar: YAML drops the rest as a comment.
    rejected(
        &GOOD_WRITE.replace(
            "description: The thing's label.",
            "description: The thing's label without a leading #.",
        ),
        &["t.yaml:", "YAML comment"],
    );
    // Values listed in prose cannot be narrowed per CRM: `values:` can.
    rejected(
        &GOOD_WRITE.replace(
            "description: The label saved.",
            "description: One of red or blue.",
        ),
        &["result[1].description", "values:"],
    );
    assert!(parse(&GOOD_WRITE.replace(
        "description: The label saved.}",
        "description: The colour., values: [red, blue]}",
    ))
    .is_ok());
    rejected(
        &GOOD_WRITE.replace(
            "description: The label saved.}",
            "description: The colour., values: [red, red]}",
        ),
        &["result[1].values"],
    );
    // Quoted, the same text is whole.
    assert!(parse(&GOOD_WRITE.replace(
        "description: The thing's label.",
        "description: \"The thing's label without a leading #.\"",
    ))
    .is_ok());
}

/// `grep -rn ' #' templates/*/template.yaml` finds no comment inside a
/// plain scalar: checked on the files themselves, not only on what loads.
#[test]
fn no_template_file_has_a_comment_inside_a_plain_scalar() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
    let mut checked = 0;
    for entry in std::fs::read_dir(&root).unwrap() {
        let file = entry.unwrap().path().join("template.yaml");
        let Ok(text) = std::fs::read_to_string(&file) else {
            continue;
        };
        checked += 1;
        if let Some((line, column)) = catalog::comment_after_plain_scalar(&text) {
            panic!("{}:{line}:{column}: a comment cuts a value", file.display());
        }
    }
    assert!(checked >= 30, "{checked}");
}

/// Every pattern in the catalogue is one the connectors can run: it
/// compiles in the `regex` crate the runtime checks arguments with, keeps
/// to what ECMA-262 (the platforms' JSON Schema) reads the same way, and
/// accepts the parameter's own example while refusing a value with an
/// injected clause.
#[test]
fn every_catalogue_pattern_compiles_for_the_runtime() {
    let mut seen = 0;
    for t in all() {
        for p in &t.tool.parameters {
            let Some(pattern) = &p.pattern else { continue };
            seen += 1;
            let re = regex::Regex::new(pattern)
                .unwrap_or_else(|e| panic!("{}: `{}`: {e}", t.id, p.name));
            assert_eq!(
                catalog::pattern_problem(pattern),
                None,
                "{}: {}",
                t.id,
                p.name
            );
            if let Some(serde_json::Value::String(example)) = &p.example {
                assert!(
                    re.is_match(example),
                    "{}: {} example {example}",
                    t.id,
                    p.name
                );
            }
            assert!(!re.is_match("x' OR 1=1"), "{}: {}", t.id, p.name);
        }
    }
    assert!(seen >= 8, "only {seen} patterns in the catalogue");
}

#[test]
fn patterns_the_runtime_would_read_differently_are_refused() {
    let with = |pattern: &str| {
        GOOD_WRITE.replace(
            "      required: true\n      description: The thing's label.",
            &format!("      required: true\n      pattern: '{pattern}'\n      description: The thing's label."),
        )
    };
    assert!(parse(&with("^[A-Z]{2}$")).is_ok());
    assert!(parse(&with("^(?:ab)+(?<tail>c)?$")).is_ok());
    rejected(
        &with("^(?=a)b$"),
        &["tool.parameters[0].pattern", "lookaround"],
    );
    rejected(
        &with("^(a)\\1$"),
        &["tool.parameters[0].pattern", "connectors can run"],
    );
    rejected(
        &with("^\\d+$"),
        &["tool.parameters[0].pattern", "`\\d`", "[0-9]"],
    );
    rejected(&with("^\\w+\\b"), &["`\\w`"]);
    rejected(&with("(?i)^abc$"), &["`(?…)`"]);
    rejected(&with("^(?P<x>a)$"), &["`(?…)`"]);
    // Constraints on text only.
    rejected(
        &GOOD_WRITE.replace(
            "      type: string\n      required: true",
            "      type: integer\n      pattern: '^[0-9]+$'\n      required: true",
        ),
        &["tool.parameters[0]", "apply to strings"],
    );
}
