//! The use-case catalogue: loading and checking `templates/<id>/template.yaml`.

mod index;
mod prose;
mod template;

pub use index::{
    catalogue_problems, entries, first_sentence, load_all, platform_name_problems, supporting_crms,
    Entry,
};
pub use prose::{comment_after_plain_scalar, unfinished};
pub use template::{
    Access, Category, Idempotency, IdempotencyKind, Intent, Limits, Param, Profile, ResultField,
    Speech, Template, Tool, ValueType,
};

use std::collections::BTreeSet;

use crate::error::{Error, Result};
use crate::names;
use crate::source::Sources;
use crate::suggest;

/// JSON Schema formats a parameter may use: the ones every target accepts
/// (Vapi accepts only date-time, time, date, duration, email, hostname,
/// ipv4, ipv6 and uuid; the catalogue needs these five).
pub const FORMATS: &[&str] = &["email", "date", "date-time", "time", "uuid"];

/// Longest deadline a template may set: the brief rules out actions that
/// answer in more than 8 seconds.
pub const MAX_TIMEOUT_MS: u64 = 8000;

/// Why a write template's tool description lacks the confirmation
/// instruction, or `None` when it has it. The rule, case-insensitive: one
/// sentence says `read`, then `back`, then `confirm`, as in "Before
/// calling, read the details back to the caller and call only after they
/// confirm with an explicit yes." (Sentences end at `. `; a `confirm`
/// elsewhere, as in "a confirmation is on its way", does not count.)
pub fn confirmation_problem(description: &str) -> Option<String> {
    let d = description.to_lowercase();
    let confirms = |s: &str| {
        let Some(r) = s.find("read") else {
            return false;
        };
        let Some(b) = s[r..].find("back") else {
            return false;
        };
        s[r + b..].contains("confirm")
    };
    if d.split(". ").any(confirms) {
        return None;
    }
    Some(
        "a write tool's description must tell the assistant, in one sentence, to read the details back and call only after the caller's explicit confirmation (`read` … `back` … `confirm`)"
            .to_string(),
    )
}

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
    if let Some((line, column)) = comment_after_plain_scalar(text) {
        return Err(Error::Yaml {
            origin: origin.to_string(),
            location: format!(":{line}:{column}"),
            message: "` #` after an unquoted value starts a YAML comment, so the text after it is dropped; quote the value or put the comment on a line of its own".to_string(),
        });
    }
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
        if let Some(f) = p.format.as_deref() {
            if !FORMATS.contains(&f) {
                return bad(
                    &place,
                    format!(
                        "parameter `{}` has format `{f}`, which some platforms reject; use one of {}",
                        p.name,
                        FORMATS.join(", ")
                    ),
                );
            }
        }
        if p.enum_values.as_ref().is_some_and(Vec::is_empty) {
            return bad(&place, format!("parameter `{}` has an empty enum", p.name));
        }
        if p.ty != ValueType::String
            && (p.pattern.is_some() || p.format.is_some() || p.enum_values.is_some())
        {
            return bad(
                &place,
                format!(
                    "parameter `{}` is of type {}; `pattern`, `format` and `enum` apply to strings (the connectors check them on text)",
                    p.name,
                    p.ty.as_str()
                ),
            );
        }
        if let Some(pattern) = &p.pattern {
            if let Some(problem) = pattern_problem(pattern) {
                return bad(
                    &format!("{place}.pattern"),
                    format!("parameter `{}`: `{pattern}` {problem}", p.name),
                );
            }
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
        if f.description.to_lowercase().contains("one of ") {
            return bad(
                &format!("{place}.description"),
                format!(
                    "field `{}` lists its values in prose; list them under `values:` so that each CRM's schema names only the values its binding produces",
                    f.name
                ),
            );
        }
        if let Some(values) = &f.values {
            let distinct: BTreeSet<&String> = values.iter().collect();
            if f.ty != ValueType::String || values.is_empty() || distinct.len() != values.len() {
                return bad(
                    &format!("{place}.values"),
                    format!(
                        "field `{}`: `values` is a non-empty list of distinct texts on a string field",
                        f.name
                    ),
                );
            }
        }
    }
    if let Some((place, problem)) = unfinished_text(t) {
        return bad(&place, problem);
    }
    if !(100..=MAX_TIMEOUT_MS).contains(&t.limits.timeout_ms) {
        return bad(
            "limits.timeout_ms",
            format!(
                "{} is outside 100..={MAX_TIMEOUT_MS} ms (a caller is waiting; the brief rules out answers slower than 8 s)",
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
    if let Some(p) = t.profile.problem() {
        return bad("profile", p);
    }
    check_write_rules(t, origin)
}

/// The first text the caller or the LLM reads that is not a finished
/// sentence (see [`unfinished`]), as (place, problem).
fn unfinished_text(t: &Template) -> Option<(String, String)> {
    let mut texts: Vec<(String, &str)> = vec![
        ("summary".into(), &t.summary),
        ("tool.description".into(), &t.tool.description),
        ("speech.start".into(), &t.speech.start),
        ("speech.delayed".into(), &t.speech.delayed),
        ("speech.failed".into(), &t.speech.failed),
    ];
    for (i, p) in t.tool.parameters.iter().enumerate() {
        texts.push((format!("tool.parameters[{i}].description"), &p.description));
    }
    for (i, f) in t.result.iter().enumerate() {
        texts.push((format!("result[{i}].description"), &f.description));
    }
    if let Some(i) = &t.idempotency {
        texts.push(("idempotency.note".into(), &i.note));
    }
    texts
        .into_iter()
        .find_map(|(place, text)| unfinished(text).map(|p| (place, p)))
}

/// Read templates declare no idempotency; write templates declare it and
/// tell the assistant to confirm before calling.
fn check_write_rules(t: &Template, origin: &str) -> Result<()> {
    let bad = |place: &str, msg: String| Err(Error::invalid(origin, place, msg));
    if t.destructive && t.access == Access::Read {
        return Err(Error::invalid(
            origin,
            "destructive",
            "a read template cannot be destructive; remove the key or make it `access: write`",
        ));
    }
    let Some(idem) = &t.idempotency else {
        if t.access == Access::Write {
            return bad(
                "idempotency",
                "a write template must declare `idempotency:` (kind natural-key | idempotency-key | none, key, note)"
                    .to_string(),
            );
        }
        return Ok(());
    };
    if t.access == Access::Read {
        return bad(
            "idempotency",
            "a read template must not declare idempotency (reads are safe to repeat)".to_string(),
        );
    }
    if let Some(p) = confirmation_problem(&t.tool.description) {
        return bad("tool.description", p);
    }
    match idem.kind {
        IdempotencyKind::None if !idem.key.is_empty() => {
            return bad(
                "idempotency.key",
                "kind `none` takes no key; use natural-key or idempotency-key".to_string(),
            )
        }
        IdempotencyKind::NaturalKey | IdempotencyKind::IdempotencyKey if idem.key.is_empty() => {
            return bad(
                "idempotency.key",
                format!(
                    "kind `{}` needs the arguments that form the key",
                    idem.kind.as_str()
                ),
            )
        }
        _ => {}
    }
    for (i, key) in idem.key.iter().enumerate() {
        if !t.tool.parameters.iter().any(|p| &p.name == key) {
            return bad(
                &format!("idempotency.key[{i}]"),
                format!("`{key}` is not a parameter of the tool"),
            );
        }
    }
    if idem.note.trim().is_empty() {
        return bad(
            "idempotency.note",
            "must say in one sentence what happens on a repeat".to_string(),
        );
    }
    Ok(())
}

/// Why a parameter's `pattern` cannot be both a JSON Schema pattern
/// (ECMA-262, what the platforms read) and what a connector checks at run
/// time (the `regex` crate), or `None` when it can. The two agree on the
/// common subset; refused are what the `regex` crate cannot compile
/// (lookaround, backreferences), inline flags and `(?P<…>)` (not ECMA), and
/// `\d`, `\w`, `\b` (and their capitals), which ECMA-262 reads as ASCII
/// and the `regex` crate as Unicode: write `[0-9]` or `[A-Za-z0-9_]`.
pub fn pattern_problem(pattern: &str) -> Option<String> {
    if let Err(e) = regex::Regex::new(pattern) {
        let first = e.to_string();
        let line = first
            .lines()
            .rev()
            .find(|l| l.starts_with("error:"))
            .unwrap_or("does not compile")
            .trim_start_matches("error:")
            .trim();
        return Some(format!(
            "is not a regular expression the connectors can run ({line}); lookaround and backreferences are not supported"
        ));
    }
    let chars: Vec<char> = pattern.chars().collect();
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        match c {
            '\\' => {
                if let Some(&e) = chars.get(i + 1) {
                    if "dDwWbB".contains(e) {
                        return Some(format!(
                            "uses `\\{e}`, which means ASCII to ECMA-262 (the platforms) and Unicode to the connectors' `regex` crate; write the class out (`[0-9]`, `[A-Za-z0-9_]`)"
                        ));
                    }
                }
                i += 2;
                continue;
            }
            '(' if chars.get(i + 1) == Some(&'?') => {
                let rest: String = chars.iter().skip(i + 2).take(2).collect();
                let named =
                    rest.starts_with('<') && rest.chars().nth(1).is_some_and(char::is_alphabetic);
                if !(rest.starts_with(':') || named) {
                    return Some(
                        "uses a `(?…)` group other than `(?:…)` or `(?<name>…)`, which ECMA-262 and the `regex` crate read differently or not at all".to_string(),
                    );
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::confirmation_problem;

    #[test]
    fn confirmation_needs_read_back_and_confirm_in_one_sentence() {
        assert!(confirmation_problem(
            "Book it. Before calling, read the date back to the caller and call only after they confirm with an explicit yes."
        )
        .is_none());
        assert!(confirmation_problem("Read it back. A confirmation is on its way.").is_some());
        assert!(confirmation_problem("Confirm, then read it back.").is_some());
        assert!(confirmation_problem("Read the date to the caller and confirm.").is_some());
    }
}
