//! How one call's answer becomes the template's result fields: where the
//! record is, and per field a pointer below it, a constant, a value map, or
//! a transform.

use crate::catalog::ValueType;

/// A JSON pointer: empty (the whole value) or `/`-separated.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Pointer(String);

impl Pointer {
    /// `Some` when `text` is a JSON pointer (empty, or starting with `/`).
    pub fn parse(text: &str) -> Option<Self> {
        (text.is_empty() || text.starts_with('/')).then(|| Pointer(text.to_string()))
    }

    /// The pointer's text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether it points at the whole value.
    pub fn is_root(&self) -> bool {
        self.0.is_empty()
    }

    /// `self` followed by `below` (`/results/0` + `/id`).
    pub fn join(&self, below: &Pointer) -> Pointer {
        Pointer(format!("{}{}", self.0, below.0))
    }
}

impl std::fmt::Display for Pointer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A constant of a result field's type.
#[derive(Debug, Clone, PartialEq)]
pub enum Scalar {
    /// A string.
    Text(String),
    /// An integer (the connector holds `i64`).
    Integer(i64),
    /// A number.
    Number(f64),
    /// A boolean.
    Boolean(bool),
}

impl Scalar {
    /// `value` as a constant of type `ty`, or `None` when it is not of it.
    pub fn of_type(value: &serde_json::Value, ty: ValueType) -> Option<Self> {
        use serde_json::Value;
        match (ty, value) {
            (ValueType::String, Value::String(s)) => Some(Scalar::Text(s.clone())),
            (ValueType::Integer, Value::Number(n)) => n.as_i64().map(Scalar::Integer),
            (ValueType::Number, Value::Number(n)) => n.as_f64().map(Scalar::Number),
            (ValueType::Boolean, Value::Bool(b)) => Some(Scalar::Boolean(*b)),
            _ => None,
        }
    }
}

/// Where one result field comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum FieldSource {
    /// This CRM does not have the field: always absent.
    Absent,
    /// The value at a pointer below the record.
    Pointer(Pointer),
    /// The same value on every answer of this call.
    Const(Scalar),
    /// The value at a pointer below the record, read as text and looked up
    /// in a table sorted by key; `default` for a value not in it.
    Mapped {
        /// Below the record.
        pointer: Pointer,
        /// The CRM's value (as text) to the field's value, sorted by key.
        table: Vec<(String, Scalar)>,
        /// For a value not in the table; without it the field is absent.
        default: Option<Scalar>,
    },
    /// A value computed by one of the runtime's transforms.
    Transform(super::transform::Transform),
}

/// One result field of the template, filled from a record.
#[derive(Debug, Clone, PartialEq)]
pub struct Projection {
    /// The result field's name.
    pub field: String,
    /// Its type.
    pub ty: ValueType,
    /// Where its value comes from.
    pub source: FieldSource,
}
