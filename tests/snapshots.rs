//! Snapshots of everything `gen` writes, so that any change to a rendered
//! byte shows up as a reviewed diff: every template rendered for every
//! target without a CRM, every bound (CRM, template) connector with all its
//! files, and `gen --help` with each command's help.
//!
//! Globbed from the catalogue, the bindings and the help text: a new
//! template, target, binding or command is covered without editing this
//! file (its snapshot is missing, so the test fails until it is accepted).
//! Accept changes with `cargo insta review`, or `INSTA_UPDATE=always cargo
//! test --test snapshots`; in CI (`CI=true`) a mismatch fails.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use midcall::render::{RenderOptions, Rendered};
use midcall::Midcall;

/// Files under `==== <file> ====` headers, as `gen --stdout` prints several.
fn joined(files: &[Rendered]) -> String {
    files
        .iter()
        .map(|f| format!("==== {} ====\n{}", f.file_name, f.contents))
        .collect()
}

fn generic_name(template: &str) -> String {
    format!("generic__{template}")
}

fn connector_name(crm: &str, template: &str) -> String {
    format!("{crm}__{template}")
}

fn help_name(command: Option<&str>) -> String {
    match command {
        None => "help".to_string(),
        Some(c) => format!("help__{c}"),
    }
}

fn gen(args: &[&str]) -> String {
    let o = Command::new(env!("CARGO_BIN_EXE_gen"))
        .args(args)
        .output()
        .expect("gen runs");
    assert_eq!(o.status.code(), Some(0), "gen {args:?}");
    String::from_utf8(o.stdout).expect("help is UTF-8")
}

/// The commands `gen --help` lists, in its order.
fn commands(help: &str) -> Vec<String> {
    help.lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help")
        .map(str::to_string)
        .collect()
}

#[test]
fn every_template_for_every_target_without_a_crm() {
    let midcall = Midcall::bundled().unwrap();
    let options = RenderOptions::default();
    let ids = midcall.template_ids();
    assert!(ids.len() >= 30, "{ids:?}");
    for id in ids {
        let files = midcall.generate_generic(&id, &[], &options).unwrap();
        // Every target that needs no CRM, each once.
        let expected = midcall
            .renderer
            .targets()
            .iter()
            .filter(|t| !t.needs_crm())
            .count();
        assert_eq!(files.len(), expected, "{id}");
        insta::assert_snapshot!(generic_name(&id), joined(&files));
    }
}

#[test]
fn every_bound_connector_with_all_its_files() {
    let midcall = Midcall::bundled().unwrap();
    let options = RenderOptions::default();
    let pairs = midcall.bound_pairs().unwrap();
    assert!(!pairs.is_empty());
    for (crm, template) in pairs {
        let files = midcall.generate(&crm, &template, &[], &options).unwrap();
        assert_eq!(files.len(), midcall.renderer.targets().len());
        insta::assert_snapshot!(connector_name(&crm, &template), joined(&files));
    }
}

#[test]
fn gen_help_and_each_command_help() {
    let help = gen(&["--help"]);
    insta::assert_snapshot!(help_name(None), help);
    let commands = commands(&help);
    assert!(commands.len() >= 8, "{commands:?}");
    for c in commands {
        insta::assert_snapshot!(help_name(Some(&c)), gen(&[&c, "--help"]));
    }
}

/// A snapshot whose template, binding or command is gone fails the run, so
/// the folder holds exactly what the tests above check.
#[test]
fn no_snapshot_is_left_over() {
    let midcall = Midcall::bundled().unwrap();
    let mut expected: BTreeSet<String> = BTreeSet::new();
    for id in midcall.template_ids() {
        expected.insert(generic_name(&id));
    }
    for (crm, template) in midcall.bound_pairs().unwrap() {
        expected.insert(connector_name(&crm, &template));
    }
    let help = gen(&["--help"]);
    expected.insert(help_name(None));
    for c in commands(&help) {
        expected.insert(help_name(Some(&c)));
    }
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots");
    let mut extra = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        let Some(stem) = name
            .strip_prefix("snapshots__")
            .and_then(|n| n.strip_suffix(".snap"))
        else {
            continue;
        };
        if !expected.contains(stem) {
            extra.push(name);
        }
    }
    assert!(
        extra.is_empty(),
        "snapshots nothing produces any more (delete them): {extra:?}"
    );
}
