//! Untrusted text (template descriptions, speech lines, enum values,
//! binding strings) must come out of every target as valid, equivalent
//! JSON and valid Rust, whatever characters it holds.

use midcall::render::RenderOptions;
use midcall::source::Sources;
use midcall::Midcall;
use serde_json::Value;

fn hostile() -> String {
    let mut s = String::from(
        "Quote \" backslash \\ newline\n tab\t {{ tera }} {% if x %} </script> \u{1F600} \
         `rust` */ /* // \r\n #[doc] \u{2028} end",
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
        hb = yaml_str("\"); std::process::exit(1); (\" \\ {{not a placeholder}}")
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
                .contains(r#""\"); std::process::exit(1); (\" \\ {not a placeholder}""#));
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
