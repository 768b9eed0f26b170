//! A request body: a JSON tree whose strings may hold placeholders, parsed
//! once. A string that is exactly one placeholder keeps the value's type.

use serde_json::{Number, Value};

use super::value::{Source, TextTemplate};

/// A JSON value with holes.
#[derive(Debug, Clone, PartialEq)]
pub enum JsonTemplate {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number.
    Number(Number),
    /// A string: literal text, or text with values formatted in.
    Text(TextTemplate),
    /// A whole value (`"{email}"`), of the value's own type; `null` when an
    /// optional value is absent.
    Value(Source),
    /// An array.
    Array(Vec<JsonTemplate>),
    /// An object, members in the binding's order.
    Object(Vec<(String, JsonTemplate)>),
}

impl JsonTemplate {
    /// Whether an optional value stands as a whole value somewhere in the
    /// tree (absent, it would be sent as `null`).
    pub fn has_optional_value(&self) -> bool {
        match self {
            JsonTemplate::Value(v) => v.is_optional(),
            JsonTemplate::Array(items) => items.iter().any(Self::has_optional_value),
            JsonTemplate::Object(members) => members.iter().any(|(_, v)| v.has_optional_value()),
            _ => false,
        }
    }

    /// Appends every value the tree uses, in order.
    pub fn sources<'a>(&'a self, out: &mut Vec<&'a Source>) {
        match self {
            JsonTemplate::Text(t) => out.extend(t.values()),
            JsonTemplate::Value(v) => out.push(v),
            JsonTemplate::Array(items) => items.iter().for_each(|v| v.sources(out)),
            JsonTemplate::Object(members) => members.iter().for_each(|(_, v)| v.sources(out)),
            JsonTemplate::Null | JsonTemplate::Bool(_) | JsonTemplate::Number(_) => {}
        }
    }

    /// Appends the name of every object member whose value is or holds a
    /// value directly (through arrays, not through another object), in
    /// order: `{"filters": [{"value": "{email}"}]}` gives `value`.
    pub fn caller_members(&self, names: &mut Vec<String>) {
        match self {
            JsonTemplate::Array(items) => items.iter().for_each(|v| v.caller_members(names)),
            JsonTemplate::Object(members) => {
                for (k, v) in members {
                    if v.holds_value_here() {
                        names.push(k.clone());
                    }
                    v.caller_members(names);
                }
            }
            _ => {}
        }
    }

    /// Whether the value itself, or an element of it as an array, is the
    /// caller's value (not counting nested objects, whose members name
    /// themselves; a setting or a step's value is the connector's own).
    fn holds_value_here(&self) -> bool {
        match self {
            JsonTemplate::Value(v) => v.is_callers(),
            JsonTemplate::Text(t) => t.has_callers(),
            JsonTemplate::Array(items) => items.iter().any(Self::holds_value_here),
            _ => false,
        }
    }

    /// The tree as plain JSON when it holds no value (for docs and tests).
    pub fn as_literal(&self) -> Option<Value> {
        Some(match self {
            JsonTemplate::Null => Value::Null,
            JsonTemplate::Bool(b) => Value::Bool(*b),
            JsonTemplate::Number(n) => Value::Number(n.clone()),
            JsonTemplate::Text(t) => match t.pieces.as_slice() {
                [] => Value::String(String::new()),
                [super::value::TextPiece::Literal(l)] => Value::String(l.clone()),
                _ => return None,
            },
            JsonTemplate::Value(_) => return None,
            JsonTemplate::Array(items) => {
                Value::Array(items.iter().map(Self::as_literal).collect::<Option<_>>()?)
            }
            JsonTemplate::Object(members) => Value::Object(
                members
                    .iter()
                    .map(|(k, v)| v.as_literal().map(|v| (k.clone(), v)))
                    .collect::<Option<_>>()?,
            ),
        })
    }
}

/// How a request carries its body.
#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    /// A JSON body. When it holds an optional whole value, object members
    /// left `null` by absent values are dropped before sending.
    Json(JsonTemplate),
    /// An `application/x-www-form-urlencoded` body in bracket notation
    /// (`metadata[source]=voice`), written from an object whose leaves are
    /// scalars; a `null` (an absent optional value) is left out.
    Form(JsonTemplate),
    /// A GraphQL document and its variables; the answer's `data` is what
    /// the record pointer reads.
    GraphQl(super::graphql::GraphQl),
}
