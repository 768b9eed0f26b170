//! The `gen` binary as a user runs it: arguments in; stdout, stderr, exit
//! code and files out.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn gen(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gen"))
        .args(args)
        .output()
        .expect("gen runs")
}

fn gen_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gen"))
        .current_dir(dir)
        .args(args)
        .output()
        .expect("gen runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn fixture(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/cli")
        .join(name)
        .display()
        .to_string()
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn json_target(target: &str) -> Value {
    let o = gen(&[
        "--crm",
        "hubspot",
        "--template",
        "contact-lookup",
        "--target",
        target,
        "--stdout",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    serde_json::from_str(&stdout(&o)).expect("stdout is one JSON document")
}

#[test]
fn openai_chat_is_a_strict_function_tool() {
    let tool = json_target("openai-chat");
    assert_eq!(tool["type"], "function");
    let f = &tool["function"];
    assert_eq!(f["name"], "lookup_contact");
    assert_eq!(f["strict"], true);
    let params = &f["parameters"];
    assert_eq!(params["type"], "object");
    assert_eq!(params["additionalProperties"], false);
    // Strict mode: every property listed as required, optional ones nullable.
    assert_eq!(params["required"], serde_json::json!(["email", "phone"]));
    assert_eq!(
        params["properties"]["email"]["type"],
        serde_json::json!(["string", "null"])
    );
    assert!(f["description"].as_str().unwrap().contains("email"));
}

#[test]
fn mcp_is_a_tool_with_annotations_and_output_schema() {
    let tool = json_target("mcp");
    assert_eq!(tool["name"], "lookup_contact");
    assert_eq!(tool["title"], "Contact lookup");
    assert_eq!(tool["inputSchema"]["type"], "object");
    assert_eq!(
        tool["inputSchema"]["anyOf"],
        serde_json::json!([{"required": ["email"]}, {"required": ["phone"]}])
    );
    assert_eq!(tool["outputSchema"]["type"], "object");
    assert!(tool["outputSchema"]["properties"]["first_name"].is_object());
    assert_eq!(tool["annotations"]["readOnlyHint"], true);
    assert_eq!(tool["annotations"]["openWorldHint"], true);
}

#[test]
fn vapi_is_a_function_tool_with_server_and_messages() {
    let tool = json_target("vapi");
    assert_eq!(tool["type"], "function");
    assert_eq!(tool["function"]["name"], "lookup_contact");
    assert_eq!(tool["function"]["parameters"]["type"], "object");
    assert!(tool["server"]["url"]
        .as_str()
        .unwrap()
        .starts_with("https://"));
    assert_eq!(tool["server"]["timeoutSeconds"], 4);
    let kinds: Vec<&str> = tool["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["type"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "request-start",
            "request-response-delayed",
            "request-failed"
        ]
    );
}

#[test]
fn server_url_flag_lands_in_vapi() {
    let o = gen(&[
        "--crm",
        "hubspot",
        "--template",
        "contact-lookup",
        "--target",
        "vapi",
        "--stdout",
        "--server-url",
        "https://tools.example.org/hook",
    ]);
    let tool: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(
        tool["server"]["url"],
        "https://tools.example.org/hook/vapi/hubspot"
    );
}

#[test]
fn writing_twice_gives_identical_files_and_an_index() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("Cargo.toml"), "[package]\n").unwrap();
    let args = [
        "--crm",
        "hubspot",
        "--template",
        "contact-lookup",
        "--out",
        "out",
    ];
    std::fs::create_dir(dir.path().join("out")).unwrap();
    std::fs::write(dir.path().join("out/Cargo.toml"), "[package]\n").unwrap();
    let first = gen_in(dir.path(), &args);
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    let files = [
        "anthropic.json",
        "connector.rs",
        "elevenlabs.json",
        "gemini.json",
        "mcp.json",
        "openai-chat.json",
        "openai-realtime.json",
        "openai-responses.json",
        "retell.json",
        "vapi.json",
    ];
    let read =
        |f: &str| std::fs::read(dir.path().join("out/hubspot/contact-lookup").join(f)).unwrap();
    let before: Vec<Vec<u8>> = files.iter().map(|f| read(f)).collect();
    let second = gen_in(dir.path(), &args);
    assert_eq!(second.status.code(), Some(0));
    let after: Vec<Vec<u8>> = files.iter().map(|f| read(f)).collect();
    assert_eq!(before, after);
    let index = std::fs::read_to_string(dir.path().join("out/lib.rs")).unwrap();
    assert!(index.contains("pub mod hubspot {"), "{index}");
    assert!(index.contains("#[path = \"contact-lookup/connector.rs\"]"));
    // No temporary files are left behind.
    let names: Vec<String> = std::fs::read_dir(dir.path().join("out/hubspot/contact-lookup"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), files.len(), "{names:?}");
}

#[test]
fn the_committed_generated_folder_is_current() {
    let o = gen_in(&root(), &["check"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "generated/ is stale; run `cargo run -- all`\n{}",
        stderr(&o)
    );
}

#[test]
fn check_names_a_stale_file() {
    let dir = tempfile::tempdir().unwrap();
    let o = gen_in(dir.path(), &["all", "--out", "g"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        gen_in(dir.path(), &["check", "--out", "g"]).status.code(),
        Some(0)
    );
    let vapi = dir.path().join("g/hubspot/contact-lookup/vapi.json");
    std::fs::write(&vapi, "{}\n").unwrap();
    let o = gen_in(dir.path(), &["check", "--out", "g"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("vapi.json"), "{}", stderr(&o));

    // A left-over file of a removed target or binding is stale too.
    let o = gen_in(dir.path(), &["all", "--out", "g"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let orphan = dir.path().join("g/hubspot/old-template/vapi.json");
    std::fs::create_dir_all(orphan.parent().unwrap()).unwrap();
    std::fs::write(&orphan, "{}\n").unwrap();
    let o = gen_in(dir.path(), &["check", "--out", "g"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("old-template/vapi.json: no longer written"),
        "{}",
        stderr(&o)
    );
}

fn assert_one_line_error(o: &Output, needles: &[&str]) {
    assert_eq!(o.status.code(), Some(2), "stderr: {}", stderr(o));
    let err = stderr(o);
    assert_eq!(
        err.trim_end().lines().count(),
        1,
        "one line expected: {err}"
    );
    for n in needles {
        assert!(err.contains(n), "`{n}` not in: {err}");
    }
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn unknown_names_fail_with_the_valid_list_and_closest_match() {
    let o = gen(&[
        "--crm",
        "hubspt",
        "--template",
        "contact-lookup",
        "--stdout",
    ]);
    assert_one_line_error(
        &o,
        &[
            "unknown CRM `hubspt`",
            "did you mean `hubspot`",
            "valid: hubspot",
        ],
    );
    let o = gen(&[
        "--crm",
        "hubspot",
        "--template",
        "contact-lokup",
        "--stdout",
    ]);
    assert_one_line_error(&o, &["unknown template", "did you mean `contact-lookup`"]);
    let o = gen(&[
        "--crm",
        "hubspot",
        "--template",
        "contact-lookup",
        "--target",
        "vapy",
        "--stdout",
    ]);
    assert_one_line_error(
        &o,
        &[
            "unknown target `vapi`".replace("vapi", "vapy").as_str(),
            "did you mean `vapi`",
            "openai-chat",
        ],
    );
}

#[test]
fn bad_specs_give_one_clear_line_and_exit_2() {
    for (file, needles) in [
        ("ref-cycle.yaml", vec!["ref-cycle.yaml", "cycle"]),
        (
            "missing-ref.yaml",
            vec!["missing-ref.yaml", "#/components/schemas/Nope"],
        ),
        ("malformed.yaml", vec!["malformed.yaml:"]),
        ("empty.yaml", vec!["empty.yaml", "empty"]),
    ] {
        let o = gen(&["ops", "--spec", &fixture(file)]);
        assert_one_line_error(&o, &needles);
    }
}

#[test]
fn a_recursive_schema_loads() {
    let o = gen(&["ops", "--spec", &fixture("recursive-ok.yaml")]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("/nodes/{id}"));
}

#[test]
fn a_broken_spec_override_names_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let hub = dir.path().join("hubspot");
    std::fs::create_dir(&hub).unwrap();
    std::fs::copy(fixture("malformed.yaml"), hub.join("openapi.yaml")).unwrap();
    let specs = dir.path().display().to_string();
    let o = gen(&[
        "--specs",
        &specs,
        "--crm",
        "hubspot",
        "--template",
        "contact-lookup",
        "--stdout",
    ]);
    assert_one_line_error(&o, &["hubspot/openapi.yaml:"]);
}

#[test]
fn a_binding_to_a_missing_operation_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let hub = dir.path().join("hubspot");
    std::fs::create_dir(&hub).unwrap();
    let bindings = std::fs::read_to_string(root().join("specs/hubspot/bindings.yaml"))
        .unwrap()
        .replace(
            "/crm/v3/objects/contacts/search",
            "/crm/v3/objects/contact/search",
        );
    std::fs::write(hub.join("bindings.yaml"), bindings).unwrap();
    let specs = dir.path().display().to_string();
    let o = gen(&[
        "--specs",
        &specs,
        "--crm",
        "hubspot",
        "--template",
        "contact-lookup",
        "--stdout",
    ]);
    assert_one_line_error(
        &o,
        &[
            "bindings.yaml",
            "actions.contact-lookup.operation",
            "did you mean `POST /crm/v3/objects/contacts/search`",
        ],
    );
}

#[test]
fn a_target_added_as_a_file_works_without_code() {
    let dir = tempfile::tempdir().unwrap();
    let targets = dir.path().join("targets");
    std::fs::create_dir(&targets).unwrap();
    std::fs::write(
        targets.join("mine.json.tera"),
        "{\"tool\": {{ tool.name | json_encode() }}, \"says\": {{ speech.start | json_encode() }}}",
    )
    .unwrap();
    let templates = dir.path().display().to_string();
    let o = gen(&[
        "--templates",
        &templates,
        "--crm",
        "hubspot",
        "--template",
        "contact-lookup",
        "--target",
        "mine",
        "--stdout",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["tool"], "lookup_contact");
}

#[test]
fn a_broken_target_fails_only_when_chosen() {
    let dir = tempfile::tempdir().unwrap();
    let targets = dir.path().join("targets");
    std::fs::create_dir(&targets).unwrap();
    std::fs::write(targets.join("broken.json.tera"), "{{ tool.name ").unwrap();
    let templates = dir.path().display().to_string();
    let base = [
        "--templates",
        &templates,
        "--crm",
        "hubspot",
        "--template",
        "contact-lookup",
    ];
    let o = gen(&[&base[..], &["--target", "vapi", "--stdout"]].concat());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = gen(&[&base[..], &["--target", "broken", "--stdout"]].concat());
    assert_one_line_error(&o, &["broken.json.tera"]);
}

#[test]
fn a_target_that_emits_invalid_json_is_caught() {
    let dir = tempfile::tempdir().unwrap();
    let targets = dir.path().join("targets");
    std::fs::create_dir(&targets).unwrap();
    std::fs::write(targets.join("bad.json.tera"), "{\"tool\": {{ tool.name }}}").unwrap();
    let templates = dir.path().display().to_string();
    let o = gen(&[
        "--templates",
        &templates,
        "--crm",
        "hubspot",
        "--template",
        "contact-lookup",
        "--target",
        "bad",
        "--out",
        &dir.path().join("out").display().to_string(),
    ]);
    assert_one_line_error(&o, &["bad.json.tera", "invalid JSON"]);
    assert!(
        !dir.path().join("out").exists(),
        "nothing is written on error"
    );
}

#[test]
fn a_template_without_a_crm_gives_the_tool_definitions_only() {
    let o = gen(&[
        "--template",
        "contact-lookup",
        "--target",
        "mcp",
        "--stdout",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let tool: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(tool["name"], "lookup_contact");
    let o = gen(&[
        "--template",
        "contact-lookup",
        "--target",
        "connector",
        "--stdout",
    ]);
    assert_one_line_error(&o, &["connector", "--crm"]);
    let o = gen(&["--template", "contact-lookup", "--stdout"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("==== vapi.json ===="));
    assert!(!stdout(&o).contains("connector.rs"));
}

#[test]
fn no_arguments_is_a_usage_error() {
    let o = gen(&[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--crm"));
}

#[test]
fn a_closed_pipe_is_not_a_panic() {
    use std::process::Stdio;
    for args in [
        vec!["ops", "--spec", "specs/hubspot/openapi.yaml"],
        vec!["list"],
        vec![
            "--crm",
            "hubspot",
            "--template",
            "contact-lookup",
            "--stdout",
        ],
    ] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_gen"))
            .current_dir(root())
            .args(&args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Hang up before gen writes, as `| head` does once it has enough.
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert_eq!(out.status.code(), Some(0), "{args:?}: {err}");
    }
}

#[test]
fn global_flags_go_before_or_after_the_command() {
    let dir = tempfile::tempdir().unwrap();
    let specs = root().join("specs").display().to_string();
    // A README or a stray binary in an overlay folder is not read.
    std::fs::write(dir.path().join("README.md"), "notes").unwrap();
    std::fs::write(dir.path().join("blob.bin"), [0xff, 0xfe, 0x00]).unwrap();
    let templates = dir.path().display().to_string();
    for args in [
        vec![
            "--specs",
            &specs,
            "--templates",
            &templates,
            "--out",
            "g",
            "all",
        ],
        vec![
            "check",
            "--specs",
            &specs,
            "--templates",
            &templates,
            "--out",
            "g",
        ],
        vec!["--out", "g", "check"],
    ] {
        let o = gen_in(dir.path(), &args);
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", stderr(&o));
    }
    // A generating flag given to a command is refused, not ignored.
    let o = gen(&["--crm", "hubspot", "list"]);
    assert_one_line_error(&o, &["`--crm`", "gen list"]);
}

#[test]
fn crms_lists_what_each_crm_needs_and_binds() {
    let o = gen(&["crms"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.contains("hubspot (HubSpot)"), "{text}");
    assert!(text.contains("HUBSPOT_ACCESS_TOKEN"), "{text}");
    let o = gen(&["crms", "--json"]);
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    let hub = v
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "hubspot")
        .unwrap();
    assert_eq!(hub["base_url_env"], "HUBSPOT_BASE_URL");
    assert!(hub["templates"]
        .as_array()
        .unwrap()
        .contains(&Value::String("contact-lookup".into())));
}
