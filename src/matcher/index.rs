//! The index of a spec: every operation reduced once to the words and
//! names the scoring compares (path segments, operationId, summary, tags,
//! parameter and body field names), so matching thirty templates against
//! Salesforce's 3,665 operations reads each operation once.

use std::collections::HashSet;

use super::tokens::{canonical_of_key, key, words};
use crate::openapi::{Api, Operation, ParamLocation, Schema, SchemaKind};

/// What an operation does, read from its method and path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpKind {
    /// A search: a POST or GET to a `…/search` (`query`, `find`) path.
    Search,
    /// A GET of a collection.
    List,
    /// A GET of one record (the path ends in a parameter).
    Get,
    /// A POST to a collection.
    Create,
    /// A PUT or PATCH, or a POST to `…/reschedule`, `…/update`.
    Update,
    /// A DELETE, or a POST to `…/cancel`.
    Delete,
    /// Anything else (HEAD, OPTIONS…).
    Other,
}

impl OpKind {
    /// A word for messages.
    pub fn as_str(self) -> &'static str {
        match self {
            OpKind::Search => "search",
            OpKind::List => "list",
            OpKind::Get => "get",
            OpKind::Create => "create",
            OpKind::Update => "update",
            OpKind::Delete => "delete",
            OpKind::Other => "other",
        }
    }
}

/// A name the operation accepts as input, and where.
#[derive(Debug, Clone)]
pub struct Input {
    /// The name as the spec writes it.
    pub name: String,
    /// Where it goes: `path`, `query`, `header` or `body`.
    pub location: &'static str,
    /// For a body field, its JSON pointer in the body (`/properties/email`);
    /// for parameters, the name.
    pub pointer: String,
    /// [`key`] of the name.
    pub key: String,
    /// [`canonical`](super::tokens::canonical) of the name.
    pub canonical: String,
    /// Whether the spec requires it.
    pub required: bool,
}

/// One operation, indexed.
#[derive(Debug, Clone)]
pub struct OpEntry {
    /// Index of the spec in [`Index::apis`].
    pub spec: usize,
    /// Index of the operation in that spec's `operations`.
    pub op: usize,
    /// Upper-case method.
    pub method: String,
    /// Path template.
    pub path: String,
    /// `operationId`.
    pub operation_id: Option<String>,
    /// What it does.
    pub kind: OpKind,
    /// Words of the path's static segments, segment by segment.
    pub segments: Vec<Vec<String>>,
    /// Words of the resource: the last static segment that is a noun.
    pub resource: Vec<String>,
    /// The words of all static segments, in order (the path as one run of
    /// words).
    pub path_words: Vec<String>,
    /// Words of the segment that names the action (`search`, `cancel`), if any.
    pub action_words: Vec<String>,
    /// Whether the path ends in a parameter (`/invoices/{invoice}`).
    pub ends_with_param: bool,
    /// Path parameter names, in order.
    pub path_params: Vec<String>,
    /// [`key`] and [`canonical`](super::tokens::canonical) of each path
    /// parameter name, in order.
    pub path_param_keys: Vec<(String, String)>,
    /// Words of the static segment right before each path parameter.
    pub param_owner: Vec<Vec<String>>,
    /// Words of the operationId.
    pub op_id_words: Vec<String>,
    /// Words of the summary (or, without one, the description's first line).
    pub summary_words: Vec<String>,
    /// Words of the tags.
    pub tag_words: Vec<String>,
    /// Query and path parameters and body fields (three levels deep).
    pub inputs: Vec<Input>,
    /// The first query or body input named `name` or `fullname` (where a
    /// first or last name may go), as a position in `inputs`.
    pub name_input: Option<usize>,
    /// The first query or body input that is a generic search or filter
    /// (`query`, `filter`, `where`…), as a position in `inputs`.
    pub generic_input: Option<usize>,
    /// `deprecated`.
    pub deprecated: bool,
    /// Whether it works on many records at once (batch, bulk, import, export).
    pub bulk: bool,
}

/// Every operation of one or more specs, indexed once.
#[derive(Debug)]
pub struct Index<'a> {
    /// The specs, in the order given.
    pub apis: Vec<&'a Api>,
    /// The operations of all of them.
    pub entries: Vec<OpEntry>,
}

/// Words after the noun that do not change what the resource is.
const GENERIC_SUFFIXES: &[&str] = &[
    "page", "info", "detail", "data", "list", "summary", "record",
];

/// Segments that name what is done, not the record (`/contacts/search`).
const ACTION_SEGMENTS: &[&str] = &[
    "search",
    "query",
    "find",
    "lookup",
    "list",
    "all",
    "cancel",
    "reschedule",
    "confirm",
    "decline",
    "count",
    "autocomplete",
    "batch",
    "bulk",
    "export",
    "import",
    "requested",
    "assigned",
    "ccd",
    "me",
    "update",
    "create",
    "delete",
    "get",
    "read",
    "merge",
    "send",
    "detail",
    "filter",
    "mark",
    "absent",
    "show",
    "many",
    "incremental",
    "recent",
    "archive",
    "archived",
    "v1",
    "v2",
    "v3",
    "v4",
    "api",
];

/// How many schema nodes the body walk of one operation may visit.
const BODY_BUDGET: usize = 400;

impl<'a> Index<'a> {
    /// Indexes every operation of `apis`.
    pub fn new(apis: &[&'a Api]) -> Index<'a> {
        let mut entries = Vec::new();
        for (spec, api) in apis.iter().enumerate() {
            for (i, op) in api.operations.iter().enumerate() {
                entries.push(entry(api, spec, i, op));
            }
        }
        Index {
            apis: apis.to_vec(),
            entries,
        }
    }

    /// The operation an entry stands for.
    pub fn operation(&self, entry: &OpEntry) -> &'a Operation {
        &self.apis[entry.spec].operations[entry.op]
    }
}

fn entry(api: &Api, spec: usize, i: usize, op: &Operation) -> OpEntry {
    let op_id_words = op.operation_id.as_deref().map(words).unwrap_or_default();
    let mut segments = Vec::new();
    let mut path_params = Vec::new();
    let mut param_owner = Vec::new();
    let mut ends_with_param = false;
    for raw in op.path.split('/').filter(|s| !s.is_empty()) {
        if raw.starts_with('{') && raw.ends_with('}') && raw.len() > 2 {
            path_params.push(raw[1..raw.len() - 1].to_string());
            param_owner.push(segments.last().cloned().unwrap_or_default());
            ends_with_param = true;
        } else {
            // `/contacts:search` (Google style) and `/foo.json` split too.
            let w = words(raw);
            if !w.is_empty() {
                segments.push(w);
            }
            ends_with_param = false;
        }
    }
    // The resource: the last static segment that is not an action word.
    let is_action = |seg: &Vec<String>| seg.iter().all(|w| ACTION_SEGMENTS.contains(&w.as_str()));
    let mut resource = segments
        .iter()
        .rev()
        .find(|s| !is_action(s))
        .cloned()
        .unwrap_or_default();
    // `availability-page`, `invoice_details`: the noun before a generic word.
    while resource.len() > 1
        && resource
            .last()
            .is_some_and(|w| GENERIC_SUFFIXES.contains(&w.as_str()))
    {
        resource.pop();
    }
    let bulk = segments
        .iter()
        .flatten()
        .chain(&op_id_words)
        .any(|w| matches!(w.as_str(), "batch" | "bulk" | "import" | "export" | "many"));
    let action_words = segments
        .last()
        .filter(|s| is_action(s))
        .cloned()
        .unwrap_or_default();
    let summary = op.summary.as_deref().or_else(|| {
        op.description
            .as_deref()
            .and_then(|d| d.lines().find(|l| !l.trim().is_empty()))
    });
    let summary_words: Vec<String> = summary
        .map(|s| {
            let short: String = s.chars().take(300).collect();
            words(&short)
        })
        .unwrap_or_default();
    let tag_words = op.tags.iter().flat_map(|t| words(t)).collect();
    let has = |w: &str| action_words.iter().any(|a| a == w);
    let id_has = |w: &str| op_id_words.first().is_some_and(|f| f == w);
    let kind = match op.method.as_str() {
        "GET" if has("search") || has("query") || has("find") || has("autocomplete") => {
            OpKind::Search
        }
        "GET" if ends_with_param => OpKind::Get,
        "GET" => OpKind::List,
        "POST"
            if has("search")
                || has("query")
                || has("find")
                || id_has("search")
                || op_id_words
                    .last()
                    .is_some_and(|w| w == "query" || w == "search") =>
        {
            OpKind::Search
        }
        "POST" if has("cancel") || has("delete") || has("decline") || has("archive") => {
            OpKind::Delete
        }
        "POST" if has("reschedule") || has("update") || has("merge") || ends_with_param => {
            OpKind::Update
        }
        "POST" => OpKind::Create,
        "PUT" | "PATCH" => OpKind::Update,
        "DELETE" => OpKind::Delete,
        _ => OpKind::Other,
    };
    let mut inputs = Vec::new();
    for p in &op.parameters {
        let location = match p.location {
            ParamLocation::Path => "path",
            ParamLocation::Query => "query",
            ParamLocation::Header => "header",
            ParamLocation::Cookie => continue,
        };
        let k = key(&p.name);
        inputs.push(Input {
            canonical: canonical_of_key(k.clone()),
            key: k,
            name: p.name.clone(),
            location,
            pointer: p.name.clone(),
            required: p.required,
        });
    }
    if let Some(body) = &op.request_body {
        let mut budget = BODY_BUDGET;
        let mut seen = HashSet::new();
        let mut pointers = HashSet::new();
        body_fields(
            api,
            &body.schema,
            "",
            0,
            true,
            &mut budget,
            &mut seen,
            &mut pointers,
            &mut inputs,
        );
    }
    let path_words = segments.iter().flatten().cloned().collect();
    let path_param_keys = path_params
        .iter()
        .map(|p| {
            let k = key(p);
            (k.clone(), canonical_of_key(k))
        })
        .collect();
    let query_or_body = |i: &Input| matches!(i.location, "query" | "body");
    let name_input = inputs
        .iter()
        .position(|i| query_or_body(i) && (i.key == "name" || i.key == "fullname"));
    let generic_input = inputs.iter().position(|i| {
        query_or_body(i)
            && (i.canonical == "query"
                || i.key == "filter"
                || i.key == "where"
                || i.key == "filtergroup"
                || i.key == "searchfield")
    });
    OpEntry {
        spec,
        op: i,
        method: op.method.clone(),
        path: op.path.clone(),
        operation_id: op.operation_id.clone(),
        kind,
        segments,
        path_words,
        resource,
        action_words,
        ends_with_param,
        path_params,
        path_param_keys,
        param_owner,
        op_id_words,
        summary_words,
        tag_words,
        inputs,
        name_input,
        generic_input,
        deprecated: op.deprecated,
        bulk,
    }
}

/// Escapes one JSON pointer token.
pub fn escape(token: &str) -> String {
    if !token.contains(['~', '/']) {
        return token.to_string();
    }
    token.replace('~', "~0").replace('/', "~1")
}

/// Collects the property names of a body schema, three objects deep
/// (`/properties/email`, `/data/attributes/email`), within a budget;
/// `pointers` holds the body pointers already in `out`.
#[allow(clippy::too_many_arguments)]
fn body_fields<'s>(
    api: &'s Api,
    schema: &'s Schema,
    pointer: &str,
    depth: usize,
    required: bool,
    budget: &mut usize,
    seen: &mut HashSet<&'s str>,
    pointers: &mut HashSet<String>,
    out: &mut Vec<Input>,
) {
    if *budget == 0 || depth > 3 {
        return;
    }
    *budget -= 1;
    match &schema.kind {
        SchemaKind::Ref(name) if seen.insert(name) => {
            if let Some(target) = api.schemas.get(name) {
                body_fields(
                    api, target, pointer, depth, required, budget, seen, pointers, out,
                );
            }
            seen.remove(name.as_str());
        }
        SchemaKind::AllOf(members) | SchemaKind::OneOf(members) | SchemaKind::AnyOf(members) => {
            for m in members {
                body_fields(
                    api, m, pointer, depth, required, budget, seen, pointers, out,
                );
            }
        }
        SchemaKind::Object {
            properties,
            required: needed,
            ..
        } => {
            for (name, child) in properties {
                if child.read_only {
                    continue;
                }
                let here = format!("{pointer}/{}", escape(name));
                let req = required && needed.iter().any(|n| n == name);
                if pointers.insert(here.clone()) {
                    let k = key(name);
                    out.push(Input {
                        canonical: canonical_of_key(k.clone()),
                        key: k,
                        name: name.clone(),
                        location: "body",
                        pointer: here.clone(),
                        required: req,
                    });
                }
                body_fields(
                    api,
                    child,
                    &here,
                    depth + 1,
                    req,
                    budget,
                    seen,
                    pointers,
                    out,
                );
            }
        }
        _ => {}
    }
}
