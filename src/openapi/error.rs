//! The loader's error type.
//!
//! Every message is one line: the origin (file name), then the place (a
//! `line:column` or a `#/json/pointer`), then what is wrong and, where it
//! helps, what to do about it.

use std::fmt;
use std::path::PathBuf;

/// Why a spec could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum SpecError {
    /// The file could not be read.
    #[error("{}: cannot read the file: {}", OneLine(&path.display().to_string()), OneLine(&source.to_string()))]
    Io {
        /// The file that was being read.
        path: PathBuf,
        /// What the operating system said.
        source: std::io::Error,
    },

    /// The text is empty or only whitespace.
    #[error(
        "{}: the file is empty; expected an OpenAPI 3.0 document in YAML or JSON",
        OneLine(origin)
    )]
    Empty {
        /// File name (or other origin) of the text.
        origin: String,
    },

    /// The text is not well-formed YAML or JSON.
    #[error("{}:{line}:{column}: {}", OneLine(origin), OneLine(message))]
    Syntax {
        /// File name (or other origin) of the text.
        origin: String,
        /// 1-based line of the problem.
        line: usize,
        /// 1-based column of the problem.
        column: usize,
        /// What the parser said, without its own position suffix.
        message: String,
    },

    /// The document is a scalar or a list rather than a mapping.
    #[error(
        "{}: #: the document is {}, not a mapping; an OpenAPI document is a mapping with `openapi`, `info` and `paths`",
        OneLine(origin),
        OneLine(found)
    )]
    NotAMapping {
        /// File name (or other origin) of the text.
        origin: String,
        /// What was found instead ("a list", "a string", ...).
        found: String,
    },

    /// The document has neither `openapi` nor `swagger`.
    #[error(
        "{}: #: not an OpenAPI document: no `openapi` field (midcall reads OpenAPI 3.0.x)",
        OneLine(origin)
    )]
    NotOpenApi {
        /// File name (or other origin) of the text.
        origin: String,
    },

    /// The document is a Swagger (OpenAPI 2) document.
    #[error(
        "{}: #/swagger: Swagger {} is not supported yet (convert it to OpenAPI 3.0)",
        OneLine(origin),
        OneLine(found)
    )]
    Swagger {
        /// File name (or other origin) of the text.
        origin: String,
        /// The value of its `swagger` field.
        found: String,
    },

    /// The document declares an OpenAPI version other than 3.0.x.
    #[error(
        "{}: #/openapi: OpenAPI {} is not supported yet; midcall reads 3.0.x",
        OneLine(origin),
        OneLine(found)
    )]
    Version {
        /// File name (or other origin) of the text.
        origin: String,
        /// The value of its `openapi` field.
        found: String,
    },

    /// A part of the document does not have the shape OpenAPI 3.0 requires.
    #[error("{}: {}: {}", OneLine(origin), Place(pointer), OneLine(message))]
    Shape {
        /// File name (or other origin) of the text.
        origin: String,
        /// JSON pointer (without `#`) of the offending part.
        pointer: String,
        /// What is wrong there.
        message: String,
    },

    /// A local `$ref` cannot be followed.
    #[error(
        "{}: {}: $ref '{}' {}",
        OneLine(origin),
        Place(pointer),
        OneLine(reference),
        OneLine(reason)
    )]
    Ref {
        /// File name (or other origin) of the text.
        origin: String,
        /// JSON pointer (without `#`) of the object holding the `$ref`.
        pointer: String,
        /// The `$ref` value.
        reference: String,
        /// Why it cannot be followed ("points to nothing", ...).
        reason: String,
    },

    /// A `$ref` points outside the document.
    #[error(
        "{}: {}: external $ref `{}` is not supported; bundle the spec into one file first (e.g. `redocly bundle`)",
        OneLine(origin),
        Place(pointer),
        OneLine(reference)
    )]
    ExternalRef {
        /// File name (or other origin) of the text.
        origin: String,
        /// JSON pointer (without `#`) of the object holding the `$ref`.
        pointer: String,
        /// The `$ref` value.
        reference: String,
    },

    /// `$ref`s that lead back to themselves with nothing in between.
    #[error("{}: {}: reference cycle: {}", OneLine(origin), Place(pointer), OneLine(&cycle.join(" -> ")))]
    Cycle {
        /// File name (or other origin) of the text.
        origin: String,
        /// JSON pointer (without `#`) where the cycle starts.
        pointer: String,
        /// The names in the cycle, the first repeated at the end.
        cycle: Vec<String>,
    },

    /// The file is a known API description format that is not OpenAPI
    /// (a GraphQL introspection result, a Google API Discovery document).
    #[error(
        "{}: #: not an OpenAPI document: this is {} (midcall reads OpenAPI 3.0, 3.1 and Swagger 2.0)",
        OneLine(origin),
        OneLine(what)
    )]
    OtherFormat {
        /// File name (or other origin) of the text.
        origin: String,
        /// What the file is, by name ("a GraphQL introspection result ...").
        what: String,
    },

    /// An operation asked for by a caller cannot be used: something it
    /// needs is broken (a dangling `$ref`, a reference cycle, a part of the
    /// wrong shape). Other operations of the same spec may be fine.
    #[error(
        "{}: {} {} cannot be used: {}",
        OneLine(origin),
        OneLine(method),
        OneLine(path),
        OneLine(reason)
    )]
    Unusable {
        /// File name (or other origin) of the spec.
        origin: String,
        /// Upper-case method of the operation.
        method: String,
        /// Its path template.
        path: String,
        /// Why, one line: the place and the defect.
        reason: String,
    },

    /// The loader itself failed on this document (a bug: please report it
    /// with the document).
    #[error(
        "{}: #: the loader failed unexpectedly on this document; please report it with the file",
        OneLine(origin)
    )]
    Internal {
        /// File name (or other origin) of the text.
        origin: String,
    },
}

impl SpecError {
    /// The origin (file name) the error is about.
    pub fn origin(&self) -> String {
        match self {
            SpecError::Io { path, .. } => path.display().to_string(),
            SpecError::Empty { origin }
            | SpecError::Syntax { origin, .. }
            | SpecError::NotAMapping { origin, .. }
            | SpecError::NotOpenApi { origin }
            | SpecError::Swagger { origin, .. }
            | SpecError::Version { origin, .. }
            | SpecError::Shape { origin, .. }
            | SpecError::Ref { origin, .. }
            | SpecError::ExternalRef { origin, .. }
            | SpecError::Cycle { origin, .. }
            | SpecError::OtherFormat { origin, .. }
            | SpecError::Unusable { origin, .. }
            | SpecError::Internal { origin } => origin.clone(),
        }
    }

    /// The JSON pointer (without `#`) the error is about, when it has one.
    pub fn pointer(&self) -> Option<&str> {
        match self {
            SpecError::Shape { pointer, .. }
            | SpecError::Ref { pointer, .. }
            | SpecError::ExternalRef { pointer, .. }
            | SpecError::Cycle { pointer, .. } => Some(pointer),
            _ => None,
        }
    }
}

/// Writes a string with line breaks and other control characters turned into
/// spaces, so that every message stays on one line whatever the input held.
struct OneLine<'a>(&'a str);

impl fmt::Display for OneLine<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, part) in self.0.split(char::is_control).enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            f.write_str(part)?;
        }
        Ok(())
    }
}

/// Writes a pointer as `#/a/b` (the root as `#`).
struct Place<'a>(&'a str);

impl fmt::Display for Place<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}", OneLine(self.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_stay_on_one_line() {
        let e = SpecError::Shape {
            origin: "a\nb.yaml".into(),
            pointer: "/x\r\n".into(),
            message: "bad\n\tthing é".into(),
        };
        let text = e.to_string();
        assert!(!text.contains('\n') && !text.contains('\r'), "{text}");
        assert_eq!(text, "a b.yaml: #/x  : bad  thing é");
    }
}
