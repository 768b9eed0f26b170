//! What a tool definition promises about an argument, checked at run time.
//!
//! The tool definition tells the model that `phone` matches
//! `^\+[1-9][0-9]{6,14}$`, that `priority` is one of four words, that
//! `email` is an email address; nothing stops a model (or anyone calling
//! the tool server) from sending something else. A generated connector
//! declares one [`Rule`] per constrained argument and checks them all
//! first thing in `call`, so a value that breaks its promise is
//! `invalid_input` naming the argument, before any request is sent. A rule
//! also runs the checks of the query languages the argument is placed into
//! ([`crate::query::Language`]), so a value a later step's search could not
//! hold is refused before the first step too.

use std::sync::OnceLock;

use regex::Regex;

use crate::query::Language;
use crate::ActionError;

/// A JSON Schema `format` the templates may declare (the ones every
/// platform accepts).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// An email address in the HTML standard's "valid e-mail address" form:
    /// `local@domain`, the local part letters, digits and
    /// ``.!#$%&'*+/=?^_`{|}~-``, the domain dot-separated labels of letters,
    /// digits and inner hyphens (at most 63 characters each).
    Email,
    /// A calendar date, `2026-07-28`.
    Date,
    /// A date and time as [`crate::time::parse`] reads it (an offset or
    /// none: a time without one is read in the business's offset).
    DateTime,
    /// A time of day, `14:00`, `14:00:00`, optionally with a fraction and an
    /// offset (`Z`, `+02:00`).
    Time,
    /// A UUID, `8-4-4-4-12` hexadecimal digits.
    Uuid,
}

impl Format {
    /// Whether `value` has this format.
    pub fn accepts(self, value: &str) -> bool {
        match self {
            Format::Email => email(value),
            Format::Date => chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d").is_ok(),
            Format::DateTime => crate::time::parse(value, crate::time::Offset::UTC).is_some(),
            Format::Time => time_of_day(value),
            Format::Uuid => uuid(value),
        }
    }

    /// The name the templates use.
    pub fn name(self) -> &'static str {
        match self {
            Format::Email => "email",
            Format::Date => "date",
            Format::DateTime => "date-time",
            Format::Time => "time",
            Format::Uuid => "uuid",
        }
    }
}

fn email(value: &str) -> bool {
    let Some((local, domain)) = value.split_once('@') else {
        return false;
    };
    let local_ok = !local.is_empty()
        && local
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || ".!#$%&'*+/=?^_`{|}~-".contains(c));
    let label_ok = |l: &str| {
        !l.is_empty()
            && l.len() <= 63
            && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            && !l.starts_with('-')
            && !l.ends_with('-')
    };
    local_ok && domain.split('.').all(label_ok)
}

fn time_of_day(value: &str) -> bool {
    let (clock, offset) = match value.find(['Z', 'z', '+', '-']) {
        Some(i) => value.split_at(i),
        None => (value, ""),
    };
    let clock_ok = ["%H:%M", "%H:%M:%S", "%H:%M:%S%.f"]
        .iter()
        .any(|f| chrono::NaiveTime::parse_from_str(clock, f).is_ok());
    clock_ok && (offset.is_empty() || crate::time::Offset::parse(offset).is_some())
}

fn uuid(value: &str) -> bool {
    let groups: Vec<&str> = value.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && g.chars().all(|c| c.is_ascii_hexdigit()))
}

/// The constraints on one text argument: the template's `pattern`, closed
/// values (`enum`) and `format`, and the query languages the bindings
/// place it into. Built in a `static` by the connector; the pattern is
/// compiled once, on first use.
///
/// ```
/// use midcall_runtime::arg::Rule;
/// use midcall_runtime::query::Language;
///
/// static PHONE: Rule = Rule::new("phone")
///     .pattern(r"^\+[1-9][0-9]{6,14}$")
///     .placed_in(&[Language::StripeSearch]);
/// assert!(PHONE.check(Some("+14155550123")).is_ok());
/// assert!(PHONE.check(None).is_ok());                         // absent: the request variants decide
/// let e = PHONE.check(Some("123; DROP")).unwrap_err();
/// assert_eq!(e.kind.as_str(), "invalid_input");
/// assert!(e.detail.contains("`phone`"));
/// ```
#[derive(Debug)]
pub struct Rule {
    name: &'static str,
    pattern: Option<&'static str>,
    values: &'static [&'static str],
    format: Option<Format>,
    languages: &'static [Language],
    compiled: OnceLock<Result<Regex, String>>,
}

impl Rule {
    /// A rule for the argument `name`, with no constraint yet.
    pub const fn new(name: &'static str) -> Rule {
        Rule {
            name,
            pattern: None,
            values: &[],
            format: None,
            languages: &[],
            compiled: OnceLock::new(),
        }
    }

    /// The value must match this regular expression (JSON Schema
    /// `pattern`: a search, not anchored unless it says `^…$`).
    pub const fn pattern(mut self, pattern: &'static str) -> Rule {
        self.pattern = Some(pattern);
        self
    }

    /// The value must be one of these (JSON Schema `enum`).
    pub const fn one_of(mut self, values: &'static [&'static str]) -> Rule {
        self.values = values;
        self
    }

    /// The value must have this format.
    pub const fn format(mut self, format: Format) -> Rule {
        self.format = Some(format);
        self
    }

    /// The value goes into these query languages, so it must pass their
    /// checks (see [`Language::refusal`]).
    pub const fn placed_in(mut self, languages: &'static [Language]) -> Rule {
        self.languages = languages;
        self
    }

    /// `Ok` when the value keeps every promise, or when it is absent
    /// (whether it may be is the request variants' business);
    /// `invalid_input` naming the argument otherwise. The value itself is
    /// never put in the error.
    pub fn check(&self, value: Option<&str>) -> Result<(), ActionError> {
        let Some(value) = value else {
            return Ok(());
        };
        if let Some(pattern) = self.pattern {
            let compiled = self
                .compiled
                .get_or_init(|| Regex::new(pattern).map_err(|e| e.to_string()));
            match compiled {
                Ok(re) if re.is_match(value) => {}
                Ok(_) => return Err(self.refused(format!("does not match `{pattern}`"))),
                Err(e) => {
                    return Err(ActionError::new(
                        crate::ErrorKind::Misconfigured,
                        format!(
                            "the pattern of argument `{}` does not compile: {e}",
                            self.name
                        ),
                    ))
                }
            }
        }
        if !self.values.is_empty() && !self.values.contains(&value) {
            return Err(self.refused(format!("is none of {}", self.values.join(", "))));
        }
        if let Some(format) = self.format {
            if !format.accepts(value) {
                return Err(self.refused(format!("is not a valid {}", format.name())));
            }
        }
        for language in self.languages {
            if let Some(why) = language.refusal(value) {
                return Err(self.refused(format!("{why} ({})", language.name())));
            }
        }
        Ok(())
    }

    fn refused(&self, why: String) -> ActionError {
        ActionError::invalid_input(
            format!(
                "The {} I was given doesn't look right. Could you say it again?",
                self.name.replace('_', " ")
            ),
            format!("argument `{}` {why}", self.name),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;

    static PHONE: Rule = Rule::new("phone").pattern(r"^\+[1-9][0-9]{6,14}$");
    static PRIORITY: Rule = Rule::new("priority").one_of(&["low", "normal", "high", "urgent"]);
    static EMAIL: Rule = Rule::new("email")
        .format(Format::Email)
        .placed_in(&[Language::ZendeskSearch]);

    fn refused(e: Result<(), ActionError>, name: &str) {
        let e = e.unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidInput);
        assert!(e.detail.contains(&format!("`{name}`")), "{}", e.detail);
        assert!(e.message.contains(&name.replace('_', " ")), "{}", e.message);
    }

    #[test]
    fn patterns_values_and_languages_are_enforced() {
        assert!(PHONE.check(Some("+14155550123")).is_ok());
        assert!(PHONE.check(None).is_ok());
        refused(PHONE.check(Some("123; DROP")), "phone");
        refused(PHONE.check(Some("+14155550123 OR 1")), "phone");
        refused(PHONE.check(Some("")), "phone");
        assert!(PRIORITY.check(Some("high")).is_ok());
        refused(PRIORITY.check(Some("High")), "priority");
        assert!(EMAIL.check(Some("jane.doe@example.com")).is_ok());
        refused(EMAIL.check(Some("jane doe@example.com")), "email");
        // A valid address Zendesk search still cannot hold.
        assert!(Format::Email.accepts("o'brien@example.com"));
        refused(EMAIL.check(Some("o'brien@example.com")), "email");
    }

    #[test]
    fn the_value_never_reaches_the_error() {
        let e = PHONE.check(Some("+1 secret-ish 555")).unwrap_err();
        assert!(!e.detail.contains("secret"), "{}", e.detail);
        assert!(!e.message.contains("secret"), "{}", e.message);
    }

    #[test]
    fn a_pattern_that_does_not_compile_is_misconfigured_not_a_panic() {
        static BAD: Rule = Rule::new("x").pattern("(?<=a)b");
        assert_eq!(
            BAD.check(Some("ab")).unwrap_err().kind,
            ErrorKind::Misconfigured
        );
        // Compiled once: the second call answers the same.
        assert_eq!(
            BAD.check(Some("ab")).unwrap_err().kind,
            ErrorKind::Misconfigured
        );
    }

    #[test]
    fn formats() {
        for (f, ok, bad) in [
            (Format::Email, "a.b+c@example.co.uk", "a@b..c"),
            (Format::Email, "x@localhost", "@example.com"),
            (Format::Email, "x@example.com", "x@-example.com"),
            (Format::Date, "2026-07-28", "2026-02-30"),
            (Format::DateTime, "2026-07-28T14:00:00+02:00", "2026-07-28"),
            (Format::DateTime, "2026-07-28T14:00", "tomorrow"),
            (Format::Time, "14:00", "25:00"),
            (Format::Time, "14:00:00.5+02:00", "14:00 OR 1"),
            (
                Format::Uuid,
                "123e4567-e89b-12d3-a456-426614174000",
                "123e4567e89b12d3a456426614174000",
            ),
        ] {
            assert!(f.accepts(ok), "{} {ok}", f.name());
            assert!(!f.accepts(bad), "{} {bad}", f.name());
        }
    }
}
