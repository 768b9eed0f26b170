//! Checking a binding against its template and the CRM's spec, which
//! produces the typed model (parse, don't validate). Every problem in the
//! binding is collected, with its place, before the check gives up.
//!
//! One concern per file: [`operation`] finds `METHOD /path` in the spec,
//! [`auth`] checks the bindings' auth against the operation's security,
//! [`request`] turns request variants into [`Variant`]s, [`response`]
//! turns the response mapping into [`Projection`]s, and [`guard`] holds
//! the rules that keep a write from happening twice.

mod auth;
mod body;
mod guard;
mod operation;
mod request;
mod response;
mod transform;

use crate::bindings::{ActionBinding, Bindings, PrecheckBinding, RequestBinding, ResponseBinding};
use crate::catalog::Template;
use crate::diagnostic::Report;
use crate::error::{Error, Result};
use crate::openapi::Api;

use super::{BoundAction, Call, Crm, Exchange, Flow, Retry, Variant};

#[cfg(doc)]
use super::Projection;

/// Checks `template` against `crm`'s binding and `api`, and builds the
/// bound action; every problem found is in the error, one per line.
pub fn bind(
    crm_id: &str,
    crm: &Bindings,
    bindings_origin: &str,
    api: &Api,
    template: &Template,
) -> Result<BoundAction> {
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
    let mut report = Report::new(bindings_origin);
    let flow = flow(&mut report, crm, api, template, binding);
    report.finish(flow).map(|flow| BoundAction {
        crm: Crm {
            id: crm_id.to_string(),
            name: crm.name.clone(),
            base_url: crm.base_url.clone(),
            base_url_env: crm.base_url_env.clone(),
            docs: crm.docs.clone(),
            auth: crm.auth.clone(),
        },
        template: template.clone(),
        bindings_origin: bindings_origin.to_string(),
        spec_origin: api.origin.clone(),
        flow,
    })
}

/// What the checks of one call see: the file's report and the place every
/// problem of this call is relative to.
struct Ctx<'a> {
    report: &'a mut Report,
    api: &'a Api,
    template: &'a Template,
    crm: &'a Bindings,
    /// `actions.contact-create` or `actions.contact-create.precheck`.
    at: String,
}

impl Ctx<'_> {
    fn error(&mut self, rest: &str, message: impl Into<String>) {
        let place = format!("{}{rest}", self.at);
        self.report.error(place, message);
    }
}

/// The action's flow: its call, or a look-up and a write.
fn flow(
    report: &mut Report,
    crm: &Bindings,
    api: &Api,
    template: &Template,
    binding: &ActionBinding,
) -> Option<Flow> {
    let mut ctx = Ctx {
        report,
        api,
        template,
        crm,
        at: format!("actions.{}", template.id),
    };
    let before = ctx.report.count();
    let write = operation::find(&mut ctx, &binding.operation).and_then(|found| {
        let retry = guard::retry(&mut ctx, template, binding, &found);
        exchange(&mut ctx, found, retry, &binding.requests, &binding.response)
    });
    let lookup = binding
        .precheck
        .as_ref()
        .map(|p| precheck(&mut ctx, binding, p));
    guard::natural_key(&mut ctx, template, binding.precheck.is_some());
    if ctx.report.count() > before {
        return None;
    }
    match (write?, lookup) {
        (write, None) => Some(Flow::One(write)),
        (write, Some(lookup)) => Some(Flow::WriteUnlessFound {
            lookup: Box::new(lookup?),
            write,
        }),
    }
}

/// A `precheck:`, checked like the action's own operation plus the
/// guard's rules. A precheck that may not be there, or that does not
/// read, is reported alone: the rest of it would only add noise.
fn precheck(
    ctx: &mut Ctx<'_>,
    binding: &ActionBinding,
    precheck: &PrecheckBinding,
) -> Option<Exchange> {
    let inner = format!("{}.precheck", ctx.at);
    let outer = std::mem::replace(&mut ctx.at, inner);
    let template = ctx.template;
    let exchange = guard::precheck_allowed(ctx, template, binding)
        .then(|| operation::find(ctx, &precheck.operation))
        .flatten()
        .and_then(|found| {
            let retry = guard::precheck_reads(ctx, &found, precheck)?;
            exchange(
                ctx,
                found,
                Some(retry),
                &precheck.requests,
                &precheck.response,
            )
        });
    ctx.at = outer;
    exchange
}

/// One call of a found operation: its auth, its request variants and its
/// response mapping, each checked even when another failed.
fn exchange(
    ctx: &mut Ctx<'_>,
    found: operation::Found<'_>,
    retry: Option<Retry>,
    requests: &[RequestBinding],
    response: &ResponseBinding,
) -> Option<Exchange> {
    if let Err(m) = auth::check(&ctx.crm.auth, ctx.api, found.op) {
        if ctx.at.ends_with(".precheck") {
            ctx.error(".operation", m);
        } else {
            ctx.report.error("auth", m);
        }
    }
    let graphql = body::graphql_calls(ctx, requests);
    let variants = request::variants(ctx, &found, requests);
    let result = response::projections(ctx, found.op, response, graphql.unwrap_or(false));
    let (variants, refusal): (Vec<Variant>, _) = variants?;
    let (record, result) = result?;
    graphql?;
    Some(Exchange {
        call: Call {
            method: found.method,
            path: found.path,
            operation_id: found.op.operation_id.clone(),
            operation_summary: found.op.summary.clone(),
            variants,
            refusal,
            retry: retry?,
            record,
        },
        result,
    })
}
