//! `{argument}` placeholders in binding strings.

/// One piece of a binding string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    /// Literal text (braces already unescaped).
    Text(String),
    /// The value of the named tool argument.
    Arg(String),
}

/// Splits `s` into text and placeholders. `{{` and `}}` are literal braces;
/// an unclosed or empty placeholder is an error (the message says which).
pub fn parse(s: &str) -> Result<Vec<Piece>, String> {
    let mut pieces = Vec::new();
    let mut text = String::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' if chars.peek() == Some(&'{') => {
                chars.next();
                text.push('{');
            }
            '}' if chars.peek() == Some(&'}') => {
                chars.next();
                text.push('}');
            }
            '{' => {
                let mut name = String::new();
                let mut closed = false;
                for c in chars.by_ref() {
                    if c == '}' {
                        closed = true;
                        break;
                    }
                    name.push(c);
                }
                if !closed {
                    return Err(format!(
                        "`{s}` has an unclosed `{{` (write `{{{{` for a literal brace)"
                    ));
                }
                let name = name.trim().to_string();
                if name.is_empty() {
                    return Err(format!("`{s}` has an empty placeholder `{{}}`"));
                }
                if !text.is_empty() {
                    pieces.push(Piece::Text(std::mem::take(&mut text)));
                }
                pieces.push(Piece::Arg(name));
            }
            '}' => {
                return Err(format!(
                    "`{s}` has a lone `}}` (write `}}}}` for a literal brace)"
                ))
            }
            c => text.push(c),
        }
    }
    if !text.is_empty() {
        pieces.push(Piece::Text(text));
    }
    Ok(pieces)
}

/// The argument names a string refers to.
pub fn args(pieces: &[Piece]) -> impl Iterator<Item = &str> {
    pieces.iter().filter_map(|p| match p {
        Piece::Arg(a) => Some(a.as_str()),
        Piece::Text(_) => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_placeholders_and_escapes() {
        assert_eq!(parse("{email}").unwrap(), vec![Piece::Arg("email".into())]);
        assert_eq!(
            parse("Call from {phone} {{x}}").unwrap(),
            vec![
                Piece::Text("Call from ".into()),
                Piece::Arg("phone".into()),
                Piece::Text(" {x}".into())
            ]
        );
        assert!(parse("{oops").is_err());
        assert!(parse("a}b").is_err());
        assert!(parse("{}").is_err());
        assert_eq!(parse("").unwrap(), vec![]);
    }
}
