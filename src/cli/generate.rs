//! Generating files: one CRM × template, all of them, and the staleness check.

use std::path::Path;

use super::{GenerateArgs, EXIT_CHECK_FAILED, EXIT_OK, EXIT_USAGE};
use crate::error::Error;
use crate::output;
use crate::render::RenderOptions;
use crate::Midcall;

/// `gen --crm C --template T`: render and write (or print) one action.
pub(super) fn one(midcall: &Midcall, args: GenerateArgs) -> Result<i32, Error> {
    let Some(template) = args.template.as_deref() else {
        eprintln!(
            "error: give --template (and --crm for a connector) or a command; templates: {}; CRMs: {}; see `gen --help`",
            midcall.template_ids().join(", "),
            midcall.crm_ids().join(", ")
        );
        return Ok(EXIT_USAGE);
    };
    let options = RenderOptions {
        server_url: args.server_url,
    };
    // Without a CRM: the template's tool definitions alone, no connector.
    let (crm, files) = match args.crm.as_deref() {
        Some(crm) => (
            crm,
            midcall.generate(crm, template, &args.target, &options)?,
        ),
        None => (
            output::GENERIC,
            midcall.generate_generic(template, &args.target, &options)?,
        ),
    };
    if args.stdout {
        let single = files.len() == 1;
        for file in &files {
            if single {
                super::emit_file(&file.contents)?;
            } else {
                super::emit_file(&format!("==== {} ====\n{}", file.file_name, file.contents))?;
            }
        }
        return Ok(EXIT_OK);
    }
    write_files(&args.out, crm, template, &files)?;
    output::write_index(&args.out)?;
    Ok(EXIT_OK)
}

fn write_files(
    out: &Path,
    crm: &str,
    template: &str,
    files: &[crate::render::Rendered],
) -> Result<(), Error> {
    let paths = output::write_action(out, crm, template, files)?;
    let dir = out.join(output::action_dir(crm, template));
    if paths.is_empty() {
        say!(
            "{crm}/{template}: {} file{} in {} already up to date",
            files.len(),
            if files.len() == 1 { "" } else { "s" },
            dir.display()
        );
        return Ok(());
    }
    let names: Vec<String> = paths
        .iter()
        .filter_map(|p| p.file_name())
        .map(|n| n.to_string_lossy().into_owned())
        .collect();
    say!(
        "{crm}/{template}: wrote {} file{} to {}: {}",
        paths.len(),
        if paths.len() == 1 { "" } else { "s" },
        dir.display(),
        names.join(", ")
    );
    Ok(())
}

/// `gen all`: every bound CRM × template.
pub(super) fn all(midcall: &Midcall, out: &Path) -> Result<i32, Error> {
    let options = RenderOptions::default();
    let mut rendered = Vec::new();
    for (crm, template) in midcall.bound_pairs()? {
        let files = midcall.generate(&crm, &template, &[], &options)?;
        rendered.push((crm, template, files));
    }
    // Everything rendered before anything is written: no half-updated folder.
    for (crm, template, files) in &rendered {
        write_files(out, crm, template, files)?;
    }
    output::write_index(out)?;
    Ok(EXIT_OK)
}

/// `gen check`: exit 1 when the output folder differs from what `gen all` writes.
pub(super) fn check(midcall: &Midcall, out: &Path) -> Result<i32, Error> {
    let options = RenderOptions::default();
    let mut stale = Vec::new();
    let mut expected = std::collections::BTreeSet::new();
    for (crm, template) in midcall.bound_pairs()? {
        let dir = out.join(output::action_dir(&crm, &template));
        for file in midcall.generate(&crm, &template, &[], &options)? {
            let path = dir.join(&file.file_name);
            expected.insert(path.clone());
            match std::fs::read_to_string(&path) {
                Ok(old) if old == file.contents => {}
                Ok(_) => stale.push(format!("{}: differs from what gen writes", path.display())),
                Err(_) => stale.push(format!("{}: missing", path.display())),
            }
        }
    }
    // Left-overs: files in a known CRM's folders that gen no longer writes
    // (a binding or a target that was removed).
    for crm in midcall.crm_ids() {
        let Ok(templates) = std::fs::read_dir(out.join(&crm)) else {
            continue;
        };
        let mut found = Vec::new();
        for dir in templates.flatten().filter(|d| d.path().is_dir()) {
            for file in std::fs::read_dir(dir.path())
                .into_iter()
                .flatten()
                .flatten()
            {
                found.push(file.path());
            }
        }
        found.sort();
        for path in found {
            if !expected.contains(&path) {
                stale.push(format!(
                    "{}: no longer written by gen; delete it",
                    path.display()
                ));
            }
        }
    }
    if let Some(index) = output::index(out)? {
        let path = out.join("lib.rs");
        if std::fs::read_to_string(&path).ok().as_deref() != Some(index.as_str()) {
            stale.push(format!("{}: differs from what gen writes", path.display()));
        }
    }
    if stale.is_empty() {
        say!("{} is up to date", out.display());
        Ok(EXIT_OK)
    } else {
        for line in &stale {
            eprintln!("stale: {line}");
        }
        eprintln!(
            "{} file(s) stale; run `gen all --out {}` and commit the result",
            stale.len(),
            out.display()
        );
        Ok(EXIT_CHECK_FAILED)
    }
}
