//! The systems × templates matrix: for every CRM folder and every template,
//! whether the CRM binds it (`actions:`), cannot serve it (`unsupported:`,
//! with a one-line reason), or has not bound it yet. `gen crms` prints it
//! (text, `--json`, `--markdown`), `gen show` reads one row of it, and the
//! README's systems table is its Markdown form.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::bindings::{self, Bindings};
use crate::catalog;
use crate::error::{Error, Result};
use crate::source::Sources;
use crate::suggest;

/// One CRM × template cell.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", content = "reason", rename_all = "kebab-case")]
pub enum Cell {
    /// The CRM's bindings have an action for the template.
    Bound,
    /// The CRM cannot serve the template, for the reason given.
    Unsupported(String),
    /// Neither bound nor ruled out: nobody has bound it yet.
    NotYet,
}

/// One CRM's column of the matrix.
#[derive(Debug, Clone, Serialize)]
pub struct System {
    /// The CRM id (its folder under `specs/`).
    pub id: String,
    /// Display name: the bindings' `name`, or the spec's title when the
    /// folder has a spec and no bindings yet.
    pub name: String,
    /// Bound template ids, sorted.
    pub bound: Vec<String>,
    /// Template id → one-line reason the CRM cannot serve it.
    pub unsupported: BTreeMap<String, String>,
    /// Bound template id → the licence, plan or add-on its binding needs
    /// (`requires:`), for the bindings that say one.
    pub requires: BTreeMap<String, String>,
    /// Template ids neither bound nor unsupported, sorted.
    pub not_yet: Vec<String>,
    /// True for a folder with a spec and no `bindings.yaml` yet.
    pub spec_only: bool,
}

impl System {
    /// The cell of template `id` in this column.
    pub fn cell(&self, id: &str) -> Cell {
        if self.bound.iter().any(|t| t == id) {
            Cell::Bound
        } else if let Some(reason) = self.unsupported.get(id) {
            Cell::Unsupported(reason.clone())
        } else {
            Cell::NotYet
        }
    }
}

/// Every template (sorted by id) against every CRM (bound CRMs first,
/// then spec-only ones, each sorted by id).
#[derive(Debug, Clone, Serialize)]
pub struct Matrix {
    /// Template ids, sorted.
    pub templates: Vec<String>,
    /// One column per CRM.
    pub systems: Vec<System>,
}

/// Checks that every template id a CRM's bindings name (under `actions`
/// and `unsupported`) is a template of the catalogue; the error names the
/// file and the YAML path.
pub fn check_template_ids(b: &Bindings, origin: &str, templates: &[String]) -> Result<()> {
    let valid: Vec<&str> = templates.iter().map(String::as_str).collect();
    let keys = b
        .actions
        .keys()
        .map(|k| ("actions", k))
        .chain(b.unsupported.keys().map(|k| ("unsupported", k)));
    for (section, id) in keys {
        if !templates.contains(id) {
            let suggestion = suggest::closest(id, &valid)
                .map(|c| format!(" (did you mean `{c}`?)"))
                .unwrap_or_default();
            return Err(Error::invalid(
                origin,
                format!("{section}.{id}"),
                format!("`{id}` is not a template{suggestion}; see `gen list`"),
            ));
        }
    }
    Ok(())
}

/// Bound template id → the `requires:` of its binding, for those that
/// have one.
pub fn requirements(b: &Bindings) -> BTreeMap<String, String> {
    b.actions
        .iter()
        .filter_map(|(id, a)| a.requires.clone().map(|r| (id.clone(), r)))
        .collect()
}

/// One bound CRM's bindings, checked against the catalogue's template ids.
pub fn load_checked(
    sources: &Sources,
    crm: &str,
    templates: &[String],
) -> Result<(Bindings, String)> {
    let (b, origin) = bindings::load(sources, crm)?;
    check_template_ids(&b, &origin, templates)?;
    Ok((b, origin))
}

impl Matrix {
    /// Builds the matrix from the bound CRMs' bindings and the spec-only
    /// folders (`spec_only`: id and display name, all templates not yet
    /// bound).
    pub fn build(sources: &Sources, spec_only: &[(String, String)]) -> Result<Matrix> {
        let templates = catalog::template_ids(sources);
        let mut systems = Vec::new();
        for id in bindings::crm_ids(sources) {
            let (b, _) = load_checked(sources, &id, &templates)?;
            let requires = requirements(&b);
            let bound: Vec<String> = b.actions.into_keys().collect();
            let not_yet = templates
                .iter()
                .filter(|t| !bound.contains(t) && !b.unsupported.contains_key(*t))
                .cloned()
                .collect();
            systems.push(System {
                id,
                name: b.name,
                bound,
                unsupported: b.unsupported,
                requires,
                not_yet,
                spec_only: false,
            });
        }
        for (id, name) in spec_only {
            systems.push(System {
                id: id.clone(),
                name: name.clone(),
                bound: vec![],
                unsupported: BTreeMap::new(),
                requires: BTreeMap::new(),
                not_yet: templates.clone(),
                spec_only: true,
            });
        }
        Ok(Matrix { templates, systems })
    }

    /// The CRMs whose binding of template `id` needs a licence, plan or
    /// add-on, with what it needs.
    pub fn requirements_of(&self, id: &str) -> Vec<(String, String)> {
        self.systems
            .iter()
            .filter_map(|s| s.requires.get(id).map(|r| (s.id.clone(), r.clone())))
            .collect()
    }

    /// The CRMs that cannot serve template `id`, with their reasons.
    pub fn unsupported_by(&self, id: &str) -> Vec<(String, String)> {
        self.systems
            .iter()
            .filter_map(|s| s.unsupported.get(id).map(|r| (s.id.clone(), r.clone())))
            .collect()
    }
}
