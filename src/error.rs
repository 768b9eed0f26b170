//! The library's error type. Every message is one line that names the file
//! and, where it can, the line or JSON pointer, then says what to do.

use std::path::PathBuf;

use crate::openapi::SpecError;

/// Everything that can go wrong between reading inputs and writing outputs.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A spec could not be loaded.
    #[error(transparent)]
    Spec(#[from] SpecError),

    /// A YAML file (template or bindings) did not parse or has the wrong shape.
    #[error("{origin}{location}: {message}")]
    Yaml {
        /// File the YAML came from.
        origin: String,
        /// `:line:column`, when known.
        location: String,
        /// What serde_yaml said.
        message: String,
    },

    /// A template or bindings file parsed but says something invalid.
    #[error("{origin}: {place}: {message}")]
    Invalid {
        /// File.
        origin: String,
        /// Where in the file, as a dotted path (`actions.contact-lookup.response`).
        place: String,
        /// What is wrong and what to do.
        message: String,
    },

    /// Every problem a check found in one input (a bindings file), one
    /// per line, sorted.
    #[error("{0}")]
    Checks(crate::diagnostic::Diagnostics),

    /// A name given on the command line (or in a file) matches nothing.
    #[error("unknown {kind} `{name}`{suggestion}; valid: {valid}")]
    Unknown {
        /// What was looked up: "CRM", "template", "target".
        kind: &'static str,
        /// The name given.
        name: String,
        /// ` (did you mean `x`?)` or empty.
        suggestion: String,
        /// Comma-separated valid names.
        valid: String,
    },

    /// A target template failed to render or produced invalid output.
    #[error("{target}: {message}")]
    Render {
        /// The target template, e.g. `templates/targets/vapi.json.tera`.
        target: String,
        /// What went wrong.
        message: String,
    },

    /// A platform's published schema (`gen validate --platforms`) could not
    /// be used: not JSON or YAML, nothing at the expected place, or not a
    /// schema that compiles.
    #[error("{}: {message}", path.display())]
    Schema {
        /// The schema file.
        path: PathBuf,
        /// What is wrong with it.
        message: String,
    },

    /// A value could not be written as JSON or YAML (output, not input).
    #[error("could not write {what}: {message}")]
    Serialize {
        /// What was being written (`JSON on standard output`, a file).
        what: String,
        /// What the serialiser said.
        message: String,
    },

    /// Reading or writing a file, or a folder given that is not one.
    #[error("{}: {message}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// What failed.
        message: String,
    },
}

impl Error {
    /// An [`Error::Invalid`].
    pub fn invalid(origin: &str, place: impl Into<String>, message: impl Into<String>) -> Self {
        Error::Invalid {
            origin: origin.to_string(),
            place: place.into(),
            message: message.into(),
        }
    }

    /// An [`Error::Io`] from an I/O error.
    pub fn io(path: impl Into<PathBuf>, err: &std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            message: err.to_string(),
        }
    }

    /// An [`Error::Yaml`] from a serde_yaml error.
    pub fn yaml(origin: &str, err: &serde_yaml::Error) -> Self {
        let location = err
            .location()
            .map(|l| format!(":{}:{}", l.line(), l.column()))
            .unwrap_or_default();
        let mut message = err.to_string();
        // serde_yaml appends " at line X column Y"; we already print it first.
        if let Some(i) = message.find(" at line ") {
            message.truncate(i);
        }
        Error::Yaml {
            origin: origin.to_string(),
            location,
            message: message.replace('\n', " "),
        }
    }
}

/// The library's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
