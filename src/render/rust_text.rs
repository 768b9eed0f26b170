//! The one place that decides how untrusted text (template and spec text,
//! binding strings, names) reaches generated Rust.
//!
//! - In a string literal ([`literal`]) every character survives exactly;
//!   quotes, backslashes, control characters and the bidirectional-text
//!   controls (U+202A–U+202E, U+2066–U+2069, which rustc refuses in
//!   literals by its deny-by-default `text_direction_codepoint_in_literal`
//!   lint) are escaped, as is anything `char::escape_debug` escapes.
//! - In a doc comment ([`doc_line`]) the text is put on one line (every
//!   kind of whitespace and line break becomes one space, so it can never
//!   end the comment and start an item) and every control or
//!   bidirectional-text character is written as visible `\u{…}` text
//!   (rustc's `text_direction_codepoint_in_comment` lint).
//! - An identifier ([`ident`]) is made from a name by
//!   `names::rust_ident`; one that still is not an identifier is
//!   refused, never emitted.

use proc_macro2::Literal;

/// The bidirectional-text controls rustc refuses in literals and comments.
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// A string literal holding exactly `s`, with every character that could
/// hide, break or be refused escaped.
pub fn literal(s: &str) -> Literal {
    let mut repr = String::with_capacity(s.len() + 2);
    repr.push('"');
    for c in s.chars() {
        if is_bidi_control(c) || c.is_control() && !matches!(c, '\n' | '\r' | '\t') {
            push_escape(&mut repr, c);
        } else {
            repr.extend(c.escape_debug());
        }
    }
    repr.push('"');
    // The text above is a valid literal by construction; should the parse
    // ever disagree, proc-macro2's own escaping is the fallback.
    repr.parse().unwrap_or_else(|_| Literal::string(s))
}

/// The literal's source text (`"a\"b"`), for target templates that write
/// Rust (the `rust_str` filter).
pub fn literal_text(s: &str) -> String {
    literal(s).to_string()
}

/// Text for a doc comment, on one line, never empty: whitespace (line
/// breaks included) collapsed to single spaces, control and
/// bidirectional-text characters written as `\u{…}`.
pub fn doc_line(text: &str) -> String {
    let mut line = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !line.is_empty() {
            line.push(' ');
        }
        for c in word.chars() {
            if is_bidi_control(c) || c.is_control() {
                push_escape(&mut line, c);
            } else {
                line.push(c);
            }
        }
    }
    if line.is_empty() {
        "(no description)".to_string()
    } else {
        line
    }
}

/// The value of a `#[doc = …]` attribute for one line of documentation:
/// [`doc_line`] after a space, so it prints as `/// text`.
pub fn doc(text: &str) -> String {
    let mut s = String::from(" ");
    s.push_str(&doc_line(text));
    s
}

/// The identifier for `name` (`names::rust_ident`), or why there
/// is none.
pub fn ident(name: &str) -> Result<syn::Ident, String> {
    let text = crate::names::rust_ident(name);
    syn::parse_str::<syn::Ident>(&text).map_err(|_| {
        let mut shown = String::new();
        shown.extend(name.escape_debug());
        ["`", &shown, "` makes no Rust identifier"].concat()
    })
}

fn push_escape(out: &mut String, c: char) {
    out.push_str("\\u{");
    out.push_str(&hex(c as u32));
    out.push('}');
}

fn hex(mut n: u32) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut digits = Vec::new();
    loop {
        digits.push(DIGITS[(n % 16) as usize]);
        n /= 16;
        if n == 0 {
            break;
        }
    }
    digits.reverse();
    String::from_utf8(digits).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_escape_quotes_controls_and_bidi() {
        assert_eq!(
            literal_text("a\"b\\c\n{}\u{7}\u{202e}x\u{2066}\u{1F600}"),
            "\"a\\\"b\\\\c\\n{}\\u{7}\\u{202e}x\\u{2066}\u{1F600}\""
        );
        let lit: syn::LitStr = syn::parse_str(&literal_text("\"# */ \u{2069} é")).unwrap();
        assert_eq!(lit.value(), "\"# */ \u{2069} é");
    }

    #[test]
    fn docs_stay_on_one_line_and_show_bidi() {
        assert_eq!(doc_line("a\n\n b\u{2028}c\td"), "a b c d");
        assert_eq!(doc_line("x\u{202e}y\u{1b}[2J"), "x\\u{202e}y\\u{1b}[2J");
        assert_eq!(doc_line(" \n "), "(no description)");
        assert_eq!(doc("*/ ok"), " */ ok");
    }

    #[test]
    fn idents_are_made_or_refused() {
        assert_eq!(ident("type").unwrap().to_string(), "type_");
        assert_eq!(ident("first_name").unwrap().to_string(), "first_name");
    }
}
