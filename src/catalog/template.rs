//! The use-case template format (`templates/<id>/template.yaml`).

use serde::{Deserialize, Serialize};
use serde_json::Value;

pub use crate::assess::Profile;

/// One use case: what the voice assistant can do mid-call, independent of
/// any CRM.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Template {
    /// Kebab-case id, equal to the folder name.
    pub id: String,
    /// Short title for people.
    pub title: String,
    /// One of the brief's six scenario families.
    pub category: Category,
    /// One paragraph: what it does and when to use it.
    pub summary: String,
    /// Whether the action only reads or also writes.
    pub access: Access,
    /// For writes: whether it may overwrite or remove what is there
    /// (cancel, reschedule, update) rather than only add (create, log).
    /// Becomes MCP's `destructiveHint`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub destructive: bool,
    /// What a matcher looks for in an unknown spec.
    pub intent: Intent,
    /// The voice-facing tool.
    pub tool: Tool,
    /// What the assistant says while the action runs.
    pub speech: Speech,
    /// The small set of fields the assistant may speak.
    pub result: Vec<ResultField>,
    /// Time and size limits.
    #[serde(default)]
    pub limits: Limits,
    /// The brief's evaluation profile: what `gen assess --template` rates.
    pub profile: Profile,
    /// How a repeated call is kept from acting twice: required for write
    /// templates, refused for read templates.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idempotency: Option<Idempotency>,
}

/// How a write action is kept from acting twice when the platform or the
/// connector repeats a call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Idempotency {
    /// The mechanism.
    pub kind: IdempotencyKind,
    /// The arguments that form the natural key (or feed the idempotency
    /// key); empty for `none`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub key: Vec<String>,
    /// One sentence: what happens on a repeat.
    pub note: String,
}

/// The mechanisms that keep a write from happening twice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum IdempotencyKind {
    /// The CRM finds the existing record by these arguments (upsert,
    /// search before create) so a repeat changes nothing.
    NaturalKey,
    /// The connector sends a key derived from these arguments and the CRM
    /// drops repeats with the same key.
    IdempotencyKey,
    /// Nothing stops a repeat; the note says why that is acceptable.
    None,
}

impl IdempotencyKind {
    /// The kebab-case name used in files.
    pub fn as_str(self) -> &'static str {
        match self {
            IdempotencyKind::NaturalKey => "natural-key",
            IdempotencyKind::IdempotencyKey => "idempotency-key",
            IdempotencyKind::None => "none",
        }
    }
}

/// The brief's scenario families, in the brief's order.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, clap::ValueEnum,
)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    /// Customer service and support.
    CustomerService,
    /// Technical support.
    TechnicalSupport,
    /// Billing and accounting.
    Billing,
    /// Sales and lead management.
    Sales,
    /// E-commerce and retail.
    #[value(name = "e-commerce")]
    ECommerce,
    /// After-sales service.
    AfterSales,
}

impl Category {
    /// The kebab-case name used in files and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Category::CustomerService => "customer-service",
            Category::TechnicalSupport => "technical-support",
            Category::Billing => "billing",
            Category::Sales => "sales",
            Category::ECommerce => "e-commerce",
            Category::AfterSales => "after-sales",
        }
    }

    /// All six, in the brief's order.
    pub const ALL: [Category; 6] = [
        Category::CustomerService,
        Category::TechnicalSupport,
        Category::Billing,
        Category::Sales,
        Category::ECommerce,
        Category::AfterSales,
    ];
}

impl Access {
    /// `read` or `write`.
    pub fn as_str(self) -> &'static str {
        match self {
            Access::Read => "read",
            Access::Write => "write",
        }
    }
}

/// Read-only or writing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Access {
    /// Reads only; safe to repeat.
    Read,
    /// Changes data in the CRM; needs the caller's confirmation.
    Write,
}

/// What a matcher can use to find the operation in an unknown spec.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Intent {
    /// Nouns for the record: `contact`, `person`, `customer`.
    pub entities: Vec<String>,
    /// The verb: `search`, `get`, `create`, `update`, `list`.
    pub action: String,
    /// The key inputs the operation must accept: `email`, `phone`.
    #[serde(default)]
    pub inputs: Vec<String>,
}

/// The tool as the voice platform sees it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tool {
    /// snake_case, starts with a letter, at most 40 characters.
    pub name: String,
    /// Written for an LLM on a phone call: when to call, what to ask first.
    pub description: String,
    /// The arguments.
    #[serde(default)]
    pub parameters: Vec<Param>,
    /// Optional parameters of which the caller must give at least one.
    #[serde(default)]
    pub at_least_one_of: Vec<String>,
}

/// JSON types a tool argument or result field can have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ValueType {
    /// Text.
    String,
    /// Whole number.
    Integer,
    /// Any number.
    Number,
    /// true / false.
    Boolean,
}

impl ValueType {
    /// The JSON Schema type name.
    pub fn as_str(self) -> &'static str {
        match self {
            ValueType::String => "string",
            ValueType::Integer => "integer",
            ValueType::Number => "number",
            ValueType::Boolean => "boolean",
        }
    }
}

/// One tool argument.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Param {
    /// snake_case key.
    pub name: String,
    /// JSON type.
    #[serde(rename = "type")]
    pub ty: ValueType,
    /// JSON Schema format (`email`, `date`, `date-time`) when it helps.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
    /// A regular expression the value must match (E.164 phone numbers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
    /// The allowed values, when closed.
    #[serde(default, rename = "enum", skip_serializing_if = "Option::is_none")]
    pub enum_values: Option<Vec<String>>,
    /// For the LLM: what it is and how to get it from the caller.
    pub description: String,
    /// Whether the call cannot be made without it.
    #[serde(default)]
    pub required: bool,
    /// An example value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub example: Option<Value>,
}

/// Lines the assistant says while it waits.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Speech {
    /// Said when the call starts.
    pub start: String,
    /// Said when the answer takes longer than `delayed_after_ms`.
    pub delayed: String,
    /// Said when the action fails.
    pub failed: String,
    /// When the delayed line is due.
    #[serde(default = "default_delayed_after_ms")]
    pub delayed_after_ms: u64,
}

fn default_delayed_after_ms() -> u64 {
    1500
}

/// One field of the result the assistant may speak.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResultField {
    /// snake_case key.
    pub name: String,
    /// JSON type.
    #[serde(rename = "type")]
    pub ty: ValueType,
    /// What it means, for the LLM.
    pub description: String,
    /// The closed set of values a text field takes (`new`, `open`,
    /// `closed`), when it has one. A binding maps the CRM's values onto
    /// them, and each CRM's output schema lists only those its binding can
    /// produce.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub values: Option<Vec<String>>,
}

/// Time and size limits of one call.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Limits {
    /// Total deadline, retries included.
    #[serde(default = "default_timeout_ms")]
    pub timeout_ms: u64,
    /// Largest result handed to the assistant, in bytes of JSON.
    #[serde(default = "default_max_result_bytes")]
    pub max_result_bytes: usize,
}

fn default_timeout_ms() -> u64 {
    3000
}

fn default_max_result_bytes() -> usize {
    2048
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            timeout_ms: default_timeout_ms(),
            max_result_bytes: default_max_result_bytes(),
        }
    }
}
