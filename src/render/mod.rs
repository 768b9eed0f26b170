//! Rendering: one target template (a tera file) per target under
//! `templates/targets/`, plus the built-in `connector` target, emitted
//! from the call model ([`connector::render`]).
//!
//! A target template is named `<target>.<ext>.tera` and writes
//! `<target>.<ext>`; adding a target is adding a file (and, for a
//! platform's tool definition, its entry in [`crate::platforms`]). Output is checked by its extension:
//! `.json` is parsed back and pretty-printed (so a template can never emit
//! invalid JSON unnoticed), `.rs` is parsed as a Rust file.

pub mod connector;
mod context;
pub mod rust_text;

pub use context::{build as build_context, for_template, param_schema, Context, RenderOptions};

use std::error::Error as _;

use crate::call::BoundAction;
use crate::error::{Error, Result};
use crate::source::Sources;
use crate::suggest;

/// How a target's output is checked and normalised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputKind {
    /// Parsed and pretty-printed with two-space indent.
    Json,
    /// Parsed as a Rust source file.
    Rust,
    /// Written as rendered.
    Text,
    /// The Rust connector, emitted from the call model (no template).
    Connector,
}

/// The built-in target that writes the Rust connector.
pub const CONNECTOR: &str = "connector";

/// One render target.
#[derive(Debug, Clone)]
pub struct Target {
    /// `vapi`, `openai-chat`, `connector`.
    pub name: String,
    /// The file it writes: `vapi.json`.
    pub file_name: String,
    /// Where its target template came from.
    pub origin: String,
    /// How its output is checked.
    pub kind: OutputKind,
    /// Why its target template does not parse; reported only when it is chosen,
    /// so one broken target never blocks the others.
    pub broken: Option<String>,
}

impl Target {
    /// Whether the target needs a CRM binding (code that calls the CRM),
    /// not only a template. Rust targets do.
    pub fn needs_crm(&self) -> bool {
        matches!(self.kind, OutputKind::Rust | OutputKind::Connector)
    }
}

/// The targets and a tera engine holding their target templates.
pub struct Renderer {
    tera: tera::Tera,
    targets: Vec<Target>,
}

/// One rendered file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    /// The target that produced it.
    pub target: String,
    /// Its file name (`vapi.json`).
    pub file_name: String,
    /// Contents, ending in a newline.
    pub contents: String,
}

impl Renderer {
    /// Loads every target template, `templates/targets/*.tera`, from the sources.
    pub fn new(sources: &Sources) -> Result<Self> {
        let mut tera = tera::Tera::default();
        tera.autoescape_on(vec![]);
        register_filters(&mut tera);
        let mut targets = Vec::new();
        for (file, source) in sources.files_in("templates/targets", ".tera") {
            let file_name = file.trim_end_matches(".tera").to_string();
            let (name, ext) = file_name
                .split_once('.')
                .map(|(n, e)| (n.to_string(), e.to_string()))
                .unwrap_or_else(|| (file_name.clone(), String::new()));
            if name == CONNECTOR {
                return Err(Error::Render {
                    target: source.origin.clone(),
                    message: format!(
                        "target `{CONNECTOR}` is emitted from the bindings' call model, not from a target template; name this one differently"
                    ),
                });
            }
            if let Some(p) = crate::names::id_problem(&name) {
                return Err(Error::Render {
                    target: source.origin.clone(),
                    message: format!("target name `{name}` {p}"),
                });
            }
            let kind = match ext.as_str() {
                "json" => OutputKind::Json,
                "rs" => OutputKind::Rust,
                _ => OutputKind::Text,
            };
            let broken = tera
                .add_raw_template(&name, &source.text)
                .err()
                .map(|e| tera_message(&e));
            targets.push(Target {
                name,
                file_name,
                origin: source.origin.clone(),
                kind,
                broken,
            });
        }
        targets.push(Target {
            name: CONNECTOR.to_string(),
            file_name: "connector.rs".to_string(),
            origin: "the connector emitter (src/render/connector)".to_string(),
            kind: OutputKind::Connector,
            broken: None,
        });
        targets.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(Renderer { tera, targets })
    }

    /// All targets, sorted by name.
    pub fn targets(&self) -> &[Target] {
        &self.targets
    }

    /// The targets named (all when `names` is empty), or an error naming
    /// the unknown one and the closest valid name, or a broken one.
    pub fn select(&self, names: &[String]) -> Result<Vec<&Target>> {
        let chosen = self.select_names(names)?;
        if let Some(t) = chosen.iter().find(|t| t.broken.is_some()) {
            return Err(Error::Render {
                target: t.origin.clone(),
                message: t.broken.clone().unwrap_or_default(),
            });
        }
        Ok(chosen)
    }

    fn select_names(&self, names: &[String]) -> Result<Vec<&Target>> {
        if names.is_empty() {
            return Ok(self.targets.iter().collect());
        }
        let mut chosen = Vec::new();
        for name in names {
            match self.targets.iter().find(|t| &t.name == name) {
                Some(t) => {
                    if !chosen.iter().any(|c: &&Target| c.name == t.name) {
                        chosen.push(t);
                    }
                }
                None => {
                    let valid: Vec<&str> = self.targets.iter().map(|t| t.name.as_str()).collect();
                    return Err(suggest::unknown("target", name, &valid));
                }
            }
        }
        Ok(chosen)
    }

    /// Renders the chosen targets from a template alone; targets that need
    /// a CRM are refused when named and skipped when `targets` is empty.
    pub fn render_template(
        &self,
        names: &[String],
        template: &crate::catalog::Template,
        options: &RenderOptions,
    ) -> Result<Vec<Rendered>> {
        let chosen = self.select(names)?;
        if let Some(t) = chosen.iter().find(|t| t.needs_crm() && !names.is_empty()) {
            return Err(Error::Render {
                target: t.origin.clone(),
                message: format!("target `{}` calls a CRM; give --crm as well", t.name),
            });
        }
        let context = for_template(template, None, options);
        chosen
            .into_iter()
            .filter(|t| !t.needs_crm())
            .map(|t| self.render(t, &context))
            .collect()
    }

    /// Renders one target for one action, checked and normalised.
    pub fn render(&self, target: &Target, context: &Context) -> Result<Rendered> {
        let err = |message: String| Error::Render {
            target: target.origin.clone(),
            message,
        };
        let mut ctx = tera::Context::from_serialize(context).map_err(|e| err(tera_message(&e)))?;
        // What the target's platform needs, from its registry entry:
        // `platform.timeout`, in the unit of its timeout field.
        if let Some(p) = crate::platforms::get(&target.name) {
            let deadline_ms = context.limits["timeout_ms"].as_u64().unwrap_or(0);
            ctx.insert(
                "platform",
                &serde_json::json!({
                    "id": p.platform,
                    "timeout": p.timeout.map(|t| t.value(deadline_ms)),
                }),
            );
        }
        let raw = self
            .tera
            .render(&target.name, &ctx)
            .map_err(|e| err(tera_message(&e)))?;
        let contents = match target.kind {
            OutputKind::Json => {
                let value: serde_json::Value = serde_json::from_str(&raw).map_err(|e| {
                    err(format!(
                        "rendered invalid JSON at line {} column {}: {e}",
                        e.line(),
                        e.column()
                    ))
                })?;
                let mut s = serde_json::to_string_pretty(&value)
                    .map_err(|e| err(format!("could not print JSON: {e}")))?;
                s.push('\n');
                s
            }
            OutputKind::Rust => {
                syn::parse_file(&raw).map_err(|e| {
                    let at = e.span().start();
                    err(format!(
                        "rendered invalid Rust at line {} column {}: {e}",
                        at.line,
                        at.column + 1
                    ))
                })?;
                let mut s = raw.trim().to_string();
                s.push('\n');
                s
            }
            OutputKind::Text => raw,
            OutputKind::Connector => {
                return Err(err(format!(
                    "target `{CONNECTOR}` needs a CRM binding; give --crm as well"
                )))
            }
        };
        Ok(Rendered {
            target: target.name.clone(),
            file_name: target.file_name.clone(),
            contents,
        })
    }

    /// Renders the chosen targets for one action.
    pub fn render_all(
        &self,
        targets: &[&Target],
        action: &BoundAction,
        options: &RenderOptions,
    ) -> Result<Vec<Rendered>> {
        let context = build_context(action, options);
        targets
            .iter()
            .map(|t| match t.kind {
                OutputKind::Connector => connector::render(action)
                    .map(|contents| Rendered {
                        target: t.name.clone(),
                        file_name: t.file_name.clone(),
                        contents,
                    })
                    .map_err(|message| Error::Render {
                        target: t.origin.clone(),
                        message,
                    }),
                _ => self.render(t, &context),
            })
            .collect()
    }
}

/// Filters for targets that write code: `rust_str` (a Rust string literal
/// holding the value exactly) and `doc` (text on one line, safe after `///`
/// or `//!`).
fn register_filters(tera: &mut tera::Tera) {
    fn text(value: &tera::Value) -> String {
        match value {
            tera::Value::String(s) => s.clone(),
            other => other.to_string(),
        }
    }
    tera.register_filter(
        "rust_str",
        |value: &tera::Value, _: &std::collections::HashMap<String, tera::Value>| {
            Ok(tera::Value::String(rust_text::literal_text(&text(value))))
        },
    );
    tera.register_filter(
        "doc",
        |value: &tera::Value, _: &std::collections::HashMap<String, tera::Value>| {
            Ok(tera::Value::String(rust_text::doc_line(&text(value))))
        },
    );
}

/// A tera error with its causes on one line.
fn tera_message(e: &tera::Error) -> String {
    let mut parts = vec![e.to_string()];
    let mut source = e.source();
    while let Some(s) = source {
        parts.push(s.to_string());
        source = s.source();
    }
    parts.join(": ").replace('\n', " ")
}
