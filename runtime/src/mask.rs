//! Masking of personal data in anything that is logged or put in an error.
//!
//! A caller's email address and phone number reach the connector as tool
//! arguments and come back in CRM answers and vendor error messages ("a
//! contact with email jane@example.com already exists"). Everything the
//! runtime logs or puts in an error detail goes through [`text`] first.

// The scanners below index a `Vec<char>` inside loops bounded by its
// length; `never_panics_on_arbitrary_text` runs them on random input.
#![allow(clippy::indexing_slicing)]

use percent_encoding::percent_decode_str;

/// Masks an email address: the first character of the local part and the
/// domain stay (`jane.doe@example.com` → `j***@example.com`).
pub fn email(address: &str) -> String {
    match address.split_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}***@{domain}")
        }
        None => "***".to_string(),
    }
}

/// Masks a phone number: a leading `+`, the first digit and the last four
/// digits stay, every other digit becomes `*` and separators are dropped
/// (`+14155550123` → `+1******0123`). Fewer than seven digits: all masked.
pub fn phone(number: &str) -> String {
    let digits: Vec<char> = number.chars().filter(char::is_ascii_digit).collect();
    let plus = if number.trim_start().starts_with('+') {
        "+"
    } else {
        ""
    };
    if digits.len() < 7 {
        return format!("{plus}{}", "*".repeat(digits.len().max(3)));
    }
    let head: String = digits[..1].iter().collect();
    let tail: String = digits[digits.len() - 4..].iter().collect();
    format!("{plus}{head}{}{tail}", "*".repeat(digits.len() - 5))
}

/// Masks every email address and phone-like number (seven digits or more,
/// with optional `+`, spaces, dots, dashes and parentheses) in free text.
/// Percent-encoded text (a path or query with `%40` for `@`) is decoded
/// first, so an encoded address is masked too.
pub fn text(input: &str) -> String {
    let decoded = percent_decode_str(input).decode_utf8_lossy();
    let masked = mask_emails(&decoded);
    mask_phones(&masked)
}

fn is_local_char(c: char) -> bool {
    c.is_alphanumeric() || "._%+-'".contains(c)
}

fn is_domain_char(c: char) -> bool {
    c.is_alphanumeric() || c == '.' || c == '-'
}

fn mask_emails(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    // `out` holds chars[..i]; at an `@` the local part is its tail.
    while i < chars.len() {
        if chars[i] != '@' {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        let local_len = out.chars().rev().take_while(|c| is_local_char(*c)).count();
        let mut end = i + 1;
        while end < chars.len() && is_domain_char(chars[end]) {
            end += 1;
        }
        let domain: String = chars[i + 1..end].iter().collect();
        let domain = domain.trim_end_matches(['.', '-']).to_string();
        if local_len == 0 || !domain.contains('.') {
            out.push('@');
            i += 1;
            continue;
        }
        let keep = out.chars().count() - local_len;
        let local: String = out.chars().skip(keep).collect();
        out = out.chars().take(keep).collect();
        out.push_str(&email(&format!("{local}@{domain}")));
        i += 1 + domain.chars().count();
    }
    out
}

fn mask_phones(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < chars.len() {
        let starts = chars[i].is_ascii_digit() || (chars[i] == '+' || chars[i] == '(');
        let after_word = i > 0 && (chars[i - 1].is_alphanumeric() || "*-_".contains(chars[i - 1]));
        if !starts || after_word {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        // The longest run of digits and phone separators from here.
        let mut end = i;
        let mut digits = 0;
        let mut last_digit_end = i;
        while end < chars.len() {
            let c = chars[end];
            if c.is_ascii_digit() {
                digits += 1;
                last_digit_end = end + 1;
            } else if !(c == ' ' || c == '-' || c == '.' || c == '(' || c == ')' || c == '+')
                || (c == '+' && end != i)
            {
                break;
            }
            end += 1;
        }
        let followed_by_word = chars
            .get(last_digit_end)
            .is_some_and(|c| c.is_alphanumeric());
        let run: String = chars[i..last_digit_end].iter().collect();
        if (7..=15).contains(&digits) && !followed_by_word && !is_date(&run) {
            out.push_str(&phone(&run));
            i = last_digit_end;
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

/// `2026-07-28…`: a date, not a phone number.
fn is_date(run: &str) -> bool {
    let b = run.as_bytes();
    b.len() >= 10
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[4] == b'-'
        && b[5..7].iter().all(u8::is_ascii_digit)
        && b[7] == b'-'
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_an_email_and_a_phone() {
        assert_eq!(email("jane.doe@example.com"), "j***@example.com");
        assert_eq!(phone("+14155550123"), "+1******0123");
        assert_eq!(phone("(415) 555-0123"), "4*****0123");
        assert_eq!(phone("123"), "***");
    }

    #[test]
    fn masks_inside_free_text() {
        assert_eq!(
            text("Contact with email jane.doe@example.com already exists"),
            "Contact with email j***@example.com already exists"
        );
        assert_eq!(
            text("GET /contacts/jane%40example.com?idProperty=email"),
            "GET /contacts/j***@example.com?idProperty=email"
        );
        assert_eq!(
            text("no contact for +1 415 555 0123."),
            "no contact for +1******0123."
        );
        assert_eq!(text("phone=4155550123&x=1"), "phone=4*****0123&x=1");
    }

    #[test]
    fn never_panics_on_arbitrary_text() {
        let alphabet: Vec<char> = "a@.+-( )0123456789%4é_x*".chars().collect();
        for _ in 0..20_000 {
            let len = fastrand::usize(0..40);
            let s: String = (0..len)
                .map(|_| alphabet[fastrand::usize(..alphabet.len())])
                .collect();
            let _ = text(&s);
            let _ = phone(&s);
            let _ = email(&s);
        }
    }

    #[test]
    fn leaves_ordinary_text_alone() {
        for s in [
            "status 500: internal error",
            "POST /crm/v3/objects/contacts/search",
            "took longer than 3000 ms",
            "id abc1234567def",
            "version 2026-07-28",
            "updated 2026-11-02T09:12:44.310Z",
            "correlation 4a5c0b2e-0000-4000-8000-000000000000",
            "@ alone, a@b",
        ] {
            assert_eq!(text(s), s);
        }
    }
}
