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

/// What one voice or LLM platform accepts as a tool name.
#[derive(Debug, Clone, Copy)]
pub struct PlatformNameRule {
    /// The platform.
    pub platform: &'static str,
    /// Longest name accepted.
    pub max_len: usize,
    /// Characters accepted anywhere.
    pub chars: &'static str,
    /// Whether the first character must be a letter or `_`.
    pub letter_first: bool,
}

const WORD: &str = "a-z A-Z 0-9 _ -";

/// The tool-name rules of the platforms midcall writes for or is asked
/// about: OpenAI and Anthropic (`^[a-zA-Z0-9_-]{1,64}$`), Gemini (a letter
/// or `_` first, also `.` and `:`, 64), MCP (`[A-Za-z0-9_.-]`, 128),
/// Vapi (40 for some tool types), ElevenLabs (64).
pub const PLATFORM_NAME_RULES: &[PlatformNameRule] = &[
    PlatformNameRule {
        platform: "openai",
        max_len: 64,
        chars: WORD,
        letter_first: false,
    },
    PlatformNameRule {
        platform: "anthropic",
        max_len: 64,
        chars: WORD,
        letter_first: false,
    },
    PlatformNameRule {
        platform: "gemini",
        max_len: 64,
        chars: "a-z A-Z 0-9 _ - . :",
        letter_first: true,
    },
    PlatformNameRule {
        platform: "mcp",
        max_len: 128,
        chars: "a-z A-Z 0-9 _ - .",
        letter_first: false,
    },
    PlatformNameRule {
        platform: "vapi",
        max_len: 40,
        chars: WORD,
        letter_first: false,
    },
    PlatformNameRule {
        platform: "elevenlabs",
        max_len: 64,
        chars: WORD,
        letter_first: false,
    },
];

fn char_allowed(c: char, chars: &str) -> bool {
    chars.split(' ').any(|class| match class.as_bytes() {
        [a, b'-', b] => (*a as char..=*b as char).contains(&c),
        _ => class.chars().eq(std::iter::once(c)),
    })
}

/// Each platform that would reject `name`, with why.
pub fn platform_name_problems(name: &str) -> Vec<String> {
    let mut problems = Vec::new();
    for rule in PLATFORM_NAME_RULES {
        let len = name.chars().count();
        if len == 0 || len > rule.max_len {
            problems.push(format!(
                "{}: {len} characters (1 to {} allowed)",
                rule.platform, rule.max_len
            ));
        } else if let Some(c) = name.chars().find(|c| !char_allowed(*c, rule.chars)) {
            problems.push(format!(
                "{}: `{}` is not one of {}",
                rule.platform,
                c.escape_default(),
                rule.chars
            ));
        } else if rule.letter_first
            && !name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        {
            problems.push(format!("{}: must start with a letter or _", rule.platform));
        }
    }
    problems
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
    fn platform_rules_reject_what_platforms_reject() {
        assert!(platform_name_problems("lookup_contact").is_empty());
        let long = "a".repeat(41);
        let p = platform_name_problems(&long);
        assert_eq!(p.len(), 1, "{p:?}");
        assert!(p[0].starts_with("vapi"), "{p:?}");
        assert_eq!(platform_name_problems("look up").len(), 6);
        assert!(platform_name_problems("1abc")
            .iter()
            .any(|p| p.starts_with("gemini")));
        assert!(platform_name_problems("a.b")
            .iter()
            .any(|p| p.starts_with("openai")));
    }

    #[test]
    fn first_sentences() {
        assert_eq!(first_sentence("One two.\n Three. Four"), "One two.");
        assert_eq!(first_sentence("No stop"), "No stop");
    }
}
