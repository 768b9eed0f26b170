//! `gen validate`: generated files against each platform's rules.

use std::path::PathBuf;

use super::{EXIT_CHECK_FAILED, EXIT_OK};
use crate::error::Error;
use crate::validate::{collect_files, Validator};

/// Checks every tool-definition file under `paths`; prints each violation
/// as `file: pointer: message (by)`; exit 1 when there is one.
pub(super) fn run(paths: &[PathBuf], platforms: Option<&std::path::Path>) -> Result<i32, Error> {
    let validator = Validator::new(platforms)?;
    let files = collect_files(paths)?;
    let mut checked = 0;
    let mut bad = 0;
    let mut skipped = Vec::new();
    for file in &files {
        let Some(report) = validator.check_file(file)? else {
            skipped.push(file.display().to_string());
            continue;
        };
        checked += 1;
        if report.violations.is_empty() {
            say!(
                "ok    {} ({}: {})",
                file.display(),
                report.target,
                report.checked_against.join(", ")
            );
        } else {
            bad += 1;
            for v in &report.violations {
                let pointer = if v.pointer.is_empty() {
                    "/"
                } else {
                    &v.pointer
                };
                // The message may quote the file's own text: escaped, one line.
                let line = format!("{}: {pointer}: {} ({})", v.file.display(), v.message, v.by);
                eprintln!("{}", super::terminal::safe(&line, false));
            }
        }
    }
    if !skipped.is_empty() {
        say!(
            "skipped {} file(s) that are no known target: {}",
            skipped.len(),
            skipped.join(", ")
        );
    }
    if platforms.is_none() {
        say!("note: platform schemas not loaded; pass --platforms DIR (or set MIDCALL_PLATFORMS) to check against them too");
    }
    if bad > 0 {
        eprintln!("{bad} of {checked} file(s) break a platform rule");
        Ok(EXIT_CHECK_FAILED)
    } else {
        say!("{checked} file(s) valid");
        Ok(EXIT_OK)
    }
}
