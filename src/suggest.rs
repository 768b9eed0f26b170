//! "Did you mean …?" for names given by the user.

use crate::error::Error;

/// The closest valid name, if one is close enough to be a likely typo.
pub fn closest<'a>(name: &str, valid: &[&'a str]) -> Option<&'a str> {
    valid
        .iter()
        .map(|v| (strsim::damerau_levenshtein(name, v), *v))
        .filter(|(d, v)| *d <= 3.max(v.len() / 3) || v.contains(name) || name.contains(v))
        .min_by_key(|(d, v)| (*d, *v))
        .map(|(_, v)| v)
}

/// An [`Error::Unknown`] with the valid names and the closest one.
pub fn unknown(kind: &'static str, name: &str, valid: &[&str]) -> Error {
    let suggestion = closest(name, valid)
        .map(|c| format!(" (did you mean `{c}`?)"))
        .unwrap_or_default();
    Error::Unknown {
        kind,
        name: name.to_string(),
        suggestion,
        valid: if valid.is_empty() {
            "(none)".to_string()
        } else {
            valid.join(", ")
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        let valid = ["contact-lookup", "ticket-create", "order-status"];
        assert_eq!(closest("contact-lokup", &valid), Some("contact-lookup"));
        assert_eq!(closest("contact", &valid), Some("contact-lookup"));
        assert_eq!(closest("zzzzzzzzzzzzzzzzzz", &valid), None);
    }
}
