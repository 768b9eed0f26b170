//! JSON pointers (RFC 6901) and the local `$ref` fragments that carry them.
//!
//! Pointers are kept without the leading `#` inside the loader (`""` is the
//! document root, `"/paths/~1pets/get"` an operation); [`display`] adds the
//! `#` for messages so they read like the `$ref`s users write.

use std::borrow::Cow;

use serde_json::Value;

/// Appends one reference token to `buf`, escaping `~` and `/`.
pub(crate) fn push_token(buf: &mut String, token: &str) {
    buf.push('/');
    if !token.contains(['~', '/']) {
        buf.push_str(token);
        return;
    }
    for c in token.chars() {
        match c {
            '~' => buf.push_str("~0"),
            '/' => buf.push_str("~1"),
            _ => buf.push(c),
        }
    }
}

/// `base` extended by one token.
pub(crate) fn join(base: &str, token: &str) -> String {
    let mut out = String::with_capacity(base.len() + token.len() + 1);
    out.push_str(base);
    push_token(&mut out, token);
    out
}

/// `base` extended by several tokens.
pub(crate) fn join_all<T: AsRef<str>>(base: &str, tokens: &[T]) -> String {
    let mut out = base.to_owned();
    for token in tokens {
        push_token(&mut out, token.as_ref());
    }
    out
}

/// Undoes `~1` and `~0` in one token.
pub(crate) fn unescape(token: &str) -> Cow<'_, str> {
    if token.contains('~') {
        Cow::Owned(token.replace("~1", "/").replace("~0", "~"))
    } else {
        Cow::Borrowed(token)
    }
}

/// Splits a pointer into unescaped tokens; `None` when it is not a pointer
/// (non-empty and not starting with `/`).
pub(crate) fn split(pointer: &str) -> Option<Vec<Cow<'_, str>>> {
    if pointer.is_empty() {
        return Some(Vec::new());
    }
    let rest = pointer.strip_prefix('/')?;
    Some(rest.split('/').map(unescape).collect())
}

/// Parses an array index the way RFC 6901 spells one (no sign, no leading zero).
pub(crate) fn parse_index(token: &str) -> Option<usize> {
    if token.is_empty()
        || !token.bytes().all(|b| b.is_ascii_digit())
        || (token.len() > 1 && token.starts_with('0'))
    {
        return None;
    }
    token.parse().ok()
}

/// The value a pointer designates in `doc`.
pub(crate) fn lookup<'a>(doc: &'a Value, pointer: &str) -> Option<&'a Value> {
    let mut current = doc;
    for token in split(pointer)? {
        current = match current {
            Value::Object(map) => map.get(token.as_ref())?,
            Value::Array(items) => items.get(parse_index(&token)?)?,
            _ => return None,
        };
    }
    Some(current)
}

/// Resolves a local `$ref` in `doc`: returns the pointer it designates and
/// the value there. Percent-encoding in the fragment (RFC 6901 section 6) is
/// decoded; if the decoded pointer finds nothing the literal one is tried.
/// `None` when the reference is not local or points to nothing.
pub(crate) fn resolve_ref<'a>(doc: &'a Value, reference: &str) -> Option<(String, &'a Value)> {
    let fragment = reference.strip_prefix('#')?;
    let decoded = percent_decode(fragment);
    if let Some(value) = lookup(doc, &decoded) {
        return Some((decoded.into_owned(), value));
    }
    lookup(doc, fragment).map(|value| (fragment.to_owned(), value))
}

/// Decodes `%XX` escapes; returns the input unchanged when there are none or
/// the result would not be UTF-8.
pub(crate) fn percent_decode(s: &str) -> Cow<'_, str> {
    if !s.contains('%') {
        return Cow::Borrowed(s);
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            let hex = bytes
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok());
            if let Some(decoded) = hex {
                out.push(decoded);
                i += 3;
                continue;
            }
        }
        out.push(b);
        i += 1;
    }
    match String::from_utf8(out) {
        Ok(decoded) => Cow::Owned(decoded),
        Err(_) => Cow::Borrowed(s),
    }
}

/// The possible component names of a `#/components/<section>/<name>`
/// reference: with percent-escapes decoded first, then as written (a name
/// may itself contain `%`). Empty when the reference has another form.
pub(crate) fn component_names(reference: &str, section: &str) -> Vec<String> {
    let rest = reference
        .strip_prefix("#/components/")
        .and_then(|r| r.strip_prefix(section))
        .and_then(|r| r.strip_prefix('/'));
    let Some(rest) = rest.filter(|r| !r.is_empty() && !r.contains('/')) else {
        return Vec::new();
    };
    let decoded = unescape(&percent_decode(rest)).into_owned();
    let literal = unescape(rest).into_owned();
    if decoded == literal {
        vec![decoded]
    } else {
        vec![decoded, literal]
    }
}

/// A short name for a reference in messages: the component name for
/// `#/components/<section>/<name>`, else the reference itself.
pub(crate) fn short_name(reference: &str) -> String {
    let tokens = reference
        .strip_prefix("#/components/")
        .map(|rest| rest.split('/').collect::<Vec<_>>());
    match tokens.as_deref() {
        Some([_, name]) => unescape(&percent_decode(name)).into_owned(),
        _ => reference.to_owned(),
    }
}

/// A pointer as shown in messages: `#` followed by the pointer.
pub(crate) fn display(pointer: &str) -> String {
    format!("#{pointer}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn escapes_and_looks_up() {
        let doc = json!({"paths": {"/a/b": {"get": [1, {"x~y": 2}]}}});
        let p = join_all("", &["paths", "/a/b", "get"]);
        assert_eq!(p, "/paths/~1a~1b/get");
        assert_eq!(lookup(&doc, &join(&join(&p, "1"), "x~y")), Some(&json!(2)));
        assert_eq!(lookup(&doc, "/paths/~1a~1b/get/01"), None);
        assert_eq!(lookup(&doc, "nope"), None);
        assert_eq!(lookup(&doc, ""), Some(&doc));
    }

    #[test]
    fn resolves_refs_and_names() {
        let doc = json!({"components": {"schemas": {"A B": {"type": "string"}, "x/y": {}}}});
        assert!(resolve_ref(&doc, "#/components/schemas/A%20B").is_some());
        assert!(resolve_ref(&doc, "other.json#/x").is_none());
        assert_eq!(
            component_names("#/components/schemas/x~1y", "schemas"),
            ["x/y"]
        );
        assert_eq!(
            component_names("#/components/schemas/A%25", "schemas"),
            ["A%", "A%25"]
        );
        assert!(component_names("#/components/schemas/x/y", "schemas").is_empty());
        assert!(component_names("#/components/parameters/x", "schemas").is_empty());
        assert_eq!(short_name("#/components/parameters/P"), "P");
        assert_eq!(short_name("#/paths/~1a"), "#/paths/~1a");
        assert_eq!(percent_decode("%zz%41"), "%zzA");
        assert_eq!(percent_decode("%"), "%");
    }
}
