//! The body check: which of `body`, `form` and `graphql` a request variant
//! gives, against what the operation takes; a form's fields, and a GraphQL
//! document's variables and user errors.

use std::collections::BTreeSet;

use crate::bindings::body::GraphQlBinding;
use crate::bindings::RequestBinding;
use crate::call::graphql::outline;
use crate::call::{Body, GraphQl, GraphQlKind, JsonTemplate, Method, Pointer, SearchQuoting};
use crate::catalog::Access;

use super::operation::Found;
use super::request::{json, Scope};
use super::Ctx;

/// The media type of a form body.
const FORM: &str = "application/x-www-form-urlencoded";

/// The variant's body, `Some(None)` when it has none, or `None` after
/// reporting what is wrong. A `body` for an operation that only takes a
/// form (its spec lists `application/x-www-form-urlencoded` alone) is
/// sent as a form.
pub(super) fn check(
    ctx: &mut Ctx<'_>,
    scope: &Scope<'_>,
    found: &Found<'_>,
    request: &RequestBinding,
    at: &str,
) -> Option<Option<Body>> {
    let op = found.op;
    let given: Vec<&str> = [
        ("body", request.body.is_some()),
        ("form", request.form.is_some()),
        ("graphql", request.graphql.is_some()),
    ]
    .into_iter()
    .filter_map(|(k, given)| given.then_some(k))
    .collect();
    if given.len() > 1 {
        ctx.error(
            at,
            format!(
                "gives {}; a request has one body",
                given
                    .iter()
                    .map(|k| format!("`{k}`"))
                    .collect::<Vec<_>>()
                    .join(" and ")
            ),
        );
        return None;
    }
    let takes = op.request_body.as_ref();
    let form_only = takes.is_some_and(|b| media_type(&b.content_type) == FORM);
    let Some(&key) = given.first() else {
        if takes.is_some_and(|b| b.required) {
            ctx.error(
                at,
                format!(
                    "`{} {}` requires a request body; add `{}`",
                    op.method,
                    op.path,
                    if form_only { "form" } else { "body" }
                ),
            );
            return None;
        }
        return Some(None);
    };
    let place = format!("{at}.{key}");
    let Some(takes) = takes else {
        ctx.error(
            &place,
            format!("`{} {}` takes no request body", op.method, op.path),
        );
        return None;
    };
    match key {
        "graphql" => {
            let g = request.graphql.as_ref()?;
            graphql(ctx, scope, found, g, &place).map(|g| Some(Body::GraphQl(g)))
        }
        "form" if media_type(&takes.content_type).contains("json") => {
            ctx.error(
                &place,
                format!(
                    "`{} {}` takes {}, not a form; use `body`",
                    op.method, op.path, takes.content_type
                ),
            );
            None
        }
        "form" => {
            let v = request.form.as_ref()?;
            let t = json(ctx, scope, &place, v)?;
            form(ctx, &place, &t).then_some(Some(Body::Form(t)))
        }
        _ => {
            let v = request.body.as_ref()?;
            let t = json(ctx, scope, &place, v)?;
            if form_only {
                // The spec takes only a form: the JSON the binding wrote is
                // sent in bracket notation.
                form(ctx, &place, &t).then_some(Some(Body::Form(t)))
            } else {
                Some(Some(Body::Json(t)))
            }
        }
    }
}

/// `application/x-www-form-urlencoded; charset=utf-8` without parameters,
/// lower case.
fn media_type(content_type: &str) -> String {
    content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

/// Whether a form body can be written as it is meant: an object whose
/// every field is a scalar (or an argument), reached through objects and
/// arrays with names free of the notation's own characters.
fn form(ctx: &mut Ctx<'_>, at: &str, body: &JsonTemplate) -> bool {
    let JsonTemplate::Object(members) = body else {
        ctx.error(
            at,
            "a form body is an object: its members are the form's fields",
        );
        return false;
    };
    let before = ctx.report.count();
    for (k, v) in members {
        form_field(ctx, &format!("{at}.{k}"), k, v);
    }
    ctx.report.count() == before
}

fn form_field(ctx: &mut Ctx<'_>, at: &str, key: &str, v: &JsonTemplate) {
    if key.is_empty() || key.contains(['[', ']', '&', '=']) {
        ctx.error(
            at,
            format!(
                "a form field name cannot be `{key}`: `[`, `]`, `&` and `=` are the notation's own"
            ),
        );
    }
    match v {
        JsonTemplate::Null => ctx.error(
            at,
            "a literal `null` sends nothing in a form; remove the field",
        ),
        JsonTemplate::Array(items) if items.is_empty() => ctx.error(
            at,
            "an empty list sends nothing in a form; remove the field",
        ),
        JsonTemplate::Object(members) if members.is_empty() => ctx.error(
            at,
            "an empty object sends nothing in a form; remove the field",
        ),
        JsonTemplate::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                form_field(ctx, &format!("{at}[{i}]"), "0", item);
            }
        }
        JsonTemplate::Object(members) => {
            for (k, v) in members {
                form_field(ctx, &format!("{at}.{k}"), k, v);
            }
        }
        JsonTemplate::Bool(_)
        | JsonTemplate::Number(_)
        | JsonTemplate::Text(_)
        | JsonTemplate::Value(_) => {}
    }
}

/// A GraphQL body: the document reads, its variables are exactly the
/// bound ones, a non-null variable's value is sure to be there, and a
/// mutation says where its user errors are (and selects them).
fn graphql(
    ctx: &mut Ctx<'_>,
    scope: &Scope<'_>,
    found: &Found<'_>,
    g: &GraphQlBinding,
    at: &str,
) -> Option<GraphQl> {
    let before = ctx.report.count();
    if found.method != Method::Post {
        ctx.error(
            at,
            format!(
                "GraphQL is sent as a POST; `{}` is a {}",
                found.op.path, found.method
            ),
        );
    }
    let outline = match outline(&g.query) {
        Ok(o) => o,
        Err(m) => {
            ctx.error(&format!("{at}.query"), m);
            return None;
        }
    };
    let declared: BTreeSet<&str> = outline.declared.iter().map(|d| d.name.as_str()).collect();
    let list = |names: &BTreeSet<&str>| {
        if names.is_empty() {
            "none".to_string()
        } else {
            names
                .iter()
                .map(|n| format!("${n}"))
                .collect::<Vec<_>>()
                .join(", ")
        }
    };
    for used in &outline.used {
        if !declared.contains(used.as_str()) {
            ctx.error(
                &format!("{at}.query"),
                format!(
                    "uses `${used}`, which the operation does not declare; it declares: {}",
                    list(&declared)
                ),
            );
        }
    }
    for name in outline.declared.iter().map(|d| &d.name) {
        if !outline.used.contains(name) {
            ctx.error(
                &format!("{at}.query"),
                format!("declares `${name}` but never uses it (GraphQL refuses such a document)"),
            );
        }
    }
    let mut variables = Vec::new();
    for (name, value) in &g.variables {
        let place = format!("{at}.variables.{name}");
        if !declared.contains(name.as_str()) {
            ctx.error(
                &place,
                format!(
                    "`${name}` is not declared by the query; it declares: {}",
                    list(&declared)
                ),
            );
            continue;
        }
        let Some(t) = json(ctx, scope, &place, value) else {
            continue;
        };
        let non_null = outline
            .declared
            .iter()
            .any(|d| &d.name == name && d.non_null && !d.default);
        let absent =
            matches!(&t, JsonTemplate::Value(v) if v.is_optional()) || t == JsonTemplate::Null;
        if non_null && absent {
            ctx.error(
                &place,
                format!("`${name}` is non-null (`!`) but its value may be absent; list the argument in `when` or make it required"),
            );
        }
        variables.push((name.clone(), t));
    }
    for d in outline.declared.iter().filter(|d| !d.default) {
        if g.variables.contains_key(&d.name) {
            continue;
        }
        ctx.error(
            &format!("{at}.variables"),
            if d.non_null {
                format!(
                    "`${}` is declared non-null by the query but given no value",
                    d.name
                )
            } else {
                format!(
                    "`${}` is declared by the query but given no value; give one, or `null`",
                    d.name
                )
            },
        );
    }
    let user_errors = match (&g.user_errors, outline.kind) {
        (None, GraphQlKind::Mutation) => {
            ctx.error(
                at,
                "a mutation answers its failures in `userErrors`; say where: `user_errors: /<payload>/userErrors`, selected in the query",
            );
            None
        }
        (None, GraphQlKind::Query) => None,
        (Some(p), _) => user_errors(ctx, &format!("{at}.user_errors"), p, &outline.names),
    };
    let search = search_variables(ctx, at, g, &variables, &outline.search_args);
    if outline.kind == GraphQlKind::Mutation && ctx.template.access == Access::Read {
        ctx.error(
            &format!("{at}.query"),
            format!(
                "template `{}` only reads; its document is a mutation",
                ctx.template.id
            ),
        );
    }
    if ctx.report.count() > before {
        return None;
    }
    Some(GraphQl {
        document: g.query.clone(),
        kind: outline.kind,
        variables,
        user_errors,
        search,
    })
}

/// The `search` variables: each names a bound variable that formats the
/// caller's text into a string; and a `query:` argument's variable that
/// holds the caller's text is listed (its words could change the search).
fn search_variables(
    ctx: &mut Ctx<'_>,
    at: &str,
    g: &GraphQlBinding,
    variables: &[(String, JsonTemplate)],
    search_args: &[String],
) -> Vec<(String, SearchQuoting)> {
    let callers = |name: &str| {
        variables
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, t)| match t {
                JsonTemplate::Text(text) => text.has_callers(),
                JsonTemplate::Value(v) => v.is_callers(),
                _ => false,
            })
    };
    for name in g.search.keys() {
        let place = format!("{at}.search.{name}");
        match callers(name) {
            None => ctx.error(
                &place,
                format!("`${name}` is not a bound variable of this request"),
            ),
            Some(false) => ctx.error(
                &place,
                format!("`${name}` holds none of the caller's text; nothing to quote"),
            ),
            Some(true) => {}
        }
    }
    for name in search_args {
        if callers(name) == Some(true) && !g.search.contains_key(name) {
            ctx.error(
                &format!("{at}.variables.{name}"),
                format!(
                    "`${name}` is a search string (`query: ${name}`) holding the caller's text, which could change the search; quote it: `search: {{{name}: value}}` (or `terms` for free text)"
                ),
            );
        }
    }
    g.search.iter().map(|(n, q)| (n.clone(), *q)).collect()
}

/// `/customerCreate/userErrors`: a top-level payload's `userErrors` (or
/// `…UserErrors`), where the runtime reads them, and selected by the query.
fn user_errors(ctx: &mut Ctx<'_>, at: &str, p: &str, names: &[String]) -> Option<Pointer> {
    let parts: Vec<&str> = p
        .strip_prefix('/')
        .map(|r| r.split('/').collect())
        .unwrap_or_default();
    let [payload, list] = parts.as_slice() else {
        ctx.error(
            at,
            format!("`{p}` is not `/<payload>/userErrors`: the runtime reads user errors in a top-level payload of `data`"),
        );
        return None;
    };
    if !(*list == "userErrors" || (list.ends_with("UserErrors") && list.len() > 10)) {
        ctx.error(
            at,
            format!("`{list}` is not `userErrors` or `…UserErrors` (`customerUserErrors`), the lists the runtime reads"),
        );
        return None;
    }
    for name in [payload, list] {
        if !names.iter().any(|n| n == name) {
            ctx.error(at, format!("the query does not select `{name}`"));
            return None;
        }
    }
    Pointer::parse(p)
}

/// Every variant of a call sends GraphQL, or none does (a GraphQL answer
/// is read differently); `Some(true)` when all do.
pub(super) fn graphql_calls(ctx: &mut Ctx<'_>, requests: &[RequestBinding]) -> Option<bool> {
    let graphql = requests.iter().filter(|r| r.graphql.is_some()).count();
    if graphql == 0 {
        return Some(false);
    }
    if graphql == requests.len() {
        return Some(true);
    }
    for (i, r) in requests.iter().enumerate() {
        if r.graphql.is_none() {
            ctx.error(
                &format!(".requests[{i}]"),
                "sends no `graphql` while another variant of this call does; a call is GraphQL throughout",
            );
        }
    }
    None
}
