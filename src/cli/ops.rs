//! `gen ops`: the operations of any OpenAPI spec.

use std::path::Path;

use super::EXIT_OK;
use crate::error::Error;
use crate::openapi;

/// `gen ops --spec FILE`: list a spec's operations.
pub(super) fn run(path: &Path) -> Result<i32, Error> {
    let api = openapi::load_file(path)?;
    say!(
        "{} {} (OpenAPI {}): {} operations",
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
    Ok(EXIT_OK)
}
