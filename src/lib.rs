//! midcall turns a CRM's OpenAPI spec and a use-case template into
//! ready-to-register tool definitions for voice platforms and a Rust
//! connector that performs the call.
//!
//! Data flows one way: spec → [`openapi::Api`] → [`action::Action`] (template +
//! binding + operation, checked) → [`render`] (one tera file per target) →
//! files under `generated/` ([`output`]).
#![deny(missing_docs)]

pub mod action;
pub mod assess;
pub mod bindings;
pub mod catalog;
pub mod cli;
pub mod conformance;
pub mod derive;
pub mod error;
pub mod examples;
pub mod explain;
pub mod input;
pub mod names;
pub mod openapi;
pub mod output;
pub mod promise;
pub mod render;
pub mod source;
pub mod suggest;
pub mod validate;

pub use error::{Error, Result};

use action::Action;
use render::{RenderOptions, Rendered, Renderer};
use source::Sources;

/// The inputs midcall works from: templates, targets and CRM specs.
pub struct Midcall {
    /// Bundled files, overlaid by the user's folders.
    pub sources: Sources,
    /// Targets and their templates.
    pub renderer: Renderer,
    /// Specs loaded so far, by CRM id: a spec is parsed once per run, not
    /// once per template (Stripe's takes 0.3 s).
    specs: std::sync::Mutex<std::collections::BTreeMap<String, std::sync::Arc<openapi::Api>>>,
}

impl Midcall {
    /// Loads the render targets from `sources`.
    pub fn new(sources: Sources) -> Result<Self> {
        let renderer = Renderer::new(&sources)?;
        Ok(Midcall {
            sources,
            renderer,
            specs: Default::default(),
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
    pub fn load_spec(&self, crm: &str) -> Result<std::sync::Arc<openapi::Api>> {
        if let Some(api) = self.specs.lock().ok().and_then(|s| s.get(crm).cloned()) {
            return Ok(api);
        }
        for name in ["openapi.yaml", "openapi.yml", "openapi.json"] {
            if let Some(file) = self.sources.get(&format!("specs/{crm}/{name}")) {
                let api = std::sync::Arc::new(openapi::load_str(&file.text, &file.origin)?);
                if let Ok(mut specs) = self.specs.lock() {
                    specs.insert(crm.to_string(), api.clone());
                }
                return Ok(api);
            }
        }
        Err(Error::invalid(
            &format!("specs/{crm}"),
            "folder",
            "has bindings.yaml but no openapi.yaml",
        ))
    }

    /// Every (crm, template) pair with a binding, sorted, after checking
    /// that each is exercised: its example cases
    /// (`specs/<crm>/examples/<template>.yaml`) exist and name only the
    /// template's parameters, and no example file names an unbound template.
    pub fn bound_pairs(&self) -> Result<Vec<(String, String)>> {
        let mut pairs = Vec::new();
        for crm in self.crm_ids() {
            let (bindings, _) = bindings::load(&self.sources, &crm)?;
            let bound: Vec<&str> = bindings.actions.keys().map(String::as_str).collect();
            examples::check_orphans(&self.sources, &crm, &bound)?;
            for template in bindings.actions.keys() {
                let loaded = catalog::load(&self.sources, template)?;
                let cases = examples::load(&self.sources, &crm, &loaded)?;
                self.check_example_requests(&crm, template, &cases)?;
                pairs.push((crm.clone(), template.clone()));
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
        let Some(file) = ["openapi.yaml", "openapi.yml", "openapi.json"]
            .iter()
            .find_map(|name| self.sources.get(&format!("specs/{crm}/{name}")))
        else {
            return Ok(());
        };
        let spec = derive::parse_document(&file.text, &file.origin)?;
        let path = examples::path(crm, template);
        let origin = self.sources.get(&path).map_or(path, |f| f.origin.clone());
        for (i, case) in cases.iter().enumerate() {
            for (j, request) in case.requests.iter().enumerate() {
                let problems = conformance::check_request(&spec, request);
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

    /// Loads, binds and checks one CRM × template; the template comes back
    /// narrowed to what the binding fills ([`promise::bind`]).
    pub fn action(&self, crm: &str, template: &str) -> Result<Action> {
        let (bindings, origin) = bindings::load(&self.sources, crm)?;
        let template = catalog::load(&self.sources, template)?;
        let api = self.load_spec(crm)?;
        promise::bind(action::resolve(crm, &bindings, &origin, &api, &template)?)
    }

    /// Renders the named targets (all that need no CRM, when empty) from a
    /// template alone: the generic tool definitions of a use case.
    pub fn generate_generic(
        &self,
        template: &str,
        targets: &[String],
        options: &RenderOptions,
    ) -> Result<Vec<Rendered>> {
        let template = catalog::load(&self.sources, template)?;
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
