//! The caller's words inside a vendor's search language, quoted so they stay
//! values.
//!
//! Shopify's `query:` arguments take its search syntax
//! (shopify.dev, "Shopify API search syntax"): terms, the connectives `AND`
//! and `OR`, the modifiers `-` and `NOT`, `name:value` comparisons and
//! parentheses. A value spliced in as written could change the search
//! (`1001 OR email:*` finds every order). A quoted string is always one
//! value: inside double quotes only `\` and `"` are special, and both are
//! escaped with a backslash. The GraphQL document itself never holds the
//! caller's text: it goes in a variable, encoded by `serde_json`.

/// `value` as one quoted Shopify search value: `"…"`, with `\` and `"`
/// escaped, control characters turned into spaces (a search line has none).
/// `1001 OR email:*` becomes `"1001 OR email:*"`, one value that matches
/// nothing rather than every order.
pub fn shopify_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Free text as Shopify search terms: each whitespace-separated word one
/// quoted value ([`shopify_value`]), so the words are ANDed as the search
/// does for plain words, and none of them is a connective, a modifier, a
/// comparison or a parenthesis. No word at all gives `""`, an empty value.
pub fn shopify_terms(text: &str) -> String {
    let words: Vec<String> = text
        .split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|w| !w.is_empty())
        .map(shopify_value)
        .collect();
    if words.is_empty() {
        return shopify_value("");
    }
    words.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_is_one_quoted_string() {
        assert_eq!(shopify_value("1001"), "\"1001\"");
        assert_eq!(
            shopify_value("1001 OR email:*"),
            "\"1001 OR email:*\"",
            "a connective and a comparison stay inside the quotes"
        );
        assert_eq!(shopify_value(r#"a" OR "b"#), r#""a\" OR \"b""#);
        assert_eq!(shopify_value(r"back\slash"), r#""back\\slash""#);
        assert_eq!(shopify_value("x\")(y"), r#""x\")(y""#);
        assert_eq!(shopify_value("line\nbreak"), "\"line break\"");
        assert_eq!(shopify_value(""), "\"\"");
    }

    #[test]
    fn terms_are_quoted_words() {
        assert_eq!(
            shopify_terms("waterproof  hiking boots"),
            r#""waterproof" "hiking" "boots""#
        );
        assert_eq!(
            shopify_terms("boots OR -status:draft (x"),
            r#""boots" "OR" "-status:draft" "(x""#
        );
        assert_eq!(shopify_terms(" \t\n"), "\"\"");
    }

    /// Reads a quoted value back as Shopify's grammar does: everything up
    /// to the unescaped closing quote is the value.
    fn unquote(s: &str) -> Option<(String, &str)> {
        let mut chars = s.strip_prefix('"')?.char_indices();
        let mut out = String::new();
        while let Some((i, c)) = chars.next() {
            match c {
                '\\' => out.push(chars.next()?.1),
                '"' => return Some((out, &s[i + 2..])),
                c => out.push(c),
            }
        }
        None
    }

    #[test]
    fn any_text_round_trips_as_exactly_one_value() {
        for text in [
            "plain",
            r#"" OR name:* ""#,
            r"\",
            r#"\""#,
            "a\\\"b\\",
            "émoji 😀 and 漢字",
        ] {
            let quoted = shopify_value(text);
            let (value, rest) = unquote(&quoted).expect("one closed value");
            assert_eq!(value, text);
            assert_eq!(rest, "", "nothing after the value: {quoted}");
        }
    }
}
