//! A GraphQL body: the document as written, what kind of operation it is,
//! the variables it declares, and the values the bindings give them.

use super::json::JsonTemplate;
use super::projection::Pointer;
pub use crate::bindings::body::SearchQuoting;

/// A GraphQL request: `{"query": document, "variables": {…}}`.
#[derive(Debug, Clone, PartialEq)]
pub struct GraphQl {
    /// The document, as written in the bindings.
    pub document: String,
    /// A query or a mutation.
    pub kind: GraphQlKind,
    /// Each declared variable (name without `$`) and its value, in name
    /// order.
    pub variables: Vec<(String, JsonTemplate)>,
    /// Where a mutation's payload lists its user errors, inside `data`.
    pub user_errors: Option<Pointer>,
    /// Search-string variables and how the caller's text in each is
    /// quoted, in name order.
    pub search: Vec<(String, SearchQuoting)>,
}

/// The operation type of a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GraphQlKind {
    /// `query` (or the shorthand `{ … }`): reads.
    Query,
    /// `mutation`: writes.
    Mutation,
}

/// What the checks need from a document: its operation kind, its declared
/// variables (name, whether the type is non-null without a default), and
/// every field name it selects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outline {
    /// Query or mutation.
    pub kind: GraphQlKind,
    /// `($q: String!, $first: Int = 1)` as (`q`, non-null, no default),
    /// (`first`, nullable, a default).
    pub declared: Vec<Declared>,
    /// The names used as `$name` outside the declarations.
    pub used: Vec<String>,
    /// Every name in the selection sets (fields, aliases, arguments).
    pub names: Vec<String>,
    /// The variables passed as an argument named `query` (`orders(query:
    /// $q)`): a search string in Shopify's API.
    pub search_args: Vec<String>,
}

/// A variable the operation declares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Declared {
    /// Without `$`.
    pub name: String,
    /// Its type ends in `!`.
    pub non_null: bool,
    /// It has a default value (`= 1`).
    pub default: bool,
}

/// One token of a document; strings and comments are dropped.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Name(String),
    Var(String),
    Punct(char),
}

fn tokens(doc: &str) -> Result<Vec<Token>, String> {
    let mut out = Vec::new();
    let mut chars = doc.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '#' => {
                for c in chars.by_ref() {
                    if c == '\n' || c == '\r' {
                        break;
                    }
                }
            }
            '"' => {
                // A block string `"""…"""` or a plain one with escapes.
                let block = chars.peek() == Some(&'"') && {
                    let mut ahead = chars.clone();
                    ahead.next();
                    ahead.peek() == Some(&'"')
                };
                if block {
                    chars.next();
                    chars.next();
                    let mut quotes = 0;
                    let mut closed = false;
                    for c in chars.by_ref() {
                        quotes = if c == '"' { quotes + 1 } else { 0 };
                        if quotes == 3 {
                            closed = true;
                            break;
                        }
                    }
                    if !closed {
                        return Err("a block string `\"\"\"` is not closed".to_string());
                    }
                } else {
                    let mut closed = false;
                    while let Some(c) = chars.next() {
                        match c {
                            '\\' => {
                                chars.next();
                            }
                            '"' => {
                                closed = true;
                                break;
                            }
                            '\n' => break,
                            _ => {}
                        }
                    }
                    if !closed {
                        return Err("a string is not closed on its line".to_string());
                    }
                }
            }
            '$' => {
                let name = name(&mut chars);
                if name.is_empty() {
                    return Err("a `$` is not followed by a variable name".to_string());
                }
                out.push(Token::Var(name));
            }
            c if c == '_' || c.is_ascii_alphabetic() => {
                let mut n = c.to_string();
                n.push_str(&name(&mut chars));
                out.push(Token::Name(n));
            }
            c if c.is_whitespace() || c == ',' || c == '\u{feff}' => {}
            c => out.push(Token::Punct(c)),
        }
    }
    Ok(out)
}

fn name(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) -> String {
    let mut n = String::new();
    while let Some(&c) = chars.peek() {
        if c == '_' || c.is_ascii_alphanumeric() {
            n.push(c);
            chars.next();
        } else {
            break;
        }
    }
    n
}

/// Reads the outline of a document holding one operation (fragments may
/// follow it). The message says what is wrong when it cannot.
pub fn outline(doc: &str) -> Result<Outline, String> {
    let tokens = tokens(doc)?;
    let mut depth = 0i32;
    for t in &tokens {
        match t {
            Token::Punct('{') => depth += 1,
            Token::Punct('}') => {
                depth -= 1;
                if depth < 0 {
                    return Err("a `}` closes nothing".to_string());
                }
            }
            _ => {}
        }
    }
    if depth != 0 {
        return Err("a `{` is not closed".to_string());
    }
    let mut i = 0;
    let kind = match tokens.first() {
        Some(Token::Punct('{')) => GraphQlKind::Query,
        Some(Token::Name(n)) if n == "query" => GraphQlKind::Query,
        Some(Token::Name(n)) if n == "mutation" => GraphQlKind::Mutation,
        Some(Token::Name(n)) if n == "subscription" => {
            return Err("a subscription cannot answer one call; use a query".to_string())
        }
        _ => return Err("the document does not start with `query`, `mutation` or `{`".to_string()),
    };
    if tokens.first() != Some(&Token::Punct('{')) {
        i = 1;
        if matches!(tokens.get(i), Some(Token::Name(_))) {
            i += 1;
        }
    }
    let mut declared = Vec::new();
    if tokens.get(i) == Some(&Token::Punct('(')) {
        i += 1;
        let mut nesting = 0;
        let mut current: Option<(String, bool, bool)> = None; // name, non-null, default
        while let Some(t) = tokens.get(i) {
            i += 1;
            match t {
                Token::Punct(')') if nesting == 0 => break,
                Token::Var(v) if nesting == 0 => {
                    if let Some((name, non_null, default)) = current.take() {
                        declared.push(Declared {
                            name,
                            non_null,
                            default,
                        });
                    }
                    current = Some((v.clone(), false, false));
                }
                Token::Punct('[') | Token::Punct('{') | Token::Punct('(') => nesting += 1,
                Token::Punct(']') | Token::Punct('}') | Token::Punct(')') => nesting -= 1,
                // `!` after the type, at the outermost level of it.
                Token::Punct('!') if nesting == 0 => {
                    if let Some(c) = current.as_mut() {
                        c.1 = true;
                    }
                }
                Token::Punct('=') => {
                    if let Some(c) = current.as_mut() {
                        c.2 = true;
                    }
                }
                _ => {}
            }
        }
        if let Some((name, non_null, default)) = current.take() {
            declared.push(Declared {
                name,
                non_null,
                default,
            });
        }
    }
    let mut used = Vec::new();
    let mut names = Vec::new();
    let mut search_args = Vec::new();
    let selection = tokens.get(i..).unwrap_or_default();
    for w in selection.windows(3) {
        if let [Token::Name(n), Token::Punct(':'), Token::Var(v)] = w {
            if n == "query" && !search_args.contains(v) {
                search_args.push(v.clone());
            }
        }
    }
    for t in selection {
        match t {
            Token::Var(v) => used.push(v.clone()),
            Token::Name(n) => names.push(n.clone()),
            Token::Punct(_) => {}
        }
    }
    Ok(Outline {
        kind,
        declared,
        used,
        names,
        search_args,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outlines_a_query_and_a_mutation() {
        let o = outline(
            "query Order($q: String!, $first: Int = 1, $ids: [ID!]!) { # a comment with $x\n orders(first: $first, query: $q) { edges { node { name note: note(text: \"$y }\") } } } }",
        )
        .unwrap();
        assert_eq!(o.kind, GraphQlKind::Query);
        let declared: Vec<(&str, bool, bool)> = o
            .declared
            .iter()
            .map(|d| (d.name.as_str(), d.non_null, d.default))
            .collect();
        assert_eq!(
            declared,
            [
                ("q", true, false),
                ("first", false, true),
                ("ids", true, false)
            ]
        );
        assert_eq!(o.used, vec!["first", "q"]);
        assert!(o.names.contains(&"edges".to_string()));
        assert_eq!(o.search_args, vec!["q"]);
        let m = outline(
            "mutation { customerCreate(input: {email: \"a\"}) { userErrors { field message } } }",
        )
        .unwrap();
        assert_eq!(m.kind, GraphQlKind::Mutation);
        assert!(m.declared.is_empty());
        assert!(outline("{ a { b }").is_err());
        assert!(outline("subscription { a }").is_err());
        assert!(outline("fragment F on X { a }").is_err());
        assert!(outline("{ a(x: \"open) }").is_err());
    }
}
