//! midcall's own schema model: a small, owned subset of OpenAPI 3.0 schemas.
//!
//! Component references are kept as [`SchemaKind::Ref`] rather than inlined:
//! inlining would blow up on big specs (Stripe) and never end on recursive
//! ones. [`Api::resolve`](super::Api::resolve) follows them on demand.

use std::collections::BTreeMap;

/// A schema: its shape plus the annotations midcall uses.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Schema {
    /// The shape.
    pub kind: SchemaKind,
    /// `description`.
    pub description: Option<String>,
    /// `title`.
    pub title: Option<String>,
    /// `nullable`.
    pub nullable: bool,
    /// `format` (e.g. `date-time`, `int64`, `email`).
    pub format: Option<String>,
    /// `enum`, as written (a `null` entry stays `Null`).
    pub enum_values: Vec<serde_json::Value>,
    /// `example`.
    pub example: Option<serde_json::Value>,
    /// `default`.
    pub default: Option<serde_json::Value>,
    /// `readOnly`: sent by the server, not accepted in requests.
    pub read_only: bool,
    /// `writeOnly`: accepted in requests, never returned.
    pub write_only: bool,
    /// `deprecated`.
    pub deprecated: bool,
}

/// The shape of a [`Schema`].
#[derive(Debug, Clone, PartialEq, Default)]
pub enum SchemaKind {
    /// The name of a `components.schemas` entry; the loader has checked that
    /// it exists.
    Ref(String),
    /// An object with named properties.
    Object {
        /// Declared properties, by name.
        properties: BTreeMap<String, Schema>,
        /// Names of the required properties.
        required: Vec<String>,
        /// The schema of other keys (`additionalProperties`), when it is
        /// declared as a schema or as `true`; `true` becomes an `Any` schema.
        additional: Option<Box<Schema>>,
    },
    /// An array of items of one schema.
    Array(Box<Schema>),
    /// `type: string`.
    String,
    /// `type: integer`.
    Integer,
    /// `type: number`.
    Number,
    /// `type: boolean`.
    Boolean,
    /// `allOf`: a value matches all members.
    AllOf(Vec<Schema>),
    /// `oneOf`: a value matches exactly one alternative.
    OneOf(Vec<Schema>),
    /// `anyOf`: a value matches at least one alternative.
    AnyOf(Vec<Schema>),
    /// Anything: no type given (or one midcall does not model, like `not`).
    #[default]
    Any,
}

impl Schema {
    /// A schema of the given kind with no annotations.
    pub fn new(kind: SchemaKind) -> Schema {
        Schema {
            kind,
            ..Schema::default()
        }
    }

    /// A schema that accepts anything.
    pub fn any() -> Schema {
        Schema::default()
    }

    /// The component name when this schema is a `$ref`.
    pub fn ref_name(&self) -> Option<&str> {
        match &self.kind {
            SchemaKind::Ref(name) => Some(name),
            _ => None,
        }
    }
}

impl SchemaKind {
    /// A short name of the kind for messages: "object", "array", "string"...
    pub fn name(&self) -> &'static str {
        match self {
            SchemaKind::Ref(_) => "$ref",
            SchemaKind::Object { .. } => "object",
            SchemaKind::Array(_) => "array",
            SchemaKind::String => "string",
            SchemaKind::Integer => "integer",
            SchemaKind::Number => "number",
            SchemaKind::Boolean => "boolean",
            SchemaKind::AllOf(_) => "allOf",
            SchemaKind::OneOf(_) => "oneOf",
            SchemaKind::AnyOf(_) => "anyOf",
            SchemaKind::Any => "any",
        }
    }
}
