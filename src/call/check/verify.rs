//! The account-verification check (`response.verify`): the template
//! answers a boolean `verified`; the factor and value arguments are the
//! template's; every factor of the enum is listed, each pointer is in the
//! spec below the record; the caller's value is never sent; and no result
//! field reads a stored factor, so the stored value cannot reach the
//! result.

use crate::bindings::{ActionBinding, FieldBinding, VerifyBinding};
use crate::call::{Exchange, FactorForm, Pointer, Source, StoredFactor, Verify};
use crate::catalog::ValueType;

use super::{response, Ctx};

/// The template's result field that `verify:` answers.
pub const VERIFIED: &str = "verified";

/// Checks `binding`'s `verify:` (or its absence, when the template has a
/// `verified` field) against the template, the spec and the checked
/// exchange (`lookup`, when its own check passed).
pub(super) fn check(
    ctx: &mut Ctx<'_>,
    binding: &ActionBinding,
    lookup: Option<&Exchange>,
) -> Option<Verify> {
    let template = ctx.template;
    let has_verified = template.result.iter().any(|f| f.name == VERIFIED);
    let Some(v) = &binding.response.verify else {
        if has_verified {
            ctx.error(
                ".response",
                format!(
                    "template `{}` answers `{VERIFIED}`, which only a `verify:` comparison may fill (README, \"Verification: account-verify\")",
                    template.id
                ),
            );
        }
        return None;
    };
    let at = ".response.verify";
    let before = ctx.report.count();
    match template.result.iter().find(|f| f.name == VERIFIED) {
        Some(f) if f.ty == ValueType::Boolean => {}
        _ => {
            // The rest would only add noise.
            ctx.error(
                at,
                format!(
                    "template `{}` has no boolean result field `{VERIFIED}` for the comparison to answer; `verify:` belongs to templates like account-verify",
                    template.id
                ),
            );
            return None;
        }
    }
    if !binding.steps.is_empty() || binding.precheck.is_some() {
        ctx.error(
            at,
            "a verification is one look-up: no `steps` and no `precheck` beside it",
        );
    }
    let enum_values = factor_arg(ctx, v);
    value_arg(ctx, v);
    let record = Pointer::parse(&binding.response.record);
    let op = binding
        .operation
        .trim()
        .split_once(' ')
        .and_then(|(m, p)| ctx.api.operation(&m.trim().to_ascii_uppercase(), p.trim()));
    let graphql = binding.requests.iter().any(|r| r.graphql.is_some());
    let declared = |ctx: &Ctx<'_>, p: &Pointer| {
        op.is_none_or(|op| response::answer_declares(ctx.api, op, graphql, p))
    };
    let several = several(ctx, v, record.as_ref(), &declared);
    let mut stored = Vec::new();
    for key in v.stored.keys() {
        if !enum_values.as_ref().is_none_or(|e| e.contains(key)) {
            ctx.error(
                &format!("{at}.stored.{key}"),
                format!(
                    "`{key}` is not a value of argument `{}`'s enum: {}",
                    v.factor,
                    enum_values.as_deref().unwrap_or_default().join(", ")
                ),
            );
        }
    }
    for factor in enum_values.as_deref().unwrap_or_default() {
        let place = format!("{at}.stored.{factor}");
        let Some(entry) = v.stored.get(factor) else {
            ctx.error(
                &format!("{at}.stored"),
                format!(
                    "factor `{factor}` is not listed; give where the record keeps it, or `{factor}: null` when {} keeps none",
                    ctx.crm.name
                ),
            );
            continue;
        };
        let Some(form) = FactorForm::of(factor) else {
            ctx.error(
                &place,
                format!(
                    "no comparison is known for factor `{factor}`; known: {}",
                    FactorForm::NAMES
                ),
            );
            continue;
        };
        let mut pointers = Vec::new();
        for p in entry.iter().flat_map(|e| e.pointers()) {
            match Pointer::parse(p).filter(|p| !p.is_root()) {
                None => ctx.error(
                    &place,
                    format!("`{p}` is not a JSON pointer below the record (it starts with `/`)"),
                ),
                Some(p) => {
                    if let Some(r) = &record {
                        if !declared(ctx, &r.join(&p)) {
                            ctx.error(
                                &place,
                                format!(
                                    "the success response of `{}` has nothing at `{}`",
                                    binding.operation.trim(),
                                    r.join(&p)
                                ),
                            );
                        }
                    }
                    pointers.push(p);
                }
            }
        }
        if entry.as_ref().is_some_and(|e| e.pointers().is_empty()) {
            ctx.error(&place, "lists no pointer; give one, or null");
        }
        stored.push(StoredFactor {
            factor: factor.clone(),
            form,
            pointers,
        });
    }
    if enum_values.is_some() && !stored.iter().any(|s| !s.pointers.is_empty()) {
        ctx.error(
            &format!("{at}.stored"),
            format!(
                "{} keeps none of the factors; list the template under `unsupported:` with the reason instead",
                ctx.crm.name
            ),
        );
    }
    leaks(ctx, binding, &stored);
    if let Some(lookup) = lookup {
        sends_value(ctx, v, lookup);
    }
    if ctx.report.count() > before {
        return None;
    }
    Some(Verify {
        factor: v.factor.clone(),
        value: v.value.clone(),
        several,
        stored,
    })
}

/// The factor argument's enum, when it is a required text enum.
fn factor_arg(ctx: &mut Ctx<'_>, v: &VerifyBinding) -> Option<Vec<String>> {
    let template = ctx.template;
    let param = template.tool.parameters.iter().find(|p| p.name == v.factor);
    match param {
        Some(p) if p.required && p.ty == ValueType::String && p.enum_values.is_some() => {
            p.enum_values.clone()
        }
        _ => {
            ctx.error(
                ".response.verify.factor",
                format!(
                    "`{}` is not a required text parameter with an `enum` of template `{}`",
                    v.factor, template.id
                ),
            );
            None
        }
    }
}

/// The value argument is a required text argument other than the factor.
fn value_arg(ctx: &mut Ctx<'_>, v: &VerifyBinding) {
    let template = ctx.template;
    let ok = v.value != v.factor
        && template
            .tool
            .parameters
            .iter()
            .any(|p| p.name == v.value && p.required && p.ty == ValueType::String);
    if !ok {
        ctx.error(
            ".response.verify.value",
            format!(
                "`{}` is not a required text parameter of template `{}` (other than the factor)",
                v.value, template.id
            ),
        );
    }
}

/// `several`: required when the record is the first of a list (`…/0`),
/// and then the second (`…/1`); declared in the answer.
fn several(
    ctx: &mut Ctx<'_>,
    v: &VerifyBinding,
    record: Option<&Pointer>,
    declared: &dyn Fn(&Ctx<'_>, &Pointer) -> bool,
) -> Option<Pointer> {
    let place = ".response.verify.several";
    let second = record
        .and_then(|r| r.as_str().strip_suffix("/0"))
        .map(|list| format!("{list}/1"));
    match (&v.several, &second) {
        (None, Some(second)) => {
            ctx.error(
                place,
                format!(
                    "the record `{}` is the first of a list: give `several: {second}` (and ask for two records) so that two matches verify nothing",
                    record.map(Pointer::as_str).unwrap_or_default()
                ),
            );
            None
        }
        (None, None) => None,
        (Some(given), Some(second)) if given != second => {
            ctx.error(
                place,
                format!("`{given}`: the second record of the list is `{second}`"),
            );
            None
        }
        (Some(given), _) => match Pointer::parse(given).filter(|p| !p.is_root()) {
            None => {
                ctx.error(place, format!("`{given}` is not a JSON pointer"));
                None
            }
            Some(p) if !declared(ctx, &p) => {
                ctx.error(place, format!("the success response has nothing at `{p}`"));
                None
            }
            Some(p) => Some(p),
        },
    }
}

/// Whether `a` is `b`, or one holds the other (`/properties` holds
/// `/properties/zip`).
fn overlaps(a: &Pointer, b: &Pointer) -> bool {
    let holds =
        |outer: &str, inner: &str| inner == outer || inner.starts_with(&format!("{outer}/"));
    holds(a.as_str(), b.as_str()) || holds(b.as_str(), a.as_str())
}

/// Result fields of a verification are plain pointers, constants or null,
/// none of them at, inside or around a stored factor, and `verified` is
/// the comparison's.
fn leaks(ctx: &mut Ctx<'_>, binding: &ActionBinding, stored: &[StoredFactor]) {
    for (name, field) in &binding.response.fields {
        let place = format!(".response.fields.{name}");
        if name == VERIFIED {
            ctx.error(
                &place,
                format!("`{VERIFIED}` is the comparison's answer; remove it from `fields`"),
            );
            continue;
        }
        let pointer = match field {
            None | Some(FieldBinding::Const(_)) => continue,
            Some(FieldBinding::Pointer(p)) => p,
            Some(_) => {
                ctx.error(
                    &place,
                    "a verification's result fields are plain pointers, constants or null (a map or transform could carry a stored factor)",
                );
                continue;
            }
        };
        let Some(pointer) = Pointer::parse(pointer) else {
            continue; // reported by the response check
        };
        let read = stored.iter().find_map(|s| {
            s.pointers
                .iter()
                .find(|p| overlaps(p, &pointer))
                .map(|p| (s, p))
        });
        if let Some((s, p)) = read {
            ctx.error(
                &place,
                format!(
                    "`{pointer}` reads the stored factor `{}` (`{p}`); the stored factor never leaves the connector",
                    s.factor
                ),
            );
        }
    }
}

/// The caller's value is compared here, never sent.
fn sends_value(ctx: &mut Ctx<'_>, v: &VerifyBinding, lookup: &Exchange) {
    let sent = lookup.call.variants.iter().any(|variant| {
        variant.when.iter().any(|a| a.name == v.value)
            || variant
                .sources()
                .any(|s| matches!(s, Source::Arg(a) if a.name == v.value))
    });
    if sent {
        ctx.error(
            ".requests",
            format!(
                "argument `{}` (the caller's second factor) is compared inside the connector; never send it",
                v.value
            ),
        );
    }
}
