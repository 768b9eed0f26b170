//! What a bound pair promises the caller, and only that. A template is
//! written once for every CRM; a binding may leave a result field empty
//! (`last_update: null`: the CRM has no such thing) or produce only some of
//! a field's values (HubSpot's stage map never says `resolved`). Checking a
//! pair here does two things:
//!
//! - narrows the template to the binding: result fields it never fills
//!   leave that CRM's output schema and the connector's `Output`, and a
//!   field's `values` shrink to those the binding can produce; an "at least
//!   one of" parameter no request of the binding uses (Zendesk finds an
//!   organization by name, not by domain) leaves that CRM's input schema,
//!   so the tool never asks for what the connector would refuse; one a
//!   natural-key write's look-up does not use stays a parameter but no
//!   longer counts among the alternatives (Stripe finds a customer by
//!   email only);
//! - refuses words that promise what the binding cannot do: the tool
//!   description, summary or speech naming a field the binding never fills,
//!   a value the template does not list, or a raw CRM value where the
//!   template has a closed set. A binding whose behaviour differs from the
//!   template's words says so in `differs:`, which is added to that CRM's
//!   tool description.

use std::collections::BTreeSet;

use crate::call::{BoundAction, Call, Exchange, FieldSource, Flow, Scalar, Source};
use crate::catalog::{ResultField, Template};
use crate::error::{Error, Result};

/// Words that do not make a phrase worth matching on their own.
const STOP: &[&str] = &[
    "a", "an", "the", "and", "or", "of", "to", "in", "on", "at", "by", "for", "with", "one", "is",
    "it", "its", "as", "this", "that", "when", "what", "which", "their", "them", "they", "not",
    "no", "if", "be", "from", "e.g", "i.e",
];

/// Checks `action`'s words against its binding (`differs`: the binding's
/// note on how it differs from the template's words) and returns it
/// narrowed to what the binding fills (see the module's documentation):
/// fields it never fills leave the template and every call's projections.
pub fn bind(mut action: BoundAction, differs: Option<&str>) -> Result<BoundAction> {
    let place = format!("actions.{}", action.template.id);
    let origin = action.bindings_origin.clone();
    let differs = differs.map(str::trim);
    let mut kept = Vec::new();
    for field in &action.template.result {
        let sources: Vec<&FieldSource> = exchanges(&action.flow)
            .into_iter()
            .flat_map(|e| e.result.iter())
            .filter(|p| p.field == field.name && p.source != FieldSource::Absent)
            .map(|p| &p.source)
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
    let names: BTreeSet<String> = kept.iter().map(|f| f.name.clone()).collect();
    for exchange in exchanges_mut(&mut action.flow) {
        exchange.result.retain(|p| names.contains(&p.field));
    }
    action.template.result = kept;
    narrow_parameters(&mut action);
    narrow_factors(&mut action);
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

/// Narrows the tool's parameters to what the binding uses (in a `when` or
/// as a value):
///
/// - each "at least one of" alternative no request uses leaves the
///   alternatives, when at least one is used: a tool must not offer an
///   argument its connector can only refuse;
/// - each optional parameter no request uses leaves the tool: the
///   connector would accept it and do nothing with it, so the assistant
///   would believe a filter, note or detail was applied when it was not
///   (Pipedrive's product search has no price or stock filter: `max_price`
///   and `in_stock_only` leave its tool; HighLevel's cancel saves no
///   reason: `reason` leaves it). Required parameters stay: an account
///   verification's factor and value are used by the connector itself
///   (compared, never sent).
fn narrow_parameters(action: &mut BoundAction) {
    let used = used_args(&action.flow);
    let tool = &mut action.template.tool;
    if tool.at_least_one_of.iter().any(|n| used.contains(n)) {
        tool.at_least_one_of.retain(|n| used.contains(n));
    }
    let alternatives = &tool.at_least_one_of;
    tool.parameters
        .retain(|p| p.required || used.contains(&p.name) || alternatives.contains(&p.name));
    // A natural-key write looks the record up by its key first, and
    // refuses a call without one: an alternative only the write uses
    // (Stripe saves a phone but finds a customer by email alone) stays a
    // parameter, but is not one that makes a call on its own.
    if let Flow::WriteUnlessFound { lookup, .. } = &action.flow {
        let keys = call_args(&[&lookup.call]);
        if tool.at_least_one_of.iter().any(|n| keys.contains(n)) {
            tool.at_least_one_of.retain(|n| keys.contains(n));
        }
    }
}

/// An account verification offers only the factors the CRM keeps: the
/// factor argument's enum shrinks to them (so the connector's argument
/// check refuses the others), and when it shrank, the tool description
/// says which to ask for.
fn narrow_factors(action: &mut BoundAction) {
    let Flow::Verify { verify, .. } = &action.flow else {
        return;
    };
    let kept: Vec<String> = verify.kept().map(|s| s.factor.clone()).collect();
    let tool = &mut action.template.tool;
    let Some(param) = tool.parameters.iter_mut().find(|p| p.name == verify.factor) else {
        return;
    };
    let Some(values) = &mut param.enum_values else {
        return;
    };
    if values.iter().all(|v| kept.contains(v)) {
        return;
    }
    values.retain(|v| kept.contains(v));
    let words: Vec<String> = values
        .iter()
        .map(|v| match v.as_str() {
            "postal_code" => "the postal code".to_string(),
            "date_of_birth" => "the date of birth".to_string(),
            "phone_last_four" => "the last four digits of the phone number".to_string(),
            other => other.replace('_', " "),
        })
        .collect();
    let description = tool.description.trim().to_string();
    tool.description = match words.as_slice() {
        [one] => format!(
            "{description} {} keeps one second factor only, so ask for {one}.",
            action.crm.name
        ),
        _ => format!(
            "{description} {} keeps only these second factors, ask for one of them: {}.",
            action.crm.name,
            words.join(" or ")
        ),
    };
}

/// The names of every argument any request of `flow` uses.
fn used_args(flow: &Flow) -> BTreeSet<String> {
    let mut calls: Vec<&Call> = exchanges(flow).into_iter().map(|e| &e.call).collect();
    if let Flow::Steps { steps, .. } = flow {
        calls.extend(steps.iter().map(|s| &s.call));
    }
    call_args(&calls)
}

/// The names of every argument a request of `calls` uses (in a `when` or
/// as a value).
fn call_args(calls: &[&Call]) -> BTreeSet<String> {
    let mut used = BTreeSet::new();
    for variant in calls.iter().flat_map(|c| c.variants.iter()) {
        used.extend(variant.when.iter().map(|a| a.name.clone()));
        for source in variant.sources() {
            if let Source::Arg(arg) = source {
                used.insert(arg.name.clone());
            }
        }
    }
    used
}

fn exchanges(flow: &Flow) -> Vec<&Exchange> {
    match flow {
        Flow::One(e) | Flow::Steps { last: e, .. } | Flow::Verify { lookup: e, .. } => {
            vec![e]
        }
        Flow::WriteUnlessFound { lookup, write, .. } => vec![lookup, write],
    }
}

fn exchanges_mut(flow: &mut Flow) -> Vec<&mut Exchange> {
    match flow {
        Flow::One(e) | Flow::Steps { last: e, .. } | Flow::Verify { lookup: e, .. } => {
            vec![e]
        }
        Flow::WriteUnlessFound { lookup, write, .. } => vec![lookup, write],
    }
}

/// The values a text field can take from its sources, or why that cannot
/// be known (a raw pointer passes on whatever the CRM says).
fn produced_values(sources: &[&FieldSource]) -> std::result::Result<BTreeSet<String>, String> {
    let mut out = BTreeSet::new();
    let text = |v: &Scalar| match v {
        Scalar::Text(s) => s.clone(),
        Scalar::Integer(i) => i.to_string(),
        Scalar::Number(n) => serde_json::Value::from(*n).to_string(),
        Scalar::Boolean(b) => b.to_string(),
    };
    for source in sources {
        match source {
            FieldSource::Const(c) => {
                out.insert(text(c));
            }
            FieldSource::Mapped { table, default, .. } => {
                out.extend(table.iter().map(|(_, v)| text(v)));
                out.extend(default.iter().map(text));
            }
            FieldSource::Pointer(p) => {
                return Err(format!(
                    "`{p}` passes on the CRM's own values; map them onto the template's (`pointer:`, `map:`)"
                ))
            }
            FieldSource::Transform(_) => {
                return Err(
                    "a transform computes its own values; map the CRM's values onto the template's (`pointer:`, `map:`)"
                        .to_string(),
                )
            }
            FieldSource::Absent => {}
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
