//! Checking a binding against its template and the CRM's spec, which
//! produces the typed model (parse, don't validate). Every problem in the
//! binding is collected, with its place, before the check gives up.
//!
//! One concern per file: `operation` finds `METHOD /path` in the spec,
//! `auth` checks the bindings' auth against the operation's security,
//! `request` turns request variants into [`Variant`]s, `response`
//! turns the response mapping into [`Projection`]s, and `guard` holds
//! the rules that keep a write from happening twice.

mod auth;
mod body;
mod guard;
mod operation;
mod request;
mod response;
mod transform;
mod verify;

use crate::bindings::{
    vendor_template, ActionBinding, Bindings, PrecheckBinding, RequestBinding, ResponseBinding,
    StepBinding,
};
use crate::catalog::{Template, ValueType};
use crate::diagnostic::Report;
use crate::error::{Error, Result};
use crate::openapi::{Api, Operation};

use super::{
    ArgForm, ArgRef, BoundAction, Call, Crm, Exchange, Flow, FoundWhen, Pointer, Presence, Retry,
    SameTime, Setting, Step, Variant,
};

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
    // The parse checked every template; a failure here is reported too.
    let mut headers = Vec::new();
    for (name, value) in &crm.headers {
        match vendor_template(value, &crm.setting_names(), false) {
            Ok(v) => headers.push((name.clone(), v)),
            Err(m) => report.error(format!("headers.{name}"), m),
        }
    }
    report.finish(flow).map(|flow| BoundAction {
        crm: Crm {
            id: crm_id.to_string(),
            name: crm.name.clone(),
            base_url: crm.base_url.clone(),
            base_url_env: crm.base_url_env.clone(),
            docs: crm.docs.clone(),
            auth: crm.auth.clone(),
            settings: crm
                .settings
                .iter()
                .map(|(name, s)| Setting {
                    name: name.clone(),
                    env: s.env.clone(),
                    kind: s.kind,
                })
                .collect(),
            headers,
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
    /// The steps before the call being checked, whose values it may use.
    earlier: Vec<Earlier<'a>>,
}

/// A step before the call being checked: its name, and (when it checked)
/// its operation and record, to check `{step.<name>:<pointer>}` against.
struct Earlier<'a> {
    name: String,
    op: Option<&'a Operation>,
    record: Option<Pointer>,
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
        earlier: Vec::new(),
    };
    let before = ctx.report.count();
    let steps = steps(&mut ctx, &binding.steps);
    let write = operation::find(&mut ctx, &binding.operation).and_then(|found| {
        let retry = guard::retry(&mut ctx, template, binding, &found);
        exchange(&mut ctx, found, retry, &binding.requests, &binding.response)
    });
    let lookup = binding.precheck.as_ref().map(|p| precheck(&mut ctx, p));
    let same_time = binding
        .precheck
        .as_ref()
        .and_then(|p| p.same_time.as_ref())
        .and_then(|s| same_time(&mut ctx, binding, s));
    let found_when = binding
        .precheck
        .as_ref()
        .and_then(|p| p.found_when.as_ref().map(|f| (p, f)))
        .and_then(|(p, f)| found_when(&mut ctx, p, f));
    guard::natural_key(&mut ctx, template, binding.precheck.is_some());
    let verify = verify::check(&mut ctx, binding, write.as_ref());
    if ctx.report.count() > before {
        return None;
    }
    if binding.response.verify.is_some() {
        return Some(Flow::Verify {
            lookup: write?,
            verify: verify?,
        });
    }
    if !binding.steps.is_empty() {
        return Some(Flow::Steps {
            steps: steps?,
            last: write?,
        });
    }
    match (write?, lookup) {
        (write, None) => Some(Flow::One(write)),
        (write, Some(lookup)) => Some(Flow::WriteUnlessFound {
            lookup: Box::new(lookup?),
            same_time,
            found_when,
            write,
        }),
    }
}

/// A precheck's `same_time`: the pointer is a time in the precheck's
/// success response below its record, the argument a required time.
fn same_time(
    ctx: &mut Ctx<'_>,
    binding: &ActionBinding,
    s: &crate::bindings::SameTimeBinding,
) -> Option<SameTime> {
    let precheck = binding.precheck.as_ref()?;
    let at = ".precheck.same_time";
    let mut ok = true;
    let param = ctx
        .template
        .tool
        .parameters
        .iter()
        .find(|p| p.name == s.arg);
    let arg = match param {
        Some(p)
            if p.required
                && p.ty == ValueType::String
                && p.format.as_deref() == Some("date-time") =>
        {
            Some(ArgRef {
                name: p.name.clone(),
                ty: p.ty,
                presence: Presence::Required,
                escape: None,
                form: ArgForm::Utc {
                    business: ctx
                        .crm
                        .settings
                        .iter()
                        .find(|(_, s)| s.kind == crate::bindings::SettingKindBinding::UtcOffset)
                        .map(|(n, _)| n.clone()),
                },
            })
        }
        _ => {
            ctx.error(
                &format!("{at}.arg"),
                format!(
                    "`{}` is not a required time parameter (`type: string`, `format: date-time`) of template `{}`",
                    s.arg, ctx.template.id
                ),
            );
            ok = false;
            None
        }
    };
    let pointer = Pointer::parse(&s.pointer).filter(|p| !p.is_root());
    let declared = match (&pointer, Pointer::parse(&precheck.response.record)) {
        (Some(p), Some(record)) => {
            // An unknown operation was reported by the precheck's own check.
            let op = precheck
                .operation
                .trim()
                .split_once(' ')
                .and_then(|(m, path)| {
                    ctx.api
                        .operation(&m.trim().to_ascii_uppercase(), path.trim())
                });
            op.is_none_or(|op| response::declares(ctx.api, op, &record.join(p)))
        }
        _ => false,
    };
    if !declared {
        ctx.error(
            &format!("{at}.pointer"),
            format!(
                "`{}` is not a pointer the precheck's success response has below its record `{}`",
                s.pointer, precheck.response.record
            ),
        );
        ok = false;
    }
    if !ok {
        return None;
    }
    Some(SameTime {
        pointer: pointer?,
        arg: arg?,
    })
}

/// A precheck's `found_when`: the pointer is in the precheck's success
/// response below its record, and at least one value is given.
fn found_when(
    ctx: &mut Ctx<'_>,
    precheck: &crate::bindings::PrecheckBinding,
    f: &crate::bindings::FoundWhenBinding,
) -> Option<FoundWhen> {
    let at = ".precheck.found_when";
    let mut ok = true;
    if f.values.is_empty() || f.values.iter().any(|v| v.is_empty()) {
        ctx.error(
            &format!("{at}.values"),
            "list the record's values (as text) that mean the write is already done; none is empty",
        );
        ok = false;
    }
    let pointer = Pointer::parse(&f.pointer).filter(|p| !p.is_root());
    let declared = match (&pointer, Pointer::parse(&precheck.response.record)) {
        (Some(p), Some(record)) => {
            let op = precheck
                .operation
                .trim()
                .split_once(' ')
                .and_then(|(m, path)| {
                    ctx.api
                        .operation(&m.trim().to_ascii_uppercase(), path.trim())
                });
            op.is_none_or(|op| response::declares(ctx.api, op, &record.join(p)))
        }
        _ => false,
    };
    if !declared {
        ctx.error(
            &format!("{at}.pointer"),
            format!(
                "`{}` is not a pointer the precheck's success response has below its record `{}`",
                f.pointer, precheck.response.record
            ),
        );
        ok = false;
    }
    if !ok {
        return None;
    }
    Some(FoundWhen {
        pointer: pointer?,
        values: f.values.clone(),
    })
}

/// The `steps:` before the action's own call, in order: each a read, its
/// request variants and record checked, each able to use the values of
/// the ones before it. Every step is named in `ctx.earlier` afterwards,
/// so the action's own call may use any of them.
fn steps(ctx: &mut Ctx<'_>, bindings: &[StepBinding]) -> Option<Vec<Step>> {
    let outer = ctx.at.clone();
    let mut out = Vec::new();
    let mut ok = true;
    for (i, b) in bindings.iter().enumerate() {
        ctx.at = format!("{outer}.steps[{i}]");
        let before = ctx.report.count();
        let mut earlier = Earlier {
            name: b.name.clone(),
            op: None,
            record: None,
        };
        let call = operation::find(ctx, &b.operation).and_then(|found| {
            earlier.op = Some(found.op);
            earlier.record = step_record(ctx, found.op, &b.record);
            step(ctx, found, b, earlier.record.clone())
        });
        ctx.earlier.push(earlier);
        match call {
            Some(call) if ctx.report.count() == before => out.push(Step {
                name: b.name.clone(),
                call,
            }),
            _ => ok = false,
        }
    }
    ctx.at = outer;
    ok.then_some(out)
}

/// A step's record pointer, when it is one the operation's success
/// response declares.
fn step_record(ctx: &mut Ctx<'_>, op: &Operation, record: &str) -> Option<Pointer> {
    match Pointer::parse(record) {
        None => {
            ctx.error(
                ".record",
                format!("`{record}` is not a JSON pointer (it starts with `/`)"),
            );
            None
        }
        Some(r) if !r.is_root() && !response::declares(ctx.api, op, &r) => {
            ctx.error(
                ".record",
                format!(
                    "the success response of `{} {}` has nothing at `{r}`",
                    op.method, op.path
                ),
            );
            None
        }
        Some(r) => Some(r),
    }
}

/// One step's call: its auth, that it reads, and its request variants.
fn step(
    ctx: &mut Ctx<'_>,
    found: operation::Found<'_>,
    b: &StepBinding,
    record: Option<Pointer>,
) -> Option<Call> {
    let op = found.op;
    if let Err(m) = auth::check(&ctx.crm.auth, ctx.api, op) {
        ctx.error(".operation", m);
    }
    let retry = guard::step_reads(ctx, &found, b.retry_safe);
    let (variants, refusal) = request::variants(ctx, &found, &b.requests)?;
    Some(Call {
        method: found.method,
        path: found.path,
        operation_id: op.operation_id.clone(),
        operation_summary: op.summary.clone(),
        variants,
        refusal,
        retry: retry?,
        record: record?,
    })
}

/// A `precheck:`, checked like the action's own operation plus the
/// guard's rules. A precheck that may not be there, or that does not
/// read, is reported alone: the rest of it would only add noise.
fn precheck(ctx: &mut Ctx<'_>, precheck: &PrecheckBinding) -> Option<Exchange> {
    let inner = format!("{}.precheck", ctx.at);
    let outer = std::mem::replace(&mut ctx.at, inner);
    let template = ctx.template;
    let exchange = guard::precheck_allowed(ctx, template)
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
