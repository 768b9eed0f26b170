//! Writing generated files: the layout under the output folder and atomic
//! writes.
//!
//! Layout: `<out>/<crm>/<template>/<target file>`, for example
//! `generated/hubspot/contact-lookup/vapi.json`; a template rendered without
//! a CRM goes to `<out>/_generic/<template>/`. What a run writes is a
//! [`crate::plan::Plan`]; `<out>/lib.rs` comes from [`crate::crate_index`].

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::names::folder;

/// The folder that stands in for a CRM when a template is rendered without
/// one (`gen --template T`): not a valid CRM id, so it never collides.
pub const GENERIC: &str = "_generic";

/// Where one action's files go, relative to the output folder.
pub fn action_dir(crm: &str, template: &str) -> PathBuf {
    Path::new(folder(crm)).join(folder(template))
}

/// Writes `contents` to `path` through a temporary file in the same folder
/// and a rename, so a reader never sees half a file. Leaves an identical
/// file untouched. Returns whether the file changed.
pub fn write_atomic(path: &Path, contents: &str) -> Result<bool> {
    if fs::read_to_string(path).is_ok_and(|old| old == contents) {
        return Ok(false);
    }
    let dir = path.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(dir).map_err(|e| Error::io(dir, &e))?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(|e| Error::io(dir, &e))?;
    tmp.write_all(contents.as_bytes())
        .and_then(|()| tmp.flush())
        .map_err(|e| Error::io(path, &e))?;
    tmp.persist(path).map_err(|e| Error::io(path, &e.error))?;
    Ok(true)
}
