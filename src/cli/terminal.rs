//! Text on its way to a terminal: control characters (ANSI and OSC escape
//! sequences, carriage returns, bidirectional overrides) from specs and
//! templates are shown escaped, never obeyed, and one-line fields stay on
//! one line.

/// `text` with every control character except (when `keep_newlines`) `\n`
/// and `\t` written as `\u{..}`; so are the bidirectional-text controls
/// (U+202A-U+202E, U+2066-U+2069), which reorder what a reader sees.
pub(crate) fn safe(text: &str, keep_newlines: bool) -> String {
    if !text.chars().any(|c| needs_escape(c, keep_newlines)) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if needs_escape(c, keep_newlines) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

fn needs_escape(c: char, keep_newlines: bool) -> bool {
    if keep_newlines && (c == '\n' || c == '\t') {
        return false;
    }
    c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// A field that belongs on one line (a title, a summary in a table): runs
/// of white space, line breaks included, become one space.
pub(crate) fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::{one_line, safe};

    #[test]
    fn escape_sequences_are_shown_not_obeyed() {
        assert_eq!(
            safe("a\u{1b}]0;pwned\u{7}b\u{1b}[2J", true),
            "a\\u{1b}]0;pwned\\u{7}b\\u{1b}[2J"
        );
        assert_eq!(safe("x\r\ny\tz", true), "x\\u{d}\ny\tz");
        assert_eq!(safe("x\ny", false), "x\\u{a}y");
        assert_eq!(safe("a\u{202e}b\u{9b}", true), "a\\u{202e}b\\u{9b}");
        assert_eq!(safe("plain — text ✓", false), "plain — text ✓");
        assert_eq!(one_line("Two\nline  title"), "Two line title");
    }
}
