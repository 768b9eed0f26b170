//! `gen ops`: the operations of any OpenAPI spec.

use std::path::PathBuf;

use super::terminal::one_line;
use super::EXIT_OK;
use crate::error::Error;
use crate::openapi;

/// `gen ops --spec FILE...`: list a spec's operations; the files together
/// make one API. Defects the loader set aside are warnings on stderr, and
/// operations that cannot be used are listed there; a spec none of whose
/// operations can be used is an error (the first one's reason).
pub(super) fn run(paths: &[PathBuf]) -> Result<i32, Error> {
    let api = openapi::load_files_outline(paths)?;
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
        one_line(&api.title),
        one_line(&api.version),
        one_line(&api.openapi),
        api.operations.len()
    );
    for op in &api.operations {
        say!(
            "{:<7} {}  {}{}",
            op.method,
            one_line(&op.path),
            one_line(op.operation_id.as_deref().unwrap_or("-")),
            op.summary
                .as_deref()
                .map(|s| format!("  {}", one_line(s.lines().next().unwrap_or(""))))
                .unwrap_or_default()
        );
    }
    // OpenAPI requires operationIds to be unique. Bindings name an
    // operation by `METHOD /path`, so midcall is not misled, but a
    // duplicate is worth knowing about before writing bindings: a warning
    // on standard error, exit 0.
    let mut by_id: std::collections::BTreeMap<&str, Vec<String>> = Default::default();
    for op in &api.operations {
        if let Some(id) = op.operation_id.as_deref() {
            by_id
                .entry(id)
                .or_default()
                .push(format!("{} {}", op.method, one_line(&op.path)));
        }
    }
    for (id, ops) in by_id.iter().filter(|(_, ops)| ops.len() > 1) {
        eprintln!(
            "{}",
            super::terminal::safe(
                &format!(
                    "warning: {}: operationId `{}` is used by {} operations ({}); OpenAPI requires it to be unique; bindings name operations by `METHOD /path`",
                    api.origin,
                    one_line(id),
                    ops.len(),
                    ops.join(", ")
                ),
                false
            )
        );
    }
    // The process ends here: freeing the model piece by piece would only
    // cost time.
    std::mem::forget(api);
    Ok(EXIT_OK)
}
