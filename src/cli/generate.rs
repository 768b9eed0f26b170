//! Generating files: one CRM × template, all of them, and the staleness
//! check; each writes or compares a [`Plan`].

use std::path::Path;

use super::{GenerateArgs, EXIT_CHECK_FAILED, EXIT_OK, EXIT_USAGE};
use crate::error::Error;
use crate::output;
use crate::plan::{Plan, Written, INDEX};
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
        Some(crm) => {
            if super::crms::spec_only_ids(midcall)
                .iter()
                .any(|id| id == crm)
            {
                return Err(Error::invalid(
                    &format!("specs/{crm}"),
                    "bindings.yaml",
                    format!(
                        "`{crm}` has a spec but nothing bound yet; bind its templates in specs/{crm}/bindings.yaml (see `gen match --spec`)"
                    ),
                ));
            }
            (
                crm,
                midcall.generate(crm, template, &args.target, &options)?,
            )
        }
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
    let mut plan = Plan::new();
    plan.add_action(crm, template, &files);
    if let Some(index) = midcall.index_for(&args.out, &plan)? {
        plan.add(INDEX, index);
    }
    let written = plan.write(&args.out)?;
    let dir = args.out.join(output::action_dir(crm, template));
    let changed: Vec<String> = written
        .changed
        .iter()
        .filter(|p| p.starts_with(&dir))
        .filter_map(|p| p.file_name())
        .map(|n| n.to_string_lossy().into_owned())
        .collect();
    let s = |n: usize| if n == 1 { "" } else { "s" };
    if changed.is_empty() {
        say!(
            "{crm}/{template}: {} file{} in {} already up to date",
            files.len(),
            s(files.len()),
            dir.display()
        );
    } else {
        say!(
            "{crm}/{template}: wrote {} file{} to {}: {}",
            changed.len(),
            s(changed.len()),
            dir.display(),
            changed.join(", ")
        );
    }
    let index = args.out.join(INDEX);
    if written.changed.contains(&index) {
        say!("updated {}", index.display());
    }
    Ok(EXIT_OK)
}

/// `wrote 3 of 11 files (8 unchanged)`.
fn summary(written: &Written, total: usize) -> String {
    format!(
        "wrote {} of {total} file{} ({} unchanged)",
        written.changed.len(),
        if total == 1 { "" } else { "s" },
        written.unchanged
    )
}

/// `gen all`: writes the plan of every bound CRM × template (rendered in
/// full before anything is written); files it does not write in the
/// folders it owns are reported as stale, never deleted.
pub(super) fn all(midcall: &Midcall, out: &Path) -> Result<i32, Error> {
    let plan = midcall.plan(&RenderOptions::default())?;
    let written = plan.write(out)?;
    say!(
        "{}: {}",
        out.display(),
        summary(&written, plan.files().len())
    );
    for path in plan.extra(out)? {
        eprintln!(
            "stale: {}: no binding produces it; delete it",
            path.display()
        );
    }
    Ok(EXIT_OK)
}

/// `gen check`: exit 1, naming each file, when the output folder differs
/// from the plan (changed, missing or extra).
pub(super) fn check(midcall: &Midcall, out: &Path) -> Result<i32, Error> {
    let diffs = midcall.plan(&RenderOptions::default())?.diff(out)?;
    if diffs.is_empty() {
        say!("{} is up to date", out.display());
        return Ok(EXIT_OK);
    }
    for d in &diffs {
        eprintln!("stale: {d}");
    }
    eprintln!(
        "{} file(s) stale; run `gen all --out {}` (and delete what no binding produces), then commit",
        diffs.len(),
        out.display()
    );
    Ok(EXIT_CHECK_FAILED)
}
