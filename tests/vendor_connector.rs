//! A connector for a vendor CRM rendered from a fixture overlay
//! (`tests/fixtures/vendor/`: settings in the base URL and a fixed header,
//! basic auth in the vendor's user form, a two-step action), built by the
//! real compiler and run against a mock CRM (`tests/fixtures/vendor/run.rs`,
//! compiled as that crate's test).

#[path = "support/connector_crate.rs"]
mod connector_crate;
use connector_crate::ConnectorCrate;

use midcall::render::RenderOptions;
use midcall::source::Sources;
use midcall::Midcall;

const FIXTURES: &[(&str, &str)] = &[
    (
        "specs/acmedesk/openapi.yaml",
        include_str!("fixtures/vendor/specs/acmedesk/openapi.yaml"),
    ),
    (
        "specs/acmedesk/bindings.yaml",
        include_str!("fixtures/vendor/specs/acmedesk/bindings.yaml"),
    ),
    (
        "templates/ticket-by-email/template.yaml",
        include_str!("fixtures/vendor/templates/ticket-by-email/template.yaml"),
    ),
];

fn connector() -> String {
    let mut sources = Sources::bundled();
    for (rel, text) in FIXTURES {
        sources.insert(rel, &format!("tests/fixtures/vendor/{rel}"), text);
    }
    let midcall = Midcall::new(sources).expect("targets load");
    let files = midcall
        .generate(
            "acmedesk",
            "ticket-by-email",
            &["connector".into()],
            &RenderOptions::default(),
        )
        .expect("renders");
    files[0].contents.clone()
}

#[test]
fn the_vendor_connector_declares_its_settings_auth_and_steps() {
    let text = connector();
    for part in [
        "pub const VENDOR: Vendor = Vendor {",
        r#"base_url: "http://127.0.0.1:{port}/{subdomain}","#,
        r#"user: "{email}/token","#,
        r#"headers: &[("X-Acme-Account", "{subdomain}")],"#,
        "Config::from_vendor_env(&VENDOR)",
        "let mut steps = client.steps();",
        r#"steps.text(step_user, "/id")?"#,
        r#".header("X-On-Behalf-Of", client.setting("email")?)"#,
    ] {
        assert!(text.contains(part), "`{part}` is not in:\n{text}");
    }
    assert!(!text.contains("CrmEnv"), "{text}");
}

/// Builds the connector in a crate of its own over the local runtime and
/// runs `run.rs` as its test (`cargo test --offline`, target folder kept
/// under `target/compile-tests`, so warm runs build only this crate).
#[test]
fn the_vendor_connector_compiles_and_runs_against_a_mock_crm() {
    let krate = ConnectorCrate::new("acme-connector", "lib.rs");
    krate.write(
        "lib.rs",
        "#![deny(warnings)]\n#[path = \"connector.rs\"]\npub mod connector;\n",
    );
    krate.write("connector.rs", &connector());
    krate.write("tests/run.rs", include_str!("fixtures/vendor/run.rs"));
    let o = krate.cargo(&["test"]);
    let (stdout, stderr) = (
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr),
    );
    assert!(
        o.status.success(),
        "the vendor connector's test failed:\n{stdout}\n{stderr}"
    );
    // All three tests ran (a filter or a rename would not pass silently).
    assert!(stdout.contains("3 passed"), "{stdout}");
}
