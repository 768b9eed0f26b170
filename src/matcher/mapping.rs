//! From a chosen operation, the proposed mapping: which path, query or body
//! field each tool argument fills (one request variant per "one of these"
//! argument), and where each of the template's result fields is in the
//! response (a record pointer plus a pointer per field, matched by name,
//! synonym and nesting: `/properties/firstname`, `/data/attributes/email`).
//! What cannot be mapped is reported, never invented.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::{Map, Value};

use super::index::{Index, OpEntry, OpKind};
use super::score::{accepts, Accepts};
use super::tokens::{canonical, entity_aliases, key, same_field, words};
use crate::bindings::{FieldBinding, RequestBinding, ResponseBinding};
use crate::catalog::{Access, Template};
use crate::openapi::{Api, Operation, ParamLocation, SchemaKind};

/// The proposal for one operation.
#[derive(Debug, Clone, Serialize)]
pub struct Mapping {
    /// Request variants, in the order the connector tries them.
    pub requests: Vec<RequestBinding>,
    /// Where the result fields are.
    pub response: ResponseBinding,
    /// Each tool argument and where it goes (`query term`, `body /email`).
    pub inputs: Vec<(String, String)>,
    /// Tool arguments that go nowhere (a required one makes the draft fail).
    pub unmapped_inputs: Vec<String>,
    /// What the operation needs that no argument gives (a path parameter,
    /// a required query parameter without a default).
    pub unfilled: Vec<String>,
    /// Result fields with nothing in the response (mapped to `null`).
    pub unmapped_fields: Vec<String>,
}

/// Where one argument goes.
#[derive(Debug, Clone)]
enum Target {
    Path(String),
    Query(String),
    Body(String),
}

/// Proposes the mapping of `template` onto the operation of `entry` (an
/// entry of `index`). `record_created` is the
/// value of a `created` result field: `Some(true)` for a write,
/// `Some(false)` for the look-up before it.
pub fn propose(
    index: &Index,
    entry: &OpEntry,
    template: &Template,
    created: Option<bool>,
) -> Mapping {
    let api = index.apis[entry.spec];
    let op = index.operation(entry);
    let params = &template.tool.parameters;
    // Where each argument could go.
    let mut targets: BTreeMap<String, (Target, bool)> = BTreeMap::new();
    let mut generic: Option<Target> = None;
    for p in params {
        match accepts(&index.vocab, entry, template, &p.name) {
            Some(Accepts::PathId { name }) => {
                targets.insert(p.name.clone(), (Target::Path(name), true));
            }
            Some(Accepts::Named { location, name }) => {
                let t = if location == "query" {
                    Target::Query(name)
                } else {
                    Target::Body(name)
                };
                targets.insert(p.name.clone(), (t, true));
            }
            Some(Accepts::Generic { location, name }) => {
                let t = if location == "query" {
                    Target::Query(name)
                } else {
                    Target::Body(name)
                };
                if matches!(canonical(&p.name).as_str(), "firstname" | "lastname") {
                    targets.insert(p.name.clone(), (t, false));
                } else if generic.is_none() {
                    generic = Some(t);
                }
            }
            None => {}
        }
    }
    // Variants: one per "one of these" argument, else one.
    let groups: Vec<Option<&str>> = if template.tool.at_least_one_of.is_empty() {
        vec![None]
    } else {
        template
            .tool
            .at_least_one_of
            .iter()
            .map(|s| Some(s.as_str()))
            .collect()
    };
    let mut requests = Vec::new();
    let mut inputs: Vec<(String, String)> = Vec::new();
    let mut unfilled: Vec<String> = Vec::new();
    let mut used: Vec<String> = Vec::new();
    for group in groups {
        let present =
            |name: &str| group == Some(name) || params.iter().any(|p| p.name == name && p.required);
        let mut r = RequestBinding {
            when: group.map(|g| vec![g.to_string()]).unwrap_or_default(),
            ..RequestBinding::default()
        };
        let mut body = Map::new();
        let mut ok = true;
        let mut any_for_group = group.is_none();
        let mut names_combined = false;
        for p in params {
            // Writes carry optional arguments in the body (dropped when
            // absent); everything else needs the argument to be there.
            let optional_ok = template.access == Access::Write;
            let Some((target, direct)) = targets.get(&p.name) else {
                continue;
            };
            if !(present(&p.name)
                || optional_ok && matches!(target, Target::Body(_) | Target::Query(_)))
            {
                continue;
            }
            if !present(&p.name) && template.tool.at_least_one_of.contains(&p.name) {
                continue;
            }
            let placeholder = format!("{{{}}}", p.name);
            match target {
                Target::Path(name) => {
                    r.path.insert(name.clone(), placeholder);
                }
                Target::Query(name) => {
                    r.query.insert(name.clone(), placeholder);
                }
                Target::Body(pointer) if !direct => {
                    // First and last name into one `name`.
                    if !names_combined {
                        let first = params.iter().find(|q| canonical(&q.name) == "firstname");
                        let last = params.iter().find(|q| canonical(&q.name) == "lastname");
                        let text = match (first, last) {
                            (Some(f), Some(l)) if f.required && l.required => {
                                format!("{{{}}} {{{}}}", f.name, l.name)
                            }
                            _ => placeholder.clone(),
                        };
                        set_pointer(&mut body, pointer, Value::String(text));
                        names_combined = true;
                    }
                }
                Target::Body(pointer) => {
                    set_pointer(&mut body, pointer, Value::String(placeholder))
                }
            }
            if group == Some(p.name.as_str()) {
                any_for_group = true;
            }
            let where_ = describe(target);
            if !inputs.iter().any(|(n, w)| n == &p.name && w == &where_) {
                inputs.push((p.name.clone(), where_));
            }
            if !used.contains(&p.name) {
                used.push(p.name.clone());
            }
        }
        // The group's argument through a generic search parameter.
        if let (Some(g), false, Some(t)) = (group, any_for_group, &generic) {
            let placeholder = format!("{{{g}}}");
            match t {
                Target::Query(name) => {
                    r.query.insert(name.clone(), placeholder);
                }
                Target::Body(pointer) => {
                    set_pointer(&mut body, pointer, Value::String(placeholder))
                }
                Target::Path(_) => {}
            }
            inputs.push((g.to_string(), format!("{} (free-text search)", describe(t))));
            used.push(g.to_string());
            any_for_group = true;
        }
        if let (None, Some(t)) = (group, &generic) {
            // One variant and a search box: the first key input that is a
            // required argument not yet used.
            if let Some(p) = params
                .iter()
                .find(|p| {
                    p.required
                        && !used.contains(&p.name)
                        && template.intent.inputs.contains(&p.name)
                })
                .or_else(|| {
                    params
                        .iter()
                        .find(|p| p.required && !used.contains(&p.name))
                })
            {
                let placeholder = format!("{{{}}}", p.name);
                match t {
                    Target::Query(name) => {
                        r.query.insert(name.clone(), placeholder);
                    }
                    Target::Body(pointer) => {
                        set_pointer(&mut body, pointer, Value::String(placeholder))
                    }
                    Target::Path(_) => {}
                }
                inputs.push((
                    p.name.clone(),
                    format!("{} (free-text search)", describe(t)),
                ));
                used.push(p.name.clone());
            }
        }
        if !any_for_group {
            continue;
        }
        // Path parameters no argument fills.
        for name in path_params(&op.path) {
            if !r.path.contains_key(&name) {
                let line = format!("path parameter `{name}` of `{} {}`", op.method, op.path);
                if !unfilled.contains(&line) {
                    unfilled.push(line);
                }
                ok = false;
            }
        }
        // Required query parameters: a default or the first allowed value.
        for p in op
            .parameters
            .iter()
            .filter(|p| p.location == ParamLocation::Query && p.required)
        {
            if r.query.contains_key(&p.name) {
                continue;
            }
            let fixed = p
                .schema
                .default
                .clone()
                .or_else(|| p.schema.enum_values.first().cloned());
            match fixed {
                Some(Value::String(s)) => {
                    r.query
                        .insert(p.name.clone(), s.replace('{', "{{").replace('}', "}}"));
                }
                Some(v) if !v.is_null() => {
                    r.query.insert(p.name.clone(), v.to_string());
                }
                _ => {
                    let line = format!("required query parameter `{}`", p.name);
                    if !unfilled.contains(&line) {
                        unfilled.push(line);
                    }
                    ok = false;
                }
            }
        }
        if let Some(b) = &op.request_body {
            if !body.is_empty() || b.required {
                r.body = Some(Value::Object(body));
            }
        }
        if ok {
            requests.push(r);
        }
    }
    let unmapped_inputs = params
        .iter()
        .filter(|p| !used.contains(&p.name))
        .map(|p| p.name.clone())
        .collect();
    let (response, unmapped_fields) = response(api, op, entry, template, created);
    Mapping {
        requests,
        response,
        inputs,
        unmapped_inputs,
        unfilled,
        unmapped_fields,
    }
}

/// Names of `{params}` in a spec path.
fn path_params(path: &str) -> Vec<String> {
    path.split('{')
        .skip(1)
        .filter_map(|s| s.split_once('}').map(|(n, _)| n.to_string()))
        .collect()
}

fn describe(t: &Target) -> String {
    match t {
        Target::Path(n) => format!("path `{n}`"),
        Target::Query(n) => format!("query `{n}`"),
        Target::Body(p) => format!("body `{p}`"),
    }
}

/// Sets `value` at a body pointer (`/properties/email`), making objects on
/// the way; a placeholder text with braces is kept as is.
fn set_pointer(body: &mut Map<String, Value>, pointer: &str, value: Value) {
    let tokens: Vec<String> = pointer
        .split('/')
        .skip(1)
        .map(|t| t.replace("~1", "/").replace("~0", "~"))
        .collect();
    let Some((last, parents)) = tokens.split_last() else {
        return;
    };
    let mut here = body;
    for t in parents {
        let next = here
            .entry(t.clone())
            .or_insert_with(|| Value::Object(Map::new()));
        if !next.is_object() {
            *next = Value::Object(Map::new());
        }
        let Value::Object(map) = next else {
            return;
        };
        here = map;
    }
    here.insert(last.clone(), value);
}

/// The record pointer and each result field's pointer below it.
fn response(
    api: &Api,
    op: &Operation,
    entry: &OpEntry,
    template: &Template,
    created: Option<bool>,
) -> (ResponseBinding, Vec<String>) {
    let mut fields: BTreeMap<String, Option<FieldBinding>> = BTreeMap::new();
    let mut unmapped = Vec::new();
    let schema = op.success_response.as_ref().map(|b| &b.schema);
    let leaves: Vec<String> = match schema {
        Some(s) if !matches!(s.kind, SchemaKind::Any) => api.leaf_pointers(s, 6),
        _ => Vec::new(),
    };
    // Record candidates: the whole answer, every array's items, and the
    // objects one or two levels down (`/data`, `/ticket`).
    let mut records: Vec<String> = vec![String::new()];
    for leaf in &leaves {
        let segs: Vec<&str> = leaf.split('/').skip(1).collect();
        for n in 1..segs.len() {
            let prefix = format!("/{}", segs[..n].join("/"));
            let ends_array = segs[n - 1] == "*";
            let inner_star = segs[..n - 1].contains(&"*");
            if !inner_star
                && (ends_array || n <= 3)
                && !records.contains(&prefix)
                && records.len() < 200
            {
                records.push(prefix);
            }
        }
    }
    let want_list = matches!(entry.kind, OpKind::List | OpKind::Search);
    let mut best: Option<(i32, String, BTreeMap<String, String>)> = None;
    for record in &records {
        let mut mapped = BTreeMap::new();
        let mut points = 0i32;
        for field in &template.result {
            if let Some(p) = field_pointer(&leaves, record, &field.name, template) {
                points += 10;
                mapped.insert(field.name.clone(), p);
            }
        }
        if mapped.is_empty() {
            continue;
        }
        // Prefer an array's first item for a search or list, shallow records.
        let depth = record.matches('/').count() as i32;
        points -= depth;
        if want_list && record.ends_with("/*") {
            points += 5;
        }
        if best.as_ref().is_none_or(|(b, _, _)| points > *b) {
            best = Some((points, record.clone(), mapped));
        }
    }
    let (record, mapped) = match best {
        Some((_, r, m)) => (r, m),
        None => (String::new(), BTreeMap::new()),
    };
    let record_ptr = record.replace("/*", "/0");
    for field in &template.result {
        if field.name == "created" {
            if let Some(c) = created {
                fields.insert(
                    field.name.clone(),
                    Some(FieldBinding::Const(crate::bindings::ConstField {
                        value: Value::Bool(c),
                    })),
                );
                continue;
            }
        }
        match mapped.get(&field.name) {
            Some(p) => {
                let full = format!("{record_ptr}{p}");
                let checked = schema.is_some_and(|s| api.declared_at(s, &full).is_some());
                if checked {
                    fields.insert(field.name.clone(), Some(FieldBinding::Pointer(p.clone())));
                } else {
                    fields.insert(field.name.clone(), None);
                    unmapped.push(field.name.clone());
                }
            }
            None => {
                fields.insert(field.name.clone(), None);
                unmapped.push(field.name.clone());
            }
        }
    }
    (
        ResponseBinding {
            record: record_ptr,
            fields,
            verify: None,
        },
        unmapped,
    )
}

/// The pointer below `record` (a pattern with `*`) of the leaf that best
/// holds result field `name`.
fn field_pointer(
    leaves: &[String],
    record: &str,
    name: &str,
    template: &Template,
) -> Option<String> {
    let start = format!("{record}/");
    let name_words = words(name);
    // `contact_id`, `invoice_number`: the record's own id or number.
    let own = name_words.split_last().and_then(|(last, owner)| {
        let o = owner.join("_");
        let is_entity = template.intent.entities.iter().any(|e| key(e) == key(&o))
            || template
                .intent
                .entities
                .iter()
                .any(|e| entity_aliases(e).iter().any(|(a, _)| key(a) == key(&o)));
        (is_entity && matches!(last.as_str(), "id" | "number" | "uid")).then_some(last.clone())
    });
    let mut best: Option<(i32, String)> = None;
    for leaf in leaves {
        let Some(rest) = leaf.strip_prefix(&start) else {
            continue;
        };
        if rest.split('/').any(|s| s == "*") {
            continue;
        }
        let last = rest.rsplit('/').next().unwrap_or(rest);
        let depth = rest.matches('/').count() as i32;
        let own_points = match (own.as_deref(), key(last).as_str()) {
            (Some("number"), "number") => Some(90),
            (Some(_), "id") | (Some(_), "uid") => Some(85),
            _ => None,
        };
        let mut points = if key(last) == key(name) {
            100
        } else if let Some(p) = own_points {
            p
        } else if same_field(last, name) {
            80
        } else {
            continue;
        };
        points -= 25 * depth;
        if best.as_ref().is_none_or(|(b, _)| points > *b) {
            best = Some((points, format!("/{rest}")));
        }
    }
    best.map(|(_, p)| p)
}
