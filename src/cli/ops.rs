//! `gen ops`: the operations of any OpenAPI spec.

use std::path::Path;

use super::terminal::one_line;
use super::EXIT_OK;
use crate::error::Error;
use crate::openapi;

/// `gen ops --spec FILE`: list a spec's operations.
pub(super) fn run(path: &Path) -> Result<i32, Error> {
    let api = openapi::load_file(path)?;
    say!(
        "{} {} (OpenAPI {}): {} operations",
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
                    path.display(),
                    one_line(id),
                    ops.len(),
                    ops.join(", ")
                ),
                false
            )
        );
    }
    Ok(EXIT_OK)
}
