//! Per-account settings: the non-secret values a vendor needs besides the
//! credential (Zendesk's subdomain, ServiceTitan's tenant id and app key,
//! Cal.com's event type id, a business's UTC offset), read from the
//! environment when the connector is configured and used by name in the
//! base URL, paths, headers, queries and bodies.

use std::fmt;

use crate::error::{ActionError, ErrorKind};
use crate::request::encode_path_segment;
use crate::time::Offset;

/// What a setting holds; its value is checked when the connector is
/// configured, so a bad one fails before any call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SettingKind {
    /// Any text without control characters (an id, a version, a key).
    Text,
    /// A host name or one label of it (`acme`, `acme.myshopify.com`):
    /// letters, digits, `-` and `.` only, safe to put in a base URL.
    Host,
    /// A UTC offset (`+02:00`), read with [`Offset::parse`].
    UtcOffset,
    /// A numeric id, ASCII digits only (ServiceTitan's tenant id, an
    /// integer in every path).
    Digits,
}

/// One setting a connector declares: its name in `{placeholders}` and the
/// environment variable that holds its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Setting {
    /// Name used in templates: `{subdomain}`. Lower case, digits and `_`.
    pub name: &'static str,
    /// Environment variable holding the value: `ZENDESK_SUBDOMAIN`.
    pub env: &'static str,
    /// What the value must look like.
    pub kind: SettingKind,
}

/// The settings of one configured connector, by name, in declaration
/// order. Settings are not secrets: `Debug` shows them.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Settings {
    values: Vec<(String, String)>,
}

impl fmt::Debug for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(self.values.iter().map(|(k, v)| (k, v)))
            .finish()
    }
}

impl Settings {
    /// Settings from (name, value) pairs, unchecked (tests, hosts that
    /// check their own).
    pub fn from_pairs<N: Into<String>, V: Into<String>>(
        pairs: impl IntoIterator<Item = (N, V)>,
    ) -> Self {
        Settings {
            values: pairs
                .into_iter()
                .map(|(n, v)| (n.into(), v.into()))
                .collect(),
        }
    }

    /// Reads and checks every declared setting: a missing or empty
    /// variable, or a value that is not of the setting's kind, is a
    /// `misconfigured` error naming the variable.
    pub fn read(
        crm: &str,
        declared: &[Setting],
        lookup: &impl Fn(&str) -> Option<String>,
    ) -> Result<Self, ActionError> {
        let mut values = Vec::with_capacity(declared.len());
        for setting in declared {
            let value = lookup(setting.env)
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
                .ok_or_else(|| ActionError::missing_env(crm, setting.env))?;
            let bad = |what: &str| {
                ActionError::new(
                    ErrorKind::Misconfigured,
                    format!(
                        "{crm}: environment variable {} (setting `{}`) {what}",
                        setting.env, setting.name
                    ),
                )
            };
            if value.chars().any(char::is_control) {
                return Err(bad("holds a control character"));
            }
            match setting.kind {
                SettingKind::Text => {}
                SettingKind::Host => {
                    if !is_host(&value) {
                        return Err(bad("is not a host name (letters, digits, `-` and `.`)"));
                    }
                }
                SettingKind::UtcOffset => {
                    if Offset::parse(&value).is_none() {
                        return Err(bad("is not a UTC offset such as +02:00"));
                    }
                }
                SettingKind::Digits => {
                    if !value.chars().all(|c| c.is_ascii_digit()) {
                        return Err(bad("is not a numeric id (digits only)"));
                    }
                }
            }
            values.push((setting.name.to_string(), value));
        }
        Ok(Settings { values })
    }

    /// The value of setting `name`; an undeclared name is a
    /// `misconfigured` error (the connector and its description disagree).
    pub fn get(&self, name: &str) -> Result<&str, ActionError> {
        self.values
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
            .ok_or_else(|| {
                ActionError::new(
                    ErrorKind::Misconfigured,
                    format!("setting `{name}` is not declared"),
                )
            })
    }

    /// The setting `name` read as a UTC offset.
    pub fn offset(&self, name: &str) -> Result<Offset, ActionError> {
        let value = self.get(name)?;
        Offset::parse(value).ok_or_else(|| {
            ActionError::new(
                ErrorKind::Misconfigured,
                format!("setting `{name}` is not a UTC offset such as +02:00"),
            )
        })
    }

    /// `template` with every `{name}` replaced by that setting's value as
    /// it is (headers, query values, body text). An unknown name or an
    /// unclosed brace is a `misconfigured` error naming it.
    pub fn fill(&self, template: &str) -> Result<String, ActionError> {
        fill(template, |name| self.get(name).map(str::to_string).ok())
    }

    /// Like [`Settings::fill`] for a path: each value is percent-encoded as
    /// one path segment (`/tenant/{tenant}/customers`).
    pub fn fill_path(&self, template: &str) -> Result<String, ActionError> {
        fill(template, |name| {
            self.get(name).ok().map(encode_path_segment)
        })
    }
}

/// `template` with `{name}` placeholders replaced through `value`.
pub(crate) fn fill(
    template: &str,
    value: impl Fn(&str) -> Option<String>,
) -> Result<String, ActionError> {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(rest.get(..open).unwrap_or_default());
        let after = rest.get(open + 1..).unwrap_or_default();
        let close = after.find('}').ok_or_else(|| {
            ActionError::new(
                ErrorKind::Misconfigured,
                format!("`{template}`: an unclosed `{{`"),
            )
        })?;
        let name = after.get(..close).unwrap_or_default();
        let filled = value(name).ok_or_else(|| {
            ActionError::new(
                ErrorKind::Misconfigured,
                format!("`{template}`: no setting `{name}`"),
            )
        })?;
        out.push_str(&filled);
        rest = after.get(close + 1..).unwrap_or_default();
    }
    out.push_str(rest);
    Ok(out)
}

/// Letters, digits, `-` and `.`, no empty label, no label starting or
/// ending with `-`.
fn is_host(value: &str) -> bool {
    value.len() <= 253
        && value.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    const DECLARED: &[Setting] = &[
        Setting {
            name: "subdomain",
            env: "ZENDESK_SUBDOMAIN",
            kind: SettingKind::Host,
        },
        Setting {
            name: "tenant",
            env: "ST_TENANT_ID",
            kind: SettingKind::Text,
        },
        Setting {
            name: "utc_offset",
            env: "BUSINESS_UTC_OFFSET",
            kind: SettingKind::UtcOffset,
        },
    ];

    fn read(pairs: &[(&str, &str)]) -> Result<Settings, ActionError> {
        let pairs: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Settings::read("Zendesk", DECLARED, &|name: &str| {
            pairs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        })
    }

    #[test]
    fn settings_are_read_checked_and_filled() {
        let s = read(&[
            ("ZENDESK_SUBDOMAIN", " acme "),
            ("ST_TENANT_ID", "12 34/5"),
            ("BUSINESS_UTC_OFFSET", "+02:00"),
        ])
        .unwrap();
        assert_eq!(s.get("subdomain").unwrap(), "acme");
        assert_eq!(
            s.fill("https://{subdomain}.zendesk.com").unwrap(),
            "https://acme.zendesk.com"
        );
        assert_eq!(
            s.fill_path("/tenant/{tenant}/customers").unwrap(),
            "/tenant/12%2034%2F5/customers"
        );
        assert_eq!(s.fill("no placeholders").unwrap(), "no placeholders");
        assert_eq!(s.offset("utc_offset").unwrap().seconds(), 7200);
        assert!(format!("{s:?}").contains("acme"));
        for (template, named) in [("{nope}", "nope"), ("a{subdomain", "unclosed")] {
            let err = s.fill(template).unwrap_err();
            assert_eq!(err.kind, ErrorKind::Misconfigured);
            assert!(err.detail.contains(named), "{}", err.detail);
        }
        assert_eq!(s.get("x").unwrap_err().kind, ErrorKind::Misconfigured);
    }

    #[test]
    fn a_missing_or_bad_setting_names_its_variable() {
        let err = read(&[("ZENDESK_SUBDOMAIN", "acme"), ("ST_TENANT_ID", "  ")]).unwrap_err();
        assert_eq!(err.kind, ErrorKind::Misconfigured);
        assert_eq!(
            err.detail,
            "Zendesk: environment variable ST_TENANT_ID is not set"
        );
        for (var, value) in [
            ("ZENDESK_SUBDOMAIN", "evil.com/x?"),
            ("ZENDESK_SUBDOMAIN", "a..b"),
            ("ZENDESK_SUBDOMAIN", "-a"),
            ("BUSINESS_UTC_OFFSET", "Europe/Paris"),
            ("ST_TENANT_ID", "1\r\nX-Evil: 1"),
        ] {
            let mut pairs = vec![
                ("ZENDESK_SUBDOMAIN", "acme"),
                ("ST_TENANT_ID", "1"),
                ("BUSINESS_UTC_OFFSET", "Z"),
            ];
            pairs.retain(|(k, _)| *k != var);
            pairs.push((var, value));
            let err = read(&pairs).unwrap_err();
            assert_eq!(err.kind, ErrorKind::Misconfigured, "{var}={value}");
            assert!(err.detail.contains(var), "{}", err.detail);
        }
    }

    #[test]
    fn a_digits_setting_takes_a_numeric_id_only() {
        let declared = [Setting {
            name: "tenant",
            env: "SERVICETITAN_TENANT_ID",
            kind: SettingKind::Digits,
        }];
        let read = |value: &str| {
            let value = value.to_string();
            Settings::read("ServiceTitan", &declared, &|_: &str| Some(value.clone()))
        };
        assert_eq!(read(" 1234567 ").unwrap().get("tenant").unwrap(), "1234567");
        for bad in ["acme", "12 34", "-1", "12a", "１２"] {
            let err = read(bad).unwrap_err();
            assert_eq!(err.kind, ErrorKind::Misconfigured, "{bad}");
            assert_eq!(
                err.detail,
                "ServiceTitan: environment variable SERVICETITAN_TENANT_ID (setting `tenant`) is not a numeric id (digits only)"
            );
        }
    }
}
