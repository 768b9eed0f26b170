//! Operation lookup: `METHOD /path` in the bindings, found in the spec
//! (else the closest operation is suggested).

use crate::call::{Method, PathTemplate};
use crate::openapi::Operation;
use crate::suggest;

use super::Ctx;

/// An operation of the spec, with its method and parsed path.
pub(super) struct Found<'a> {
    /// The method.
    pub method: Method,
    /// The spec's path, parsed.
    pub path: PathTemplate,
    /// The operation.
    pub op: &'a Operation,
}

/// Parses `METHOD /path` and finds the operation; a problem is reported at
/// `.operation` and ends this call's checks.
pub(super) fn find<'a>(ctx: &mut Ctx<'a>, operation: &str) -> Option<Found<'a>> {
    let Some((method, path)) = operation
        .trim()
        .split_once(' ')
        .map(|(m, p)| (m.trim(), p.trim()))
    else {
        ctx.error(".operation", format!("`{operation}` is not `METHOD /path`"));
        return None;
    };
    let Some(method) = Method::parse(method) else {
        let all: Vec<&str> = Method::ALL.iter().map(|m| m.as_str()).collect();
        ctx.error(
            ".operation",
            format!(
                "method `{}` is not one of {}",
                method.to_ascii_uppercase(),
                all.join(", ")
            ),
        );
        return None;
    };
    let api = ctx.api;
    let Some(op) = api.operation(method.as_str(), path) else {
        let all: Vec<String> = api
            .operations
            .iter()
            .map(|o| format!("{} {}", o.method, o.path))
            .collect();
        let refs: Vec<&str> = all.iter().map(String::as_str).collect();
        let hint = suggest::closest(&format!("{method} {path}"), &refs)
            .map(|c| format!("; did you mean `{c}`?"))
            .unwrap_or_default();
        ctx.error(
            ".operation",
            format!(
                "`{method} {path}` is not an operation of {}{hint}",
                api.origin
            ),
        );
        return None;
    };
    match PathTemplate::parse(&op.path) {
        Ok(path) => Some(Found { method, path, op }),
        Err(m) => {
            ctx.error(".operation", format!("the spec's path {m}"));
            None
        }
    }
}
