//! Generating: each target's JSON, determinism, `gen check`, unknown
//! names, bad specs and bindings, targets added as files, pipes.

use serde_json::Value;

use super::{fixture, json_target, root, Gen};

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
    let tool = Gen::new()
        .args([
            "--crm",
            "hubspot",
            "--template",
            "contact-lookup",
            "--target",
            "vapi",
        ])
        .args(["--stdout", "--server-url", "https://tools.example.org/hook"])
        .run()
        .json();
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
    Gen::new()
        .current_dir(dir.path())
        .args(args)
        .stdout_contains("wrote 10 files")
        .run();
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
    // The second run changes nothing and says so, not "wrote 10 files".
    Gen::new()
        .current_dir(dir.path())
        .args(args)
        .stdout_contains("10 files in out/hubspot/contact-lookup already up to date")
        .stdout_lacks("wrote")
        .run();
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
    // One file changed by hand: only it is written again, and named.
    std::fs::write(
        dir.path().join("out/hubspot/contact-lookup/vapi.json"),
        "{}",
    )
    .unwrap();
    Gen::new()
        .current_dir(dir.path())
        .args(args)
        .stdout_contains("wrote 1 file to out/hubspot/contact-lookup: vapi.json")
        .run();
}

#[test]
fn the_committed_generated_folder_is_current() {
    Gen::new().arg("check").run();
}

#[test]
fn check_names_a_stale_file() {
    let dir = tempfile::tempdir().unwrap();
    let gen = || Gen::new().current_dir(dir.path());
    gen().args(["all", "--out", "g"]).run();
    gen().args(["check", "--out", "g"]).run();
    let vapi = dir.path().join("g/hubspot/contact-lookup/vapi.json");
    std::fs::write(&vapi, "{}\n").unwrap();
    gen()
        .args(["check", "--out", "g"])
        .code(1)
        .stderr_contains("vapi.json")
        .run();

    // A left-over file of a removed target or binding is stale too.
    gen().args(["all", "--out", "g"]).run();
    let orphan = dir.path().join("g/hubspot/old-template/vapi.json");
    std::fs::create_dir_all(orphan.parent().unwrap()).unwrap();
    std::fs::write(&orphan, "{}\n").unwrap();
    gen()
        .args(["check", "--out", "g"])
        .code(1)
        .stderr_contains("old-template/vapi.json: no longer written")
        .run();
}

#[test]
fn unknown_names_fail_with_the_valid_list_and_closest_match() {
    Gen::new()
        .args([
            "--crm",
            "hubspt",
            "--template",
            "contact-lookup",
            "--stdout",
        ])
        .one_line_error([
            "unknown CRM `hubspt`",
            "did you mean `hubspot`",
            "valid: calcom, calendly, freshdesk, gohighlevel, google-calendar, hubspot",
        ])
        .run();
    Gen::new()
        .args([
            "--crm",
            "hubspot",
            "--template",
            "contact-lokup",
            "--stdout",
        ])
        .one_line_error(["unknown template", "did you mean `contact-lookup`"])
        .run();
    Gen::new()
        .args(["--crm", "hubspot", "--template", "contact-lookup"])
        .args(["--target", "vapy", "--stdout"])
        .one_line_error([
            "unknown target `vapy`",
            "did you mean `vapi`",
            "openai-chat",
        ])
        .run();
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
        Gen::new()
            .args(["ops", "--spec", &fixture(file)])
            .one_line_error(needles)
            .run();
    }
}

#[test]
fn a_recursive_schema_loads() {
    Gen::new()
        .args(["ops", "--spec", &fixture("recursive-ok.yaml")])
        .stdout_contains("/nodes/{id}")
        .run();
}

#[test]
fn a_broken_spec_override_names_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let hub = dir.path().join("hubspot");
    std::fs::create_dir(&hub).unwrap();
    std::fs::copy(fixture("malformed.yaml"), hub.join("openapi.yaml")).unwrap();
    Gen::new()
        .arg("--specs")
        .arg(dir.path())
        .args([
            "--crm",
            "hubspot",
            "--template",
            "contact-lookup",
            "--stdout",
        ])
        .one_line_error(["hubspot/openapi.yaml:"])
        .run();
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
    Gen::new()
        .arg("--specs")
        .arg(dir.path())
        .args([
            "--crm",
            "hubspot",
            "--template",
            "contact-lookup",
            "--stdout",
        ])
        .one_line_error([
            "bindings.yaml",
            "actions.contact-lookup.operation",
            "did you mean `POST /crm/v3/objects/contacts/search`",
        ])
        .run();
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
    let v = Gen::new()
        .arg("--templates")
        .arg(dir.path())
        .args(["--crm", "hubspot", "--template", "contact-lookup"])
        .args(["--target", "mine", "--stdout"])
        .run()
        .json();
    assert_eq!(v["tool"], "lookup_contact");
}

#[test]
fn a_broken_target_fails_only_when_chosen() {
    let dir = tempfile::tempdir().unwrap();
    let targets = dir.path().join("targets");
    std::fs::create_dir(&targets).unwrap();
    std::fs::write(targets.join("broken.json.tera"), "{{ tool.name ").unwrap();
    let base = || {
        Gen::new().arg("--templates").arg(dir.path()).args([
            "--crm",
            "hubspot",
            "--template",
            "contact-lookup",
        ])
    };
    base().args(["--target", "vapi", "--stdout"]).run();
    base()
        .args(["--target", "broken", "--stdout"])
        .one_line_error(["broken.json.tera"])
        .run();
}

#[test]
fn a_target_that_emits_invalid_json_is_caught() {
    let dir = tempfile::tempdir().unwrap();
    let targets = dir.path().join("targets");
    std::fs::create_dir(&targets).unwrap();
    std::fs::write(targets.join("bad.json.tera"), "{\"tool\": {{ tool.name }}}").unwrap();
    Gen::new()
        .arg("--templates")
        .arg(dir.path())
        .args(["--crm", "hubspot", "--template", "contact-lookup"])
        .args(["--target", "bad", "--out"])
        .arg(dir.path().join("out"))
        .one_line_error(["bad.json.tera", "invalid JSON"])
        .run();
    assert!(
        !dir.path().join("out").exists(),
        "nothing is written on error"
    );
}

#[test]
fn a_template_without_a_crm_gives_the_tool_definitions_only() {
    let tool = Gen::new()
        .args([
            "--template",
            "contact-lookup",
            "--target",
            "mcp",
            "--stdout",
        ])
        .run()
        .json();
    assert_eq!(tool["name"], "lookup_contact");
    Gen::new()
        .args([
            "--template",
            "contact-lookup",
            "--target",
            "connector",
            "--stdout",
        ])
        .one_line_error(["connector", "--crm"])
        .run();
    Gen::new()
        .args(["--template", "contact-lookup", "--stdout"])
        .stdout_contains("==== vapi.json ====")
        .stdout_lacks("connector.rs")
        .run();
}

#[test]
fn no_arguments_is_a_usage_error() {
    Gen::new().code(2).stderr_contains("--crm").run();
}

#[test]
fn a_closed_pipe_is_not_a_panic() {
    use std::process::{Command, Stdio};
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
        Gen::new().current_dir(dir.path()).args(args).run();
    }
    // A generating flag given to a command is refused, not ignored.
    Gen::new()
        .args(["--crm", "hubspot", "list"])
        .one_line_error(["`--crm`", "gen list"])
        .run();
}

#[test]
fn crms_lists_what_each_crm_needs_and_binds() {
    Gen::new()
        .arg("crms")
        .stdout_contains("hubspot (HubSpot)")
        .stdout_contains("HUBSPOT_ACCESS_TOKEN")
        .run();
    let v = Gen::new().args(["crms", "--json"]).run().json();
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

/// A CRM folder with a spec and no bindings.yaml yet is a CRM with
/// nothing bound: listed with 0 templates, refused by name when asked to
/// generate, and left out of `gen all`. The CRM is a fixture in a
/// `--specs` overlay, so the test holds whichever bundled CRMs are bound.
#[test]
fn a_crm_with_a_spec_and_no_bindings_is_listed_with_nothing_bound() {
    let dir = tempfile::tempdir().unwrap();
    let crm = dir.path().join("acme-cal");
    std::fs::create_dir(&crm).unwrap();
    std::fs::write(
        crm.join("openapi.yaml"),
        "openapi: 3.0.3\ninfo: {title: Acme Calendar, version: '1'}\nservers: [{url: 'https://api.acme.test'}]\npaths:\n  /slots:\n    get:\n      operationId: listSlots\n      responses: {'200': {description: ok}}\n",
    )
    .unwrap();
    let specs = dir.path().to_str().unwrap();
    Gen::new()
        .args(["--specs", specs, "crms"])
        .stdout_contains("acme-cal (Acme Calendar)")
        .stdout_contains("spec only, nothing bound yet (add specs/acme-cal/bindings.yaml)")
        .run();
    let v = Gen::new()
        .args(["--specs", specs, "crms", "--json"])
        .run()
        .json();
    let rows = v.as_array().unwrap();
    let row = rows.iter().find(|c| c["id"] == "acme-cal").unwrap();
    assert_eq!(row["spec_only"], true);
    assert_eq!(row["templates"], serde_json::json!([]));
    // Every CRM under specs/ is listed with exactly the templates its
    // bindings.yaml binds (read from the files, not counted by hand).
    let bound = super::bound_actions();
    assert!(
        bound.len() >= 15 && bound.values().map(Vec::len).sum::<usize>() >= 100,
        "specs/ should hold at least 15 systems and 100 bound pairs: {bound:?}"
    );
    for (id, templates) in &bound {
        let row = rows.iter().find(|c| c["id"] == id.as_str()).unwrap();
        assert_eq!(row["spec_only"], false, "{id}");
        let mut expected = templates.clone();
        expected.sort();
        let mut listed: Vec<String> = row["templates"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t.as_str().unwrap().to_owned())
            .collect();
        listed.sort();
        assert_eq!(listed, expected, "{id}");
    }
    Gen::new()
        .args([
            "--specs",
            specs,
            "--crm",
            "acme-cal",
            "--template",
            "appointment-book",
            "--stdout",
        ])
        .one_line_error(["acme-cal", "has a spec but nothing bound yet"])
        .run();
    // `gen all` sees only CRMs with bindings: nothing is planned for it.
    let out = dir.path().join("out");
    Gen::new()
        .args(["--specs", specs, "all", "--out", out.to_str().unwrap()])
        .run();
    assert!(!out.join("acme-cal").exists());
    assert!(out.join("calcom/appointment-book/connector.rs").exists());
}
