//! The body kinds beside JSON (`body:`): a form (`form:`) and a GraphQL
//! query with variables (`graphql:`), and the raw form of a result field's
//! value transform (`{money: …}`, `{unix_time: …}`, …), which
//! [`crate::call::check`] reads with the place of every problem.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// `graphql: {query: "query Order($q: String!) { … }", variables: {q:
/// "name:{order_number}"}}`: a GraphQL document sent as `{"query",
/// "variables"}`; the answer's `data` is what result pointers read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GraphQlBinding {
    /// The document: one `query` or `mutation`, its variables declared
    /// (`$q: String!`).
    pub query: String,
    /// Every variable the document declares, by name without `$`: JSON
    /// whose strings may hold `{argument}` placeholders, as in a body.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub variables: BTreeMap<String, Value>,
    /// Where a mutation's payload lists its user errors, inside `data`
    /// (`/customerCreate/userErrors`); required for a mutation, whose
    /// document must select it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_errors: Option<String>,
    /// Variables that are a search string in the vendor's search language
    /// (Shopify's `query:` arguments), by name, and how the caller's
    /// values inside them are quoted: `{q: value}` (each value one quoted
    /// search value) or `{q: terms}` (each word of it one quoted value).
    /// A variable passed as a `query:` argument that holds the caller's
    /// text must be listed.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub search: BTreeMap<String, SearchQuoting>,
}

/// How the caller's text is quoted inside a search-string variable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SearchQuoting {
    /// The whole value is one quoted search value (`name:"1001"`):
    /// `midcall_runtime::search_syntax::shopify_value`.
    Value,
    /// Each word is one quoted value, the words ANDed (`"hiking"
    /// "boots"`): `midcall_runtime::search_syntax::shopify_terms`.
    Terms,
}

/// A result field computed from the record by one transform, as written:
/// `{money: {amount: /amount_due, currency: /currency}}`, `{unix_time:
/// /created}`, `{join: [/first_name, /last_name], with: " "}`, `{count:
/// /line_items}`, `{first_of: [/mobile, /phone]}`, `{each: /slots, item:
/// {date_time: /start}, pick: 0}`. Kept as written; the check reads it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct TransformBinding(pub Value);
