//! Every template rendered for every target is accepted by the platform:
//! always by the rules the schemas do not state, and by the platforms' own
//! published schemas when `../shared/platforms` is present.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use midcall::render::RenderOptions;
use midcall::validate::{target_of, Validator};
use midcall::Midcall;
use serde_json::Value;

fn platforms() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/platforms");
    if dir.is_dir() {
        Some(dir)
    } else {
        // Straight to stderr: the test harness swallows `eprintln!` of
        // passing tests, and a skip must be seen.
        let _ = writeln!(
            std::io::stderr(),
            "notice: {} is absent; checking the built-in platform rules only",
            dir.display()
        );
        None
    }
}

#[test]
fn every_template_and_target_validates() {
    let platforms = platforms();
    let validator = Validator::new(platforms.as_deref()).unwrap();
    if platforms.is_some() {
        let loaded = validator.platform_targets();
        for t in [
            "vapi",
            "mcp",
            "elevenlabs",
            "retell",
            "openai-chat",
            "openai-realtime",
        ] {
            assert!(
                loaded.contains(&t),
                "no platform schema for {t}: {loaded:?}"
            );
        }
    }
    let midcall = Midcall::bundled().unwrap();
    let options = RenderOptions::default();
    let mut rendered = Vec::new();
    for id in midcall.template_ids() {
        for file in midcall.generate_generic(&id, &[], &options).unwrap() {
            rendered.push((format!("_generic/{id}"), file));
        }
    }
    for (crm, id) in midcall.bound_pairs().unwrap() {
        for file in midcall.generate(&crm, &id, &[], &options).unwrap() {
            rendered.push((format!("{crm}/{id}"), file));
        }
    }
    let targets: Vec<&str> = midcall
        .renderer
        .targets()
        .iter()
        .map(|t| t.name.as_str())
        .collect();
    for t in [
        "openai-chat",
        "openai-realtime",
        "openai-responses",
        "anthropic",
        "mcp",
        "vapi",
        "retell",
        "elevenlabs",
        "gemini",
        "connector",
    ] {
        assert!(targets.contains(&t), "target {t} missing: {targets:?}");
    }
    let mut failures = Vec::new();
    let mut checked = 0;
    for (place, file) in &rendered {
        let path = PathBuf::from(place).join(&file.file_name);
        let Some(target) = target_of(&path) else {
            continue;
        };
        let doc: Value = serde_json::from_str(&file.contents).unwrap();
        let report = validator.check(&path, &target, &doc);
        assert!(
            !report.checked_against.is_empty(),
            "{target} was checked against nothing"
        );
        checked += 1;
        for v in report.violations {
            failures.push(format!(
                "{}: {}: {} ({})",
                v.file.display(),
                v.pointer,
                v.message,
                v.by
            ));
        }
    }
    assert!(checked >= 9, "only {checked} files checked");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn gen(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_gen"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn validate_passes_our_output_and_names_a_broken_file() {
    let mut args = vec!["validate", "generated"];
    let platforms = platforms().map(|p| p.display().to_string());
    if let Some(p) = &platforms {
        args.extend(["--platforms", p.as_str()]);
    }
    let o = gen(&args);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );

    let dir = tempfile::tempdir().unwrap();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("generated/hubspot/contact-lookup");
    for name in ["vapi.json", "mcp.json", "openai-chat.json"] {
        std::fs::copy(src.join(name), dir.path().join(name)).unwrap();
    }
    let mut vapi: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("vapi.json")).unwrap())
            .unwrap();
    vapi["function"]["name"] = Value::String("Look up contact!".into());
    std::fs::write(dir.path().join("vapi.json"), vapi.to_string()).unwrap();
    let d = dir.path().display().to_string();
    let mut args = vec!["validate", d.as_str()];
    if let Some(p) = &platforms {
        args.extend(["--platforms", p.as_str()]);
    }
    let o = gen(&args);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("vapi.json: /function/name:"), "{err}");
    assert!(!err.contains("mcp.json"), "{err}");
}

#[test]
fn a_reserved_or_long_tool_name_fails_the_template() {
    let text = include_str!("../templates/contact-lookup/template.yaml");
    for bad in [
        "end_call",
        "look_up_the_contact_of_the_caller_by_email_or_phone",
    ] {
        let t = text.replace("name: lookup_contact", &format!("name: {bad}"));
        let e = midcall::catalog::parse(&t, "t.yaml", Some("contact-lookup")).unwrap_err();
        assert!(e.to_string().contains("tool.name"), "{e}");
    }
}

#[test]
fn mcp_annotations_follow_the_template() {
    let midcall = Midcall::bundled().unwrap();
    let mcp = |id: &str| -> Value {
        let files = midcall
            .generate_generic(id, &["mcp".to_string()], &RenderOptions::default())
            .unwrap();
        serde_json::from_str(&files[0].contents).unwrap()
    };
    let read = mcp("contact-lookup");
    assert_eq!(read["annotations"]["readOnlyHint"], true);
    assert!(read["annotations"].get("destructiveHint").is_none());
    for id in midcall.template_ids() {
        let t = midcall::catalog::load(&midcall.sources, &id).unwrap();
        if t.access != midcall::catalog::Access::Write {
            continue;
        }
        let a = &mcp(&id)["annotations"];
        assert_eq!(a["readOnlyHint"], false, "{id}");
        assert_eq!(a["destructiveHint"], t.destructive, "{id}");
        let keyed = t
            .idempotency
            .as_ref()
            .is_some_and(|i| i.kind != midcall::catalog::IdempotencyKind::None);
        assert_eq!(a["idempotentHint"], keyed, "{id}");
    }
    assert_eq!(
        mcp("appointment-cancel")["annotations"]["destructiveHint"],
        true
    );
}
