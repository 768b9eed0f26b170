//! What `gen` accepts tells the truth (issue 9): flags validated or
//! refused, output errors reported, inputs capped and only regular files
//! read, text from specs shown escaped on the terminal, usage errors on one
//! line.

use std::process::Stdio;

use super::{fixture, Gen};

const ONE: [&str; 4] = ["--crm", "hubspot", "--template", "contact-lookup"];

#[test]
fn a_server_url_must_be_an_absolute_http_url() {
    for bad in [
        "",
        "notaurl",
        "ftp://tools.example.org/x",
        "https://",
        "https:///path",
        "https://tools example.org/x",
        "https://user:secret@tools.example.org/x",
        "https://tools.example.org:99999/x",
        "https://tools.example.org/\"x",
        "https://-bad-.example.org/",
        "https://tools.example.org/hook?key=1",
        "https://tools.example.org/hook#top",
    ] {
        Gen::new()
            .args(ONE)
            .args(["--target", "vapi", "--stdout", "--server-url", bad])
            .one_line_error(["--server-url", "not a usable server URL"])
            .run();
    }
    for good in [
        "https://tools.example.org/midcall/hook",
        "http://localhost:8080/hook",
        "https://[::1]:8443/h",
    ] {
        let tool = Gen::new()
            .args(ONE)
            .args(["--target", "retell", "--stdout", "--server-url", good])
            .run()
            .json();
        // The tool server's route is appended to the base URL.
        assert_eq!(tool["url"], format!("{good}/retell/hubspot/lookup_contact"));
    }
}

#[test]
fn validate_with_a_folder_of_no_schemas_fails() {
    // An existing folder that holds none of the platforms' documents: a
    // mistyped path in CI must not pass as "checked against the schemas".
    Gen::new()
        .args(["validate", "generated/hubspot", "--platforms", "src"])
        .one_line_error(["src", "no platform schema", "vapi/openapi"])
        .run();
    Gen::new()
        .args(["validate", "generated/hubspot"])
        .env("MIDCALL_PLATFORMS", "src")
        .one_line_error(["no platform schema"])
        .run();
}

#[test]
fn every_command_refuses_flags_it_does_not_use() {
    for command in [
        vec!["validate"],
        vec!["list"],
        vec!["show", "contact-lookup"],
        vec!["crms"],
        vec!["assess", "--template", "order-status"],
        vec!["ops", "--spec", "specs/hubspot/openapi.yaml"],
    ] {
        let name = command[0];
        // After the command and before it.
        Gen::new()
            .args(&command)
            .args(["--out", "elsewhere"])
            .one_line_error([format!("`gen {name}` does not use `--out`")])
            .run();
        Gen::new()
            .args(["--out", "elsewhere"])
            .args(&command)
            .one_line_error(["`--out`"])
            .run();
    }
    for command in [
        vec!["validate"],
        vec!["ops", "--spec", "specs/hubspot/openapi.yaml"],
    ] {
        for flag in ["--templates", "--specs"] {
            Gen::new()
                .args(&command)
                .args([flag, "templates"])
                .one_line_error([format!("does not use `{flag}`")])
                .run();
        }
    }
    // The generating flags, as before.
    Gen::new()
        .args([
            "ops",
            "--spec",
            "specs/hubspot/openapi.yaml",
            "--server-url",
            "https://x.org",
        ])
        .one_line_error(["--server-url"])
        .run();
}

#[test]
fn a_write_error_on_standard_output_is_reported() {
    if !std::path::Path::new("/dev/full").exists() {
        eprintln!("skipped: no /dev/full on this system");
        return;
    }
    for args in [
        vec!["list"],
        vec!["list", "--json"],
        vec!["crms"],
        vec!["show", "contact-lookup"],
        vec!["ops", "--spec", "specs/hubspot/openapi.yaml"],
        ONE.iter().copied().chain(["--stdout"]).collect(),
    ] {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        Gen::new()
            .args(&args)
            .stdout_to(Stdio::from(full))
            .one_line_error(["standard output", "No space left"])
            .run();
    }
}

#[test]
fn only_regular_files_are_read() {
    #[cfg(unix)]
    Gen::new()
        .args(["ops", "--spec", "/dev/zero"])
        .one_line_error(["/dev/zero", "not a regular file (a device)"])
        .run();
    let dir = tempfile::tempdir().unwrap();
    Gen::new()
        .args(["ops", "--spec"])
        .arg(dir.path())
        .one_line_error(["not a regular file (a folder)"])
        .run();
    // A named pipe called template.yaml in a --templates folder: refused by
    // name, not waited on forever.
    #[cfg(unix)]
    {
        let fifo_dir = dir.path().join("stuck");
        std::fs::create_dir(&fifo_dir).unwrap();
        let fifo = fifo_dir.join("template.yaml");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if made.is_ok_and(|s| s.success()) {
            Gen::new()
                .arg("--templates")
                .arg(dir.path())
                .arg("list")
                .one_line_error(["stuck/template.yaml", "a named pipe"])
                .run();
        } else {
            eprintln!("skipped the FIFO case: mkfifo is not available");
        }
    }
}

#[test]
fn inputs_are_capped_and_the_cap_can_be_raised() {
    let dir = tempfile::tempdir().unwrap();
    // A valid spec a little over 1 MiB (a long description).
    let spec = std::fs::read_to_string(fixture("recursive-ok.yaml")).unwrap();
    let padding = "x".repeat(1024 * 1024 + 10);
    let big = spec.replacen(
        "info: {title: Tree,",
        &format!("info: {{description: {padding}, title: Tree,"),
        1,
    );
    assert!(big.len() > 1024 * 1024, "the fixture's info line changed");
    let file = dir.path().join("big.yaml");
    std::fs::write(&file, big).unwrap();
    Gen::new()
        .args(["ops", "--max-input-mb", "1", "--spec"])
        .arg(&file)
        .one_line_error(["big.yaml", "input cap of 1 MiB", "--max-input-mb"])
        .run();
    Gen::new()
        .args(["ops", "--spec"])
        .arg(&file)
        .env("MIDCALL_MAX_INPUT_MB", "1")
        .one_line_error(["input cap of 1 MiB"])
        .run();
    Gen::new()
        .args(["ops", "--max-input-mb", "2", "--spec"])
        .arg(&file)
        .stdout_contains("/nodes/{id}")
        .run();
    // The default (64 MiB) reads it.
    Gen::new().args(["ops", "--spec"]).arg(&file).run();
}

#[test]
fn text_from_a_spec_is_escaped_on_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let spec = std::fs::read_to_string(fixture("recursive-ok.yaml")).unwrap();
    // A title that would set the window title, clear the screen and break
    // the header over two lines; a summary with a carriage return.
    let hostile = spec.replacen(
        "info: {title: Tree,",
        "info: {title: \"Evil\\e]0;pwned\\aAPI\\e[2J\\nsecond line\",",
        1,
    );
    assert_ne!(hostile, spec, "the fixture's info line changed");
    let file = dir.path().join("evil.yaml");
    std::fs::write(&file, hostile).unwrap();
    let out = Gen::new().args(["ops", "--spec"]).arg(&file).run().stdout;
    assert!(!out.contains('\u{1b}') && !out.contains('\u{7}'), "{out:?}");
    let header = out.lines().next().unwrap();
    assert!(
        header.starts_with("Evil\\u{1b}]0;pwned\\u{7}API\\u{1b}[2J second line "),
        "{header}"
    );
    assert!(header.ends_with("operations"), "{header}");
}

#[test]
fn usage_errors_are_one_line() {
    Gen::new()
        .arg("--crn")
        .one_line_error(["unexpected argument '--crn'", "--crm", "gen --help"])
        .run();
    Gen::new()
        .arg("ops")
        .one_line_error(["required", "--spec <FILE>"])
        .run();
    Gen::new()
        .arg("frobnicate")
        .one_line_error(["frobnicate"])
        .run();
    Gen::new().args(["show"]).one_line_error(["<ID>"]).run();
}

#[test]
fn an_empty_target_name_is_a_typo_not_an_unknown_target() {
    Gen::new()
        .args(ONE)
        .args(["--target", "vapi,,mcp", "--stdout"])
        .one_line_error(["--target", "a target name is empty"])
        .run();
    Gen::new()
        .args(ONE)
        .args(["--target", "vapi,", "--stdout"])
        .one_line_error(["a target name is empty"])
        .run();
}

#[test]
fn show_takes_the_crm_its_connector_example_needs() {
    // Without a binding there is no connector to show, and the message
    // names a flag `gen show` accepts.
    Gen::new()
        .args(["show", "delivery-estimate", "--target", "connector"])
        .one_line_error(["connector", "--crm"])
        .run();
    Gen::new()
        .args([
            "show",
            "contact-lookup",
            "--target",
            "connector",
            "--crm",
            "hubspot",
        ])
        .stdout_contains("Example: connector.rs for hubspot")
        .stdout_contains("pub async fn call(")
        .run();
    Gen::new()
        .args(["show", "order-status", "--crm", "hubspot"])
        .one_line_error(["has no binding for template `order-status`"])
        .run();
}

#[test]
fn duplicate_operation_ids_are_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let spec = r#"openapi: 3.0.3
info: {title: Dupes, version: "1"}
paths:
  /a:
    get: {operationId: getThing, responses: {"200": {description: ok}}}
  /b:
    get: {operationId: getThing, responses: {"200": {description: ok}}}
"#;
    let file = dir.path().join("dupes.yaml");
    std::fs::write(&file, spec).unwrap();
    Gen::new()
        .args(["ops", "--spec"])
        .arg(&file)
        .stdout_contains("2 operations")
        .stderr_contains("warning: ")
        .stderr_contains("operationId `getThing` is used by 2 operations (GET /a, GET /b)")
        .run();
}
