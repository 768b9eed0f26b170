//! Where a value in a request comes from, and text built from such values:
//! a binding string's `{argument}`, `{setting.name}` and
//! `{step.name:/pointer}` placeholders, parsed once.

use crate::catalog::ValueType;

/// A value a request uses: the caller's (a tool argument) or the
/// connector's own (an account setting, a value of an earlier step's
/// answer).
#[derive(Debug, Clone, PartialEq)]
pub enum Source {
    /// A tool argument.
    Arg(ArgRef),
    /// An account setting, by name (`{setting.subdomain}`): read and
    /// checked when the connector is configured, so always present.
    Setting(String),
    /// The value at `pointer` below the record of the earlier step `step`
    /// (`{step.user:/id}`): present, or the action ended `not_found`.
    Step {
        /// The step's name.
        step: String,
        /// A JSON pointer below the step's record.
        pointer: String,
    },
}

impl Source {
    /// The JSON type of the value. A setting is text; a step value keeps
    /// the type it has in the answer, and is text where text is needed.
    pub fn ty(&self) -> ValueType {
        match self {
            Source::Arg(a) if a.form != ArgForm::AsGiven => ValueType::String,
            Source::Arg(a) => a.ty,
            Source::Setting(_) | Source::Step { .. } => ValueType::String,
        }
    }

    /// Whether the value may be absent where it is used.
    pub fn is_optional(&self) -> bool {
        match self {
            Source::Arg(a) => a.presence == Presence::Optional,
            Source::Setting(_) | Source::Step { .. } => false,
        }
    }

    /// Whether the value is the caller's (a tool argument), not one the
    /// connector supplies itself.
    pub fn is_callers(&self) -> bool {
        matches!(self, Source::Arg(_))
    }
}

/// A tool argument as one request variant sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArgRef {
    /// The parameter's name (`email`).
    pub name: String,
    /// Its type.
    pub ty: ValueType,
    /// How sure the variant is to have it.
    pub presence: Presence,
    /// How it is written into the request.
    pub form: ArgForm,
}

/// How an argument is written into a request.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum ArgForm {
    /// As the caller gave it.
    #[default]
    AsGiven,
    /// A time converted to UTC with `Z` (`{start|utc}`,
    /// `midcall_runtime::time::to_utc`); a time without an offset is read
    /// in the business's offset: the named `utc_offset` setting, else UTC.
    Utc {
        /// The CRM's `utc_offset` setting, when it declares one.
        business: Option<String>,
    },
}

/// How sure a request variant is to have an argument.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presence {
    /// Listed in the variant's `when`: the variant only applies when it is
    /// given, and the value is bound by the variant's condition.
    Given,
    /// A required parameter: always given.
    Required,
    /// An optional parameter outside `when`: may be absent.
    Optional,
}

/// One piece of a binding string.
#[derive(Debug, Clone, PartialEq)]
pub enum TextPiece {
    /// Literal text (`{{` and `}}` already unescaped).
    Literal(String),
    /// A value formatted in.
    Value(Source),
}

/// A binding string: literal text and values, in order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TextTemplate {
    /// The pieces; adjacent literals are merged, empty ones dropped.
    pub pieces: Vec<TextPiece>,
}

impl TextTemplate {
    /// Plain text with no value in it.
    pub fn literal(text: &str) -> Self {
        TextTemplate {
            pieces: if text.is_empty() {
                Vec::new()
            } else {
                vec![TextPiece::Literal(text.to_string())]
            },
        }
    }

    /// The value, when the whole string is one placeholder (`"{email}"`):
    /// such a string keeps the value's own type in a JSON body.
    pub fn as_single_value(&self) -> Option<&Source> {
        match self.pieces.as_slice() {
            [TextPiece::Value(v)] => Some(v),
            _ => None,
        }
    }

    /// The values used, in order.
    pub fn values(&self) -> impl Iterator<Item = &Source> {
        self.pieces.iter().filter_map(|p| match p {
            TextPiece::Value(v) => Some(v),
            TextPiece::Literal(_) => None,
        })
    }

    /// Whether any value used is the caller's (a tool argument).
    pub fn has_callers(&self) -> bool {
        self.values().any(Source::is_callers)
    }
}
