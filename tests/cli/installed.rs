//! The README's steps for an installed `gen` used outside this repository
//! ("A crate of your own"), run as written in an empty folder: the
//! `Cargo.toml` and the commands are read from the README itself, so the
//! two cannot drift. The runtime is this checkout's, by path.

use std::path::Path;
use std::process::Command;

use super::{root, Gen};

/// The fenced block right after the README line `<!-- installed-gen: {name} -->`.
fn readme_block(name: &str) -> String {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let marker = format!("<!-- installed-gen: {name} -->");
    let after = &readme[readme
        .find(&marker)
        .unwrap_or_else(|| panic!("README lacks {marker}"))..];
    let fence = after.find("```").expect("a fenced block");
    let body = &after[fence..];
    let start = body.find('\n').unwrap() + 1;
    let end = body[start..].find("```").unwrap();
    body[start..start + end].to_string()
}

#[test]
fn the_readme_steps_for_an_installed_gen_build_a_crate() {
    let work = tempfile::tempdir().unwrap();
    let tools = work.path().join("tools");
    std::fs::create_dir(&tools).unwrap();
    let runtime = root().join("runtime");
    let manifest = readme_block("tools/Cargo.toml");
    assert!(manifest.contains("/path/to/midcall/runtime"), "{manifest}");
    let manifest = manifest.replace(
        "/path/to/midcall/runtime",
        &runtime.display().to_string().replace('\\', "/"),
    );
    std::fs::write(tools.join("Cargo.toml"), manifest).unwrap();
    // The versions this repository builds with, so that the shared target
    // folder below is reused instead of resolving and compiling anew.
    std::fs::copy(root().join("Cargo.lock"), tools.join("Cargo.lock")).unwrap();

    let steps = readme_block("steps");
    let mut built = false;
    for line in steps.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let words: Vec<&str> = line.split_whitespace().collect();
        match words[0] {
            "gen" => {
                Gen::new().current_dir(work.path()).args(&words[1..]).run();
            }
            "cargo" => {
                build(work.path(), &words[1..]);
                built = true;
            }
            other => panic!("a README step this test cannot run: {other}"),
        }
    }
    assert!(built, "the steps build the crate");
    let index = std::fs::read_to_string(tools.join("lib.rs")).unwrap();
    assert!(index.contains("pub mod contact_lookup;"), "{index}");
    assert!(index.contains("pub mod ticket_status;"), "{index}");
}

/// `cargo <args>` in `dir`, offline, into a target folder shared between
/// runs (not the workspace's own, which the running `cargo test` holds).
fn build(dir: &Path, args: &[&str]) {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let target = root().join("target/installed-gen");
    let out = Command::new(cargo)
        .current_dir(dir)
        .args(args)
        .arg("--offline")
        .env("CARGO_TARGET_DIR", &target)
        .env_remove("RUSTFLAGS")
        .output()
        .expect("cargo runs");
    assert!(
        out.status.success(),
        "cargo {args:?} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
