//! Names that every platform and the Rust compiler accept.

use heck::ToSnakeCase;

/// Longest property key (OpenAI, Anthropic, ElevenLabs: 64).
pub const MAX_KEY: usize = 64;

/// Why `name` is not a valid tool name, or `None` when it is: snake_case
/// ASCII, starting with a letter, no longer than every platform accepts
/// (40, Vapi's), not a name a voice platform reserves for its own tools.
/// The limits come from the platform registry ([`crate::platforms`]).
pub fn tool_name_problem(name: &str) -> Option<String> {
    if name.is_empty() {
        return Some("is empty".to_string());
    }
    let max = crate::platforms::max_tool_name();
    if name.len() > max {
        return Some(format!(
            "is {} characters long; the limit is {max}",
            name.len()
        ));
    }
    if crate::platforms::reserved_tool_names().contains(&name) {
        return Some("is reserved for a voice platform's built-in tool".to_string());
    }
    snake_problem(name)
}

/// Why `key` is not a property key every platform accepts
/// (`^[a-zA-Z0-9_.-]{1,64}$`), or `None`.
pub fn property_key_problem(key: &str) -> Option<String> {
    if key.is_empty() || key.len() > MAX_KEY {
        return Some(format!("must be 1 to {MAX_KEY} characters"));
    }
    key.chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-')))
        .map(|c| format!("has `{}`; use a-z, A-Z, 0-9, _, . or -", c.escape_default()))
}

/// Why `name` is not a valid parameter or result key, or `None`.
pub fn key_problem(name: &str) -> Option<String> {
    if name.is_empty() {
        return Some("is empty".to_string());
    }
    if name.len() > MAX_KEY {
        return Some(format!(
            "is {} characters long; the limit is {MAX_KEY}",
            name.len()
        ));
    }
    snake_problem(name)
}

fn snake_problem(name: &str) -> Option<String> {
    let mut chars = name.chars();
    if !chars.next().is_some_and(|c| c.is_ascii_lowercase()) {
        return Some("must start with a lowercase letter a-z".to_string());
    }
    if let Some(bad) = name
        .chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_'))
    {
        return Some(format!(
            "has `{}`; use snake_case (a-z, 0-9, _)",
            bad.escape_default()
        ));
    }
    None
}

/// Why `id` is not a valid id (templates, CRMs, targets), or `None`: lower-case
/// kebab-case, `^[a-z][a-z0-9]*(-[a-z0-9]+)*$`, at most 64 characters.
/// Words are joined by single hyphens, so each id has its own module name
/// ([`module_ident`]): `a-b` and `a--b` cannot both exist.
pub fn id_problem(id: &str) -> Option<String> {
    if id.is_empty() || id.len() > 64 {
        return Some("must be 1 to 64 characters".to_string());
    }
    if !id.starts_with(|c: char| c.is_ascii_lowercase()) {
        return Some("must start with a lowercase letter".to_string());
    }
    if let Some(bad) = id
        .chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-'))
    {
        return Some(format!(
            "has `{}`; use lower-case kebab-case (a-z, 0-9, words joined by single hyphens)",
            bad.escape_default()
        ));
    }
    if id.ends_with('-') || id.contains("--") {
        return Some(
            "must join its words by single hyphens, with none at the end (lower-case kebab-case)"
                .to_string(),
        );
    }
    None
}

/// Folder names of the output crate that are not a CRM's (the crate's own
/// tests, build folder and sources), so no CRM may be called that.
pub const RESERVED_CRM_IDS: &[&str] = &["benches", "examples", "src", "target", "tests"];

/// Why `id` cannot name a CRM, or `None`: an [`id_problem`], or one of
/// [`RESERVED_CRM_IDS`].
pub fn crm_id_problem(id: &str) -> Option<String> {
    if let Some(p) = id_problem(id) {
        return Some(p);
    }
    RESERVED_CRM_IDS
        .contains(&id)
        .then(|| "is a folder of the output crate itself; pick another name".to_string())
}

/// The folder of a CRM or template id under the output folder
/// (`<out>/<crm>/<template>/`): the id itself.
pub fn folder(id: &str) -> &str {
    id
}

/// The Rust module name of a CRM or template id: hyphens become `_`, a
/// keyword gets a trailing `_` (`zoho-crm` → `zoho_crm`, `type` → `type_`).
/// One-to-one on valid ids ([`id_problem`]), which have no `_`. The
/// output crate's `lib.rs` declares `<crm>::<template>` with these names.
pub fn module_ident(id: &str) -> String {
    let mut ident = id.replace('-', "_");
    if RUST_KEYWORDS.contains(&ident.as_str()) {
        ident.push('_');
    }
    ident
}

const RUST_KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut",
    "pub", "ref", "return", "self", "static", "struct", "super", "trait", "true", "type", "unsafe",
    "use", "where", "while", "abstract", "become", "box", "do", "final", "macro", "override",
    "priv", "try", "typeof", "unsized", "virtual", "yield",
];

/// A Rust identifier for `name`: snake_case, ASCII, never a keyword
/// (a trailing `_` is added), never starting with a digit.
pub fn rust_ident(name: &str) -> String {
    let mut ident: String = name
        .to_snake_case()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    if ident.is_empty() || ident.starts_with(|c: char| c.is_ascii_digit()) {
        ident.insert(0, '_');
    }
    if RUST_KEYWORDS.contains(&ident.as_str()) {
        ident.push('_');
    }
    ident
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tool_names() {
        assert_eq!(tool_name_problem("lookup_contact"), None);
        assert!(tool_name_problem("Lookup").is_some());
        assert!(tool_name_problem("look-up").is_some());
        assert!(tool_name_problem("1x").is_some());
        assert!(tool_name_problem(&"a".repeat(41)).is_some());
        assert!(tool_name_problem("end_call").is_some());
        assert_eq!(property_key_problem("a.b-C_1"), None);
        assert!(property_key_problem("a b").is_some());
    }

    #[test]
    fn rust_idents_avoid_keywords_and_digits() {
        assert_eq!(rust_ident("type"), "type_");
        assert_eq!(rust_ident("firstName"), "first_name");
        assert_eq!(rust_ident("2fa"), "_2fa");
        assert_eq!(rust_ident("a-b c"), "a_b_c");
    }

    #[test]
    fn ids_are_lower_case_kebab_case() {
        for ok in ["hubspot", "zoho-crm", "google-calendar", "a1-b2"] {
            assert_eq!(crm_id_problem(ok), None, "{ok}");
        }
        for bad in [
            "HubSpot2", "my_crm", "a--b", "a-", "-a", "1a", "", "tests", "zoho crm",
        ] {
            assert!(crm_id_problem(bad).is_some(), "{bad}");
        }
        assert_eq!(module_ident("zoho-crm"), "zoho_crm");
        assert_eq!(module_ident("type"), "type_");
        assert_eq!(module_ident("contact-lookup"), "contact_lookup");
        assert_eq!(folder("zoho-crm"), "zoho-crm");
    }

    #[test]
    fn rust_strings_escape_everything() {
        assert_eq!(
            crate::render::rust_text::literal_text("a\"b\\c\n{}\u{7}"),
            "\"a\\\"b\\\\c\\n{}\\u{7}\""
        );
    }
}
