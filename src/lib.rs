//! midcall turns a CRM's OpenAPI spec and a use-case template into
//! ready-to-register tool definitions for voice platforms and a Rust
//! connector that performs the call.
//!
//! Data flows one way: spec → [`openapi::Api`] → [`call::BoundAction`]
//! (template + binding + operations, checked into a typed call model) →
//! [`render`] (one target template per tool-definition target; the
//! connector is emitted from the model) → a [`plan::Plan`] of every file,
//! `lib.rs` included (`crate_index`) → files under `generated/`
//! (`output`).
#![deny(missing_docs)]

pub mod assess;
pub mod bindings;
pub mod call;
pub mod catalog;
pub mod cli;
pub mod conformance;
pub(crate) mod crate_index;
pub mod derive;
pub mod diagnostic;
pub mod error;
pub mod examples;
pub mod explain;
pub(crate) mod input;
pub mod matcher;
pub mod matrix;
pub(crate) mod memo;
pub(crate) mod names;
pub mod openapi;
pub(crate) mod output;
pub mod plan;
pub mod platforms;
pub(crate) mod promise;
pub mod render;
pub mod source;
pub(crate) mod suggest;
pub mod validate;

pub use error::{Error, Result};

use std::path::Path;

use std::borrow::Cow;
use std::sync::Arc;

use bindings::Bindings;
use call::BoundAction;
use catalog::Template;
use conformance::Checker;
use crate_index::Connector;
use memo::Memo;
use plan::{Plan, INDEX};
use render::{OutputKind, RenderOptions, Rendered, Renderer};
use source::Sources;

/// The inputs midcall works from: templates, targets and CRM specs.
pub struct Midcall {
    /// Bundled files, overlaid by the user's folders.
    pub sources: Sources,
    /// Targets and their templates.
    pub renderer: Renderer,
    /// Specs loaded so far, by CRM id: a spec is parsed once per run, not
    /// once per template (Stripe's takes 0.3 s).
    specs: Memo<openapi::Api>,
    /// Bindings read so far (with the file they came from), by CRM id.
    bindings: Memo<(Bindings, String)>,
    /// Templates read so far, by id.
    templates: Memo<Template>,
    /// Example-request checkers by CRM id, each over its spec document.
    checkers: Memo<Checker<'static>>,
}

impl Midcall {
    /// Loads the render targets from `sources`.
    pub fn new(sources: Sources) -> Result<Self> {
        let renderer = Renderer::new(&sources)?;
        Ok(Midcall {
            sources,
            renderer,
            specs: Memo::default(),
            bindings: Memo::default(),
            templates: Memo::default(),
            checkers: Memo::default(),
        })
    }

    /// The bundled files only.
    pub fn bundled() -> Result<Self> {
        Self::new(Sources::bundled())
    }

    /// Ids of the CRMs that have bindings.
    pub fn crm_ids(&self) -> Vec<String> {
        bindings::crm_ids(&self.sources)
    }

    /// Ids of the templates.
    pub fn template_ids(&self) -> Vec<String> {
        catalog::template_ids(&self.sources)
    }

    /// A CRM's spec, `specs/<crm>/openapi.yaml` (or `.yml`, `.json`),
    /// loaded on first use and kept for the rest of the run.
    ///
    /// The file is parsed once per run: the document the example check
    /// reads ([`Midcall::check_example_requests`]) is handed to the loader
    /// as JSON, which parses several times faster than the YAML it came
    /// from, into the same document. Should that fail, the text itself is
    /// loaded, so an error is the loader's own, position included.
    pub fn load_spec(&self, crm: &str) -> Result<Arc<openapi::Api>> {
        self.specs.get_or_try(crm, || {
            let Some(file) = self.spec_file(crm) else {
                return Err(Error::invalid(
                    &format!("specs/{crm}"),
                    "folder",
                    "has bindings.yaml but no openapi.yaml",
                ));
            };
            let reparsed = self
                .checker(crm, file)
                .ok()
                .and_then(|c| serde_json::to_string(c.spec()).ok())
                .and_then(|json| openapi::load_str(&json, &file.origin).ok());
            match reparsed {
                Some(api) => Ok(api),
                None => Ok(openapi::load_str(&file.text, &file.origin)?),
            }
        })
    }

    /// The example-request checker over a CRM's spec document `file`,
    /// parsed on first use.
    fn checker(&self, crm: &str, file: &source::SourceFile) -> Result<Arc<Checker<'static>>> {
        self.checkers.get_or_try(crm, || {
            derive::parse_document(&file.text, &file.origin).map(|v| Checker::new(Cow::Owned(v)))
        })
    }

    /// The file of a CRM's spec: `specs/<crm>/openapi.yaml` (or `.yml`,
    /// `.json`).
    fn spec_file(&self, crm: &str) -> Option<&source::SourceFile> {
        ["openapi.yaml", "openapi.yml", "openapi.json"]
            .iter()
            .find_map(|name| self.sources.get(&format!("specs/{crm}/{name}")))
    }

    /// A CRM's bindings and the file they came from, read and checked on
    /// first use (see [`bindings::load`]).
    fn bindings(&self, crm: &str) -> Result<Arc<(Bindings, String)>> {
        self.bindings
            .get_or_try(crm, || bindings::load(&self.sources, crm))
    }

    /// A template, read and checked on first use (see [`catalog::load`]).
    fn template(&self, id: &str) -> Result<Arc<Template>> {
        self.templates
            .get_or_try(id, || catalog::load(&self.sources, id))
    }

    /// Uses `api` as the spec of CRM `crm` for the rest of the run (a spec
    /// given on the command line rather than bundled: `gen --spec FILE`).
    pub fn insert_spec(&self, crm: &str, api: Arc<openapi::Api>) {
        self.specs.insert(crm, api);
    }

    /// Every (crm, template) pair with a binding, sorted, unchecked.
    fn bound(&self) -> Result<Vec<(String, String)>> {
        let mut pairs = Vec::new();
        let templates = self.template_ids();
        for crm in self.crm_ids() {
            let loaded = self.bindings(&crm)?;
            let (bindings, origin) = loaded.as_ref();
            matrix::check_template_ids(bindings, origin, &templates)?;
            for template in bindings.actions.keys() {
                pairs.push((crm.clone(), template.clone()));
            }
        }
        Ok(pairs)
    }

    /// Every file `gen all` writes into an output folder: each bound
    /// (CRM, template) pair's files for every target under
    /// `<crm>/<template>/`, and the crate's `lib.rs` declaring exactly
    /// those connectors. Nothing is read from the output folder: a folder
    /// no binding produces is never part of it.
    pub fn plan(&self, options: &RenderOptions) -> Result<Plan> {
        let mut plan = Plan::new();
        let mut connectors = Vec::new();
        for (crm, template) in self.bound_pairs()? {
            let files = self.generate(&crm, &template, &[], options)?;
            plan.add_action(&crm, &template, &files);
            connectors.push(self.connector(&crm, &template, |file| {
                files.iter().any(|f| f.file_name == file)
            })?);
        }
        plan.add(INDEX, crate_index::render(&connectors)?);
        Ok(plan)
    }

    /// The `lib.rs` for an output folder after `plan` (one pair's files)
    /// is written into it: every bound pair whose `connector.rs` is in the
    /// plan or already in `out`, with the tool definitions present; `None`
    /// when `out` is not a crate (has no `Cargo.toml`). A folder no binding
    /// produces is never declared.
    pub fn index_for(&self, out: &Path, plan: &Plan) -> Result<Option<String>> {
        if !out.join("Cargo.toml").is_file() {
            return Ok(None);
        }
        let present = |crm: &str, template: &str, file: &str| {
            let rel = plan::action_path(crm, template, file);
            plan.get(&rel).is_some() || out.join(&rel).is_file()
        };
        let connectors: Vec<Connector> = self
            .bound()?
            .into_iter()
            .filter(|(crm, template)| present(crm, template, "connector.rs"))
            .map(|(crm, template)| {
                self.connector(&crm, &template, |file| present(&crm, &template, file))
            })
            .collect::<Result<_>>()?;
        crate_index::render(&connectors).map(Some)
    }

    /// One connector of the index, with the JSON targets `has` says exist.
    fn connector(
        &self,
        crm: &str,
        template: &str,
        has: impl Fn(&str) -> bool,
    ) -> Result<Connector> {
        let tool_files = self
            .renderer
            .targets()
            .iter()
            .filter(|t| t.kind == OutputKind::Json && has(&t.file_name))
            .map(|t| (t.name.clone(), t.file_name.clone()))
            .collect();
        let bindings = &self.bindings(crm)?.0;
        Ok(Connector {
            crm: crm.to_string(),
            template: template.to_string(),
            tool_files,
            vendor: bindings.needs_vendor(),
        })
    }

    /// Every (crm, template) pair with a binding, sorted, after checking
    /// that each is exercised: its example cases
    /// (`specs/<crm>/examples/<template>.yaml`) exist and name only the
    /// template's parameters, and no example file names an unbound template.
    pub fn bound_pairs(&self) -> Result<Vec<(String, String)>> {
        let pairs = self.bound()?;
        for crm in self.crm_ids() {
            let bound: Vec<&str> = pairs
                .iter()
                .filter(|(c, _)| *c == crm)
                .map(|(_, t)| t.as_str())
                .collect();
            examples::check_orphans(&self.sources, &crm, &bound)?;
            for template in &bound {
                let loaded = self.template(template)?;
                let cases = examples::load(&self.sources, &crm, &loaded)?;
                self.check_example_requests(&crm, template, &cases)?;
            }
        }
        Ok(pairs)
    }

    /// Checks that every request the example cases of `crm` × `template`
    /// teach the connector is one the CRM's spec accepts (see
    /// [`conformance`]).
    pub fn check_example_requests(
        &self,
        crm: &str,
        template: &str,
        cases: &[examples::ExampleCase],
    ) -> Result<()> {
        let Some(file) = self.spec_file(crm) else {
            return Ok(());
        };
        let checker = self.checker(crm, file)?;
        let path = examples::path(crm, template);
        let origin = self.sources.get(&path).map_or(path, |f| f.origin.clone());
        for (i, case) in cases.iter().enumerate() {
            for (j, request) in case.requests.iter().enumerate() {
                let problems = checker.check(request);
                if !problems.is_empty() {
                    return Err(Error::invalid(
                        &origin,
                        format!("[{i}].requests[{j}]"),
                        format!(
                            "case `{}`: {} (the spec is {})",
                            case.name,
                            problems.join("; "),
                            file.origin
                        ),
                    ));
                }
            }
        }
        Ok(())
    }

    /// Loads, binds and checks one CRM × template: the typed call model,
    /// or every problem of the binding; the template comes back narrowed
    /// to what the binding fills (`promise::bind`).
    pub fn action(&self, crm: &str, template: &str) -> Result<BoundAction> {
        let loaded = self.bindings(crm)?;
        let (bindings, origin) = loaded.as_ref();
        let template = self.template(template)?;
        let api = self.load_spec(crm)?;
        let differs = bindings
            .actions
            .get(&template.id)
            .and_then(|b| b.differs.clone());
        promise::bind(
            call::bind(crm, bindings, origin, &api, &template)?,
            differs.as_deref(),
        )
    }

    /// Renders the named targets (all that need no CRM, when empty) from a
    /// template alone: the generic tool definitions of a use case.
    pub fn generate_generic(
        &self,
        template: &str,
        targets: &[String],
        options: &RenderOptions,
    ) -> Result<Vec<Rendered>> {
        let template = self.template(template)?;
        self.renderer.render_template(targets, &template, options)
    }

    /// Renders the named targets (all when empty) for one CRM × template.
    pub fn generate(
        &self,
        crm: &str,
        template: &str,
        targets: &[String],
        options: &RenderOptions,
    ) -> Result<Vec<Rendered>> {
        let chosen = self.renderer.select(targets)?;
        let action = self.action(crm, template)?;
        self.renderer.render_all(&chosen, &action, options)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Loading a bundled spec through its parsed document gives the same
    /// model as loading its text.
    #[test]
    fn a_spec_loaded_through_its_document_is_the_spec_loaded_from_its_text() {
        let midcall = Midcall::bundled().unwrap();
        for crm in ["hubspot", "shopify", "zendesk", "pipedrive"] {
            let file = midcall.spec_file(crm).unwrap();
            let direct = openapi::load_str(&file.text, &file.origin).unwrap();
            assert!(*midcall.load_spec(crm).unwrap() == direct, "{crm}");
            assert!(midcall.checkers.get(crm).is_some(), "{crm}: parsed once");
        }
    }
}
