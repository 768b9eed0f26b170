//! `gen ops`: the operations of any OpenAPI spec.

use std::path::PathBuf;

use super::EXIT_OK;
use crate::error::Error;
use crate::openapi;

/// `gen ops --spec FILE...`: list a spec's operations; the files together
/// make one API. Defects the loader set aside are warnings on stderr, and
/// operations that cannot be used are listed there; a spec none of whose
/// operations can be used is an error (the first one's reason).
pub(super) fn run(paths: &[PathBuf]) -> Result<i32, Error> {
    let api = openapi::load_files(paths)?;
    if api.operations.is_empty() {
        if let Some(first) = api.unusable.first() {
            return Err(api.unusable_error(first).into());
        }
    }
    for warning in &api.warnings {
        eprintln!("warning: {}: {}", api.origin, one_line(warning));
    }
    let unusable = if api.unusable.is_empty() {
        String::new()
    } else {
        format!(
            " ({} more cannot be used; see the warnings)",
            api.unusable.len()
        )
    };
    say!(
        "{} {} (OpenAPI {}): {} operations{unusable}",
        api.title,
        api.version,
        api.openapi,
        api.operations.len()
    );
    for op in &api.operations {
        say!(
            "{:<7} {}  {}{}",
            op.method,
            op.path,
            op.operation_id.as_deref().unwrap_or("-"),
            op.summary
                .as_deref()
                .map(|s| format!("  {}", s.lines().next().unwrap_or("")))
                .unwrap_or_default()
        );
    }
    // The process ends here: freeing the model piece by piece would only
    // cost time.
    std::mem::forget(api);
    Ok(EXIT_OK)
}

/// Control characters (a spec's text may hold any) as spaces.
fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}
