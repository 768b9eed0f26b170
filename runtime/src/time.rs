//! Times between the caller's business and each vendor's form.
//!
//! Templates carry ISO 8601 times with an offset (`2026-07-28T14:00:00+02:00`).
//! Vendors want their own form: Cal.com v2 a UTC instant (`…T12:00:00Z`),
//! Google Calendar RFC 3339 (`timeMin`), Stripe Unix seconds; and they
//! answer in UTC, with `+0000`, as Unix seconds, or as a bare date. This
//! module converts both ways with `chrono`, and gives answers back in the
//! business's own UTC offset ([`Offset`]), as a caller expects to hear them.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, SecondsFormat, TimeZone, Utc};

use crate::error::ActionError;

/// A business's UTC offset (`+02:00`, `-05:00`, `+0530`, `Z`). Times given
/// without an offset are read in it, and answers are given in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Offset(FixedOffset);

impl Offset {
    /// UTC (`Z`).
    pub const UTC: Offset = Offset(match FixedOffset::east_opt(0) {
        Some(o) => o,
        None => unreachable!(),
    });

    /// Parses `Z`, `UTC`, `+HH:MM`, `+HHMM` or `+HH` (also with `-`);
    /// `None` for anything else or beyond ±18 hours.
    pub fn parse(text: &str) -> Option<Offset> {
        let t = text.trim();
        if t.eq_ignore_ascii_case("z") || t.eq_ignore_ascii_case("utc") {
            return Some(Offset::UTC);
        }
        let sign = match t.as_bytes().first()? {
            b'+' => 1,
            b'-' => -1,
            _ => return None,
        };
        let digits: String = t.get(1..)?.chars().filter(|c| *c != ':').collect();
        if !digits.bytes().all(|b| b.is_ascii_digit()) || t.get(1..)?.matches(':').count() > 1 {
            return None;
        }
        let (h, m) = match digits.len() {
            2 => (digits.parse::<i32>().ok()?, 0),
            4 => (
                digits.get(..2)?.parse::<i32>().ok()?,
                digits.get(2..)?.parse::<i32>().ok()?,
            ),
            _ => return None,
        };
        if h > 18 || m > 59 {
            return None;
        }
        FixedOffset::east_opt(sign * (h * 3600 + m * 60)).map(Offset)
    }

    /// The offset in seconds east of UTC.
    pub fn seconds(self) -> i32 {
        self.0.local_minus_utc()
    }
}

impl FromStr for Offset {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Offset::parse(s).ok_or_else(|| format!("`{s}` is not a UTC offset such as +02:00"))
    }
}

impl fmt::Display for Offset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// Reads a time with an offset in the forms vendors and assistants send:
/// RFC 3339 / ISO 8601 (`T` or a space, any fraction, `Z` or `±HH:MM`),
/// `±HHMM` offsets (Salesforce's `2026-07-28T12:00:00.000+0000`), and
/// RFC 2822 (`Tue, 28 Jul 2026 12:00:00 +0000`). A time without an offset
/// (`2026-07-28T14:00` or `2026-07-28 14:00:00`) is read in `assume`.
/// `None` for anything else, a bare date included.
pub fn parse(text: &str, assume: Offset) -> Option<DateTime<FixedOffset>> {
    let t = text.trim();
    if let Ok(dt) = DateTime::parse_from_rfc3339(t) {
        return Some(dt);
    }
    for format in ["%Y-%m-%dT%H:%M:%S%.f%z", "%Y-%m-%d %H:%M:%S%.f%z"] {
        if let Ok(dt) = DateTime::parse_from_str(t, format) {
            return Some(dt);
        }
    }
    if let Ok(dt) = DateTime::parse_from_rfc2822(t) {
        return Some(dt);
    }
    for format in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M",
    ] {
        if let Ok(naive) = NaiveDateTime::parse_from_str(t, format) {
            return assume.0.from_local_datetime(&naive).single();
        }
    }
    None
}

/// An argument's time, for a vendor that wants UTC with `Z`
/// (`2026-07-28T12:00:00Z`; Cal.com v2 `start`). A time without an offset
/// is read in `business`. Not a time: `invalid_input` naming `field`.
pub fn to_utc(text: &str, business: Offset, field: &str) -> Result<String, ActionError> {
    let dt = parse_arg(text, business, field)?;
    Ok(dt
        .with_timezone(&Utc)
        .to_rfc3339_opts(SecondsFormat::AutoSi, true))
}

/// An argument's time plus `minutes` minutes, in UTC with `Z`
/// (`2026-07-28T12:30:00Z`): an appointment's end from its start and
/// length (Google Calendar's `end.dateTime`). A time without an offset is
/// read in `business`. Not a time, or a length below 1 or above a year of
/// minutes: `invalid_input` naming the argument.
pub fn to_utc_plus_minutes(
    text: &str,
    minutes: i64,
    business: Offset,
    field: &str,
    minutes_field: &str,
) -> Result<String, ActionError> {
    let dt = parse_arg(text, business, field)?;
    if !(1..=366 * 24 * 60).contains(&minutes) {
        return Err(ActionError::invalid_input(
            "I didn't get how long that should be. Could you say it again?",
            format!("`{minutes_field}` is not a length in minutes (1 to a year)"),
        ));
    }
    Ok((dt + chrono::Duration::minutes(minutes))
        .with_timezone(&Utc)
        .to_rfc3339_opts(SecondsFormat::AutoSi, true))
}

/// An argument's time as RFC 3339 with its own offset
/// (`2026-07-28T14:00:00+02:00`; Google Calendar `timeMin`/`timeMax`). A
/// time without an offset is read in `business`. Not a time:
/// `invalid_input` naming `field`.
pub fn to_rfc3339(text: &str, business: Offset, field: &str) -> Result<String, ActionError> {
    let dt = parse_arg(text, business, field)?;
    Ok(dt.to_rfc3339_opts(SecondsFormat::AutoSi, false))
}

/// An argument's time as Unix seconds (Stripe's `created[gte]`). A time
/// without an offset is read in `business`. Not a time: `invalid_input`
/// naming `field`.
pub fn to_unix(text: &str, business: Offset, field: &str) -> Result<i64, ActionError> {
    Ok(parse_arg(text, business, field)?.timestamp())
}

/// An argument's time as Unix milliseconds (HighLevel's free-slots
/// `startDate`). A time without an offset is read in `business`. Not a
/// time: `invalid_input` naming `field`.
pub fn to_unix_millis(text: &str, business: Offset, field: &str) -> Result<i64, ActionError> {
    Ok(parse_arg(text, business, field)?.timestamp_millis())
}

/// Where a [`crate::Client`] reads the time of a call (`{now}` in
/// bindings: HubSpot's note `hs_timestamp`): the system clock, or one
/// fixed instant, so that a test or an example replay sends the same
/// request every time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Clock {
    /// The system clock, read once per use.
    #[default]
    System,
    /// Always this instant.
    Fixed(DateTime<Utc>),
}

impl Clock {
    /// The current instant, to the millisecond (what vendors keep).
    pub fn now(self) -> DateTime<Utc> {
        let millis = match self {
            Clock::System => std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX)),
            Clock::Fixed(at) => at.timestamp_millis(),
        };
        DateTime::from_timestamp_millis(millis).unwrap_or_default()
    }

    /// A clock fixed at `text`, a time with an offset
    /// (`2026-07-28T12:00:00Z`); `None` when it is not one.
    pub fn fixed(text: &str) -> Option<Clock> {
        DateTime::parse_from_rfc3339(text.trim())
            .ok()
            .map(|dt| Clock::Fixed(dt.with_timezone(&Utc)))
    }
}

/// An instant in UTC with `Z`, in the form of [`to_utc`]
/// (`2026-07-28T12:00:00Z`, `2026-07-28T12:00:00.250Z`): `{now}`.
pub fn utc_text(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

/// Whether the time at `pointer` in `value` (a vendor's, `…Z` or with an
/// offset) is the same instant as `text` (an argument; without an offset
/// it is read in `business`). `false` when either is not a time.
pub fn same_instant(
    value: &serde_json::Value,
    pointer: &str,
    text: &str,
    business: Offset,
) -> bool {
    let theirs = crate::project::text(value, pointer).and_then(|t| parse(&t, Offset::UTC));
    match (theirs, parse(text, business)) {
        (Some(a), Some(b)) => a == b,
        _ => false,
    }
}

/// A vendor's time in the business's offset, ISO 8601 to the second
/// (`2026-07-28T14:00:00+02:00`). A time without an offset is taken as UTC
/// (what vendors mean by it); a bare date (`2026-07-28`) stays a date.
/// `None` when the text is neither.
pub fn at_offset(text: &str, business: Offset) -> Option<String> {
    if let Some(dt) = parse(text, Offset::UTC) {
        return Some(format_at(dt.with_timezone(&Utc), business));
    }
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .ok()
        .map(|d| d.format("%Y-%m-%d").to_string())
}

/// Unix seconds (Stripe's `created`, `due_date`) in the business's offset.
/// `None` out of range.
pub fn from_unix(seconds: i64, business: Offset) -> Option<String> {
    DateTime::from_timestamp(seconds, 0).map(|dt| format_at(dt, business))
}

/// Unix milliseconds (HubSpot's and Pipedrive's timestamps) in the
/// business's offset. `None` out of range.
pub fn from_unix_millis(millis: i64, business: Offset) -> Option<String> {
    DateTime::from_timestamp_millis(millis).map(|dt| format_at(dt, business))
}

fn format_at(dt: DateTime<Utc>, business: Offset) -> String {
    dt.with_timezone(&business.0)
        .format("%Y-%m-%dT%H:%M:%S%:z")
        .to_string()
}

fn parse_arg(
    text: &str,
    business: Offset,
    field: &str,
) -> Result<DateTime<FixedOffset>, ActionError> {
    parse(text, business).ok_or_else(|| {
        ActionError::invalid_input(
            "I didn't get that date and time. Could you say it again?",
            format!("`{field}` is not an ISO 8601 date and time"),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;

    fn off(s: &str) -> Offset {
        Offset::parse(s).unwrap()
    }

    #[test]
    fn a_fixed_clock_gives_its_instant_in_both_forms() {
        let clock = Clock::fixed("2026-07-28T14:00:00+02:00").unwrap();
        assert_eq!(utc_text(clock.now()), "2026-07-28T12:00:00Z");
        assert_eq!(clock.now().timestamp_millis(), 1_785_240_000_000);
        // The same form `{t|utc}` gives for the same instant.
        assert_eq!(
            utc_text(clock.now()),
            to_utc("2026-07-28T14:00:00+02:00", Offset::UTC, "t").unwrap()
        );
        // Kept to the millisecond, as vendors keep it.
        let fine = Clock::fixed("2026-07-28T12:00:00.123456Z").unwrap();
        assert_eq!(utc_text(fine.now()), "2026-07-28T12:00:00.123Z");
        assert!(Clock::fixed("tomorrow").is_none());
        assert!(Clock::fixed("2026-07-28T12:00:00").is_none());
    }

    #[test]
    fn the_system_clock_moves_and_is_whole_milliseconds() {
        let millis = || {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_millis() as i64
        };
        let before = millis();
        let now = Clock::System.now();
        let after = millis();
        assert!((before..=after).contains(&now.timestamp_millis()));
        assert_eq!(now.timestamp_subsec_nanos() % 1_000_000, 0);
        assert!(utc_text(now).ends_with('Z'));
        assert_eq!(Clock::default(), Clock::System);
    }

    #[test]
    fn a_time_plus_minutes_is_the_end_in_utc() {
        let b = off("+01:00");
        assert_eq!(
            to_utc_plus_minutes("2026-07-28T14:00:00+02:00", 30, b, "start", "d").unwrap(),
            "2026-07-28T12:30:00Z"
        );
        // Without an offset: the business's; across midnight.
        assert_eq!(
            to_utc_plus_minutes("2026-07-28T23:30:00", 90, b, "start", "d").unwrap(),
            "2026-07-29T00:00:00Z"
        );
        let bad = to_utc_plus_minutes("tomorrow", 30, b, "start", "d").unwrap_err();
        assert_eq!(bad.kind, ErrorKind::InvalidInput);
        for minutes in [0, -15, 366 * 24 * 60 + 1] {
            let e =
                to_utc_plus_minutes("2026-07-28T14:00:00Z", minutes, b, "start", "d").unwrap_err();
            assert_eq!(e.kind, ErrorKind::InvalidInput, "{minutes}");
        }
    }

    #[test]
    fn offsets_parse_in_their_common_forms() {
        assert_eq!(off("+02:00").seconds(), 7200);
        assert_eq!(off("-0530").seconds(), -(5 * 3600 + 30 * 60));
        assert_eq!(off("+09").seconds(), 9 * 3600);
        assert_eq!(off("Z"), Offset::UTC);
        assert_eq!(off(" utc "), Offset::UTC);
        for bad in [
            "", "2", "+2", "+19:00", "+02:60", "+0a:00", "02:00", "+02::00", "+02:000",
        ] {
            assert_eq!(Offset::parse(bad), None, "{bad}");
        }
        assert_eq!(off("+05:30").to_string(), "+05:30");
        assert!("nope".parse::<Offset>().unwrap_err().contains("nope"));
    }

    #[test]
    fn same_instant_compares_times_not_texts() {
        let booking = serde_json::json!({"start": "2026-03-14T14:30:00.000Z"});
        let berlin = Offset::parse("+01:00").unwrap();
        assert!(same_instant(
            &booking,
            "/start",
            "2026-03-14T15:30:00+01:00",
            Offset::UTC
        ));
        assert!(same_instant(&booking, "/start", "2026-03-14T15:30", berlin));
        assert!(!same_instant(
            &booking,
            "/start",
            "2026-03-14T15:30:00Z",
            Offset::UTC
        ));
        assert!(!same_instant(
            &booking,
            "/end",
            "2026-03-14T14:30:00Z",
            Offset::UTC
        ));
        assert!(!same_instant(&booking, "/start", "soon", Offset::UTC));
    }

    #[test]
    fn arguments_go_to_each_vendor_form() {
        let berlin = off("+02:00");
        assert_eq!(
            to_utc("2026-07-28T14:00:00+02:00", berlin, "start").unwrap(),
            "2026-07-28T12:00:00Z"
        );
        // Across midnight and with a fraction.
        assert_eq!(
            to_utc("2026-07-28T01:30:00.250+02:00", Offset::UTC, "start").unwrap(),
            "2026-07-27T23:30:00.250Z"
        );
        // No offset: the business's.
        assert_eq!(
            to_utc("2026-07-28T14:00", berlin, "start").unwrap(),
            "2026-07-28T12:00:00Z"
        );
        assert_eq!(
            to_rfc3339("2026-07-28 09:00:00-05:00", berlin, "timeMin").unwrap(),
            "2026-07-28T09:00:00-05:00"
        );
        assert_eq!(
            to_unix("1970-01-01T01:00:00+01:00", Offset::UTC, "t").unwrap(),
            0
        );
        // HighLevel's free-slots window: milliseconds; no offset: the business's.
        assert_eq!(
            to_unix_millis("2026-03-14T13:00:00+01:00", Offset::UTC, "t").unwrap(),
            1_773_489_600_000
        );
        assert_eq!(
            to_unix_millis("2026-03-14T13:00:00", berlin, "t").unwrap(),
            1_773_486_000_000
        );
        assert!(to_unix_millis("tomorrow", berlin, "earliest").is_err());
        let err = to_utc("next tuesday", berlin, "start").unwrap_err();
        assert_eq!(err.kind, ErrorKind::InvalidInput);
        assert!(err.detail.contains("`start`"), "{}", err.detail);
        assert!(to_utc("2026-02-30T10:00:00Z", berlin, "start").is_err());
    }

    #[test]
    fn vendor_answers_come_back_in_the_business_offset() {
        let ny = off("-04:00");
        assert_eq!(
            at_offset("2026-07-28T12:00:00Z", ny).unwrap(),
            "2026-07-28T08:00:00-04:00"
        );
        assert_eq!(
            at_offset("2026-07-28T12:00:00.000+0000", ny).unwrap(),
            "2026-07-28T08:00:00-04:00"
        );
        assert_eq!(
            at_offset("Tue, 28 Jul 2026 12:00:00 +0000", ny).unwrap(),
            "2026-07-28T08:00:00-04:00"
        );
        // A vendor time without an offset is UTC.
        assert_eq!(
            at_offset("2026-07-28 02:00:00", ny).unwrap(),
            "2026-07-27T22:00:00-04:00"
        );
        assert_eq!(at_offset("2026-07-28", ny).unwrap(), "2026-07-28");
        assert_eq!(at_offset("soon", ny), None);
        assert_eq!(
            from_unix(1_785_240_000, off("+02:00")).unwrap(),
            "2026-07-28T14:00:00+02:00"
        );
        assert_eq!(
            from_unix_millis(1_785_240_000_123, Offset::UTC).unwrap(),
            "2026-07-28T12:00:00+00:00"
        );
        assert_eq!(from_unix(i64::MAX, Offset::UTC), None);
    }
}
