//! The typed call model: what a checked binding says, resolved.
//!
//! Checking a binding ([`bind`]) produces this model; nothing downstream
//! reads the bindings' text again. A [`BoundAction`] is a template, the
//! CRM it is bound to, and a [`Flow`] of [`Call`]s, each with the
//! [`Projection`]s that turn its record into the template's result. A
//! precheck is just another `Call`, and so is each of [`Flow::Steps`].
//! Features are new cases of these enums (steps in [`Flow`], a setting or
//! an earlier step's value in [`Source`], a form or GraphQL [`Body`], more
//! [`crate::bindings::AuthBinding`] kinds), not parallel copies.

pub mod check;
mod graphql;
mod json;
mod path;
mod projection;
mod transform;
mod value;

pub use check::bind;
pub use graphql::{GraphQl, GraphQlKind, SearchQuoting};
pub use json::{Body, JsonTemplate};
pub use path::{BoundPath, Component, PathPart, PathTemplate};
pub use projection::{FieldSource, Pointer, Projection, Scalar};
pub use transform::{AnswerOffset, Currency, MoneyUnits, Take, TimeForm, Transform};
pub use value::{ArgForm, ArgRef, Presence, QueryLanguage, Source, TextPiece, TextTemplate};

use crate::bindings::{AuthBinding, SettingKindBinding};
use crate::catalog::Template;

/// A template bound to one CRM: every reference checked, every string
/// parsed.
#[derive(Debug, Clone)]
pub struct BoundAction {
    /// The CRM.
    pub crm: Crm,
    /// The use case.
    pub template: Template,
    /// The file the bindings came from.
    pub bindings_origin: String,
    /// The file the spec came from.
    pub spec_origin: String,
    /// The calls the connector makes and how their answers become the result.
    pub flow: Flow,
}

impl BoundAction {
    /// The call that does the template's work (for a guarded write, the
    /// write; the look-up only guards it; for steps, the last).
    pub fn primary(&self) -> &Call {
        match &self.flow {
            Flow::One(e) | Flow::Steps { last: e, .. } | Flow::Verify { lookup: e, .. } => &e.call,
            Flow::WriteUnlessFound { write, .. } => &write.call,
        }
    }

    /// Every call, in the order the connector may make them.
    pub fn calls(&self) -> Vec<&Call> {
        match &self.flow {
            Flow::One(e) | Flow::Verify { lookup: e, .. } => vec![&e.call],
            Flow::WriteUnlessFound { lookup, write, .. } => vec![&lookup.call, &write.call],
            Flow::Steps { steps, last } => steps
                .iter()
                .map(|s| &s.call)
                .chain(std::iter::once(&last.call))
                .collect(),
        }
    }
}

/// A precheck's `same_time`: the record's time and the argument it must
/// equal (as instants).
#[derive(Debug, Clone, PartialEq)]
pub struct SameTime {
    /// Below the precheck's record.
    pub pointer: Pointer,
    /// The argument (a required time); its `form` names the business
    /// offset for a time given without one.
    pub arg: ArgRef,
}

/// A precheck's `found_when`: the record is found only when its value at
/// `pointer` (read as text) is one of `values`.
#[derive(Debug, Clone, PartialEq)]
pub struct FoundWhen {
    /// Below the precheck's record.
    pub pointer: Pointer,
    /// The accepted values, in the binding's order.
    pub values: Vec<String>,
}

/// What the connector knows about the CRM beyond one call.
#[derive(Debug, Clone)]
pub struct Crm {
    /// Id (`hubspot`).
    pub id: String,
    /// Display name (`HubSpot`).
    pub name: String,
    /// Production base URL.
    pub base_url: String,
    /// Variable that overrides the base URL.
    pub base_url_env: String,
    /// The vendor's API reference.
    pub docs: Option<String>,
    /// How requests authenticate.
    pub auth: AuthBinding,
    /// The per-account settings, in name order.
    pub settings: Vec<Setting>,
    /// Headers sent on every request, values in the runtime's template
    /// form (`{app_key}`), in name order.
    pub headers: Vec<(String, String)>,
}

impl Crm {
    /// Whether the connector needs the runtime's `Vendor` (settings, fixed
    /// headers, or an auth kind `AuthSpec` cannot say) rather than its
    /// simple `CrmEnv`.
    pub fn needs_vendor(&self) -> bool {
        !self.settings.is_empty() || !self.headers.is_empty() || !self.auth.is_simple()
    }
}

/// One per-account setting a CRM declares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setting {
    /// Its name in `{setting.name}`.
    pub name: String,
    /// The environment variable holding it.
    pub env: String,
    /// What its value must look like.
    pub kind: SettingKindBinding,
}

/// The calls of one action, in the order the connector makes them.
#[derive(Debug, Clone)]
pub enum Flow {
    /// One call; its record is the answer, absent = not found.
    One(Exchange),
    /// A write guarded by a natural key: `lookup` first; only when it finds
    /// nothing, `write` (see the runtime's `Client::write_unless_found`).
    WriteUnlessFound {
        /// The look-up (a read); its record, when found, is the answer.
        lookup: Box<Exchange>,
        /// When set, the look-up's record is found only when its time at
        /// this pointer is the same instant as this argument.
        same_time: Option<SameTime>,
        /// When set, the look-up's record is found only when its value at
        /// this pointer is one of these.
        found_when: Option<FoundWhen>,
        /// The write.
        write: Exchange,
    },
    /// Named calls made one after the other under one deadline, each able
    /// to use values of the records before it; nothing at a step's record
    /// is `not_found` and no later request is sent. `last`'s record is the
    /// answer.
    Steps {
        /// The calls before the last, in order.
        steps: Vec<Step>,
        /// The last call and the projection of its record.
        last: Exchange,
    },
    /// An account verification: one read; its record's second factor is
    /// compared with the caller's inside the connector, and the record
    /// fills the result only when they match (`verified: true`); no
    /// record, several, no stored factor and a mismatch all answer
    /// `verified: false` and nothing else, as does a 404.
    Verify {
        /// The look-up and the projection of a verified record.
        lookup: Exchange,
        /// What is compared.
        verify: Verify,
    },
}

/// What an account verification compares (see the runtime's `verify`
/// module): the arguments, where a second record would be, and per
/// factor of the template where the record keeps it.
#[derive(Debug, Clone, PartialEq)]
pub struct Verify {
    /// The required enum argument naming the factor.
    pub factor: String,
    /// The required text argument holding the caller's value.
    pub value: String,
    /// In the answer: something here means several records matched.
    pub several: Option<Pointer>,
    /// Every value of the factor argument's enum, in its order.
    pub stored: Vec<StoredFactor>,
}

impl Verify {
    /// The factors this CRM keeps (at least one pointer), in enum order.
    pub fn kept(&self) -> impl Iterator<Item = &StoredFactor> {
        self.stored.iter().filter(|s| !s.pointers.is_empty())
    }
}

/// One factor of an account verification.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredFactor {
    /// Its name, a value of the factor argument's enum.
    pub factor: String,
    /// How both sides are normalised.
    pub form: FactorForm,
    /// Below the record; empty when the CRM does not keep the factor.
    pub pointers: Vec<Pointer>,
}

/// How a factor is normalised (the runtime's `verify::Form`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FactorForm {
    /// A postal code: case, spaces and dashes ignored; ZIP+4 matches ZIP.
    PostalCode,
    /// A calendar date, stored as a date, midnight UTC or epoch ms.
    Date,
    /// The last four digits of a phone number.
    LastFour,
}

impl FactorForm {
    /// The form of a factor by its name, as the template names it.
    pub fn of(factor: &str) -> Option<Self> {
        match factor {
            "postal_code" => Some(FactorForm::PostalCode),
            "date_of_birth" => Some(FactorForm::Date),
            "phone_last_four" => Some(FactorForm::LastFour),
            _ => None,
        }
    }

    /// The factor names with a known form, for messages.
    pub const NAMES: &'static str = "postal_code (a postal code), date_of_birth (a date), phone_last_four (a phone number's last four digits)";

    /// The runtime's variant name.
    pub fn variant(self) -> &'static str {
        match self {
            FactorForm::PostalCode => "PostalCode",
            FactorForm::Date => "Date",
            FactorForm::LastFour => "LastFour",
        }
    }
}

/// One named call of [`Flow::Steps`] before the last: its record is what
/// later requests read (`{step.<name>:<pointer>}`).
#[derive(Debug, Clone)]
pub struct Step {
    /// The step's name.
    pub name: String,
    /// The request; its `record` is the step's record.
    pub call: Call,
}

/// One call and how its record becomes the template's result fields.
#[derive(Debug, Clone)]
pub struct Exchange {
    /// The request.
    pub call: Call,
    /// One projection per result field of the template, in its order.
    pub result: Vec<Projection>,
}

/// An HTTP method a binding may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// GET
    Get,
    /// POST
    Post,
    /// PUT
    Put,
    /// PATCH
    Patch,
    /// DELETE
    Delete,
}

impl Method {
    /// Every method, in the order error messages list them.
    pub const ALL: [Method; 5] = [
        Method::Get,
        Method::Post,
        Method::Put,
        Method::Patch,
        Method::Delete,
    ];

    /// The upper-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
        }
    }

    /// The method named `name` (any case).
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|m| m.as_str().eq_ignore_ascii_case(name))
    }
}

impl std::fmt::Display for Method {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether the runtime may send a request a second time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Retry {
    /// Sent once.
    Never,
    /// Safe to repeat: a read (a GET, or a POST search marked so).
    Safe,
    /// A write made safe to repeat by a fresh key per call in this header,
    /// the same on the retry.
    IdempotencyKey {
        /// The header name (`Idempotency-Key`).
        header: String,
    },
}

impl Retry {
    /// Whether the runtime may repeat the request.
    pub fn is_safe(&self) -> bool {
        !matches!(self, Retry::Never)
    }
}

/// One request to one operation of the CRM's spec.
#[derive(Debug, Clone)]
pub struct Call {
    /// The method.
    pub method: Method,
    /// The spec's path.
    pub path: PathTemplate,
    /// The operation's id, when the spec gives one.
    pub operation_id: Option<String>,
    /// The operation's summary, when the spec gives one.
    pub operation_summary: Option<String>,
    /// The request variants; the first that applies is sent. Only the last
    /// may apply always (have no `when`).
    pub variants: Vec<Variant>,
    /// What the connector answers when no variant applies; `None` when the
    /// last variant always does.
    pub refusal: Option<Refusal>,
    /// Whether the request may be repeated.
    pub retry: Retry,
    /// Where the record is in the answer; nothing there = not found.
    pub record: Pointer,
}

impl Call {
    /// `METHOD /path`, as in the bindings.
    pub fn operation(&self) -> String {
        format!("{} {}", self.method, self.path)
    }

    /// The log detail when the answer has no record.
    pub fn not_found_detail(&self) -> String {
        format!(
            "{}: nothing at `{}` of the response",
            self.operation(),
            self.record
        )
    }

    /// Whether any variant sends a body.
    pub fn has_body(&self) -> bool {
        self.variants.iter().any(|v| v.body.is_some())
    }

    /// Whether any variant puts a value in the path.
    pub fn has_path_segments(&self) -> bool {
        self.variants.iter().any(|v| v.path.has_segments())
    }
}

/// The invalid-input error of a call none of whose variants applies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// What the assistant tells the caller.
    pub message: String,
    /// The masked detail for logs.
    pub detail: String,
}

/// One way to make the request, used when its `when` arguments are given.
#[derive(Debug, Clone, PartialEq)]
pub struct Variant {
    /// The arguments that must be given (bound by the variant's condition).
    pub when: Vec<ArgRef>,
    /// The path, every parameter bound.
    pub path: BoundPath,
    /// Query pairs, in name order.
    pub query: Vec<(String, TextTemplate)>,
    /// Extra headers, in name order.
    pub headers: Vec<(String, TextTemplate)>,
    /// The body, if any.
    pub body: Option<Body>,
}

impl Variant {
    /// Every value the request uses (path, query, headers, body), in order.
    pub fn sources(&self) -> impl Iterator<Item = &Source> {
        let mut out: Vec<&Source> = Vec::new();
        for part in &self.path.parts {
            if let PathPart::Segment(t) = part {
                out.extend(t.values());
            }
        }
        for (_, t) in self.query.iter().chain(&self.headers) {
            out.extend(t.values());
        }
        match &self.body {
            Some(Body::Json(b) | Body::Form(b)) => b.sources(&mut out),
            Some(Body::GraphQl(g)) => g.variables.iter().for_each(|(_, v)| v.sources(&mut out)),
            None => {}
        }
        out.into_iter()
    }

    /// The names of the request's fields that carry the caller's values,
    /// in the vendor's words, first appearance first: path parameters of
    /// `path` (the spec's template this variant binds), query and header
    /// names, and the member names of the body (JSON or form) whose value
    /// holds one, or a GraphQL body's variables and their members. The
    /// runtime tells a 4xx about one of these (the caller's, `invalid_input`)
    /// from one about a field the connector set itself (`refused`).
    pub fn caller_fields(&self, path: &PathTemplate) -> Vec<String> {
        let mut names = Vec::new();
        for (component, part) in path.components.iter().zip(&self.path.parts) {
            if let (Component::Param(name), PathPart::Segment(t)) = (component, part) {
                if t.has_callers() {
                    names.push(name.clone());
                }
            }
        }
        for (name, value) in self.query.iter().chain(&self.headers) {
            if value.has_callers() {
                names.push(name.clone());
            }
        }
        match &self.body {
            Some(Body::Json(body) | Body::Form(body)) => body.caller_members(&mut names),
            // The variables as one object: `$email` holding `{email}` is
            // `email`, and an input object's members name themselves.
            Some(Body::GraphQl(g)) => {
                JsonTemplate::Object(g.variables.clone()).caller_members(&mut names)
            }
            None => {}
        }
        let mut seen = std::collections::BTreeSet::new();
        names.retain(|n| seen.insert(n.clone()));
        names
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::ValueType;

    fn arg(name: &str) -> TextTemplate {
        TextTemplate {
            pieces: vec![TextPiece::Value(Source::Arg(ArgRef {
                name: name.into(),
                ty: ValueType::String,
                presence: Presence::Required,
                escape: None,
                form: ArgForm::AsGiven,
            }))],
        }
    }

    #[test]
    fn caller_fields_name_where_the_callers_values_go() {
        let path = PathTemplate::parse("/accounts/{accountId}/users/{userId}").unwrap();
        let mut values = std::collections::BTreeMap::new();
        values.insert("accountId".to_string(), TextTemplate::literal("main"));
        values.insert("userId".to_string(), arg("user_id"));
        let body = JsonTemplate::Object(vec![
            (
                "filters".into(),
                JsonTemplate::Array(vec![JsonTemplate::Object(vec![
                    (
                        "propertyName".into(),
                        JsonTemplate::Text(TextTemplate::literal("email")),
                    ),
                    (
                        "value".into(),
                        JsonTemplate::Value(Source::Arg(ArgRef {
                            name: "email".into(),
                            ty: ValueType::String,
                            presence: Presence::Given,
                            escape: None,
                            form: ArgForm::AsGiven,
                        })),
                    ),
                ])]),
            ),
            ("limit".into(), JsonTemplate::Number(1.into())),
            (
                "tags".into(),
                JsonTemplate::Array(vec![JsonTemplate::Text(arg("tag"))]),
            ),
        ]);
        let variant = Variant {
            when: Vec::new(),
            path: path.bind(&values).unwrap(),
            query: vec![
                ("q".into(), arg("name")),
                ("sort".into(), TextTemplate::literal("-updated")),
            ],
            headers: vec![
                ("X-Caller".into(), arg("name")),
                (
                    "X-Account".into(),
                    TextTemplate {
                        pieces: vec![TextPiece::Value(Source::Setting("subdomain".into()))],
                    },
                ),
                (
                    "X-User".into(),
                    TextTemplate {
                        pieces: vec![TextPiece::Value(Source::Step {
                            step: "user".into(),
                            pointer: "/id".into(),
                        })],
                    },
                ),
            ],
            body: Some(Body::Json(body)),
        };
        // Literal fields (`accountId`, `sort`, `propertyName`, `limit`) and
        // those of a setting or an earlier step (`X-Account`, `X-User`) are
        // the connector's own; `q` appears once.
        assert_eq!(
            variant.caller_fields(&path),
            ["userId", "q", "X-Caller", "value", "tags"]
        );
    }
}
