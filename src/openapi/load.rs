//! From bytes to a JSON value: reading, sniffing YAML vs JSON, syntax errors
//! with positions, and the OpenAPI version gate.

use std::path::Path;

use serde_json::{Map, Number, Value};

use super::error::SpecError;

/// Nesting deeper than this is refused while converting YAML, so that no
/// later step can be driven into deep recursion. (serde_json and serde_yaml
/// already stop at 128 levels; this is a second fence.)
const MAX_NESTING: usize = 200;

/// Reads a file into a string; the error names the file.
pub(crate) fn read(path: &Path) -> Result<String, SpecError> {
    let bytes = crate::input::read(path).map_err(|source| SpecError::Io {
        path: path.to_owned(),
        source,
    })?;
    String::from_utf8(bytes).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        let (line, column) = line_column(e.as_bytes(), offset);
        SpecError::Syntax {
            origin: path.display().to_string(),
            line,
            column,
            message: "the file is not UTF-8 text".into(),
        }
    })
}

/// 1-based line and column of a byte offset.
fn line_column(bytes: &[u8], offset: usize) -> (usize, usize) {
    let before = bytes.get(..offset).unwrap_or(bytes);
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |p| p + 1);
    let column = String::from_utf8_lossy(before.get(line_start..).unwrap_or_default())
        .chars()
        .count()
        + 1;
    (line, column)
}

/// Parses the text as JSON or YAML, judged by its first non-blank character
/// (`{` or `[` means JSON), and checks that it is a mapping.
pub(crate) fn parse(text: &str, origin: &str) -> Result<Value, SpecError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let first = text.chars().find(|c| !c.is_whitespace());
    let value = match first {
        None => {
            return Err(SpecError::Empty {
                origin: origin.to_owned(),
            });
        }
        Some('{') | Some('[') => parse_json(text, origin)?,
        Some(_) => parse_yaml(text, origin)?,
    };
    match value {
        Value::Object(_) => Ok(value),
        other => Err(SpecError::NotAMapping {
            origin: origin.to_owned(),
            found: describe(&other).to_owned(),
        }),
    }
}

fn describe(value: &Value) -> &'static str {
    match value {
        Value::Null => "null (an empty YAML document)",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
    }
}

fn parse_json(text: &str, origin: &str) -> Result<Value, SpecError> {
    serde_json::from_str(text).map_err(|e| SpecError::Syntax {
        origin: origin.to_owned(),
        line: e.line(),
        column: e.column(),
        message: strip_position(&e.to_string(), e.line(), e.column()),
    })
}

fn parse_yaml(text: &str, origin: &str) -> Result<Value, SpecError> {
    let syntax = |e: serde_yaml::Error| {
        let (line, column) = e.location().map_or((1, 1), |l| (l.line(), l.column()));
        SpecError::Syntax {
            origin: origin.to_owned(),
            line,
            column,
            message: strip_position(&e.to_string(), line, column),
        }
    };
    let mut yaml: serde_yaml::Value = serde_yaml::from_str(text).map_err(syntax)?;
    yaml.apply_merge().map_err(syntax)?;
    yaml_to_json(yaml, origin, &mut String::new(), 0)
}

/// Drops the " at line N column M" that serde_json and serde_yaml add for
/// the position shown up front (other positions, like where a YAML flow
/// started, stay), and keeps the first line only.
fn strip_position(message: &str, line: usize, column: usize) -> String {
    let first_line = message.lines().next().unwrap_or(message);
    first_line.replacen(&format!(" at line {line} column {column}"), "", 1)
}

/// Converts YAML to JSON: keys become strings (`200:` is the key "200"),
/// tags are dropped, non-finite floats become strings.
fn yaml_to_json(
    yaml: serde_yaml::Value,
    origin: &str,
    pointer: &mut String,
    depth: usize,
) -> Result<Value, SpecError> {
    if depth > MAX_NESTING {
        return Err(SpecError::Shape {
            origin: origin.to_owned(),
            pointer: pointer.clone(),
            message: format!("the document nests deeper than {MAX_NESTING} levels"),
        });
    }
    Ok(match yaml {
        serde_yaml::Value::Null => Value::Null,
        serde_yaml::Value::Bool(b) => Value::Bool(b),
        serde_yaml::Value::Number(n) => yaml_number(&n),
        serde_yaml::Value::String(s) => Value::String(s),
        serde_yaml::Value::Sequence(items) => {
            let mut out = Vec::with_capacity(items.len());
            for (i, item) in items.into_iter().enumerate() {
                let len = pointer.len();
                super::pointer::push_token(pointer, &i.to_string());
                out.push(yaml_to_json(item, origin, pointer, depth + 1)?);
                pointer.truncate(len);
            }
            Value::Array(out)
        }
        serde_yaml::Value::Mapping(mapping) => {
            let mut out = Map::with_capacity(mapping.len());
            for (key, item) in mapping {
                let key = match key {
                    serde_yaml::Value::String(s) => s,
                    serde_yaml::Value::Number(n) => n.to_string(),
                    serde_yaml::Value::Bool(b) => b.to_string(),
                    serde_yaml::Value::Null => "null".to_owned(),
                    serde_yaml::Value::Tagged(t) => match t.value {
                        serde_yaml::Value::String(s) => s,
                        serde_yaml::Value::Number(n) => n.to_string(),
                        _ => return Err(complex_key(origin, pointer)),
                    },
                    serde_yaml::Value::Sequence(_) | serde_yaml::Value::Mapping(_) => {
                        return Err(complex_key(origin, pointer));
                    }
                };
                let len = pointer.len();
                super::pointer::push_token(pointer, &key);
                let value = yaml_to_json(item, origin, pointer, depth + 1)?;
                pointer.truncate(len);
                out.insert(key, value);
            }
            Value::Object(out)
        }
        serde_yaml::Value::Tagged(tagged) => {
            yaml_to_json(tagged.value, origin, pointer, depth + 1)?
        }
    })
}

fn complex_key(origin: &str, pointer: &str) -> SpecError {
    SpecError::Shape {
        origin: origin.to_owned(),
        pointer: pointer.to_owned(),
        message: "a mapping key is a list or a mapping; OpenAPI keys are strings".into(),
    }
}

fn yaml_number(n: &serde_yaml::Number) -> Value {
    if let Some(i) = n.as_i64() {
        Value::Number(i.into())
    } else if let Some(u) = n.as_u64() {
        Value::Number(u.into())
    } else if let Some(f) = n.as_f64().and_then(Number::from_f64) {
        Value::Number(f)
    } else {
        Value::String(n.to_string())
    }
}

/// Checks `openapi` (or `swagger`) before the document is decoded, so that a
/// 2.0 or 3.1 document gets a clear message instead of a shape error.
///
/// A YAML `openapi: 3.0` is read as a number; it is rewritten as the string
/// "3.0" so that decoding accepts it.
pub(crate) fn check_version(doc: &mut Value, origin: &str) -> Result<String, SpecError> {
    let Value::Object(map) = doc else {
        return Err(SpecError::NotAMapping {
            origin: origin.to_owned(),
            found: describe(doc).to_owned(),
        });
    };
    let found = match map.get("openapi") {
        Some(Value::String(s)) => s.trim().to_owned(),
        Some(Value::Number(n)) => {
            let text = n.to_string();
            if text == "3" || text == "3.0" {
                map.insert("openapi".into(), Value::String("3.0".into()));
                return Ok("3.0".into());
            }
            text
        }
        Some(other) => other.to_string(),
        None => {
            return Err(match map.get("swagger") {
                Some(v) => SpecError::Swagger {
                    origin: origin.to_owned(),
                    found: v.as_str().map_or_else(|| v.to_string(), str::to_owned),
                },
                None => SpecError::NotOpenApi {
                    origin: origin.to_owned(),
                },
            });
        }
    };
    let is_30 = found == "3.0" || found.starts_with("3.0.");
    if is_30 {
        Ok(found)
    } else {
        Err(SpecError::Version {
            origin: origin.to_owned(),
            found,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_and_reports_positions() {
        let e = parse("{\"a\": }", "x.json").unwrap_err();
        assert!(matches!(e, SpecError::Syntax { line: 1, .. }), "{e}");
        let e = parse("a: b\n  c: d\n", "x.yaml").unwrap_err();
        assert!(matches!(e, SpecError::Syntax { line: 2, .. }), "{e}");
        assert!(!e.to_string().contains(" at line "), "{e}");
        let v = parse("responses:\n  200: {a: 1}\n", "x.yaml").unwrap();
        assert!(v["responses"]["200"].is_object());
        assert!(matches!(
            parse("- a\n- b\n", "x.yaml"),
            Err(SpecError::NotAMapping { .. })
        ));
        assert!(matches!(
            parse(" \n\t", "x.yaml"),
            Err(SpecError::Empty { .. })
        ));
    }

    #[test]
    fn merges_yaml_keys() {
        let v = parse("base: &b {x: 1}\nthing:\n  <<: *b\n  y: 2\n", "m.yaml").unwrap();
        assert_eq!(v["thing"]["x"], 1);
    }

    #[test]
    fn line_columns() {
        assert_eq!(line_column(b"ab\ncd", 4), (2, 2));
        assert_eq!(line_column(b"ab", 99), (1, 3));
    }
}
