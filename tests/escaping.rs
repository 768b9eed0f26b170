//! Untrusted text (template descriptions, speech lines, enum values,
//! binding strings) must come out of every target as valid, equivalent
//! JSON and valid Rust, whatever characters it holds; the connector
//! rendered from it is built by the real compiler, not only parsed.

#[path = "support/connector_crate.rs"]
mod connector_crate;
use connector_crate::ConnectorCrate;
use midcall::render::RenderOptions;
use midcall::source::Sources;
use midcall::Midcall;
use serde_json::Value;

fn hostile() -> String {
    let mut s = String::from(
        "Quote \" backslash \\ newline\n tab\t {{ tera }} {% if x %} </script> \u{1F600} \
         controls \u{7}\u{1b}[2J\u{0} q\"# r#\"raw\"# `rust` */ /* // \r\n #[doc] \u{2028} \
         bidi \u{202A}\u{202B}\u{202C}\u{202D}\u{202E} isolates \u{2066}\u{2067}\u{2068}\u{2069} \
         \u{200B}\u{FEFF} end",
    );
    while s.len() < 2000 {
        s.push_str(" padding-é-ß-漢字");
    }
    // A finished sentence: the catalogue refuses text cut short.
    s.push('.');
    s
}

fn yaml_str(s: &str) -> String {
    // JSON strings are valid YAML double-quoted scalars.
    serde_json::to_string(s).unwrap()
}

fn sources() -> Sources {
    let h = yaml_str(&hostile());
    let template = format!(
        r#"
id: hostile
title: {h}
category: customer-service
summary: {h}
access: read
intent: {{entities: [contact], action: search, inputs: [email]}}
tool:
  name: hostile_lookup
  description: {h}
  parameters:
    - name: email
      type: string
      required: true
      description: {h}
    - name: mode
      type: string
      enum: [{h}, "plain"]
      description: {h}
speech: {{start: {h}, delayed: {h}, failed: {h}}}
profile: {{freshness: minutes, latency_ms: 400, uptime: 99.9, payload_kb: 2, frequency: daily, criticality: high}}
result:
  - name: contact_id
    type: string
    description: {h}
"#
    );
    let bindings = format!(
        r#"
name: {h}
base_url: https://api.hubapi.com
base_url_env: HUBSPOT_BASE_URL
auth: {{scheme: bearer, env: HUBSPOT_ACCESS_TOKEN}}
actions:
  hostile:
    operation: POST /crm/v3/objects/contacts/search
    retry_safe: true
    requests:
      - body:
          query: {hb}
          filterGroups:
            - filters:
                - {{propertyName: email, operator: EQ, value: "{{email}}"}}
                - {{propertyName: {hb}, operator: EQ, value: "pre {{email}} \" }}}} {{{{ post"}}
    response:
      record: /results/0
      fields: {{contact_id: /id}}
"#,
        hb = yaml_str(
            "\"); std::process::exit(1); (\" \\ {{not a placeholder}} \"# */ \u{202E}\u{2066}"
        )
    );
    let mut sources = Sources::bundled();
    sources.insert(
        "templates/hostile/template.yaml",
        "hostile template",
        &template,
    );
    sources.insert("specs/hubspot/bindings.yaml", "hostile bindings", &bindings);
    sources
}

#[test]
fn hostile_text_stays_valid_and_equivalent_in_every_target() {
    let midcall = Midcall::new(sources()).expect("targets load");
    let files = midcall
        .generate("hubspot", "hostile", &[], &RenderOptions::default())
        .expect("renders");
    // YAML itself folds the spaces around U+2028, so compare with what the
    // template says after parsing, not with the raw text.
    let template = midcall::catalog::load(&midcall.sources, "hostile").unwrap();
    let expected = template.tool.description.trim().to_string();
    assert!(expected.len() > 2000 && expected.contains("</script>") && expected.contains("{%"));
    assert!(files.len() >= 4);
    for file in &files {
        if file.file_name.ends_with(".json") {
            let v: Value = serde_json::from_str(&file.contents)
                .unwrap_or_else(|e| panic!("{}: {e}", file.file_name));
            let text = v.to_string();
            // The description survives byte for byte (JSON-escaped in the text).
            let escaped = serde_json::to_string(&expected).unwrap();
            assert!(
                text.contains(&escaped[1..escaped.len() - 1]),
                "{} lost the description",
                file.file_name
            );
        } else if file.file_name.ends_with(".rs") {
            let parsed = syn::parse_file(&file.contents)
                .unwrap_or_else(|e| panic!("{}: {e}", file.file_name));
            assert!(!parsed.items.is_empty());
            assert!(!file.contents.contains("std::process::exit(1); (\"\n"));
            // The hostile binding string is one escaped literal.
            assert!(file
                .contents
                .contains(r##""\"); std::process::exit(1); (\" \\ {not a placeholder} \"# */ \u{202e}\u{2066}""##));
            // No bidirectional-text control reaches the source raw.
            assert!(
                !file
                    .contents
                    .chars()
                    .any(|c| matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')),
                "a raw bidi control in {}",
                file.file_name
            );
        }
    }
}

#[test]
fn hostile_text_renders_the_same_twice() {
    let midcall = Midcall::new(sources()).unwrap();
    let a = midcall
        .generate("hubspot", "hostile", &[], &RenderOptions::default())
        .unwrap();
    let b = midcall
        .generate("hubspot", "hostile", &[], &RenderOptions::default())
        .unwrap();
    assert_eq!(a, b);
}

/// The hostile connector in a crate of its own over the local runtime,
/// built by `cargo build --offline` with a target folder kept under
/// `target/` (warm runs build only this crate).
#[test]
fn the_hostile_connector_compiles() {
    let midcall = Midcall::new(sources()).unwrap();
    let files = midcall
        .generate(
            "hubspot",
            "hostile",
            &["connector".into()],
            &RenderOptions::default(),
        )
        .unwrap();
    let built = build(&files[0].contents);
    assert!(
        built.0,
        "the hostile connector does not compile:\n{}",
        built.1
    );

    // The harness itself can fail: a raw U+202E in a comment is refused by
    // rustc's deny-by-default `text_direction_codepoint_in_comment` lint.
    let refused = build(&format!("{}\n// \u{202E} hidden\n", files[0].contents));
    assert!(!refused.0, "a raw bidi control compiled");
    assert!(
        refused.1.contains("text_direction_codepoint_in_comment"),
        "{}",
        refused.1
    );
}

/// Builds `connector` as the only module of a new crate; (success, stderr).
fn build(connector: &str) -> (bool, String) {
    let krate = ConnectorCrate::new("hostile-connector", "lib.rs");
    krate.write(
        "lib.rs",
        "#![deny(warnings)]\n#[path = \"connector.rs\"]\npub mod connector;\n",
    );
    krate.write("connector.rs", connector);
    let o = krate.cargo(&["build", "--lib"]);
    (
        o.status.success(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}
