//! Value transforms a projection applies to a vendor's answer: money in
//! minor units, Unix and vendor times, joined names, counts, the first
//! present of several fields, and lists mapped element by element.
//!
//! Each reads the answer at JSON pointers like [`crate::project`] and is
//! `None` when what it needs is absent or unusable, so a projection field
//! is simply left out rather than spoken wrong.

use serde_json::Value;

use crate::project;
use crate::time::{self, Offset};

/// Currencies with no minor unit as Stripe counts them (its "zero-decimal
/// currencies"): an amount of `500` JPY is ¥500.
const ZERO_DECIMAL: [&str; 16] = [
    "BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA", "PYG", "RWF", "UGX", "VND", "VUV",
    "XAF", "XOF", "XPF",
];

/// Currencies with three decimals (ISO 4217 exponent 3; Stripe's
/// three-decimal currencies are the first five).
const THREE_DECIMAL: [&str; 7] = ["BHD", "JOD", "KWD", "OMR", "TND", "IQD", "LYD"];

/// How many decimals an amount in `currency`'s minor units has: 0 for
/// zero-decimal currencies (JPY, KRW, …), 3 for BHD, JOD, KWD, OMR, TND,
/// IQD and LYD, otherwise 2. Case does not matter.
pub fn decimals(currency: &str) -> u32 {
    let code = currency.trim().to_ascii_uppercase();
    if ZERO_DECIMAL.contains(&code.as_str()) {
        0
    } else if THREE_DECIMAL.contains(&code.as_str()) {
        3
    } else {
        2
    }
}

/// An amount in minor units as the assistant says it: `4990`, `eur` →
/// `"49.90 EUR"`; `500`, `jpy` → `"500 JPY"`; `1234`, `kwd` →
/// `"1.234 KWD"`. `None` when the currency is not three letters.
pub fn money_from_minor(minor: i64, currency: &str) -> Option<String> {
    let code = currency_code(currency)?;
    let digits = decimals(&code);
    let sign = if minor < 0 { "-" } else { "" };
    let abs = minor.unsigned_abs();
    if digits == 0 {
        return Some(format!("{sign}{abs} {code}"));
    }
    let unit = 10u64.pow(digits);
    Some(format!(
        "{sign}{}.{:0width$} {code}",
        abs / unit,
        abs % unit,
        width = digits as usize
    ))
}

/// [`money_from_minor`] of the integer at `amount` with the currency at
/// `currency` (Stripe: `/amount_due` and `/currency`).
pub fn money(value: &Value, amount: &str, currency: &str) -> Option<String> {
    money_from_minor(
        project::integer(value, amount)?,
        &project::text(value, currency)?,
    )
}

/// [`money_from_minor`] of the integer at `amount` in a fixed currency
/// (one the bindings or a setting give).
pub fn money_in(value: &Value, amount: &str, currency: &str) -> Option<String> {
    money_from_minor(project::integer(value, amount)?, currency)
}

/// A decimal amount (Shopify's `MoneyV2`: `{"amount": "49.9",
/// "currencyCode": "EUR"}`) with the currency's number of decimals:
/// `"49.90 EUR"`. Rounds half away from zero past the currency's decimals;
/// `None` when the amount is not a plain decimal number.
pub fn decimal_money(value: &Value, amount: &str, currency: &str) -> Option<String> {
    let code = currency_code(&project::text(value, currency)?)?;
    let raw = project::text(value, amount)?;
    let digits = decimals(&code) as usize;
    let t = raw.trim();
    let (negative, t) = match t.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, t),
    };
    let (whole, frac) = t.split_once('.').unwrap_or((t, ""));
    if whole.is_empty()
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
        || whole.len() > 15
    {
        return None;
    }
    // Minor units, rounded half away from zero on the first dropped digit.
    let mut kept: String = frac.chars().take(digits).collect();
    while kept.len() < digits {
        kept.push('0');
    }
    let mut minor: i64 = format!("{whole}{kept}").parse().ok()?;
    if frac.as_bytes().get(digits).is_some_and(|d| *d >= b'5') {
        minor += 1;
    }
    money_from_minor(if negative { -minor } else { minor }, &code)
}

/// The Unix seconds at `pointer` (integer or numeric string) as ISO 8601
/// in the business's offset (Stripe's `created`).
pub fn unix_time(value: &Value, pointer: &str, business: Offset) -> Option<String> {
    time::from_unix(project::integer(value, pointer)?, business)
}

/// The Unix milliseconds at `pointer` as ISO 8601 in the business's offset
/// (HubSpot's `hs_lastmodifieddate` in some APIs, Pipedrive).
pub fn unix_millis(value: &Value, pointer: &str, business: Offset) -> Option<String> {
    time::from_unix_millis(project::integer(value, pointer)?, business)
}

/// The vendor's date or time string at `pointer` as ISO 8601 in the
/// business's offset (see [`time::at_offset`]: `Z`, `+0000`, RFC 2822, no
/// offset meaning UTC; a bare date stays a date).
pub fn date_time(value: &Value, pointer: &str, business: Offset) -> Option<String> {
    time::at_offset(&project::text(value, pointer)?, business)
}

/// The present parts at `pointers`, as text, joined by `separator`
/// (first and last name: `["/first_name", "/last_name"]`, `" "`). Absent
/// or empty parts are skipped; `None` when none is present.
pub fn join(value: &Value, pointers: &[&str], separator: &str) -> Option<String> {
    let parts: Vec<String> = pointers
        .iter()
        .filter_map(|p| project::text(value, p))
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect();
    (!parts.is_empty()).then(|| parts.join(separator))
}

/// The number of items of the array at `pointer` (an order's line count;
/// a pointer ending in `/*` counts the arrays of an object's members, as
/// [`project::items`]). `None` when there is no array there.
pub fn count(value: &Value, pointer: &str) -> Option<i64> {
    project::items(value, pointer).map(|a| i64::try_from(a.len()).unwrap_or(i64::MAX))
}

/// The first of `pointers` that holds text ([`project::text`]): a mobile
/// number else a phone, a display name else an email.
pub fn first_text(value: &Value, pointers: &[&str]) -> Option<String> {
    pointers.iter().find_map(|p| project::text(value, p))
}

/// The first of `pointers` that holds anything but `null`, as it is.
pub fn first_present<'a>(value: &'a Value, pointers: &[&str]) -> Option<&'a Value> {
    pointers.iter().find_map(|p| project::at(value, p))
}

/// The array at `pointer` mapped element by element with `item`, at most
/// `limit` results (appointment slots, order lines). Elements `item`
/// rejects (`None`) are skipped and do not count against the limit.
/// A pointer ending in `/*` reads an object of arrays as one list, in key
/// order ([`project::items`]: Cal.com's slots by date). `None` when there
/// is no array there.
pub fn list<T>(
    value: &Value,
    pointer: &str,
    limit: usize,
    item: impl FnMut(&Value) -> Option<T>,
) -> Option<Vec<T>> {
    let items = project::items(value, pointer)?;
    Some(items.into_iter().filter_map(item).take(limit).collect())
}

/// A three-letter currency code, upper case.
fn currency_code(currency: &str) -> Option<String> {
    let code = currency.trim().to_ascii_uppercase();
    (code.len() == 3 && code.bytes().all(|b| b.is_ascii_uppercase())).then_some(code)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn money_in_minor_units_per_currency() {
        assert_eq!(money_from_minor(4990, "eur").as_deref(), Some("49.90 EUR"));
        assert_eq!(money_from_minor(5, "usd").as_deref(), Some("0.05 USD"));
        assert_eq!(money_from_minor(0, "gbp").as_deref(), Some("0.00 GBP"));
        assert_eq!(money_from_minor(-250, "usd").as_deref(), Some("-2.50 USD"));
        assert_eq!(money_from_minor(500, "jpy").as_deref(), Some("500 JPY"));
        assert_eq!(money_from_minor(12000, "KRW").as_deref(), Some("12000 KRW"));
        assert_eq!(money_from_minor(1234, "kwd").as_deref(), Some("1.234 KWD"));
        assert_eq!(money_from_minor(5, "bhd").as_deref(), Some("0.005 BHD"));
        assert_eq!(
            money_from_minor(i64::MIN, "usd").as_deref(),
            Some("-92233720368547758.08 USD")
        );
        assert_eq!(money_from_minor(100, "euro"), None);
        assert_eq!(money_from_minor(100, "e1r"), None);
        assert_eq!(decimals("jpy"), 0);
        assert_eq!(decimals("KWD"), 3);
        assert_eq!(decimals("chf"), 2);
    }

    #[test]
    fn money_from_an_answer() {
        let invoice = json!({"amount_due": 4990, "currency": "eur", "total": "1500", "yen": 500});
        assert_eq!(
            money(&invoice, "/amount_due", "/currency").as_deref(),
            Some("49.90 EUR")
        );
        assert_eq!(
            money(&invoice, "/total", "/currency").as_deref(),
            Some("15.00 EUR")
        );
        assert_eq!(
            money_in(&invoice, "/yen", "JPY").as_deref(),
            Some("500 JPY")
        );
        assert_eq!(money(&invoice, "/missing", "/currency"), None);
        assert_eq!(money(&invoice, "/amount_due", "/missing"), None);
        let shopify = json!({"price": {"amount": "49.9", "currencyCode": "EUR"},
                             "yen": {"amount": "1200.0", "currencyCode": "JPY"},
                             "kwd": {"amount": "3.14159", "currencyCode": "KWD"},
                             "round": {"amount": "-0.125", "currencyCode": "USD"},
                             "bad": {"amount": "1e3", "currencyCode": "USD"}});
        let dm = |p: &str| {
            decimal_money(
                &shopify,
                &format!("{p}/amount"),
                &format!("{p}/currencyCode"),
            )
        };
        assert_eq!(dm("/price").as_deref(), Some("49.90 EUR"));
        assert_eq!(dm("/yen").as_deref(), Some("1200 JPY"));
        assert_eq!(dm("/kwd").as_deref(), Some("3.142 KWD"));
        assert_eq!(dm("/round").as_deref(), Some("-0.13 USD"));
        assert_eq!(dm("/bad"), None);
    }

    #[test]
    fn times_names_counts_and_fallbacks() {
        let v = json!({
            "created": 1_785_240_000,
            "updated_ms": "1785240000000",
            "due": "2026-07-28T12:00:00.000+0000",
            "first_name": " Jane ", "last_name": "Doe", "middle": "",
            "lines": [1, 2, 3],
            "mobile": null, "phone": "+14155550123",
        });
        let paris = Offset::parse("+02:00").unwrap();
        assert_eq!(
            unix_time(&v, "/created", paris).as_deref(),
            Some("2026-07-28T14:00:00+02:00")
        );
        assert_eq!(
            unix_millis(&v, "/updated_ms", Offset::UTC).as_deref(),
            Some("2026-07-28T12:00:00+00:00")
        );
        assert_eq!(
            date_time(&v, "/due", paris).as_deref(),
            Some("2026-07-28T14:00:00+02:00")
        );
        assert_eq!(
            join(&v, &["/first_name", "/middle", "/last_name"], " ").as_deref(),
            Some("Jane Doe")
        );
        assert_eq!(join(&v, &["/nope", "/middle"], " "), None);
        assert_eq!(count(&v, "/lines"), Some(3));
        assert_eq!(count(&v, "/phone"), None);
        assert_eq!(
            first_text(&v, &["/mobile", "/phone"]).as_deref(),
            Some("+14155550123")
        );
        assert_eq!(first_text(&v, &["/mobile", "/nope"]), None);
        assert_eq!(
            first_present(&v, &["/mobile", "/lines"]),
            Some(&json!([1, 2, 3]))
        );
    }

    #[test]
    fn lists_are_mapped_and_cut_to_the_limit() {
        let v = json!({"slots": {"2026-07-28": [
            {"start": "2026-07-28T08:00:00Z"},
            {"start": null},
            {"start": "2026-07-28T09:00:00Z"},
            {"start": "2026-07-28T10:00:00Z"},
        ]}});
        let ny = Offset::parse("-04:00").unwrap();
        let slots = list(&v, "/slots/2026-07-28", 2, |s| date_time(s, "/start", ny)).unwrap();
        assert_eq!(
            slots,
            vec!["2026-07-28T04:00:00-04:00", "2026-07-28T05:00:00-04:00"]
        );
        let all = list(&v, "/slots/2026-07-28", 10, |s| project::text(s, "/start")).unwrap();
        assert_eq!(all.len(), 3);
        assert_eq!(list(&v, "/slots", 10, |s| Some(s.clone())), None);
        // An object of arrays read as one list, in key order.
        let by_date = json!({"data": {
            "2026-07-29": [{"start": "2026-07-29T08:00:00Z"}],
            "2026-07-28": [{"start": "2026-07-28T08:00:00Z"}, {"start": "2026-07-28T09:00:00Z"}],
            "note": "not a list",
        }});
        let starts = list(&by_date, "/data/*", 3, |s| project::text(s, "/start")).unwrap();
        assert_eq!(
            starts,
            vec![
                "2026-07-28T08:00:00Z",
                "2026-07-28T09:00:00Z",
                "2026-07-29T08:00:00Z"
            ]
        );
        assert_eq!(count(&by_date, "/data/*"), Some(3));
        assert_eq!(count(&json!({"data": {}}), "/data/*"), Some(0));
        assert_eq!(count(&by_date, "/data/2026-07-28/*"), None);
        assert_eq!(count(&by_date, "/data"), None);
        assert_eq!(
            list(&v, "/slots/2026-07-28", 0, |s| Some(s.clone())),
            Some(vec![])
        );
    }
}
