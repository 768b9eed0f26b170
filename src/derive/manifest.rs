//! `specs/<crm>/derive.yaml`: how a bundled spec is derived from the
//! vendor's own spec files.
//!
//! ```yaml
//! vendor: HubSpot public API spec collection, CRM v3 (Rollouts/424)
//! title: HubSpot CRM API (midcall subset)
//! sources: [hubspot/crm/contacts.json, hubspot/crm/tickets.json]
//! operations: []            # kept besides the ones the bindings call
//! patches:
//!   - why: HubSpot's search needs no paging cursor on the first page
//!     op: replace
//!     path: /components/schemas/PublicObjectSearchRequest/required
//!     value: [filterGroups]
//! ```

use serde::Deserialize;
use serde_json::Value;

use crate::error::{Error, Result};

/// A parsed `derive.yaml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// Whose files these are and which release, for the derived file's header.
    pub vendor: String,
    /// The derived spec's `info.title` (default: the first source's).
    #[serde(default)]
    pub title: Option<String>,
    /// The vendor's files, relative to the vendor-spec folder
    /// (`../shared/realspecs`); operations are looked up in all of them.
    pub sources: Vec<String>,
    /// Operations (`METHOD /path`) to keep besides the ones the bindings
    /// call.
    #[serde(default)]
    pub operations: Vec<String>,
    /// Corrections of the vendor's defects, applied in order to the subset.
    #[serde(default)]
    pub patches: Vec<Patch>,
    /// Keep a component two sources define differently once per file, the
    /// later one renamed `Name_<file stem>` (Zoho's per-API files each
    /// define their own `Info`, `Response_Wrapper`…); without it (the
    /// default) such a conflict is an error.
    #[serde(default)]
    pub rename_conflicts: bool,
}

/// One correction: an RFC 6902 operation on the derived document, with the
/// reason it is needed.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Patch {
    /// One line: what the vendor's file gets wrong, and how we know.
    pub why: String,
    /// `add`, `remove` or `replace`.
    pub op: PatchOp,
    /// JSON pointer into the derived document (`~1` for `/` in a path).
    pub path: String,
    /// The new value (`add`, `replace`).
    #[serde(default)]
    pub value: Option<Value>,
}

/// The RFC 6902 operations a patch list may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PatchOp {
    /// Insert or set a member, or insert into an array.
    Add,
    /// Delete a member or an element.
    Remove,
    /// Replace an existing value.
    Replace,
}

impl Manifest {
    /// Parses `text`; `origin` names the file in errors.
    pub fn parse(text: &str, origin: &str) -> Result<Manifest> {
        let manifest: Manifest = serde_yaml::from_str(text).map_err(|e| Error::Yaml {
            origin: origin.to_string(),
            location: e
                .location()
                .map(|l| format!(":{}:{}", l.line(), l.column()))
                .unwrap_or_default(),
            message: e.to_string(),
        })?;
        if manifest.sources.is_empty() {
            return Err(Error::invalid(origin, "sources", "names no vendor file"));
        }
        for (i, patch) in manifest.patches.iter().enumerate() {
            let place = format!("patches[{i}]");
            if patch.why.trim().is_empty() {
                return Err(Error::invalid(
                    origin,
                    format!("{place}.why"),
                    "every patch says why the vendor's file is wrong",
                ));
            }
            if !patch.path.starts_with('/') {
                return Err(Error::invalid(
                    origin,
                    format!("{place}.path"),
                    format!("`{}` is not a JSON pointer (starts with /)", patch.path),
                ));
            }
            match (patch.op, &patch.value) {
                (PatchOp::Remove, Some(_)) => {
                    return Err(Error::invalid(
                        origin,
                        format!("{place}.value"),
                        "`remove` takes no value",
                    ))
                }
                (PatchOp::Add | PatchOp::Replace, None) => {
                    return Err(Error::invalid(
                        origin,
                        format!("{place}.value"),
                        "`add` and `replace` need a value",
                    ))
                }
                _ => {}
            }
        }
        Ok(manifest)
    }
}
