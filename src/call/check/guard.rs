//! The rules that keep a write from happening twice: when a request may be
//! retried, an idempotency header, and a natural-key write's `precheck`.

use crate::bindings::{ActionBinding, PrecheckBinding};
use crate::call::{Method, Retry};
use crate::catalog::{Access, IdempotencyKind, Template};

use super::operation::Found;
use super::Ctx;

/// The action's own retry rule: a write is never marked `retry_safe`; an
/// idempotency header (never on a GET, a valid header name) makes it safe
/// to repeat; otherwise GETs are safe and other methods are not, unless
/// `retry_safe` says so.
pub(super) fn retry(
    ctx: &mut Ctx<'_>,
    template: &Template,
    binding: &ActionBinding,
    found: &Found<'_>,
) -> Option<Retry> {
    let mut ok = true;
    if template.access == Access::Write && binding.retry_safe == Some(true) {
        ctx.error(
            ".retry_safe",
            format!(
                "template `{}` writes; a write is never retried blindly",
                template.id
            ),
        );
        ok = false;
    }
    let header = match &binding.idempotency {
        None => None,
        Some(_) if found.method == Method::Get => {
            ctx.error(
                ".idempotency",
                "a GET is already safe to repeat; remove `idempotency`",
            );
            return None;
        }
        Some(i) if !is_header_name(&i.header) => {
            ctx.error(
                ".idempotency.header",
                format!("`{}` is not an HTTP header name", i.header),
            );
            return None;
        }
        Some(i) => Some(i.header.clone()),
    };
    if !ok {
        return None;
    }
    Some(match header {
        Some(header) => Retry::IdempotencyKey { header },
        None if binding.retry_safe.unwrap_or(found.method == Method::Get) => Retry::Safe,
        None => Retry::Never,
    })
}

/// A precheck guards a write. An idempotency header may stand beside it
/// (Stripe's `Idempotency-Key`): the write is still sent at most twice,
/// only after a second look misses the record, and the second write
/// carries the first one's key, so a write that landed but that the
/// look-up cannot see yet (an eventually consistent search) is not made
/// twice. Problems are reported at the precheck itself; `false` when
/// there was one.
pub(super) fn precheck_allowed(ctx: &mut Ctx<'_>, template: &Template) -> bool {
    let before = ctx.report.count();
    if template.access != Access::Write {
        ctx.error(
            "",
            format!(
                "template `{}` only reads; a precheck guards a write",
                template.id
            ),
        );
    }
    ctx.report.count() == before
}

/// A precheck reads: a GET, or a POST marked `retry_safe: true`; it is
/// always safe to repeat.
pub(super) fn precheck_reads(
    ctx: &mut Ctx<'_>,
    found: &Found<'_>,
    precheck: &PrecheckBinding,
) -> Option<Retry> {
    match (found.method, precheck.retry_safe) {
        (Method::Get, Some(false)) => {
            ctx.error(
                ".retry_safe",
                "a precheck reads, so it is safe to repeat; remove `retry_safe: false`",
            );
            None
        }
        (Method::Get, _) | (Method::Post, Some(true)) => Some(Retry::Safe),
        (Method::Post, _) => {
            ctx.error(
                ".operation",
                format!(
                    "a precheck must read; `POST {}` is a read only if it is a search: mark it `retry_safe: true`",
                    found.path
                ),
            );
            None
        }
        (method, _) => {
            ctx.error(
                ".operation",
                format!(
                    "a precheck must read (GET, or a POST search); `{method} {}` writes",
                    found.path
                ),
            );
            None
        }
    }
}

/// A step before an action's last call reads: a GET, or a POST marked
/// `retry_safe: true`; it is always safe to repeat.
pub(super) fn step_reads(
    ctx: &mut Ctx<'_>,
    found: &Found<'_>,
    retry_safe: Option<bool>,
) -> Option<Retry> {
    match (found.method, retry_safe) {
        (Method::Get, Some(false)) => {
            ctx.error(
                ".retry_safe",
                "a step before the last reads, so it is safe to repeat; remove `retry_safe: false`",
            );
            None
        }
        (Method::Get, _) | (Method::Post, Some(true)) => Some(Retry::Safe),
        (method, _) => {
            ctx.error(
                ".operation",
                format!(
                    "a step before the last must read (a GET, or a POST search marked `retry_safe: true`); `{method} {}` is not one",
                    found.path
                ),
            );
            None
        }
    }
}

/// A write template keyed on a natural key needs a precheck in every
/// binding.
pub(super) fn natural_key(ctx: &mut Ctx<'_>, template: &Template, has_precheck: bool) {
    let natural_key = template
        .idempotency
        .as_ref()
        .filter(|i| i.kind == IdempotencyKind::NaturalKey);
    if let (Access::Write, Some(key), false) = (template.access, natural_key, has_precheck) {
        ctx.error(
            "",
            format!(
                "template `{}` keys its writes on {} (idempotency: natural-key); add a `precheck` that looks the record up before the write",
                template.id,
                key.key.join(", ")
            ),
        );
    }
}

/// An HTTP header name: one or more token characters (RFC 9110).
pub(super) fn is_header_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c))
}
