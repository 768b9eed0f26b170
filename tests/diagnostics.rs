//! Every problem of a binding in one run: the `gen` binary prints one
//! `error:` line per problem (file, place, message), sorted, and exits 2
//! without writing anything.

use std::process::Command;

const BINDINGS: &str = include_str!("../specs/hubspot/bindings.yaml");

/// The bundled bindings with `edits` applied, each of which must change
/// the text.
fn edited(edits: &[(&str, &str)]) -> String {
    let mut text = BINDINGS.to_string();
    for (from, to) in edits {
        assert!(text.contains(from), "`{from}` is not in the bindings");
        text = text.replacen(from, to, 1);
    }
    text
}

fn run(bindings: &str, template: &str) -> (Option<i32>, String, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let specs = dir.path().join("specs/hubspot");
    std::fs::create_dir_all(&specs).unwrap();
    std::fs::write(specs.join("bindings.yaml"), bindings).unwrap();
    let out = dir.path().join("out");
    let o = Command::new(env!("CARGO_BIN_EXE_gen"))
        .arg("--specs")
        .arg(dir.path().join("specs"))
        .args(["--crm", "hubspot", "--template", template, "--out"])
        .arg(&out)
        .output()
        .expect("gen runs");
    let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
    (o.status.code(), stderr, dir)
}

#[test]
fn three_mistakes_in_one_binding_are_three_error_lines() {
    let text = edited(&[
        // 1. a placeholder that is no parameter
        (
            r#"{ propertyName: email, operator: EQ, value: "{email}" }"#,
            r#"{ propertyName: email, operator: EQ, value: "{emial}" }"#,
        ),
        // 2. a `when` that is no parameter
        ("      - when: [phone]\n", "      - when: [fax]\n"),
        // 3. a response pointer the spec does not have
        (
            "        first_name: /properties/firstname\n        last_name",
            "        first_name: /properties/firstnme\n        last_name",
        ),
    ]);
    let (code, stderr, dir) = run(&text, "contact-lookup");
    assert_eq!(code, Some(2), "{stderr}");
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 3, "{stderr}");
    let origin = dir.path().join("specs/hubspot/bindings.yaml");
    let prefix = format!("error: {}: actions.contact-lookup.", origin.display());
    for line in &lines {
        assert!(line.starts_with(&prefix), "{line}");
    }
    let mut sorted = lines.clone();
    sorted.sort();
    assert_eq!(lines, sorted, "sorted by place");
    assert!(
        lines[0]
            .contains("requests[0].body.filterGroups[0].filters[0].value: placeholder `{emial}`"),
        "{stderr}"
    );
    assert!(
        lines[1].contains("requests[1].when: `fax` is not a parameter"),
        "{stderr}"
    );
    assert!(
        lines[2].contains("response.fields.first_name: ")
            && lines[2].contains("nothing at `/results/0/properties/firstnme`"),
        "{stderr}"
    );
    assert!(!dir.path().join("out").exists(), "nothing is written");
}

#[test]
fn one_mistake_is_one_line() {
    let text = edited(&[("        company: /properties/company\n", "")]);
    let (code, stderr, _dir) = run(&text, "contact-lookup");
    assert_eq!(code, Some(2), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains(
            "actions.contact-lookup.response.fields: result field `company` is not mapped"
        ),
        "{stderr}"
    );
}

#[test]
fn a_variant_after_one_that_always_applies_is_named() {
    // The first variant loses its `when`: the second can never be sent.
    let text = edited(&[("      - when: [email]\n        body:\n          filterGroups:\n            - filters:\n                - { propertyName: email", "      - body:\n          filterGroups:\n            - filters:\n                - { propertyName: email")]);
    let (code, stderr, _dir) = run(&text, "contact-lookup");
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains(
            "actions.contact-lookup.requests[1]: is never sent: `requests[0]` has no `when`"
        ),
        "{stderr}"
    );
}

#[test]
fn problems_outside_the_actions_are_collected_too() {
    let text = edited(&[
        (
            "base_url: https://api.hubapi.com",
            "base_url: api.hubapi.com",
        ),
        ("  env: HUBSPOT_ACCESS_TOKEN", "  env: hubspot-token"),
    ]);
    let (code, stderr, _dir) = run(&text, "contact-lookup");
    assert_eq!(code, Some(2), "{stderr}");
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 2, "{stderr}");
    assert!(
        lines[0].contains(": auth.env: `hubspot-token` is not an environment variable name"),
        "{stderr}"
    );
    assert!(
        lines[1].contains(": base_url: `api.hubapi.com` is not an http(s) URL"),
        "{stderr}"
    );
}
