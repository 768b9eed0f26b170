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
    Ok(EXIT_OK)
}
