//! `gen show`'s answer as data: one use case explained (the template, the
//! bundled CRMs that bind it, the brief's assessment and an example tool
//! definition). The command line only prints it.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use crate::assess::{self, Assessment};
use crate::catalog::{self, Template};
use crate::error::Result;
use crate::matrix::Matrix;
use crate::render::RenderOptions;
use crate::Midcall;

/// One use case explained.
#[derive(Debug, Clone, Serialize)]
pub struct Explanation {
    /// The template, checked.
    pub template: Template,
    /// The bundled (or overlaid) CRMs that bind it, sorted.
    pub crms: Vec<String>,
    /// The CRMs that cannot serve it (their bindings' `unsupported:`), by
    /// id, each with its one-line reason.
    pub unsupported: BTreeMap<String, String>,
    /// The CRMs among `crms` whose binding needs a licence, plan or add-on
    /// (`requires:`), by id, with what it needs.
    pub requires: BTreeMap<String, String>,
    /// The brief's evaluation of the template's profile.
    pub assessment: Assessment,
    /// An example tool definition.
    pub example: Example,
}

/// The example of an [`Explanation`]: one target rendered, for a CRM that
/// binds the template or, without one, generic.
#[derive(Debug, Clone, Serialize)]
pub struct Example {
    /// The target rendered (`mcp`).
    pub target: String,
    /// The CRM it was rendered for; `None` when generic.
    pub crm: Option<String>,
    /// The file it would be written as (`mcp.json`).
    #[serde(skip)]
    pub file_name: String,
    /// The file's text.
    #[serde(skip)]
    pub contents: String,
    /// The file as JSON (a `.json` target) or as a JSON string.
    pub definition: Value,
}

/// Explains template `id`, with an example for `target` rendered for `crm`
/// (default: the first CRM that binds the template; none: generic, which
/// a target that needs a CRM refuses).
pub fn explain(
    midcall: &Midcall,
    id: &str,
    target: &str,
    crm: Option<&str>,
) -> Result<Explanation> {
    let template = catalog::load(&midcall.sources, id)?;
    let crms = catalog::supporting_crms(&midcall.sources, &template.id)?;
    let matrix = Matrix::build(&midcall.sources, &[])?;
    let unsupported = matrix.unsupported_by(&template.id).into_iter().collect();
    let requires = matrix.requirements_of(&template.id).into_iter().collect();
    let assessment = assess::assess(&template.profile);
    let targets = vec![target.to_string()];
    let options = RenderOptions::default();
    let crm = crm.map(str::to_string).or_else(|| crms.first().cloned());
    let rendered = match &crm {
        Some(crm) => midcall.generate(crm, &template.id, &targets, &options)?,
        None => midcall.generate_generic(&template.id, &targets, &options)?,
    };
    let (file_name, contents) = rendered
        .into_iter()
        .next()
        .map(|r| (r.file_name, r.contents))
        .unwrap_or_default();
    let definition = serde_json::from_str::<Value>(&contents)
        .unwrap_or_else(|_| Value::String(contents.clone()));
    Ok(Explanation {
        template,
        crms,
        unsupported,
        requires,
        assessment,
        example: Example {
            target: target.to_string(),
            crm,
            file_name,
            contents,
            definition,
        },
    })
}
