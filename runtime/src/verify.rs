//! Account verification (`account-verify`): the caller's second factor is
//! compared with the one on file inside the connector, never outside it.
//!
//! A generated connector declares one [`Check`]: where the record is in
//! the CRM's answer, where a second record would be (several matches are
//! not a verification), and per factor the pointers below the record that
//! hold the stored value and the [`Form`] both sides are normalised to.
//! [`Check::verified`] hands back the record only when exactly one record
//! is there and one of its stored values equals the caller's; every other
//! outcome (no record, several, no stored value, a mismatch) is the same
//! `None`, so the tool answers `verified: false` alike and never tells an
//! account that exists from one that does not. The stored value is read,
//! normalised and compared here and goes nowhere else: not into the
//! result, an error or a log line (the log says only which outcome it
//! was).

use serde_json::Value;

use crate::{project, ActionError, ErrorKind};

/// How a factor is normalised before the comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// A postal code: letters upper-cased, spaces and dashes dropped
    /// (`sw1a 1aa` is `SW1A1AA`); a US ZIP+4 (`94107-1234`) also matches
    /// its five-digit ZIP, either way round.
    PostalCode,
    /// A calendar date: the caller gives `1984-07-31`; the stored value is
    /// that date, a date-time at midnight UTC (`1984-07-31T00:00:00Z`,
    /// `…T00:00:00.000Z`, `…T00:00:00+00:00`), or milliseconds since the
    /// epoch at midnight UTC (how HubSpot keeps date properties). Any other
    /// time of day is not a date and never matches.
    Date,
    /// The last four digits of a phone number: the caller gives four
    /// digits (spaces and dashes allowed); the stored number's digits are
    /// taken, and its last four compared.
    LastFour,
}

/// One factor a CRM stores: its name (a value of the template's `factor`
/// argument), its form, and where it is below the record (several
/// pointers: any one matching verifies, e.g. phone or mobile phone).
#[derive(Debug, Clone, Copy)]
pub struct Stored {
    /// The factor's name, as the `factor` argument gives it.
    pub factor: &'static str,
    /// How both sides are normalised.
    pub form: Form,
    /// JSON pointers below the record.
    pub pointers: &'static [&'static str],
}

/// What a connector's verification compares.
#[derive(Debug, Clone, Copy)]
pub struct Check {
    /// The argument naming the factor (`factor`), for error messages.
    pub factor_arg: &'static str,
    /// The argument holding the caller's value (`factor_value`).
    pub value_arg: &'static str,
    /// JSON pointer to the record in the answer.
    pub record: &'static str,
    /// JSON pointer to a second record in the answer: something there
    /// means several records matched, which is not verified.
    pub several: Option<&'static str>,
    /// The factors this CRM stores.
    pub stored: &'static [Stored],
}

impl Check {
    /// Checks the caller's factor and value before any request:
    /// `invalid_input` naming the argument when the factor is not one this
    /// CRM stores or the value cannot be one of its form (a date that is
    /// not `YYYY-MM-DD`, last four that are not four digits). The message
    /// names only the caller's own input.
    pub fn check_value(&self, factor: &str, value: &str) -> Result<(), ActionError> {
        let Some(stored) = self.stored.iter().find(|s| s.factor == factor) else {
            let names: Vec<&str> = self.stored.iter().map(|s| s.factor).collect();
            return Err(ActionError::invalid_input(
                format!(
                    "I can verify with one of these only: {}.",
                    names.join(", ").replace('_', " ")
                ),
                format!(
                    "argument `{}`: `{factor}` is not one of {}",
                    self.factor_arg,
                    names.join(", ")
                ),
            ));
        };
        if stored.form.caller(value).is_some() {
            return Ok(());
        }
        let (message, shape) = match stored.form {
            Form::PostalCode => (
                "Please give the postal code as letters and digits.",
                "a postal code (2 to 12 letters and digits)",
            ),
            Form::Date => (
                "Please give the date of birth as year, month and day.",
                "a date YYYY-MM-DD",
            ),
            Form::LastFour => (
                "Please give the last four digits of the phone number.",
                "four digits",
            ),
        };
        Err(ActionError::invalid_input(
            message,
            format!("argument `{}`: not {shape}", self.value_arg),
        ))
    }

    /// The record in `answer` when the caller is verified: exactly one
    /// record, and one of its stored values for `factor` equal to `value`
    /// once both are normalised (compared in constant time). `None` for
    /// every other outcome alike; `answer` is `None` when the CRM said the
    /// record does not exist (see [`absent_if_not_found`]). Logs only the
    /// outcome's name.
    pub fn verified<'a>(
        &self,
        answer: Option<&'a Value>,
        factor: &str,
        value: &str,
    ) -> Option<&'a Value> {
        let (outcome, record) = self.outcome(answer, factor, value);
        tracing::info!(factor, outcome, "account verification");
        record
    }

    fn outcome<'a>(
        &self,
        answer: Option<&'a Value>,
        factor: &str,
        value: &str,
    ) -> (&'static str, Option<&'a Value>) {
        let Some(answer) = answer else {
            return ("no_record", None);
        };
        let Some(record) = project::at(answer, self.record) else {
            return ("no_record", None);
        };
        if self
            .several
            .is_some_and(|p| project::at(answer, p).is_some())
        {
            return ("several_records", None);
        }
        let Some(stored) = self.stored.iter().find(|s| s.factor == factor) else {
            return ("factor_not_stored", None);
        };
        let Some(caller) = stored.form.caller(value) else {
            return ("value_unusable", None);
        };
        let mut any_stored = false;
        let mut matched = false;
        // Every pointer is compared, whatever an earlier one gave.
        for pointer in stored.pointers {
            if let Some(on_file) = project::at(record, pointer).and_then(|v| stored.form.stored(v))
            {
                any_stored = true;
                matched |= stored.form.matches(&caller, &on_file);
            }
        }
        match (any_stored, matched) {
            (false, _) => ("nothing_on_file", None),
            (true, false) => ("mismatch", None),
            (true, true) => ("verified", Some(record)),
        }
    }
}

/// The answer of a look-up whose "does not exist" is an HTTP 404 (a read
/// by id): `Ok(None)` then, so that it verifies as false like a mismatch;
/// every other error stays the error.
pub fn absent_if_not_found(
    answer: Result<Value, ActionError>,
) -> Result<Option<Value>, ActionError> {
    match answer {
        Ok(v) => Ok(Some(v)),
        Err(e) if e.kind == ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

impl Form {
    /// The caller's value normalised, or `None` when it cannot be one of
    /// this form.
    pub fn caller(self, value: &str) -> Option<String> {
        match self {
            Form::PostalCode => postal_code(value),
            Form::Date => {
                let v = value.trim();
                (v.len() == 10 && chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d").is_ok())
                    .then(|| v.to_string())
            }
            Form::LastFour => {
                let kept: String = value
                    .chars()
                    .filter(|c| !matches!(c, ' ' | '-' | '.'))
                    .collect();
                (kept.len() == 4 && kept.chars().all(|c| c.is_ascii_digit())).then_some(kept)
            }
        }
    }

    /// The stored value normalised, or `None` when it is empty or not of
    /// this form (which never matches).
    pub fn stored(self, value: &Value) -> Option<String> {
        let text = match value {
            Value::String(s) => s.trim().to_string(),
            Value::Number(n) => n.to_string(),
            _ => return None,
        };
        if text.is_empty() {
            return None;
        }
        match self {
            Form::PostalCode => postal_code(&text),
            Form::Date => stored_date(&text),
            Form::LastFour => {
                let digits: Vec<char> = text.chars().filter(char::is_ascii_digit).collect();
                let start = digits.len().checked_sub(4)?;
                Some(digits.get(start..)?.iter().collect())
            }
        }
    }

    /// Whether two normalised values are the same factor, compared in
    /// constant time for values of one length.
    pub fn matches(self, caller: &str, stored: &str) -> bool {
        if self == Form::PostalCode {
            // A US ZIP+4 against its five-digit ZIP, either way round.
            let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
            if digits(caller) && digits(stored) {
                if let (5, 9) = (caller.len(), stored.len()) {
                    return constant_time_eq(
                        caller.as_bytes(),
                        stored.as_bytes().get(..5).unwrap_or_default(),
                    );
                }
                if let (9, 5) = (caller.len(), stored.len()) {
                    return constant_time_eq(
                        caller.as_bytes().get(..5).unwrap_or_default(),
                        stored.as_bytes(),
                    );
                }
            }
        }
        constant_time_eq(caller.as_bytes(), stored.as_bytes())
    }
}

/// Upper case, spaces and dashes dropped; 2 to 12 ASCII letters and digits.
fn postal_code(value: &str) -> Option<String> {
    let kept: String = value
        .chars()
        .filter(|c| !matches!(c, ' ' | '-'))
        .map(|c| c.to_ascii_uppercase())
        .collect();
    ((2..=12).contains(&kept.len()) && kept.chars().all(|c| c.is_ascii_alphanumeric()))
        .then_some(kept)
}

const DAY_MS: i64 = 86_400_000;

/// A stored date as `YYYY-MM-DD`: a date, a date-time at midnight UTC, or
/// epoch milliseconds at midnight UTC.
fn stored_date(text: &str) -> Option<String> {
    if !text.is_empty()
        && text.chars().all(|c| c.is_ascii_digit() || c == '-')
        && !text.contains("--")
    {
        if let Ok(ms) = text.parse::<i64>() {
            if ms % DAY_MS != 0 {
                return None;
            }
            let date = chrono::DateTime::from_timestamp_millis(ms)?.date_naive();
            return Some(date.format("%Y-%m-%d").to_string());
        }
    }
    let date = text.get(..10)?;
    chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").ok()?;
    let rest = text.get(10..)?;
    if rest.is_empty() {
        return Some(date.to_string());
    }
    // Only midnight UTC is a date: `T00:00:00`, zero fractions, `Z` or a
    // zero offset.
    let time = rest.strip_prefix(['T', 't', ' '])?;
    let time = time.strip_prefix("00:00:00")?;
    let time = match time.strip_prefix('.') {
        Some(frac) => frac.trim_start_matches('0'),
        None => time,
    };
    matches!(time, "Z" | "z" | "+00:00" | "-00:00" | "+0000").then(|| date.to_string())
}

/// Whether `a` equals `b`, looking at every byte of the longer whatever
/// the first difference.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    let mut diff = u8::from(a.len() != b.len());
    for i in 0..a.len().max(b.len()) {
        diff |= a.get(i).copied().unwrap_or(0) ^ b.get(i).copied().unwrap_or(0);
    }
    diff == 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const CHECK: Check = Check {
        factor_arg: "factor",
        value_arg: "factor_value",
        record: "/results/0",
        several: Some("/results/1"),
        stored: &[
            Stored {
                factor: "postal_code",
                form: Form::PostalCode,
                pointers: &["/properties/zip"],
            },
            Stored {
                factor: "date_of_birth",
                form: Form::Date,
                pointers: &["/properties/date_of_birth"],
            },
            Stored {
                factor: "phone_last_four",
                form: Form::LastFour,
                pointers: &["/properties/phone", "/properties/mobilephone"],
            },
        ],
    };

    fn answer(properties: Value) -> Value {
        json!({"total": 1, "results": [{"id": "51", "properties": properties}]})
    }

    #[test]
    fn postal_codes_ignore_case_spaces_and_dashes() {
        let a = answer(json!({"zip": "sw1a 1aa"}));
        for given in ["SW1A1AA", "sw1a 1aa", "Sw1a-1AA", " SW1A 1AA "] {
            assert!(
                CHECK.verified(Some(&a), "postal_code", given).is_some(),
                "{given}"
            );
        }
        assert!(CHECK.verified(Some(&a), "postal_code", "SW1A1AB").is_none());
        assert!(CHECK.verified(Some(&a), "postal_code", "SW1A1A").is_none());
    }

    #[test]
    fn a_zip_plus_four_matches_its_five_digit_zip() {
        let a = answer(json!({"zip": "94107-1234"}));
        assert!(CHECK.verified(Some(&a), "postal_code", "94107").is_some());
        assert!(CHECK.verified(Some(&a), "postal_code", "94108").is_none());
        let b = answer(json!({"zip": "94107"}));
        assert!(CHECK
            .verified(Some(&b), "postal_code", "94107-1234")
            .is_some());
        // A number on file (leading zeros are the vendor's problem).
        let c = answer(json!({"zip": 94107}));
        assert!(CHECK.verified(Some(&c), "postal_code", "94107").is_some());
    }

    #[test]
    fn dates_match_in_every_stored_form_of_midnight_utc() {
        for stored in [
            json!("1984-07-31"),
            json!("1984-07-31T00:00:00Z"),
            json!("1984-07-31T00:00:00.000Z"),
            json!("1984-07-31T00:00:00+00:00"),
            json!(460_080_000_000_i64),
            json!("460080000000"),
        ] {
            let a = answer(json!({ "date_of_birth": stored }));
            assert!(
                CHECK
                    .verified(Some(&a), "date_of_birth", "1984-07-31")
                    .is_some(),
                "{stored}"
            );
            assert!(CHECK
                .verified(Some(&a), "date_of_birth", "1984-07-30")
                .is_none());
        }
        // Not midnight UTC: not a date, never a match.
        for stored in [
            json!("1984-07-31T05:00:00Z"),
            json!("1984-07-31T00:00:00+02:00"),
            json!(460_080_000_001_i64),
            json!("31/07/1984"),
            json!("1984-07-31junk"),
        ] {
            let a = answer(json!({ "date_of_birth": stored }));
            assert!(
                CHECK
                    .verified(Some(&a), "date_of_birth", "1984-07-31")
                    .is_none(),
                "{stored}"
            );
        }
    }

    #[test]
    fn last_four_compares_the_digits_of_phone_or_mobile() {
        let a = answer(json!({"phone": "+1 (415) 555-0123", "mobilephone": "+44 7700 900456"}));
        assert!(CHECK
            .verified(Some(&a), "phone_last_four", "0123")
            .is_some());
        assert!(CHECK
            .verified(Some(&a), "phone_last_four", "0456")
            .is_some());
        assert!(CHECK
            .verified(Some(&a), "phone_last_four", "01 23")
            .is_some());
        assert!(CHECK
            .verified(Some(&a), "phone_last_four", "5555")
            .is_none());
        let short = answer(json!({"phone": "123"}));
        assert!(CHECK
            .verified(Some(&short), "phone_last_four", "0123")
            .is_none());
    }

    #[test]
    fn nothing_several_and_missing_values_are_all_not_verified() {
        assert!(CHECK.verified(None, "postal_code", "SW1A1AA").is_none());
        let empty = json!({"total": 0, "results": []});
        assert!(CHECK
            .verified(Some(&empty), "postal_code", "SW1A1AA")
            .is_none());
        let two = json!({"results": [
            {"id": "1", "properties": {"zip": "SW1A1AA"}},
            {"id": "2", "properties": {"zip": "EC1A1BB"}}
        ]});
        assert!(CHECK
            .verified(Some(&two), "postal_code", "SW1A1AA")
            .is_none());
        for missing in [
            json!({}),
            json!({"zip": null}),
            json!({"zip": ""}),
            json!({"zip": true}),
        ] {
            let a = answer(missing);
            assert!(CHECK.verified(Some(&a), "postal_code", "SW1A1AA").is_none());
        }
        let a = answer(json!({"zip": "SW1A1AA"}));
        assert!(CHECK
            .verified(Some(&a), "not_a_factor", "SW1A1AA")
            .is_none());
    }

    #[test]
    fn check_value_refuses_unusable_input_without_a_stored_value() {
        assert!(CHECK.check_value("postal_code", "sw1a 1aa").is_ok());
        assert!(CHECK.check_value("date_of_birth", "1984-07-31").is_ok());
        assert!(CHECK.check_value("phone_last_four", "0123").is_ok());
        for (factor, value) in [
            ("postal_code", "x"),
            ("postal_code", "SW1A;1AA"),
            ("date_of_birth", "31/07/1984"),
            ("date_of_birth", "1984-02-30"),
            ("phone_last_four", "123"),
            ("phone_last_four", "12345"),
            ("mothers_maiden_name", "Smith"),
        ] {
            let e = CHECK.check_value(factor, value).unwrap_err();
            assert_eq!(e.kind, ErrorKind::InvalidInput, "{factor} {value}");
            assert!(!e.detail.contains(value), "{}", e.detail);
        }
    }

    #[test]
    fn a_404_is_no_record_and_other_errors_stay() {
        let gone = absent_if_not_found(Err(ActionError::not_found("GET /x: 404")));
        assert_eq!(gone, Ok(None));
        let down = absent_if_not_found(Err(ActionError::new(ErrorKind::Unavailable, "503")));
        assert_eq!(down.unwrap_err().kind, ErrorKind::Unavailable);
    }

    #[test]
    fn constant_time_eq_is_equality() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
        assert!(!constant_time_eq(b"", b"\0"));
        assert!(constant_time_eq(b"", b""));
    }
}
