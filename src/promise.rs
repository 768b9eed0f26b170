//! What a bound pair promises the caller, and only that. A template is
//! written once for every CRM; a binding may leave a result field empty
//! (`last_update: null`: the CRM has no such thing) or produce only some of
//! a field's values (HubSpot's stage map never says `resolved`). Checking a
//! pair here does two things:
//!
//! - narrows the template to the binding: result fields it never fills
//!   leave that CRM's output schema and the connector's `Output`, and a
//!   field's `values` shrink to those the binding can produce;
//! - refuses words that promise what the binding cannot do: the tool
//!   description, summary or speech naming a field the binding never fills,
//!   a value the template does not list, or a raw CRM value where the
//!   template has a closed set. A binding whose behaviour differs from the
//!   template's words says so in `differs:`, which is added to that CRM's
//!   tool description.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::action::Action;
use crate::bindings::{FieldBinding, ResponseBinding};
use crate::catalog::{ResultField, Template};
use crate::error::{Error, Result};

/// Words that do not make a phrase worth matching on their own.
const STOP: &[&str] = &[
    "a", "an", "the", "and", "or", "of", "to", "in", "on", "at", "by", "for", "with", "one", "is",
    "it", "its", "as", "this", "that", "when", "what", "which", "their", "them", "they", "not",
    "no", "if", "be", "from", "e.g", "i.e",
];

/// Checks `action`'s words against its binding and returns it narrowed to
/// what the binding fills (see the module's documentation).
pub fn bind(mut action: Action) -> Result<Action> {
    let place = format!("actions.{}", action.template.id);
    let origin = action.bindings_origin.clone();
    let responses: Vec<&ResponseBinding> = std::iter::once(&action.binding.response)
        .chain(action.precheck.as_ref().map(|p| &p.binding.response))
        .collect();
    let differs = action.binding.differs.as_deref().map(str::trim);
    let mut kept = Vec::new();
    for field in &action.template.result {
        let sources: Vec<&FieldBinding> = responses
            .iter()
            .filter_map(|r| r.fields.get(&field.name).and_then(Option::as_ref))
            .collect();
        if sources.is_empty() {
            if differs.is_none() {
                if let Some((what, phrase)) = mention(&action.template, field) {
                    return Err(Error::invalid(
                        &origin,
                        format!("{place}.response.fields.{}", field.name),
                        format!(
                            "{} never fills `{}`, but the template's {what} promises it (\"{phrase}\"); reword template `{}` so it fits every CRM, or say how {} differs in `{place}.differs`",
                            action.crm.name, field.name, action.template.id, action.crm.name
                        ),
                    ));
                }
            }
            continue;
        }
        let mut field = field.clone();
        if let Some(values) = &field.values {
            let produced = produced_values(&sources).map_err(|why| {
                Error::invalid(
                    &origin,
                    format!("{place}.response.fields.{}", field.name),
                    format!(
                        "template `{}` gives `{}` the values {}; {why}",
                        action.template.id,
                        field.name,
                        values.join(", ")
                    ),
                )
            })?;
            if let Some(stray) = produced.iter().find(|v| !values.contains(v)) {
                return Err(Error::invalid(
                    &origin,
                    format!("{place}.response.fields.{}", field.name),
                    format!(
                        "produces `{stray}`, which is not one of template `{}`'s values for `{}`: {}",
                        action.template.id,
                        field.name,
                        values.join(", ")
                    ),
                ));
            }
            field.values = Some(
                values
                    .iter()
                    .filter(|v| produced.contains(*v))
                    .cloned()
                    .collect(),
            );
        }
        kept.push(field);
    }
    action.template.result = kept;
    if let Some(note) = differs {
        if note.is_empty() {
            return Err(Error::invalid(
                &origin,
                format!("{place}.differs"),
                "is empty; say in a sentence how this CRM's behaviour differs from the template's words, or remove it",
            ));
        }
        let description = action.template.tool.description.trim().to_string();
        action.template.tool.description =
            format!("{description} With {}: {note}", action.crm.name);
    }
    Ok(action)
}

/// The values a text field can take from its bindings, or why that cannot
/// be known (a raw pointer passes on whatever the CRM says).
fn produced_values(sources: &[&FieldBinding]) -> std::result::Result<BTreeSet<String>, String> {
    let mut out = BTreeSet::new();
    let text = |v: &Value| match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    for source in sources {
        match source {
            FieldBinding::Const(c) => {
                out.insert(text(&c.value));
            }
            FieldBinding::Mapped(m) => {
                out.extend(m.map.values().map(text));
                out.extend(m.default.iter().map(text));
            }
            FieldBinding::Pointer(p) => {
                return Err(format!(
                    "`{p}` passes on the CRM's own values; map them onto the template's (`pointer:`, `map:`)"
                ))
            }
        }
    }
    Ok(out)
}

/// Where the template's words (tool description, summary, speech) name
/// `field`, as (which text, the phrase): its name in words (`last
/// update`) or a phrase of two content words from its description
/// (`latest update`).
pub fn mention(t: &Template, field: &ResultField) -> Option<(&'static str, String)> {
    let mut phrases = vec![field.name.replace('_', " ")];
    let described = words(&field.description);
    for pair in described.windows(2) {
        if pair
            .iter()
            .all(|w| !STOP.contains(&w.as_str()) && w.len() > 2)
        {
            phrases.push(pair.join(" "));
        }
    }
    let texts = [
        ("tool description", t.tool.description.as_str()),
        ("summary", t.summary.as_str()),
        ("start line", t.speech.start.as_str()),
        ("delayed line", t.speech.delayed.as_str()),
    ];
    for (what, text) in texts {
        let padded = format!(" {} ", words(text).join(" "));
        if let Some(p) = phrases.iter().find(|p| padded.contains(&format!(" {p} "))) {
            return Some((what, p.clone()));
        }
    }
    None
}

/// Lower-case words, punctuation dropped (apostrophes kept).
fn words(text: &str) -> Vec<String> {
    text.to_lowercase()
        .split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '_'))
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}
