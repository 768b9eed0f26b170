//! An action: one template bound to one operation of one CRM's spec, checked
//! end to end before anything is rendered.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::bindings::placeholder::{self, Piece};
use crate::bindings::ActionBinding;
use crate::bindings::{
    AuthBinding, Bindings, FieldBinding, PrecheckBinding, RequestBinding, ResponseBinding,
};
use crate::catalog::{Access, IdempotencyKind, Template, ValueType};
use crate::error::{Error, Result};
use crate::openapi::{Api, Operation, ParamLocation, Schema, SchemaKind, SecurityScheme};
use crate::suggest;

/// A template, its binding for one CRM, and the operation it calls; every
/// reference between them has been checked.
#[derive(Debug, Clone)]
pub struct Action {
    /// CRM id (`hubspot`).
    pub crm_id: String,
    /// The CRM's bindings.
    pub crm: Bindings,
    /// File the bindings came from.
    pub bindings_origin: String,
    /// File the spec came from.
    pub spec_origin: String,
    /// The use case.
    pub template: Template,
    /// The binding for this template.
    pub binding: ActionBinding,
    /// Upper-case HTTP method.
    pub method: String,
    /// Path template as in the spec.
    pub path: String,
    /// The operation's id, when the spec gives one.
    pub operation_id: Option<String>,
    /// The operation's summary, when the spec gives one.
    pub operation_summary: Option<String>,
    /// Whether the request may be repeated.
    pub retry_safe: bool,
    /// The header carrying a fresh idempotency key per call, if any.
    pub idempotency_header: Option<String>,
    /// The look-up run before the write, if the binding has one.
    pub precheck: Option<Precheck>,
}

/// A checked `precheck:`: the read that looks for the record before a write.
#[derive(Debug, Clone)]
pub struct Precheck {
    /// The binding.
    pub binding: PrecheckBinding,
    /// Upper-case HTTP method (GET or POST).
    pub method: String,
    /// Path template as in the spec.
    pub path: String,
    /// Whether the request may be repeated (always true: it reads).
    pub retry_safe: bool,
}

/// Checks `template` against `crm`'s binding and `api`, and builds the action.
pub fn resolve(
    crm_id: &str,
    crm: &Bindings,
    bindings_origin: &str,
    api: &Api,
    template: &Template,
) -> Result<Action> {
    let Some(binding) = crm.actions.get(&template.id) else {
        let bound: Vec<&str> = crm.actions.keys().map(String::as_str).collect();
        return Err(Error::invalid(
            bindings_origin,
            "actions",
            format!(
                "{} has no binding for template `{}`; bound templates: {}",
                crm.name,
                template.id,
                if bound.is_empty() {
                    "(none)".to_string()
                } else {
                    bound.join(", ")
                }
            ),
        ));
    };
    let at = |rest: &str| format!("actions.{}{rest}", template.id);
    let invalid = |rest: &str, msg: String| Error::invalid(bindings_origin, at(rest), msg);

    let (method, path, op) =
        find_operation(api, &binding.operation, &|rest, msg| invalid(rest, msg))?;
    if template.access == Access::Write && binding.retry_safe == Some(true) {
        return Err(invalid(
            ".retry_safe",
            format!(
                "template `{}` writes; a write is never retried blindly",
                template.id
            ),
        ));
    }
    let idempotency_header = match &binding.idempotency {
        None => None,
        Some(_) if method == "GET" => {
            return Err(invalid(
                ".idempotency",
                "a GET is already safe to repeat; remove `idempotency`".to_string(),
            ))
        }
        Some(i) if !is_header_name(&i.header) => {
            return Err(invalid(
                ".idempotency.header",
                format!("`{}` is not an HTTP header name", i.header),
            ))
        }
        Some(i) => Some(i.header.clone()),
    };

    check_auth(&crm.auth, api, op).map_err(|m| Error::invalid(bindings_origin, "auth", m))?;

    check_requests_and_response(
        template,
        api,
        op,
        &binding.requests,
        &binding.response,
        &invalid,
    )?;
    let precheck = match &binding.precheck {
        Some(p) => Some(resolve_precheck(
            crm,
            api,
            template,
            binding,
            p,
            &|rest, msg| invalid(&format!(".precheck{rest}"), msg),
        )?),
        None => None,
    };
    let natural_key = template
        .idempotency
        .as_ref()
        .filter(|i| i.kind == IdempotencyKind::NaturalKey);
    if let (Access::Write, Some(key), None) = (template.access, natural_key, &precheck) {
        return Err(invalid(
            "",
            format!(
                "template `{}` keys its writes on {} (idempotency: natural-key); add a `precheck` that looks the record up before the write",
                template.id,
                key.key.join(", ")
            ),
        ));
    }

    Ok(Action {
        crm_id: crm_id.to_string(),
        crm: crm.clone(),
        bindings_origin: bindings_origin.to_string(),
        spec_origin: api.origin.clone(),
        template: template.clone(),
        binding: binding.clone(),
        retry_safe: binding.retry_safe.unwrap_or(method == "GET") || idempotency_header.is_some(),
        idempotency_header,
        precheck,
        method,
        path,
        operation_id: op.operation_id.clone(),
        operation_summary: op.summary.clone(),
    })
}

/// Parses `METHOD /path` and finds the operation in the spec (else the
/// closest one is suggested).
fn find_operation<'a>(
    api: &'a Api,
    operation: &str,
    invalid: &dyn Fn(&str, String) -> Error,
) -> Result<(String, String, &'a Operation)> {
    let (method, path) = operation
        .trim()
        .split_once(' ')
        .map(|(m, p)| (m.trim().to_ascii_uppercase(), p.trim().to_string()))
        .ok_or_else(|| invalid(".operation", format!("`{operation}` is not `METHOD /path`")))?;
    if !["GET", "POST", "PUT", "PATCH", "DELETE"].contains(&method.as_str()) {
        return Err(invalid(
            ".operation",
            format!("method `{method}` is not one of GET, POST, PUT, PATCH, DELETE"),
        ));
    }
    let Some(op) = api.operation(&method, &path) else {
        let all: Vec<String> = api
            .operations
            .iter()
            .map(|o| format!("{} {}", o.method, o.path))
            .collect();
        let refs: Vec<&str> = all.iter().map(String::as_str).collect();
        let hint = suggest::closest(&format!("{method} {path}"), &refs)
            .map(|c| format!("; did you mean `{c}`?"))
            .unwrap_or_default();
        return Err(invalid(
            ".operation",
            format!(
                "`{method} {path}` is not an operation of {}{hint}",
                api.origin
            ),
        ));
    };
    Ok((method, path, op))
}

/// Checks every request variant and the response mapping of one operation.
fn check_requests_and_response(
    template: &Template,
    api: &Api,
    op: &Operation,
    requests: &[RequestBinding],
    response: &ResponseBinding,
    invalid: &dyn Fn(&str, String) -> Error,
) -> Result<()> {
    for (i, request) in requests.iter().enumerate() {
        check_request(template, op, request, &|rest: &str, msg: String| {
            invalid(&format!(".requests[{i}]{rest}"), msg)
        })?;
    }
    check_response(template, api, op, response, &|rest: &str, msg: String| {
        invalid(&format!(".response{rest}"), msg)
    })
}

/// Checks a `precheck:` like the action's own operation, plus: only a
/// write has one, it reads (GET, or a POST marked `retry_safe: true`), and
/// it is the only guard of the write (no idempotency header beside it).
fn resolve_precheck(
    crm: &Bindings,
    api: &Api,
    template: &Template,
    binding: &ActionBinding,
    precheck: &PrecheckBinding,
    invalid: &dyn Fn(&str, String) -> Error,
) -> Result<Precheck> {
    if template.access != Access::Write {
        return Err(invalid(
            "",
            format!(
                "template `{}` only reads; a precheck guards a write",
                template.id
            ),
        ));
    }
    if binding.idempotency.is_some() {
        return Err(invalid(
            "",
            "the write has an idempotency header; use the header or a precheck, not both"
                .to_string(),
        ));
    }
    let (method, path, op) = find_operation(api, &precheck.operation, invalid)?;
    match (method.as_str(), precheck.retry_safe) {
        ("GET", Some(false)) => {
            return Err(invalid(
                ".retry_safe",
                "a precheck reads, so it is safe to repeat; remove `retry_safe: false`"
                    .to_string(),
            ))
        }
        ("GET", _) | ("POST", Some(true)) => {}
        ("POST", _) => {
            return Err(invalid(
                ".operation",
                format!(
                    "a precheck must read; `POST {path}` is a read only if it is a search: mark it `retry_safe: true`"
                ),
            ))
        }
        _ => {
            return Err(invalid(
                ".operation",
                format!("a precheck must read (GET, or a POST search); `{method} {path}` writes"),
            ))
        }
    }
    check_auth(&crm.auth, api, op).map_err(|m| invalid(".operation", m))?;
    check_requests_and_response(
        template,
        api,
        op,
        &precheck.requests,
        &precheck.response,
        invalid,
    )?;
    Ok(Precheck {
        binding: precheck.clone(),
        method,
        path,
        retry_safe: true,
    })
}

/// An HTTP header name: one or more token characters (RFC 9110).
fn is_header_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c))
}

/// Checks that the binding's auth is one the operation accepts. An
/// operation that declares no security (or a spec without schemes) accepts
/// any: vendors often leave it out.
fn check_auth(auth: &AuthBinding, api: &Api, op: &Operation) -> Result<(), String> {
    let accepted: Vec<&SecurityScheme> = op
        .security
        .iter()
        .flat_map(|r| r.schemes.iter())
        .filter_map(|(name, _)| api.security_schemes.get(name))
        .collect();
    if accepted.is_empty() {
        return Ok(());
    }
    let fits = |scheme: &SecurityScheme| match (auth, scheme) {
        (AuthBinding::Bearer { .. }, SecurityScheme::Http { scheme, .. }) => scheme == "bearer",
        // OAuth 2 and OpenID Connect access tokens travel as bearer tokens.
        (AuthBinding::Bearer { .. }, SecurityScheme::OAuth2 { .. })
        | (AuthBinding::Bearer { .. }, SecurityScheme::OpenIdConnect { .. }) => true,
        (AuthBinding::Basic { .. }, SecurityScheme::Http { scheme, .. }) => scheme == "basic",
        (AuthBinding::Header { header, .. }, SecurityScheme::ApiKey { name, location }) => {
            *location == ParamLocation::Header && name.eq_ignore_ascii_case(header)
        }
        (AuthBinding::Query { param, .. }, SecurityScheme::ApiKey { name, location }) => {
            *location == ParamLocation::Query && name == param
        }
        _ => false,
    };
    if accepted.iter().any(|s| fits(s)) {
        return Ok(());
    }
    let names: Vec<String> = accepted
        .iter()
        .map(|s| match s {
            SecurityScheme::Http { scheme, .. } => format!("http {scheme}"),
            SecurityScheme::ApiKey { name, location } => format!("api key `{name}` in {location}"),
            SecurityScheme::OAuth2 { .. } => "oauth2 (bearer token)".to_string(),
            SecurityScheme::OpenIdConnect { .. } => "openid connect (bearer token)".to_string(),
        })
        .collect();
    Err(format!(
        "`{} {}` accepts {}; the bindings' auth is none of these",
        op.method,
        op.path,
        names.join(", ")
    ))
}

/// Names of `{params}` in a spec path.
pub fn path_params(path: &str) -> Vec<String> {
    path.split('{')
        .skip(1)
        .filter_map(|s| s.split_once('}').map(|(n, _)| n.to_string()))
        .collect()
}

fn check_request(
    template: &Template,
    op: &Operation,
    request: &RequestBinding,
    invalid: &dyn Fn(&str, String) -> Error,
) -> Result<()> {
    let param = |name: &str| template.tool.parameters.iter().find(|p| p.name == name);
    for name in &request.when {
        if param(name).is_none() {
            return Err(invalid(
                ".when",
                format!(
                    "`{name}` is not a parameter of tool `{}`",
                    template.tool.name
                ),
            ));
        }
    }
    let present = |name: &str| {
        request.when.iter().any(|w| w == name) || param(name).is_some_and(|p| p.required)
    };
    // Every placeholder names a parameter; path values must be present.
    let check_str = |place: &str, s: &str, must_be_present: bool| -> Result<Vec<Piece>> {
        let pieces = placeholder::parse(s).map_err(|m| invalid(place, m))?;
        for arg in placeholder::args(&pieces) {
            if param(arg).is_none() {
                let names: Vec<&str> = template
                    .tool
                    .parameters
                    .iter()
                    .map(|p| p.name.as_str())
                    .collect();
                return Err(invalid(
                    place,
                    format!(
                        "placeholder `{{{arg}}}` is not a tool parameter; parameters: {}",
                        names.join(", ")
                    ),
                ));
            }
            if must_be_present && !present(arg) {
                return Err(invalid(
                    place,
                    format!(
                        "`{{{arg}}}` is optional; a path needs it: make it required or list it in `when`"
                    ),
                ));
            }
        }
        Ok(pieces)
    };

    let declared: BTreeSet<String> = path_params(&op.path).into_iter().collect();
    for name in &declared {
        if !request.path.contains_key(name) {
            return Err(invalid(
                ".path",
                format!(
                    "path parameter `{name}` of `{} {}` is not bound",
                    op.method, op.path
                ),
            ));
        }
    }
    for (name, value) in &request.path {
        if !declared.contains(name) {
            return Err(invalid(
                ".path",
                format!(
                    "`{name}` is not a path parameter of `{} {}`",
                    op.method, op.path
                ),
            ));
        }
        check_str(&format!(".path.{name}"), value, true)?;
    }
    let of = |loc: ParamLocation| op.parameters.iter().filter(move |p| p.location == loc);
    for (name, value) in &request.query {
        if !of(ParamLocation::Query).any(|p| &p.name == name) {
            let names: Vec<&str> = of(ParamLocation::Query).map(|p| p.name.as_str()).collect();
            return Err(invalid(
                ".query",
                format!(
                    "`{name}` is not a query parameter of `{} {}`; it has: {}",
                    op.method,
                    op.path,
                    if names.is_empty() {
                        "(none)".to_string()
                    } else {
                        names.join(", ")
                    }
                ),
            ));
        }
        check_str(&format!(".query.{name}"), value, false)?;
    }
    for p in of(ParamLocation::Query).filter(|p| p.required) {
        if !request.query.contains_key(&p.name) {
            return Err(invalid(
                ".query",
                format!("required query parameter `{}` is not bound", p.name),
            ));
        }
    }
    for (name, value) in &request.headers {
        if name.eq_ignore_ascii_case("authorization") {
            return Err(invalid(
                ".headers",
                "auth comes from the `auth` section and the environment, never a header here"
                    .to_string(),
            ));
        }
        check_str(&format!(".headers.{name}"), value, false)?;
    }
    match (&request.body, &op.request_body) {
        (None, Some(body)) if body.required => {
            return Err(invalid(
                "",
                format!(
                    "`{} {}` requires a request body; add `body`",
                    op.method, op.path
                ),
            ))
        }
        (Some(_), None) => {
            return Err(invalid(
                ".body",
                format!("`{} {}` takes no request body", op.method, op.path),
            ))
        }
        _ => {}
    }
    if let Some(body) = &request.body {
        walk_strings(body, "", &mut |place, s| {
            check_str(&format!(".body{place}"), s, false).map(|_| ())
        })?;
    }
    Ok(())
}

/// Calls `f` on every string in a JSON value with its pointer.
fn walk_strings(v: &Value, place: &str, f: &mut dyn FnMut(&str, &str) -> Result<()>) -> Result<()> {
    match v {
        Value::String(s) => f(place, s),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                walk_strings(item, &format!("{place}[{i}]"), f)?;
            }
            Ok(())
        }
        Value::Object(map) => {
            for (k, item) in map {
                walk_strings(item, &format!("{place}.{k}"), f)?;
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

fn check_response(
    template: &Template,
    api: &Api,
    op: &Operation,
    response: &ResponseBinding,
    invalid: &dyn Fn(&str, String) -> Error,
) -> Result<()> {
    let pointer_ok = |p: &str| p.is_empty() || p.starts_with('/');
    if !pointer_ok(&response.record) {
        return Err(invalid(
            ".record",
            format!(
                "`{}` is not a JSON pointer (it starts with `/`)",
                response.record
            ),
        ));
    }
    let success: Option<&Schema> = op.success_response.as_ref().map(|b| &b.schema);
    let exists = |pointer: &str| -> bool {
        match success {
            // A schema that says nothing cannot be checked against.
            Some(s) if matches!(s.kind, SchemaKind::Any) => true,
            Some(s) => api.declared_at(s, pointer).is_some(),
            None => false,
        }
    };
    let what = format!("the success response of `{} {}`", op.method, op.path);
    if !response.record.is_empty() && !exists(&response.record) {
        return Err(invalid(
            ".record",
            format!("{what} has nothing at `{}`", response.record),
        ));
    }
    for (name, source) in &response.fields {
        let Some(field) = template.result.iter().find(|f| &f.name == name) else {
            let names: Vec<&str> = template.result.iter().map(|f| f.name.as_str()).collect();
            return Err(invalid(
                &format!(".fields.{name}"),
                format!(
                    "`{name}` is not a result field of template `{}`; fields: {}",
                    template.id,
                    names.join(", ")
                ),
            ));
        };
        let fits = |v: &Value| match field.ty {
            ValueType::String => v.is_string(),
            // The connector holds integers as i64.
            ValueType::Integer => v.is_i64(),
            ValueType::Number => v.is_number(),
            ValueType::Boolean => v.is_boolean(),
        };
        let not_the_type = |place: &str, v: &Value| {
            invalid(
                &format!(".fields.{name}{place}"),
                format!(
                    "`{v}` is not {} {}, the type of result field `{name}`",
                    if field.ty == ValueType::Integer {
                        "an"
                    } else {
                        "a"
                    },
                    field.ty.as_str()
                ),
            )
        };
        let (pointer, place) = match source {
            None => continue,
            Some(FieldBinding::Const(c)) => {
                if !fits(&c.value) {
                    return Err(not_the_type(".const", &c.value));
                }
                continue;
            }
            Some(FieldBinding::Pointer(p)) => (p, format!(".fields.{name}")),
            Some(FieldBinding::Mapped(m)) => {
                if m.map.is_empty() {
                    return Err(invalid(
                        &format!(".fields.{name}.map"),
                        "maps no value; list the CRM's values and what each means".to_string(),
                    ));
                }
                for (from, to) in &m.map {
                    let place = format!(".map.{from:?}");
                    if from.trim().is_empty() {
                        return Err(invalid(
                            &format!(".fields.{name}{place}"),
                            "an empty value is never matched (it reads as absent)".to_string(),
                        ));
                    }
                    if !fits(to) {
                        return Err(not_the_type(&place, to));
                    }
                }
                if let Some(d) = m.default.as_ref().filter(|d| !fits(d)) {
                    return Err(not_the_type(".default", d));
                }
                (&m.pointer, format!(".fields.{name}.pointer"))
            }
        };
        if !pointer_ok(pointer) || pointer.is_empty() {
            return Err(invalid(
                &place,
                format!("`{pointer}` is not a JSON pointer (it starts with `/`)"),
            ));
        }
        let full = format!("{}{pointer}", response.record);
        if !exists(&full) {
            return Err(invalid(&place, format!("{what} has nothing at `{full}`")));
        }
    }
    for field in &template.result {
        if !response.fields.contains_key(&field.name) {
            return Err(invalid(
                ".fields",
                format!(
                    "result field `{}` is not mapped; give a pointer, a `{{const: value}}`, or `null` if the CRM lacks it",
                    field.name
                ),
            ));
        }
    }
    Ok(())
}
