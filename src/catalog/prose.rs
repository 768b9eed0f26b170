//! Whether a piece of template text is whole: every description and speech
//! line is read to a caller or an LLM, so one cut short (a YAML comment
//! that ate the end of a plain scalar, an unfinished edit) says something
//! the author did not mean.

/// Words a finished sentence does not end on: articles, conjunctions and
/// determiners that promise more text ("… or a"). Prepositions may end an
/// English sentence ("who it is with"), so they are not here.
const DANGLING: &[&str] = &[
    "a", "an", "the", "and", "or", "nor", "but", "than", "whose", "their", "its", "your", "our",
    "without", "e.g", "i.e",
];

/// Why `text` is not a finished sentence, or `None` when it is. Finished:
/// it ends with `.`, `?` or `!` (a closing quote, bracket or backtick may
/// follow), its last word is not one that promises more (`a`, `the`,
/// `or`, `without`, …), and its brackets and backticks are balanced.
pub fn unfinished(text: &str) -> Option<String> {
    let t = text.trim();
    if t.is_empty() {
        return Some("is empty".to_string());
    }
    let body = t.trim_end_matches([')', '"', '\'', '`', '\u{201d}', '\u{2019}']);
    let Some(last) = body.chars().last() else {
        return Some("is not a sentence".to_string());
    };
    if !matches!(last, '.' | '?' | '!') {
        let tail: String = t
            .chars()
            .rev()
            .take(30)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        return Some(format!(
            "ends mid-sentence (`…{tail}`): end it with `.`, `?` or `!` (a ` #` in a plain YAML scalar starts a comment; quote the text)"
        ));
    }
    let words = body.trim_end_matches(['.', '?', '!']);
    let last_word = words
        .rsplit(|c: char| c.is_whitespace() || c == ',' || c == ';' || c == ':')
        .next()
        .unwrap_or("")
        .to_lowercase();
    if DANGLING.contains(&last_word.as_str()) {
        return Some(format!(
            "ends on `{last_word}`, which promises more text: finish the sentence"
        ));
    }
    let count = |c: char| t.chars().filter(|&x| x == c).count();
    if count('(') != count(')') {
        return Some("has unbalanced parentheses".to_string());
    }
    if count('`') % 2 == 1 {
        return Some("has an unclosed backtick".to_string());
    }
    None
}

/// The first ` #` in a YAML text that starts a comment right after a plain
/// (unquoted) scalar, as 1-based (line, column). In a plain scalar ` #`
/// starts a comment, so `… or a leading #.` silently loses `#.`; quoting
/// the value or putting the comment on its own line says what is meant.
/// A `#` whose text is part of some string value of the document (a
/// quoted or block scalar) is content, not a comment.
pub fn comment_after_plain_scalar(yaml: &str) -> Option<(usize, usize)> {
    let squash = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut strings = Vec::new();
    if let Ok(value) = serde_yaml::from_str::<serde_yaml::Value>(yaml) {
        collect_strings(&value, &mut strings);
    }
    let strings: Vec<String> = strings.iter().map(|s| squash(s)).collect();
    for (i, line) in yaml.lines().enumerate() {
        if line.trim_start().starts_with('#') || quoted_value(line) {
            continue;
        }
        for (at, _) in line.match_indices('#') {
            let before = &line[..at];
            if !before.ends_with([' ', '\t']) {
                continue;
            }
            // The text from `#` to the end of the line, or to the quote
            // that closes a quoted scalar (inside a flow collection).
            let tail = &line[at..];
            let to_quote = tail.find(['"', '\'']).map_or(tail, |q| &tail[..q]);
            let candidates = [
                squash(tail.trim_end().trim_end_matches(['"', '\''])),
                squash(to_quote),
            ];
            if candidates
                .iter()
                .any(|c| strings.iter().any(|s| s.contains(c.as_str())))
            {
                continue;
            }
            let value = before.trim_end();
            let after_plain = !(value.is_empty()
                || value.ends_with([':', '-', '"', '\'', ']', '}', '|', '>'])
                || value.ends_with("|-")
                || value.ends_with(">-"));
            if after_plain {
                return Some((i + 1, at + 1));
            }
        }
    }
    None
}

/// Whether the line's value (after `- ` and `key: `) is a quoted scalar,
/// in which a `#` is text.
fn quoted_value(line: &str) -> bool {
    let mut rest = line.trim_start();
    while let Some(r) = rest.strip_prefix("- ") {
        rest = r.trim_start();
    }
    if let Some((_, value)) = rest.split_once(": ") {
        rest = value.trim_start();
    }
    rest.starts_with(['"', '\''])
}

fn collect_strings(value: &serde_yaml::Value, out: &mut Vec<String>) {
    match value {
        serde_yaml::Value::String(s) => out.push(s.clone()),
        serde_yaml::Value::Sequence(items) => items.iter().for_each(|v| collect_strings(v, out)),
        serde_yaml::Value::Mapping(map) => map.iter().for_each(|(k, v)| {
            collect_strings(k, out);
            collect_strings(v, out);
        }),
        serde_yaml::Value::Tagged(t) => collect_strings(&t.value, out),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::{comment_after_plain_scalar, unfinished};

    #[test]
    fn a_comment_cutting_a_plain_scalar_is_found() {
        let cut = "tool:\n  description: no spaces or a leading #.\n";
        assert_eq!(comment_after_plain_scalar(cut), Some((2, 39)));
        let commented = "limit: 3 # the most\n";
        assert_eq!(comment_after_plain_scalar(commented), Some((1, 10)));
        for fine in [
            "description: \"or a leading #.\"\n",
            "description: >-\n  or a leading #, e.g. 7.\n",
            "# a comment line\nid: x\n",
            "tool:  # the tool\n  name: x\n",
            "id: a#b\n",
        ] {
            assert_eq!(comment_after_plain_scalar(fine), None, "{fine}");
        }
    }

    #[test]
    fn whole_sentences_pass() {
        for ok in [
            "Let me look up that ticket.",
            "Is that right?",
            "The number, without spaces or a leading #.",
            "One of `open` or `closed` (lower case).",
            "Say \"done.\"",
        ] {
            assert_eq!(unfinished(ok), None, "{ok}");
        }
    }

    #[test]
    fn cut_or_unfinished_text_fails() {
        for bad in [
            "digits only, without spaces or a leading",
            "The ticket's status, one of",
            "Without spaces or a.",
            "The id (from lookup_contact.",
            "Use `email when known.",
            "   ",
        ] {
            assert!(unfinished(bad).is_some(), "{bad}");
        }
    }
}
