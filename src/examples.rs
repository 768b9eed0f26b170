//! Example cases beside the bindings: `specs/<crm>/examples/<template>.yaml`.
//!
//! Each file is a list of cases. A case gives the tool arguments, the HTTP
//! exchanges the connector must make (in order, each with a canned
//! response) and the tool result `call_json` must answer. `gen all` and
//! `gen check` require a file with at least one case for every bound
//! action; the generated crate's `tests/examples.rs` replays every case
//! against a mock HTTP server.
//!
//! ```yaml
//! - name: found by email
//!   args: { email: jane.doe@example.com }
//!   requests:
//!     - method: POST
//!       path: /crm/v3/objects/contacts/search
//!       body: { filterGroups: [ … ], limit: 1 }
//!       response:
//!         status: 200
//!         body: { total: 1, results: [ { id: "51", properties: { firstname: Jane } } ] }
//!   result: { ok: true, result: { contact_id: "51", first_name: Jane } }
//! ```
//!
//! A request that sends a form gives its exact bytes in `form:`
//! (`email=jane%40example.com&metadata[source]=voice`), and `headers:`
//! lists headers it must carry: an exact value, or `{any: key}` for a
//! value not known in advance (an idempotency key), equal across the
//! case's requests that name the same `any`.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::catalog::Template;
use crate::error::{Error, Result};
use crate::source::Sources;

/// One example case: arguments in, exchanges made, result out.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExampleCase {
    /// What the case shows ("found by email"); unique within the file.
    pub name: String,
    /// The tool arguments, as the voice platform sends them (a JSON object).
    #[serde(default = "empty_object")]
    pub args: Value,
    /// The requests the connector must make, in order, with their answers.
    #[serde(default)]
    pub requests: Vec<ExampleRequest>,
    /// Environment variables left unset for this case (a vendor
    /// connector's setting or secret, `ZENDESK_SUBDOMAIN`): configuring
    /// the connector then fails, the case's result is that error and no
    /// request may be sent. Empty for the usual case.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unset: Vec<String>,
    /// The time of the call, a UTC instant (`2026-07-28T12:00:00Z`): the
    /// replay pins the connector's clock to it, so a binding's `{now}`
    /// sends this time. Absent: the system clock.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub now: Option<String>,
    /// The expected `call_json` answer: `ok`, and `result` or `error`
    /// (compared exactly); `message` is compared only when given.
    pub result: Value,
}

/// One HTTP exchange the connector must make.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExampleRequest {
    /// HTTP method in upper case: GET, POST, PUT, PATCH or DELETE.
    pub method: String,
    /// The path below the base URL, starting with `/`, without the query.
    pub path: String,
    /// The query parameters the request carries (auth parameters aside).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub query: BTreeMap<String, String>,
    /// The exact JSON body, when the request has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<Value>,
    /// The exact `application/x-www-form-urlencoded` body, byte for byte
    /// (`email=jane%40example.com&metadata[source]=voice`), when the
    /// request sends a form; never beside `body`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub form: Option<String>,
    /// Request headers the request must carry (auth aside). A header one
    /// request of a case names must be absent from the case's requests
    /// that do not name it.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, ExpectedHeader>,
    /// The canned answer of the mock server.
    pub response: ExampleResponse,
}

/// What a request header of an example must hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ExpectedHeader {
    /// Exactly this value.
    Exact(String),
    /// A value not known in advance (a fresh idempotency key): present
    /// and not empty, and the same in every request of the case that
    /// names the same `any` (`{any: key}`), so a retry's key is the first
    /// attempt's.
    Any {
        /// The name that ties equal values together within a case.
        any: String,
    },
}

/// The canned answer to one request.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExampleResponse {
    /// HTTP status, 100–599.
    pub status: u16,
    /// JSON body (sent with `content-type: application/json`), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<Value>,
    /// Extra response headers (`retry-after`, …).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
}

/// `2026-07-28T12:00:00Z` or with up to three decimals of a second
/// (`…:00.250Z`), the month, day, hour, minute and second in range (the
/// replay reads it with `chrono`, which checks the calendar).
fn is_utc_instant(text: &str) -> bool {
    let Some(rest) = text.strip_suffix('Z') else {
        return false;
    };
    let (main, fraction) = rest.split_once('.').unwrap_or((rest, "1"));
    let b = main.as_bytes();
    let digits = |r: std::ops::Range<usize>| -> Option<u32> {
        let part = main.get(r)?;
        part.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| part.parse().ok())?
    };
    let shape = b.len() == 19
        && b[4] == b'-'
        && b[7] == b'-'
        && b[10] == b'T'
        && b[13] == b':'
        && b[16] == b':';
    let fraction_ok =
        (1..=3).contains(&fraction.len()) && fraction.bytes().all(|c| c.is_ascii_digit());
    shape
        && fraction_ok
        && digits(0..4).is_some()
        && digits(5..7).is_some_and(|m| (1..=12).contains(&m))
        && digits(8..10).is_some_and(|d| (1..=31).contains(&d))
        && digits(11..13).is_some_and(|h| h < 24)
        && digits(14..16).is_some_and(|m| m < 60)
        && digits(17..19).is_some_and(|s| s < 60)
}

fn empty_object() -> Value {
    Value::Object(serde_json::Map::new())
}

/// The methods a request may name.
pub const METHODS: &[&str] = &["GET", "POST", "PUT", "PATCH", "DELETE"];

/// The keys an expected result may hold.
pub const RESULT_KEYS: &[&str] = &["ok", "result", "error", "message"];

/// Where one CRM × template's examples live, relative to the project root.
pub fn path(crm: &str, template: &str) -> String {
    format!("specs/{crm}/examples/{template}.yaml")
}

/// Parses an examples file and checks what needs no template: at least one
/// case, unique names, object arguments, known methods, paths, statuses
/// and the shape of the expected result.
pub fn parse(text: &str, origin: &str) -> Result<Vec<ExampleCase>> {
    if text.trim().is_empty() {
        return Err(Error::invalid(
            origin,
            "file",
            "the file is empty; give a list of cases",
        ));
    }
    let cases: Vec<ExampleCase> =
        serde_yaml::from_str(text).map_err(|e| Error::yaml(origin, &e))?;
    if cases.is_empty() {
        return Err(Error::invalid(
            origin,
            "file",
            "no cases; give at least one",
        ));
    }
    let mut names = BTreeSet::new();
    for (i, case) in cases.iter().enumerate() {
        let at = format!("[{i}]");
        if case.name.trim().is_empty() {
            return Err(Error::invalid(origin, format!("{at}.name"), "is empty"));
        }
        if !names.insert(case.name.as_str()) {
            return Err(Error::invalid(
                origin,
                format!("{at}.name"),
                format!(
                    "`{}` names another case too; names must be unique",
                    case.name
                ),
            ));
        }
        if !case.args.is_object() {
            return Err(Error::invalid(
                origin,
                format!("{at}.args"),
                "must be a map of argument names to values",
            ));
        }
        for (j, name) in case.unset.iter().enumerate() {
            let fine = !name.is_empty()
                && name
                    .chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
            if !fine {
                return Err(Error::invalid(
                    origin,
                    format!("{at}.unset[{j}]"),
                    format!("`{name}` is not an environment variable name (A-Z, 0-9, _)"),
                ));
            }
        }
        if let Some(now) = &case.now {
            if !is_utc_instant(now) {
                return Err(Error::invalid(
                    origin,
                    format!("{at}.now"),
                    format!(
                        "`{now}` is not a UTC time like `2026-07-28T12:00:00Z` (or `…:00.250Z`)"
                    ),
                ));
            }
        }
        if !case.unset.is_empty() && !case.requests.is_empty() {
            return Err(Error::invalid(
                origin,
                format!("{at}.requests"),
                "a case with `unset` variables sends nothing; give `requests: []`",
            ));
        }
        for (j, request) in case.requests.iter().enumerate() {
            let at = format!("{at}.requests[{j}]");
            if !METHODS.contains(&request.method.as_str()) {
                return Err(Error::invalid(
                    origin,
                    format!("{at}.method"),
                    format!("`{}` is not one of {}", request.method, METHODS.join(", ")),
                ));
            }
            if !request.path.starts_with('/') || request.path.contains('?') {
                return Err(Error::invalid(
                    origin,
                    format!("{at}.path"),
                    format!(
                        "`{}` must start with / and hold no query (use `query:`)",
                        request.path
                    ),
                ));
            }
            if request.body.is_some() && request.form.is_some() {
                return Err(Error::invalid(
                    origin,
                    format!("{at}.form"),
                    "a request sends a JSON `body` or a `form`, not both",
                ));
            }
            for (name, expected) in &request.headers {
                let fine = !name.is_empty()
                    && name
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c));
                if !fine {
                    return Err(Error::invalid(
                        origin,
                        format!("{at}.headers"),
                        format!("`{name}` is not an HTTP header name"),
                    ));
                }
                if matches!(expected, ExpectedHeader::Any { any } if any.trim().is_empty()) {
                    return Err(Error::invalid(
                        origin,
                        format!("{at}.headers.{name}.any"),
                        "is empty; name the value (`{any: key}`) so that requests can share it",
                    ));
                }
            }
            if !(100..=599).contains(&request.response.status) {
                return Err(Error::invalid(
                    origin,
                    format!("{at}.response.status"),
                    format!(
                        "{} is not an HTTP status (100-599)",
                        request.response.status
                    ),
                ));
            }
        }
        let Some(result) = case.result.as_object() else {
            return Err(Error::invalid(
                origin,
                format!("{at}.result"),
                "must be a map like {ok: true, result: {…}} or {ok: false, error: not_found}",
            ));
        };
        if let Some(key) = result.keys().find(|k| !RESULT_KEYS.contains(&k.as_str())) {
            return Err(Error::invalid(
                origin,
                format!("{at}.result.{key}"),
                format!("unknown key; valid: {}", RESULT_KEYS.join(", ")),
            ));
        }
        match result.get("ok") {
            Some(Value::Bool(true)) if !result.contains_key("result") => {
                return Err(Error::invalid(
                    origin,
                    format!("{at}.result"),
                    "`ok: true` needs the expected `result`",
                ))
            }
            Some(Value::Bool(false)) if !result.contains_key("error") => {
                return Err(Error::invalid(
                    origin,
                    format!("{at}.result"),
                    "`ok: false` needs the expected `error` kind",
                ))
            }
            Some(Value::Bool(_)) => {}
            _ => {
                return Err(Error::invalid(
                    origin,
                    format!("{at}.result.ok"),
                    "must be true or false",
                ))
            }
        }
    }
    Ok(cases)
}

/// Checks cases against the template: every argument is one of the
/// template's parameters.
pub fn check_against(cases: &[ExampleCase], origin: &str, template: &Template) -> Result<()> {
    let params: Vec<&str> = template
        .tool
        .parameters
        .iter()
        .map(|p| p.name.as_str())
        .collect();
    for (i, case) in cases.iter().enumerate() {
        let Some(args) = case.args.as_object() else {
            continue;
        };
        if let Some(key) = args.keys().find(|k| !params.contains(&k.as_str())) {
            return Err(Error::invalid(
                origin,
                format!("[{i}].args.{key}"),
                format!(
                    "`{key}` is not a parameter of template `{}`; valid: {}",
                    template.id,
                    params.join(", ")
                ),
            ));
        }
    }
    Ok(())
}

/// Loads and checks one bound action's examples. A missing file is an
/// error naming the file to add.
pub fn load(sources: &Sources, crm: &str, template: &Template) -> Result<Vec<ExampleCase>> {
    let rel = path(crm, &template.id);
    let Some(file) = sources.get(&rel) else {
        return Err(Error::invalid(
            &format!("specs/{crm}/bindings.yaml"),
            format!("actions.{}", template.id),
            format!("has no example cases; add {rel} (see README, \"Example cases\")"),
        ));
    };
    let cases = parse(&file.text, &file.origin)?;
    check_against(&cases, &file.origin, template)?;
    Ok(cases)
}

/// Checks that every examples file of `crm` belongs to a bound action:
/// `bound` holds the template ids its bindings name.
pub fn check_orphans(sources: &Sources, crm: &str, bound: &[&str]) -> Result<()> {
    for (name, file) in sources.files_in(&format!("specs/{crm}/examples"), "") {
        let template = name
            .strip_suffix(".yaml")
            .or_else(|| name.strip_suffix(".yml"));
        match template {
            Some(t) if bound.contains(&t) => {}
            Some(t) => {
                return Err(Error::invalid(
                    &file.origin,
                    "file",
                    format!(
                        "`{t}` is not bound in specs/{crm}/bindings.yaml; bound: {}",
                        bound.join(", ")
                    ),
                ))
            }
            None => {
                return Err(Error::invalid(
                    &file.origin,
                    "file",
                    "not an examples file; name it <template>.yaml",
                ))
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const ONE: &str = "- name: found\n  args: { email: a@example.com }\n  requests:\n    - method: POST\n      path: /search\n      body: { q: a }\n      response: { status: 200, body: { results: [] } }\n  result: { ok: false, error: not_found }\n";

    fn err(text: &str) -> String {
        match parse(text, "x.yaml") {
            Ok(_) => String::from("parsed"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn a_case_parses() {
        let cases = parse(ONE, "x.yaml").unwrap();
        assert_eq!(cases.len(), 1);
        assert_eq!(cases[0].requests[0].response.status, 200);
    }

    #[test]
    fn now_is_a_utc_instant() {
        let with =
            |now: &str| ONE.replace("  requests:", &format!("  now: \"{now}\"\n  requests:"));
        assert_eq!(
            parse(&with("2026-07-28T12:00:00Z"), "x.yaml").unwrap()[0]
                .now
                .as_deref(),
            Some("2026-07-28T12:00:00Z")
        );
        assert!(parse(&with("2026-07-28T12:00:00.250Z"), "x.yaml").is_ok());
        assert!(parse(ONE, "x.yaml").unwrap()[0].now.is_none());
        for bad in [
            "2026-07-28T12:00:00",
            "2026-07-28T12:00:00+02:00",
            "2026-13-28T12:00:00Z",
            "2026-07-28T24:00:00Z",
            "2026-07-28 12:00:00Z",
            "2026-07-28T12:00:00.1234Z",
            "now",
        ] {
            assert!(
                err(&with(bad)).starts_with("x.yaml: [0].now: `"),
                "{bad}: {}",
                err(&with(bad))
            );
        }
    }

    #[test]
    fn unset_variables_name_variables_and_send_nothing() {
        let unset = "- name: no subdomain\n  args: { email: a@example.com }\n  unset: [ZENDESK_SUBDOMAIN]\n  requests: []\n  result: { ok: false, error: misconfigured }\n";
        assert_eq!(
            parse(unset, "x.yaml").unwrap()[0].unset,
            ["ZENDESK_SUBDOMAIN"]
        );
        assert!(
            err(&unset.replace("ZENDESK_SUBDOMAIN", "zendesk-subdomain")).starts_with(
                "x.yaml: [0].unset[0]: `zendesk-subdomain` is not an environment variable name"
            )
        );
        let with_requests = ONE.replace("  requests:", "  unset: [ACME_TOKEN]\n  requests:");
        assert!(err(&with_requests)
            .starts_with("x.yaml: [0].requests: a case with `unset` variables sends nothing"));
    }

    #[test]
    fn bad_cases_give_one_line_naming_the_place() {
        assert!(err("").contains("x.yaml: file: the file is empty"));
        assert!(err("[]").contains("no cases"));
        assert!(err(&ONE.replace("args:", "argz:")).contains("unknown field `argz`"));
        assert!(err(&ONE.replace("POST", "post")).contains("[0].requests[0].method"));
        assert!(err(&ONE.replace("/search", "search")).contains("[0].requests[0].path"));
        assert!(err(&ONE.replace("status: 200", "status: 700")).contains("response.status"));
        assert!(err(&ONE.replace("error: not_found", "eror: x")).contains("[0].result.eror"));
        assert!(err(&ONE.replace("ok: false, error: not_found", "ok: true"))
            .contains("needs the expected `result`"));
        assert!(err(&format!("{ONE}{ONE}")).contains("[1].name: `found` names another case"));
        for text in ["", "[]", ONE] {
            assert!(!err(text).contains('\n'));
        }
    }

    #[test]
    fn forms_and_headers_parse_and_are_checked() {
        let form = ONE.replace(
            "body: { q: a }",
            "form: \"q=a&m[k]=v\"\n      headers: { Idempotency-Key: { any: key }, X-Api: \"2\" }",
        );
        let cases = parse(&form, "x.yaml").unwrap();
        let r = &cases[0].requests[0];
        assert_eq!(r.form.as_deref(), Some("q=a&m[k]=v"));
        assert_eq!(r.body, None);
        assert_eq!(
            r.headers["Idempotency-Key"],
            ExpectedHeader::Any { any: "key".into() }
        );
        assert_eq!(r.headers["X-Api"], ExpectedHeader::Exact("2".into()));
        let both = ONE.replace("body: { q: a }", "body: { q: a }\n      form: q=a");
        assert!(err(&both).starts_with(
            "x.yaml: [0].requests[0].form: a request sends a JSON `body` or a `form`"
        ));
        let bad = form.replace("Idempotency-Key:", "\"Idempotency Key\":");
        assert!(
            err(&bad).starts_with(
                "x.yaml: [0].requests[0].headers: `Idempotency Key` is not an HTTP header name"
            ),
            "{}",
            err(&bad)
        );
        let empty = form.replace("{ any: key }", "{ any: \"\" }");
        assert!(err(&empty)
            .starts_with("x.yaml: [0].requests[0].headers.Idempotency-Key.any: is empty"));
    }

    #[test]
    fn arguments_must_be_template_parameters_and_files_must_exist() {
        let template = crate::catalog::load(&Sources::bundled(), "contact-lookup").unwrap();
        let cases = parse(&ONE.replace("email:", "emial:"), "x.yaml").unwrap();
        let e = check_against(&cases, "x.yaml", &template)
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("x.yaml: [0].args.emial: `emial` is not a parameter"),
            "{e}"
        );

        let mut sources = Sources::empty();
        let e = load(&sources, "acme", &template).unwrap_err().to_string();
        assert_eq!(
            e,
            "specs/acme/bindings.yaml: actions.contact-lookup: has no example cases; add specs/acme/examples/contact-lookup.yaml (see README, \"Example cases\")"
        );
        sources.insert("specs/acme/examples/contact-lookup.yaml", "ex.yaml", ONE);
        assert_eq!(load(&sources, "acme", &template).unwrap().len(), 1);
        assert!(check_orphans(&sources, "acme", &["contact-lookup"]).is_ok());
        let e = check_orphans(&sources, "acme", &["contact-create"])
            .unwrap_err()
            .to_string();
        assert!(e.contains("`contact-lookup` is not bound"), "{e}");
    }
}
