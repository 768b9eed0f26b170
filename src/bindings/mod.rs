//! Per-CRM bindings (`specs/<crm>/bindings.yaml`): how a template's tool
//! arguments become a request to one operation of the CRM's spec, and how
//! the response becomes the template's result fields.

pub mod body;
pub mod placeholder;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::diagnostic::Report;
use crate::error::{Error, Result};
use crate::names;
use crate::source::Sources;
use crate::suggest;

/// Everything midcall knows about one CRM beyond its spec.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bindings {
    /// Display name ("HubSpot").
    pub name: String,
    /// Where a user reads the vendor's API reference.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub docs: Option<String>,
    /// Production base URL.
    pub base_url: String,
    /// Environment variable that overrides the base URL (sandbox, tests).
    pub base_url_env: String,
    /// How requests authenticate.
    pub auth: AuthBinding,
    /// Per template id: the operation and the mappings.
    pub actions: BTreeMap<String, ActionBinding>,
}

/// Auth scheme and the environment variables that hold the secret.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, tag = "scheme", rename_all = "lowercase")]
pub enum AuthBinding {
    /// `Authorization: Bearer $env`.
    Bearer {
        /// Variable holding the token.
        env: String,
    },
    /// `<header>: $env`.
    Header {
        /// Header name.
        header: String,
        /// Variable holding the key.
        env: String,
    },
    /// `?<param>=$env`.
    Query {
        /// Query parameter name.
        param: String,
        /// Variable holding the key.
        env: String,
    },
    /// HTTP basic auth.
    Basic {
        /// Variable holding the user name.
        user_env: String,
        /// Variable holding the password.
        password_env: String,
    },
    /// No auth.
    None,
}

/// One template bound to one operation.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActionBinding {
    /// `METHOD /path` exactly as in the spec.
    pub operation: String,
    /// Whether repeating the request is harmless. Defaults to true for GET
    /// and false otherwise; set it for searches sent as POST.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_safe: Option<bool>,
    /// An idempotency key the CRM honours (Stripe's `Idempotency-Key`): the
    /// connector sends a fresh key per call and the same key on a retry,
    /// which makes a write safe to retry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idempotency: Option<IdempotencyBinding>,
    /// A look-up run before a write (a natural key): when it finds the
    /// record, the record is the answer and nothing is written; it runs
    /// again before a second write. Only on write templates.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub precheck: Option<PrecheckBinding>,
    /// Request variants; the first whose `when` arguments are all given is sent.
    pub requests: Vec<RequestBinding>,
    /// How the response maps to the result fields.
    pub response: ResponseBinding,
    /// How this CRM's behaviour differs from the template's words, in a
    /// sentence; added to this CRM's tool description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub differs: Option<String>,
}

/// `precheck:`: the read that looks for the record a write would create,
/// shaped like an action (no nested precheck, no idempotency header).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrecheckBinding {
    /// `METHOD /path` exactly as in the spec: a GET, or a POST search
    /// marked `retry_safe: true`.
    pub operation: String,
    /// Whether repeating the request is harmless; required (true) for a
    /// search sent as POST.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_safe: Option<bool>,
    /// Request variants; the first whose `when` arguments are all given is sent.
    pub requests: Vec<RequestBinding>,
    /// Where the record is (nothing there = not found, so write) and how it
    /// maps to the result fields.
    pub response: ResponseBinding,
}

/// `idempotency: {header: Idempotency-Key}`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IdempotencyBinding {
    /// The request header that carries the key.
    pub header: String,
}

/// How tool arguments fill one request. Strings may hold `{argument}`
/// placeholders: a string that is exactly one placeholder takes the
/// argument's value and type; placeholders inside text are formatted in.
/// `{{` and `}}` stand for literal braces.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequestBinding {
    /// Arguments that must be present for this variant to apply.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub when: Vec<String>,
    /// Path parameters by name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub path: BTreeMap<String, String>,
    /// Query parameters by name (in name order).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub query: BTreeMap<String, String>,
    /// Extra headers by name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
    /// JSON body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<Value>,
    /// Form body (`application/x-www-form-urlencoded`, bracket notation),
    /// written like `body`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub form: Option<Value>,
    /// GraphQL document and variables.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub graphql: Option<body::GraphQlBinding>,
}

/// Where the result fields are in the response.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResponseBinding {
    /// JSON pointer to the record (`/results/0`); empty for the whole body.
    /// When nothing is there the action answers "not found".
    #[serde(default)]
    pub record: String,
    /// Per template result field: a JSON pointer below the record, a
    /// constant (`{const: true}`), or null when this CRM does not have the
    /// field.
    pub fields: BTreeMap<String, Option<FieldBinding>>,
}

/// Where one result field comes from: `/pointer`, `{const: value}`,
/// `{pointer: /path, map: {raw: value}, default: value}`, or a transform.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum FieldBinding {
    /// A JSON pointer below the record.
    Pointer(String),
    /// The same value on every answer of this request (`created: {const:
    /// false}` on a precheck, `{const: true}` on the write).
    Const(ConstField),
    /// A JSON pointer below the record whose value is translated through a
    /// table (HubSpot's pipeline stage `"4"` to `closed`).
    Mapped(MappedField),
    /// A value computed from the record (`{money: …}`, `{unix_time: …}`,
    /// `{join: …}`, `{count: …}`, `{first_of: …}`, `{each: …}`).
    Transform(body::TransformBinding),
}

impl<'de> Deserialize<'de> for FieldBinding {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        use serde::de::Error as _;
        // Read as YAML so that a map key written `1:` (a YAML number) is
        // accepted and means the text `"1"`.
        let raw = serde_yaml::Value::deserialize(d)?;
        let yaml = match raw {
            serde_yaml::Value::Tagged(t) => t.value,
            other => other,
        };
        let json = |v: serde_yaml::Value| {
            serde_json::to_value(v).map_err(|e| D::Error::custom(e.to_string()))
        };
        match yaml {
            serde_yaml::Value::String(pointer) => Ok(FieldBinding::Pointer(pointer)),
            serde_yaml::Value::Mapping(map) if map.len() == 1 && map.contains_key("const") => {
                let value = map.get("const").cloned().map(json).transpose()?;
                Ok(FieldBinding::Const(ConstField {
                    value: value.unwrap_or(Value::Null),
                }))
            }
            serde_yaml::Value::Mapping(map) if map.contains_key("pointer") => {
                let mut fields = serde_yaml::Mapping::new();
                for (key, value) in map {
                    let value = match (key.as_str(), value) {
                        (Some("map"), serde_yaml::Value::Mapping(table)) => {
                            let mut keyed = serde_yaml::Mapping::new();
                            for (raw, to) in table {
                                keyed.insert(serde_yaml::Value::String(key_text(&raw)?), to);
                            }
                            serde_yaml::Value::Mapping(keyed)
                        }
                        (_, value) => value,
                    };
                    fields.insert(key, value);
                }
                let mapped: MappedField = serde_yaml::from_value(serde_yaml::Value::Mapping(fields))
                    .map_err(|e| D::Error::custom(e.to_string()))?;
                Ok(FieldBinding::Mapped(mapped))
            }
            serde_yaml::Value::Mapping(map) if !map.contains_key("const") => Ok(
                FieldBinding::Transform(body::TransformBinding(json(serde_yaml::Value::Mapping(map))?)),
            ),
            other => Err(D::Error::custom(format!(
                "`{}` is not a result field source: give a JSON pointer (`/path`), `{{const: value}}`, `{{pointer: /path, map: {{…}}}}`, a transform (`{{money: …}}`, `{{unix_time: /path}}`, …), or null",
                json(other)?
            ))),
        }
    }
}

/// The text a map key stands for: a string as it is, a number or boolean
/// as printed (`1:` is the key `"1"`).
fn key_text<E: serde::de::Error>(key: &serde_yaml::Value) -> std::result::Result<String, E> {
    match key {
        serde_yaml::Value::String(s) => Ok(s.clone()),
        serde_yaml::Value::Number(n) => Ok(n.to_string()),
        serde_yaml::Value::Bool(b) => Ok(b.to_string()),
        other => Err(E::custom(format!(
            "a `map` key must be a string, number or boolean, not `{}`",
            serde_json::to_value(other).map_or_else(|_| "?".to_string(), |v| v.to_string())
        ))),
    }
}

/// `{const: value}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConstField {
    /// The value; its JSON type must be the result field's type.
    #[serde(rename = "const")]
    pub value: Value,
}

/// `{pointer: /properties/hs_pipeline_stage, map: {"1": new, …}, default: open}`:
/// the value at `pointer`, read as text, looked up in `map`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MappedField {
    /// A JSON pointer below the record, as for a plain pointer field.
    pub pointer: String,
    /// The CRM's value (as text: `"4"` matches both `"4"` and `4`) to the
    /// result field's value; every value's JSON type must be the field's.
    pub map: BTreeMap<String, Value>,
    /// The value when the CRM's value is not in `map`; without it such a
    /// value makes the field absent. A missing or empty value stays absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<Value>,
}

/// Ids of the CRMs in the sources (folders with a `bindings.yaml`), sorted.
pub fn crm_ids(sources: &Sources) -> Vec<String> {
    sources.folders_with("specs", "bindings.yaml")
}

/// Loads one CRM's bindings by id, with the origin (file name) it came from.
pub fn load(sources: &Sources, crm: &str) -> Result<(Bindings, String)> {
    let rel = format!("specs/{crm}/bindings.yaml");
    let Some(file) = sources.get(&rel) else {
        let ids = crm_ids(sources);
        let valid: Vec<&str> = ids.iter().map(String::as_str).collect();
        return Err(suggest::unknown("CRM", crm, &valid));
    };
    // The folder's name is the CRM id: it becomes an output folder and a
    // Rust module, so it must be one that maps to both one-to-one.
    if let Some(p) = names::crm_id_problem(crm) {
        return Err(Error::invalid(
            &file.origin,
            "folder name",
            format!("CRM id `{crm}` {p} (rename the folder, e.g. `zoho-crm`)"),
        ));
    }
    let bindings = parse(&file.text, &file.origin)?;
    Ok((bindings, file.origin.clone()))
}

/// Parses bindings and checks what needs no spec; every such problem is
/// in the error, one per line.
pub fn parse(text: &str, origin: &str) -> Result<Bindings> {
    if text.trim().is_empty() {
        return Err(Error::invalid(origin, "file", "the file is empty"));
    }
    let b: Bindings = serde_yaml::from_str(text).map_err(|e| Error::yaml(origin, &e))?;
    let mut report = Report::new(origin);
    let env_ok = |v: &str| {
        !v.is_empty()
            && v.chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
    };
    let mut envs = vec![("base_url_env", b.base_url_env.as_str())];
    match &b.auth {
        AuthBinding::Bearer { env }
        | AuthBinding::Header { env, .. }
        | AuthBinding::Query { env, .. } => envs.push(("auth.env", env)),
        AuthBinding::Basic {
            user_env,
            password_env,
        } => {
            envs.push(("auth.user_env", user_env));
            envs.push(("auth.password_env", password_env));
        }
        AuthBinding::None => {}
    }
    for (place, v) in envs {
        if !env_ok(v) {
            report.error(
                place,
                format!("`{v}` is not an environment variable name (use A-Z, 0-9, _)"),
            );
        }
    }
    if !(b.base_url.starts_with("https://") || b.base_url.starts_with("http://")) {
        report.error(
            "base_url",
            format!("`{}` is not an http(s) URL", b.base_url),
        );
    }
    for (id, action) in &b.actions {
        if let Some(p) = names::id_problem(id) {
            report.error(format!("actions.{id}"), format!("template id {p}"));
        }
        if action.requests.is_empty() {
            report.error(format!("actions.{id}.requests"), "lists no request");
        }
        if action
            .precheck
            .as_ref()
            .is_some_and(|p| p.requests.is_empty())
        {
            report.error(
                format!("actions.{id}.precheck.requests"),
                "lists no request",
            );
        }
    }
    report.finish(Some(b))
}
