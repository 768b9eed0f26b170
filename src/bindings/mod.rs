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
    /// Per-account settings by name (`subdomain`), used as
    /// `{setting.subdomain}` in the base URL, fixed headers, auth templates
    /// and requests.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub settings: BTreeMap<String, SettingBinding>,
    /// How requests authenticate.
    pub auth: AuthBinding,
    /// Headers sent on every request (`Intercom-Version: "2.11"`,
    /// `ST-App-Key: "{setting.app_key}"`); values may use settings.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
    /// Per template id: the operation and the mappings.
    pub actions: BTreeMap<String, ActionBinding>,
    /// Templates this CRM cannot serve, by id, each with a one-line reason
    /// (a licence or add-on the template would need is said in the
    /// reason: "needs the … add-on"). A template neither bound nor listed
    /// here is not bound yet.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub unsupported: BTreeMap<String, String>,
}

impl Bindings {
    /// The declared settings' names, sorted.
    pub fn setting_names(&self) -> Vec<&str> {
        self.settings.keys().map(String::as_str).collect()
    }

    /// Whether the CRM's connectors need the runtime's `Vendor` (settings,
    /// fixed headers, or an auth kind `AuthSpec` cannot say) rather than
    /// its simple `CrmEnv`.
    pub fn needs_vendor(&self) -> bool {
        !self.settings.is_empty() || !self.headers.is_empty() || !self.auth.is_simple()
    }
}

/// One per-account setting: `subdomain: {env: ZENDESK_SUBDOMAIN, kind: host}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SettingBinding {
    /// The environment variable holding the value.
    pub env: String,
    /// What the value must look like; `text` by default.
    #[serde(default)]
    pub kind: SettingKindBinding,
}

/// What a setting holds (the runtime's `SettingKind`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SettingKindBinding {
    /// Any text without control characters.
    #[default]
    Text,
    /// A host name or one label of it, safe in a base URL.
    Host,
    /// A UTC offset such as `+02:00`.
    UtcOffset,
    /// A numeric id, digits only.
    Digits,
    /// Digits only, like `digits`, but a whole JSON body value is sent as
    /// a JSON number (Square's integer `service_variation_version`).
    Number,
}

impl SettingKindBinding {
    /// The name in bindings files.
    pub fn as_str(self) -> &'static str {
        match self {
            SettingKindBinding::Text => "text",
            SettingKindBinding::Host => "host",
            SettingKindBinding::UtcOffset => "utc_offset",
            SettingKindBinding::Digits => "digits",
            SettingKindBinding::Number => "number",
        }
    }
}

/// Auth scheme and the environment variables that hold the secret.
/// Templates (`value`, `user`, `password`, `token_url`, `scope`) may use
/// `{secret}` (the kind's secret variable, where it has one) and
/// `{setting.name}`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, tag = "scheme", rename_all = "snake_case")]
pub enum AuthBinding {
    /// `Authorization: Bearer $env`.
    Bearer {
        /// Variable holding the token.
        env: String,
    },
    /// `<header>: $env`, or the `value` template (`Zoho-oauthtoken {secret}`).
    Header {
        /// Header name.
        header: String,
        /// Variable holding the key.
        env: String,
        /// The header's value around the secret; `{secret}` when absent.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        value: Option<String>,
    },
    /// `?<param>=$env`.
    Query {
        /// Query parameter name.
        param: String,
        /// Variable holding the key.
        env: String,
    },
    /// HTTP basic auth: a user and a password variable (`user_env`,
    /// `password_env`), or the vendor's form with one secret variable
    /// (`env`) and `user`/`password` templates (Zendesk `user:
    /// "{setting.email}/token"`, `password: "{secret}"`).
    Basic {
        /// Variable holding the user name.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        user_env: Option<String>,
        /// Variable holding the password.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        password_env: Option<String>,
        /// Variable holding the secret of the vendor's form.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        env: Option<String>,
        /// User template of the vendor's form.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        user: Option<String>,
        /// Password template of the vendor's form.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        password: Option<String>,
    },
    /// OAuth 2.0 client credentials: a token from `token_url`, cached by
    /// the client, sent as a bearer token.
    ClientCredentials {
        /// The token endpoint (may use settings).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        token_url: Option<String>,
        /// Variable that overrides the token endpoint (sandboxes, tests).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        token_url_env: Option<String>,
        /// Variable holding the client id.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        client_id_env: Option<String>,
        /// Variable holding the client secret.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        client_secret_env: Option<String>,
        /// The scope to ask for, if the vendor wants one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        scope: Option<String>,
        /// Where the id and secret go: the form `body` (default) or `basic` auth.
        #[serde(default)]
        credentials_in: CredentialsInBinding,
    },
    /// OAuth 2.0 refresh-token grant: access tokens traded for a refresh
    /// token at `token_url`, cached by the client, sent as
    /// `Authorization: <prefix> <token>`; or, when none of the refresh
    /// variables is set, the static token in `access_token_env`.
    RefreshToken {
        /// The token endpoint (may use settings).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        token_url: Option<String>,
        /// Variable that overrides the token endpoint (sandboxes, data centres).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        token_url_env: Option<String>,
        /// Variable holding the client id.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        client_id_env: Option<String>,
        /// Variable holding the client secret.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        client_secret_env: Option<String>,
        /// Variable holding the refresh token.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        refresh_token_env: Option<String>,
        /// Variable holding a static access token, the quick start.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        access_token_env: Option<String>,
        /// The word before the token in `Authorization`; `Bearer` when absent.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        prefix: Option<String>,
        /// Where the id and secret go: the form `body` (default) or `basic` auth.
        #[serde(default)]
        credentials_in: CredentialsInBinding,
    },
    /// No auth.
    None,
}

/// Where client credentials go when asking for a token.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CredentialsInBinding {
    /// `client_id` and `client_secret` in the form body.
    #[default]
    Body,
    /// HTTP basic auth with the id and secret.
    Basic,
}

impl AuthBinding {
    /// The scheme's name in bindings files.
    pub fn scheme(&self) -> &'static str {
        match self {
            AuthBinding::Bearer { .. } => "bearer",
            AuthBinding::Header { .. } => "header",
            AuthBinding::Query { .. } => "query",
            AuthBinding::Basic { .. } => "basic",
            AuthBinding::ClientCredentials { .. } => "client_credentials",
            AuthBinding::RefreshToken { .. } => "refresh_token",
            AuthBinding::None => "none",
        }
    }

    /// Every environment variable the auth reads, with its key in the
    /// `auth` section, in a fixed order (the overrides last).
    pub fn variables(&self) -> Vec<(&'static str, &str)> {
        let mut out = Vec::new();
        match self {
            AuthBinding::Bearer { env }
            | AuthBinding::Header { env, .. }
            | AuthBinding::Query { env, .. } => out.push(("env", env.as_str())),
            AuthBinding::Basic {
                user_env,
                password_env,
                env,
                ..
            } => {
                for (key, v) in [
                    ("user_env", user_env),
                    ("password_env", password_env),
                    ("env", env),
                ] {
                    if let Some(v) = v {
                        out.push((key, v.as_str()));
                    }
                }
            }
            AuthBinding::ClientCredentials {
                client_id_env,
                client_secret_env,
                token_url_env,
                ..
            } => {
                for (key, v) in [
                    ("client_id_env", client_id_env),
                    ("client_secret_env", client_secret_env),
                    ("token_url_env", token_url_env),
                ] {
                    if let Some(v) = v {
                        out.push((key, v.as_str()));
                    }
                }
            }
            AuthBinding::RefreshToken {
                client_id_env,
                client_secret_env,
                refresh_token_env,
                access_token_env,
                token_url_env,
                ..
            } => {
                for (key, v) in [
                    ("client_id_env", client_id_env),
                    ("client_secret_env", client_secret_env),
                    ("refresh_token_env", refresh_token_env),
                    ("access_token_env", access_token_env),
                    ("token_url_env", token_url_env),
                ] {
                    if let Some(v) = v {
                        out.push((key, v.as_str()));
                    }
                }
            }
            AuthBinding::None => {}
        }
        out
    }

    /// The templates of the auth, with their keys: where `{secret}` and
    /// settings may appear.
    pub fn templates(&self) -> Vec<(&'static str, &str)> {
        let mut out = Vec::new();
        match self {
            AuthBinding::Header { value: Some(v), .. } => out.push(("value", v.as_str())),
            AuthBinding::Basic { user, password, .. } => {
                for (key, v) in [("user", user), ("password", password)] {
                    if let Some(v) = v {
                        out.push((key, v.as_str()));
                    }
                }
            }
            AuthBinding::ClientCredentials {
                token_url, scope, ..
            } => {
                for (key, v) in [("token_url", token_url), ("scope", scope)] {
                    if let Some(v) = v {
                        out.push((key, v.as_str()));
                    }
                }
            }
            AuthBinding::RefreshToken {
                token_url: Some(v), ..
            } => out.push(("token_url", v.as_str())),
            _ => {}
        }
        out
    }

    /// Whether `{secret}` may appear in this kind's templates.
    fn has_secret(&self) -> bool {
        matches!(
            self,
            AuthBinding::Header { .. } | AuthBinding::Basic { env: Some(_), .. }
        )
    }

    /// Whether the runtime's simple `AuthSpec` can say it (no template,
    /// no token endpoint).
    pub fn is_simple(&self) -> bool {
        match self {
            AuthBinding::Bearer { .. } | AuthBinding::Query { .. } | AuthBinding::None => true,
            AuthBinding::Header { value, .. } => value.is_none(),
            AuthBinding::Basic { env, .. } => env.is_none(),
            AuthBinding::ClientCredentials { .. } | AuthBinding::RefreshToken { .. } => false,
        }
    }
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
    /// Calls made before the action's own, in order, each named: a later
    /// request uses `{step.<name>:<pointer>}`, a value of an earlier step's
    /// record. The action's `operation` is then the last step, and its
    /// `response` reads that step's record.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub steps: Vec<StepBinding>,
    /// A licence, plan or add-on the account needs for this binding to work
    /// ("Salesforce Field Service licence"), in one line; shown by
    /// `gen crms` and `gen show`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requires: Option<String>,
}

/// One step before an action's own call (`steps:`): a read whose record
/// later requests take values from.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StepBinding {
    /// The step's name in `{step.<name>:<pointer>}`: lower case, digits, `_`.
    pub name: String,
    /// `METHOD /path` exactly as in the spec: a GET, or a POST search
    /// marked `retry_safe: true`.
    pub operation: String,
    /// Whether repeating the request is harmless; required (true) for a
    /// search sent as POST.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_safe: Option<bool>,
    /// Request variants; the first whose `when` arguments are all given is sent.
    pub requests: Vec<RequestBinding>,
    /// JSON pointer to the step's record; nothing there = not found, and
    /// no later request is sent.
    #[serde(default)]
    pub record: String,
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
    /// The record counts as found only when its time at `pointer` is the
    /// same instant as the argument `arg` (a look-up by "starts at or
    /// after", Cal.com's `afterStart`, whose first record may start later).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub same_time: Option<SameTimeBinding>,
    /// The record counts as found only when its value at `pointer` is one
    /// of `values` (a look-up that reads the record whatever its state:
    /// a cancel's precheck finds the booking, which is "done" only once
    /// its status says cancelled).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub found_when: Option<FoundWhenBinding>,
}

/// `found_when: {pointer: /status, values: [cancelled]}`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FoundWhenBinding {
    /// A JSON pointer below the precheck's record.
    pub pointer: String,
    /// The values (compared as text, exactly) that make the record found.
    pub values: Vec<String>,
}

/// `same_time: {pointer: /start, arg: start}`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SameTimeBinding {
    /// A JSON pointer below the precheck's record to a time.
    pub pointer: String,
    /// A required `format: date-time` argument.
    pub arg: String,
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
    /// Account verification (`account-verify`): the caller's second factor
    /// is compared with the record's inside the connector, which answers
    /// the template's boolean `verified` and fills `fields` only when it
    /// is true.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verify: Option<VerifyBinding>,
}

/// `verify:` in a response: which arguments carry the caller's second
/// factor, and where the record keeps each factor.
///
/// ```yaml
/// verify:
///   factor: factor              # the argument naming the factor (an enum)
///   value: factor_value         # the argument holding the caller's value
///   several: /results/1         # a second record here: several matched
///   stored:                     # per value of the factor's enum
///     postal_code: /properties/zip
///     date_of_birth: null       # the CRM keeps none
///     phone_last_four: [/properties/phone, /properties/mobilephone]
/// ```
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VerifyBinding {
    /// The required enum argument that names the factor.
    pub factor: String,
    /// The required text argument that holds the caller's value; it is
    /// never sent to the CRM.
    pub value: String,
    /// A JSON pointer in the answer (beside `record`) where a second record
    /// would be: something there means several records matched, which
    /// verifies nothing. Required when `record` picks the first of a list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub several: Option<String>,
    /// Per value of the factor argument's enum, every one listed: a
    /// pointer below the record, a list of them (any one matching
    /// verifies), or null when the CRM does not keep that factor.
    pub stored: BTreeMap<String, Option<StoredBinding>>,
}

/// Where a record keeps one factor: one pointer or several.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum StoredBinding {
    /// One JSON pointer below the record.
    One(String),
    /// Several pointers below the record; any one matching verifies.
    Any(Vec<String>),
}

impl StoredBinding {
    /// The pointers, in order.
    pub fn pointers(&self) -> Vec<&str> {
        match self {
            StoredBinding::One(p) => vec![p.as_str()],
            StoredBinding::Any(ps) => ps.iter().map(String::as_str).collect(),
        }
    }
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
    let mut envs = vec![("base_url_env".to_string(), b.base_url_env.as_str())];
    for (name, setting) in &b.settings {
        if !is_setting_name(name) {
            report.error(
                format!("settings.{name}"),
                "a setting name is lower case letters, digits and `_`, starting with a letter, and not `secret`",
            );
        }
        envs.push((format!("settings.{name}.env"), setting.env.as_str()));
    }
    for (key, v) in b.auth.variables() {
        envs.push((format!("auth.{key}"), v));
    }
    for (place, v) in envs {
        if !env_ok(v) {
            report.error(
                place,
                format!("`{v}` is not an environment variable name (use A-Z, 0-9, _)"),
            );
        }
    }
    auth_fields(&mut report, &b.auth);
    if matches!(b.auth, AuthBinding::Basic { env: None, .. }) && b.needs_vendor() {
        report.error(
            "auth",
            "with `settings` or `headers`, basic auth is `env` with `user` and `password` templates (a user name that is not secret may be a setting: `user: \"{setting.user}\"`)",
        );
    }
    if !(b.base_url.starts_with("https://") || b.base_url.starts_with("http://")) {
        report.error(
            "base_url",
            format!("`{}` is not an http(s) URL", b.base_url),
        );
    }
    let mut templates = vec![("base_url".to_string(), b.base_url.as_str(), false)];
    for (name, value) in &b.headers {
        if !is_header_name(name) || name.eq_ignore_ascii_case("authorization") {
            report.error(
                format!("headers.{name}"),
                "is not a header the bindings may fix (an HTTP header name, not `Authorization`: that is the `auth` section's)",
            );
        }
        templates.push((format!("headers.{name}"), value.as_str(), false));
    }
    let secret = b.auth.has_secret();
    for (key, value) in b.auth.templates() {
        templates.push((format!("auth.{key}"), value, secret));
    }
    let names = b.setting_names();
    for (place, text, secret) in templates {
        if let Err(m) = vendor_template(text, &names, secret) {
            report.error(place, m);
        }
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
        if action.precheck.is_some() && !action.steps.is_empty() {
            report.error(
                format!("actions.{id}.steps"),
                "a write guarded by a `precheck` cannot also have steps; use one or the other",
            );
        }
        if let Some(m) = action
            .requires
            .as_deref()
            .and_then(|r| one_line_problem(r, "requirement"))
        {
            report.error(format!("actions.{id}.requires"), m);
        }
        let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
        for (i, step) in action.steps.iter().enumerate() {
            let at = format!("actions.{id}.steps[{i}]");
            if !is_setting_name(&step.name) {
                report.error(
                    format!("{at}.name"),
                    format!(
                        "`{}` is not a step name (lower case letters, digits and `_`, starting with a letter)",
                        step.name
                    ),
                );
            }
            if let Some(first) = seen.insert(&step.name, i) {
                report.error(
                    format!("{at}.name"),
                    format!(
                        "step `{}` is already the name of `steps[{first}]`; each step needs its own",
                        step.name
                    ),
                );
            }
            if step.requests.is_empty() {
                report.error(format!("{at}.requests"), "lists no request");
            }
        }
    }
    for (id, reason) in &b.unsupported {
        let at = format!("unsupported.{id}");
        if let Some(p) = names::id_problem(id) {
            report.error(at.clone(), format!("template id {p}"));
        }
        if b.actions.contains_key(id) {
            report.error(
                at.clone(),
                format!("`{id}` is bound under `actions` too; a template is bound or unsupported, not both"),
            );
        }
        if let Some(m) = one_line_problem(reason, "reason") {
            report.error(at, m);
        }
    }
    report.finish(Some(b))
}

/// What is wrong with an `unsupported:` reason or a `requires:` note: it
/// must be one line of text without control characters.
fn one_line_problem(text: &str, what: &str) -> Option<String> {
    let text = text.trim();
    if text.is_empty() {
        Some(format!("the {what} is empty; say it in one line"))
    } else if text.contains(['\n', '\r']) {
        Some(format!(
            "the {what} spans several lines; give it on one line (a folded `>-` scalar joins lines)"
        ))
    } else if text.chars().any(char::is_control) {
        Some(format!(
            "the {what} holds a control character; give plain text on one line"
        ))
    } else {
        None
    }
}

/// A setting or step name: `[a-z][a-z0-9_]*`, and not `secret` (the auth
/// templates' own placeholder).
fn is_setting_name(name: &str) -> bool {
    name != "secret"
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// An HTTP header name: one or more token characters (RFC 9110).
fn is_header_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c))
}

/// Every field an auth kind needs is there, and no field of another form.
fn auth_fields(report: &mut Report, auth: &AuthBinding) {
    let mut need = |present: bool, key: &str, what: &str| {
        if !present {
            report.error(
                format!("auth.{key}"),
                format!("scheme `{}` needs `{key}` ({what})", auth.scheme()),
            );
        }
    };
    match auth {
        AuthBinding::Basic {
            user_env,
            password_env,
            env: Some(_),
            user,
            password,
        } => {
            need(
                user.is_some(),
                "user",
                "the user template beside `env`, e.g. `{setting.email}/token` or `{secret}`",
            );
            need(
                password.is_some(),
                "password",
                "the password template beside `env`, e.g. `{secret}` or `X`",
            );
            if user_env.is_some() || password_env.is_some() {
                report.error(
                    "auth",
                    "scheme `basic` takes `user_env` and `password_env`, or `env` with `user` and `password`; not both",
                );
            }
        }
        AuthBinding::Basic {
            user_env,
            password_env,
            env: None,
            user,
            password,
        } => {
            if user.is_some() || password.is_some() {
                need(false, "env", "the variable holding the secret that `{secret}` stands for in `user`/`password`");
            } else {
                need(
                    user_env.is_some(),
                    "user_env",
                    "the variable holding the user name; or give `env`, `user` and `password`",
                );
                need(
                    password_env.is_some(),
                    "password_env",
                    "the variable holding the password",
                );
            }
        }
        AuthBinding::ClientCredentials {
            token_url,
            token_url_env,
            client_id_env,
            client_secret_env,
            ..
        } => {
            need(token_url.is_some(), "token_url", "the token endpoint");
            need(
                token_url_env.is_some(),
                "token_url_env",
                "the variable that overrides the token endpoint",
            );
            need(
                client_id_env.is_some(),
                "client_id_env",
                "the variable holding the client id",
            );
            need(
                client_secret_env.is_some(),
                "client_secret_env",
                "the variable holding the client secret",
            );
        }
        AuthBinding::RefreshToken {
            token_url,
            token_url_env,
            client_id_env,
            client_secret_env,
            refresh_token_env,
            prefix,
            ..
        } => {
            need(token_url.is_some(), "token_url", "the token endpoint");
            need(
                token_url_env.is_some(),
                "token_url_env",
                "the variable that overrides the token endpoint",
            );
            need(
                client_id_env.is_some(),
                "client_id_env",
                "the variable holding the client id",
            );
            need(
                client_secret_env.is_some(),
                "client_secret_env",
                "the variable holding the client secret",
            );
            need(
                refresh_token_env.is_some(),
                "refresh_token_env",
                "the variable holding the refresh token",
            );
            if let Some(p) = prefix {
                if !is_header_name(p) {
                    report.error(
                        "auth.prefix",
                        format!("`{p}`: the prefix is one word of token characters (`Bearer`, `Zoho-oauthtoken`)"),
                    );
                }
            }
        }
        _ => {}
    }
}

/// A binding template the runtime fills when the connector is configured
/// (the base URL, a fixed header, an auth template) in the runtime's form:
/// `{setting.name}` becomes `{name}`, and `{secret}` stays where the auth
/// kind has a secret. Anything else (an argument, a step value, a setting
/// not in `settings`, a literal brace) is the error.
pub fn vendor_template(
    text: &str,
    settings: &[&str],
    secret: bool,
) -> std::result::Result<String, String> {
    let mut out = String::new();
    for piece in placeholder::parse(text)? {
        match piece {
            placeholder::Piece::Text(t) if t.contains(['{', '}']) => {
                return Err(format!(
                    "`{text}`: a literal brace cannot be sent here (it is filled when the connector starts)"
                ))
            }
            placeholder::Piece::Text(t) => out.push_str(&t),
            placeholder::Piece::Setting(name) if settings.contains(&name.as_str()) => {
                out.push('{');
                out.push_str(&name);
                out.push('}');
            }
            placeholder::Piece::Setting(name) => return Err(unknown_setting(&name, settings)),
            placeholder::Piece::Arg(name) if secret && name == "secret" => out.push_str("{secret}"),
            _ => {
                return Err(format!(
                    "`{text}`: only {}`{{setting.<name>}}` may be used here, filled when the connector starts",
                    if secret { "`{secret}` and " } else { "" }
                ))
            }
        }
    }
    Ok(out)
}

/// The message for `{setting.name}` when no such setting is declared.
pub fn unknown_setting(name: &str, names: &[&str]) -> String {
    format!(
        "`{{setting.{name}}}` is not a setting of this CRM; declared settings: {}",
        if names.is_empty() {
            "(none; add `settings:`)".to_string()
        } else {
            names.join(", ")
        }
    )
}
