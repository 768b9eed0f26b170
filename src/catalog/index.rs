//! The catalogue as a whole: every template, which bundled CRMs support
//! each, and the rules that span templates (unique ids and tool names,
//! names every platform accepts, profiles the brief would not rule out).

use std::collections::BTreeMap;

use serde::Serialize;

use super::{load, template_ids, Access, Category, Template};
use crate::assess::{self, Suitability};
use crate::bindings;
use crate::error::Result;
use crate::source::Sources;

/// One row of `gen list`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Entry {
    /// Template id.
    pub id: String,
    /// Title for people.
    pub title: String,
    /// One of the brief's six families.
    pub category: Category,
    /// `read` or `write`.
    pub access: Access,
    /// The tool name the assistant sees.
    pub tool: String,
    /// The summary's first sentence.
    pub summary: String,
    /// Bundled CRMs whose bindings have an action for this template, sorted.
    pub crms: Vec<String>,
}

/// Every template, loaded and checked, in id order.
pub fn load_all(sources: &Sources) -> Result<Vec<Template>> {
    template_ids(sources)
        .iter()
        .map(|id| load(sources, id))
        .collect()
}

/// Template id → the CRMs whose `bindings.yaml` has an action for it.
fn coverage(sources: &Sources) -> Result<BTreeMap<String, Vec<String>>> {
    let mut map: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for crm in bindings::crm_ids(sources) {
        let (b, _) = bindings::load(sources, &crm)?;
        for id in b.actions.keys() {
            map.entry(id.clone()).or_default().push(crm.clone());
        }
    }
    Ok(map)
}

/// The CRMs (sorted) whose bindings support template `id`.
pub fn supporting_crms(sources: &Sources, id: &str) -> Result<Vec<String>> {
    Ok(coverage(sources)?.remove(id).unwrap_or_default())
}

/// Every template as a list row, ordered by category (the brief's order)
/// and then id.
pub fn entries(sources: &Sources) -> Result<Vec<Entry>> {
    let mut coverage = coverage(sources)?;
    let mut rows: Vec<Entry> = load_all(sources)?
        .into_iter()
        .map(|t| Entry {
            crms: coverage.remove(&t.id).unwrap_or_default(),
            summary: first_sentence(&t.summary),
            id: t.id,
            title: t.title,
            category: t.category,
            access: t.access,
            tool: t.tool.name,
        })
        .collect();
    rows.sort_by(|a, b| (a.category, &a.id).cmp(&(b.category, &b.id)));
    Ok(rows)
}

/// The first sentence of `text` on one line (up to the first `. `, or all).
pub fn first_sentence(text: &str) -> String {
    let line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match line.find(". ") {
        Some(i) => line[..=i].to_string(),
        None => line,
    }
}

/// Each platform that would reject `name`, with why: the tool-name rules
/// of the platform registry ([`crate::platforms::name_problems`]).
pub fn platform_name_problems(name: &str) -> Vec<String> {
    crate::platforms::name_problems(name)
}

/// How many result fields a catalogue template returns.
pub const RESULT_FIELDS: std::ops::RangeInclusive<usize> = 3..=8;

/// Longest first sentence of a summary: it is the `gen list` line.
pub const MAX_TAGLINE: usize = 120;

/// The rules that span templates, each broken rule as one line naming the
/// template: duplicate ids or tool names, tool names some platform rejects,
/// fewer than 3 or more than 8 result fields, a summary whose first
/// sentence is too long for `gen list`, and a
/// profile the brief's matrix rates "not suitable" (such a template
/// contradicts the catalogue). Per-template rules are [`super::check`].
pub fn catalogue_problems(templates: &[Template]) -> Vec<String> {
    let mut problems = Vec::new();
    let mut ids: BTreeMap<&str, usize> = BTreeMap::new();
    let mut tools: BTreeMap<&str, &str> = BTreeMap::new();
    for t in templates {
        *ids.entry(t.id.as_str()).or_default() += 1;
        if let Some(other) = tools.insert(t.tool.name.as_str(), t.id.as_str()) {
            problems.push(format!(
                "templates `{other}` and `{}` both name their tool `{}`",
                t.id, t.tool.name
            ));
        }
        for p in platform_name_problems(&t.tool.name) {
            problems.push(format!(
                "template `{}`: tool name `{}`: {p}",
                t.id, t.tool.name
            ));
        }
        if !RESULT_FIELDS.contains(&t.result.len()) {
            problems.push(format!(
                "template `{}`: result: {} fields; a voice assistant gets 3 to 8 small ones",
                t.id,
                t.result.len()
            ));
        }
        let tagline = first_sentence(&t.summary);
        if tagline.chars().count() > MAX_TAGLINE {
            problems.push(format!(
                "template `{}`: summary: the first sentence is {} characters; `gen list` shows it, keep it to {MAX_TAGLINE}",
                t.id,
                tagline.chars().count()
            ));
        }
        let a = assess::assess(&t.profile);
        if a.verdict == Suitability::NotSuitable {
            problems.push(format!(
                "template `{}`: profile: the brief rates it not suitable ({})",
                t.id, a.reason
            ));
        }
    }
    for (id, n) in ids {
        if n > 1 {
            problems.push(format!("template id `{id}` appears {n} times"));
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_sentences() {
        assert_eq!(first_sentence("One two.\n Three. Four"), "One two.");
        assert_eq!(first_sentence("No stop"), "No stop");
    }
}
