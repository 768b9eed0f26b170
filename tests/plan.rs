//! The plan as the `gen` binary shows it: `gen check` names changed,
//! missing and extra files; `gen all` declares in `lib.rs` only what the
//! bindings produce; CRM ids map to folders and modules that compile,
//! hyphens included, and bad ids are refused naming the folder.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn gen_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gen"))
        .current_dir(dir)
        .args(args)
        .output()
        .expect("gen runs")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// A `--specs` overlay holding a copy of HubSpot's spec, bindings and
/// examples under each of `ids`.
fn overlay(dir: &Path, ids: &[&str]) -> PathBuf {
    let specs = dir.join("specs");
    for id in ids {
        copy_dir(&root().join("specs/hubspot"), &specs.join(id));
    }
    specs
}

#[test]
fn an_extra_crm_folder_fails_check_and_stays_out_of_lib_rs() {
    let dir = tempfile::tempdir().unwrap();
    let o = gen_in(dir.path(), &["all", "--out", "g"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // Hand-written files of the crate are not part of the comparison.
    fs::write(dir.path().join("g/Cargo.toml"), "[package]\n").unwrap();
    fs::create_dir_all(dir.path().join("g/tests")).unwrap();
    fs::write(dir.path().join("g/tests/mine.rs"), "// mine\n").unwrap();
    let o = gen_in(dir.path(), &["check", "--out", "g"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));

    copy_dir(
        &root().join("generated/hubspot"),
        &dir.path().join("g/oldcrm"),
    );
    let o = gen_in(dir.path(), &["check", "--out", "g"]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("g/oldcrm/contact-lookup/connector.rs: no longer written by gen"),
        "{err}"
    );
    assert!(!err.contains("mine.rs"), "{err}");
    assert!(!err.contains("Cargo.toml"), "{err}");

    // `gen all` rewrites lib.rs from the bindings: no `oldcrm`. It reports
    // the folder as stale and deletes nothing.
    let index_before = fs::read_to_string(dir.path().join("g/lib.rs")).unwrap();
    let o = gen_in(dir.path(), &["all", "--out", "g"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("g/oldcrm/contact-lookup/vapi.json: no binding produces it"),
        "{}",
        stderr(&o)
    );
    let index = fs::read_to_string(dir.path().join("g/lib.rs")).unwrap();
    assert_eq!(index, index_before);
    assert!(!index.contains("oldcrm"), "{index}");
    assert!(index.contains("pub mod hubspot"), "{index}");
    assert!(dir
        .path()
        .join("g/oldcrm/contact-lookup/vapi.json")
        .is_file());
}

#[test]
fn check_names_a_missing_file_and_a_changed_lib_rs() {
    let dir = tempfile::tempdir().unwrap();
    let o = gen_in(dir.path(), &["all", "--out", "g"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    fs::remove_file(dir.path().join("g/hubspot/ticket-status/mcp.json")).unwrap();
    fs::write(dir.path().join("g/lib.rs"), "// edited\n").unwrap();
    let o = gen_in(dir.path(), &["check", "--out", "g"]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("g/hubspot/ticket-status/mcp.json: missing"),
        "{err}"
    );
    assert!(err.contains("g/lib.rs: differs"), "{err}");
    // A second `gen all` writes only what differs.
    let o = gen_in(dir.path(), &["all", "--out", "g"]);
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("wrote 2 of"),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    assert_eq!(
        gen_in(dir.path(), &["check", "--out", "g"]).status.code(),
        Some(0)
    );
}

#[test]
fn bad_crm_ids_are_refused_naming_the_folder() {
    for bad in ["HubSpot2", "my_crm", "a--b", "tests"] {
        let dir = tempfile::tempdir().unwrap();
        let specs = overlay(dir.path(), &[bad]);
        let specs = specs.display().to_string();
        for args in [
            vec![
                "--specs",
                specs.as_str(),
                "--crm",
                bad,
                "--template",
                "contact-lookup",
                "--stdout",
            ],
            vec!["all", "--specs", specs.as_str(), "--out", "g"],
        ] {
            let o = gen_in(dir.path(), &args);
            assert_eq!(o.status.code(), Some(2), "{bad} {args:?}: {}", stderr(&o));
            let err = stderr(&o);
            assert_eq!(err.trim_end().lines().count(), 1, "{err}");
            assert!(
                err.contains(&format!("{bad}/bindings.yaml: folder name: CRM id `{bad}`")),
                "{err}"
            );
        }
        assert!(!dir.path().join("g").exists(), "{bad}: nothing written");
    }
}

#[test]
fn a_b_and_a_double_hyphen_b_cannot_both_be_module_a_b() {
    let dir = tempfile::tempdir().unwrap();
    let specs = overlay(dir.path(), &["a-b", "a--b"]);
    let o = gen_in(
        dir.path(),
        &["all", "--specs", &specs.display().to_string(), "--out", "g"],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("CRM id `a--b`"), "{}", stderr(&o));
}

/// `gen --specs <overlay with zoho-crm> --crm zoho-crm --template
/// contact-lookup` into a copy of the generated crate, then `cargo build`:
/// the `#[path]` of a hyphenated CRM id resolves to `zoho-crm/`.
#[test]
fn a_hyphenated_crm_id_gives_a_crate_that_builds() {
    let dir = tempfile::tempdir().unwrap();
    let specs = overlay(dir.path(), &["zoho-crm"]);
    let krate = dir.path().join("crate");
    fs::create_dir_all(&krate).unwrap();
    fs::copy(root().join("generated/lib.rs"), krate.join("lib.rs")).unwrap();
    copy_dir(&root().join("generated/hubspot"), &krate.join("hubspot"));
    // A crate of its own (not in the workspace) over the local runtime,
    // with the workspace's lock so no dependency changes version.
    let runtime = root().join("runtime");
    fs::write(
        krate.join("Cargo.toml"),
        format!(
            "[package]\nname = \"midcall-zoho-check\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
             [lib]\npath = \"lib.rs\"\n\n\
             [dependencies]\nmidcall-runtime = {{ path = {:?} }}\nserde = {{ version = \"1\", features = [\"derive\"] }}\n\n\
             [workspace]\n",
            runtime.display().to_string()
        ),
    )
    .unwrap();
    fs::copy(root().join("Cargo.lock"), krate.join("Cargo.lock")).unwrap();

    let o = gen_in(
        dir.path(),
        &[
            "--specs",
            &specs.display().to_string(),
            "--crm",
            "zoho-crm",
            "--template",
            "contact-lookup",
            "--out",
            "crate",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(krate.join("zoho-crm/contact-lookup/connector.rs").is_file());
    let index = fs::read_to_string(krate.join("lib.rs")).unwrap();
    assert!(
        index.contains("#[path = \"zoho-crm\"]\npub mod zoho_crm {"),
        "{index}"
    );
    assert!(
        index.contains("(\"zoho-crm\", \"contact-lookup\")"),
        "{index}"
    );
    // Bound but not written: not declared.
    assert!(
        !index.contains("(\"zoho-crm\", \"contact-create\")"),
        "{index}"
    );
    assert!(index.contains("pub mod hubspot"), "{index}");

    // The target folder tests/cli/installed.rs builds the same kind of
    // crate into (same dependencies and features), so they share the
    // compiled runtime; not the workspace's own, which `cargo test` holds.
    let build = Command::new(env!("CARGO"))
        .current_dir(&krate)
        .args(["build", "--offline", "--quiet"])
        .env("CARGO_TARGET_DIR", root().join("target/installed-gen"))
        .env_remove("RUSTFLAGS")
        .output()
        .expect("cargo runs");
    assert!(
        build.status.success(),
        "cargo build failed:\n{}",
        String::from_utf8_lossy(&build.stderr)
    );
}
