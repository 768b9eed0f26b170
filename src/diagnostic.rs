//! Problems found by a check, as typed fields: which file, where in it,
//! and what is wrong. A check collects every problem it finds instead of
//! stopping at the first; they print one per line, sorted.

use std::fmt;

/// One problem in one input file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Diagnostic {
    /// The file (`specs/hubspot/bindings.yaml (bundled)`).
    pub origin: String,
    /// Where in the file, as a dotted path
    /// (`actions.contact-lookup.requests[0].body.limit`).
    pub place: String,
    /// What is wrong and what to do, on one line.
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}: {}", self.origin, self.place, self.message)
    }
}

/// Every problem a check found, sorted by file, place and message, and
/// without repeats. Never empty when it is an error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostics(Vec<Diagnostic>);

impl Diagnostics {
    /// The problems, sorted.
    pub fn new(mut problems: Vec<Diagnostic>) -> Self {
        problems.sort();
        problems.dedup();
        Diagnostics(problems)
    }

    /// The problems, sorted.
    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter()
    }

    /// How many there are.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Display for Diagnostics {
    /// One line per problem (the CLI prefixes each with `error: `).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

/// A collector for one file's problems, with the place every problem is
/// relative to.
#[derive(Debug)]
pub struct Report {
    origin: String,
    problems: Vec<Diagnostic>,
}

impl Report {
    /// An empty report for the file `origin`.
    pub fn new(origin: &str) -> Self {
        Report {
            origin: origin.to_string(),
            problems: Vec::new(),
        }
    }

    /// The file the report is about.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// Records a problem at `place`.
    pub fn error(&mut self, place: impl Into<String>, message: impl Into<String>) {
        self.problems.push(Diagnostic {
            origin: self.origin.clone(),
            place: place.into(),
            message: message.into(),
        });
    }

    /// How many problems have been recorded.
    pub fn count(&self) -> usize {
        self.problems.len()
    }

    /// `Ok(value)` when nothing was recorded, else every problem.
    pub fn finish<T>(self, value: Option<T>) -> Result<T, crate::Error> {
        match value {
            Some(v) if self.problems.is_empty() => Ok(v),
            _ if self.problems.is_empty() => {
                Err(crate::Error::Checks(Diagnostics::new(vec![Diagnostic {
                    origin: self.origin,
                    place: "file".to_string(),
                    message: "could not be checked".to_string(),
                }])))
            }
            _ => Err(crate::Error::Checks(Diagnostics::new(self.problems))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problems_print_sorted_one_per_line() {
        let mut r = Report::new("b.yaml");
        r.error("actions.b", "second");
        r.error("actions.a", "first");
        r.error("actions.a", "first");
        let e = r.finish::<()>(None).unwrap_err().to_string();
        assert_eq!(e, "b.yaml: actions.a: first\nb.yaml: actions.b: second");
    }

    #[test]
    fn an_empty_report_is_the_value() {
        assert_eq!(Report::new("x").finish(Some(3)).unwrap(), 3);
    }
}
