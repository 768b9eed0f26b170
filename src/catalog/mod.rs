//! The use-case catalogue: loading and checking `templates/<id>/template.yaml`.

mod template;

pub use template::{
    Access, Category, Intent, Limits, Param, ResultField, Speech, Template, Tool, ValueType,
};

use std::collections::BTreeSet;

use crate::error::{Error, Result};
use crate::names;
use crate::source::Sources;
use crate::suggest;

/// Ids of all templates in the sources, sorted.
pub fn template_ids(sources: &Sources) -> Vec<String> {
    sources.folders_with("templates", "template.yaml")
}

/// Loads and checks one template by id.
pub fn load(sources: &Sources, id: &str) -> Result<Template> {
    let rel = format!("templates/{id}/template.yaml");
    let Some(file) = sources.get(&rel) else {
        let ids = template_ids(sources);
        let valid: Vec<&str> = ids.iter().map(String::as_str).collect();
        return Err(suggest::unknown("template", id, &valid));
    };
    parse(&file.text, &file.origin, Some(id))
}

/// Parses and checks a template from text; `folder` is the id it must have.
pub fn parse(text: &str, origin: &str, folder: Option<&str>) -> Result<Template> {
    if text.trim().is_empty() {
        return Err(Error::invalid(origin, "file", "the file is empty"));
    }
    let template: Template = serde_yaml::from_str(text).map_err(|e| Error::yaml(origin, &e))?;
    check(&template, origin, folder)?;
    Ok(template)
}

/// Checks what the YAML shape cannot: names, references between fields, limits.
pub fn check(t: &Template, origin: &str, folder: Option<&str>) -> Result<()> {
    let bad = |place: &str, msg: String| Err(Error::invalid(origin, place, msg));
    if let Some(p) = names::id_problem(&t.id) {
        return bad("id", format!("`{}` {p}", t.id));
    }
    if let Some(folder) = folder {
        if t.id != folder {
            return bad(
                "id",
                format!("`{}` differs from its folder name `{folder}`", t.id),
            );
        }
    }
    for (place, text) in [
        ("title", &t.title),
        ("summary", &t.summary),
        ("tool.description", &t.tool.description),
        ("speech.start", &t.speech.start),
        ("speech.delayed", &t.speech.delayed),
        ("speech.failed", &t.speech.failed),
    ] {
        if text.trim().is_empty() {
            return bad(place, "must not be empty".to_string());
        }
    }
    if let Some(p) = names::tool_name_problem(&t.tool.name) {
        return bad("tool.name", format!("`{}` {p}", t.tool.name));
    }
    let mut seen = BTreeSet::new();
    for (i, p) in t.tool.parameters.iter().enumerate() {
        let place = format!("tool.parameters[{i}]");
        if let Some(problem) = names::key_problem(&p.name) {
            return bad(&place, format!("name `{}` {problem}", p.name));
        }
        if !seen.insert(p.name.as_str()) {
            return bad(&place, format!("parameter `{}` appears twice", p.name));
        }
        if p.description.trim().is_empty() {
            return bad(&place, format!("parameter `{}` has no description", p.name));
        }
        if p.enum_values.as_ref().is_some_and(Vec::is_empty) {
            return bad(&place, format!("parameter `{}` has an empty enum", p.name));
        }
    }
    for name in &t.tool.at_least_one_of {
        match t.tool.parameters.iter().find(|p| &p.name == name) {
            None => {
                return bad(
                    "tool.at_least_one_of",
                    format!("`{name}` is not a parameter of the tool"),
                )
            }
            Some(p) if p.required => {
                return bad(
                    "tool.at_least_one_of",
                    format!("`{name}` is required already; list only optional parameters"),
                )
            }
            Some(_) => {}
        }
    }
    if t.tool.at_least_one_of.len() == 1 {
        return bad(
            "tool.at_least_one_of",
            "lists one parameter; mark it `required: true` instead".to_string(),
        );
    }
    if t.result.is_empty() {
        return bad("result", "lists no fields".to_string());
    }
    let mut seen = BTreeSet::new();
    for (i, f) in t.result.iter().enumerate() {
        let place = format!("result[{i}]");
        if let Some(problem) = names::key_problem(&f.name) {
            return bad(&place, format!("name `{}` {problem}", f.name));
        }
        if !seen.insert(f.name.as_str()) {
            return bad(&place, format!("field `{}` appears twice", f.name));
        }
        if f.description.trim().is_empty() {
            return bad(&place, format!("field `{}` has no description", f.name));
        }
    }
    if !(100..=60_000).contains(&t.limits.timeout_ms) {
        return bad(
            "limits.timeout_ms",
            format!(
                "{} is outside 100..=60000 ms (a caller is waiting)",
                t.limits.timeout_ms
            ),
        );
    }
    if !(64..=1_048_576).contains(&t.limits.max_result_bytes) {
        return bad(
            "limits.max_result_bytes",
            format!("{} is outside 64..=1048576", t.limits.max_result_bytes),
        );
    }
    Ok(())
}
