//! The response check: the record pointer and every result field's source
//! exist in the operation's success response and fit the field's type;
//! they become [`Projection`]s.

use serde_json::Value;

use crate::bindings::{FieldBinding, ResponseBinding};
use crate::call::{FieldSource, Pointer, Projection, Scalar};
use crate::catalog::ValueType;
use crate::openapi::{Api, Operation, Schema, SchemaKind};

use super::Ctx;

/// Whether `op`'s success response declares something at `pointer` (a
/// schema that says nothing cannot be checked against, so it does).
pub(super) fn declares(api: &Api, op: &Operation, pointer: &Pointer) -> bool {
    match op.success_response.as_ref().map(|b| &b.schema) {
        Some(s) if matches!(s.kind, SchemaKind::Any) => true,
        Some(s) => api.declared_at(s, pointer.as_str()).is_some(),
        None => false,
    }
}

/// Where the record is, and one projection per result field of the
/// template, in its order.
pub(super) fn projections(
    ctx: &mut Ctx<'_>,
    op: &Operation,
    response: &ResponseBinding,
) -> Option<(Pointer, Vec<Projection>)> {
    let template = ctx.template;
    let api = ctx.api;
    let before = ctx.report.count();
    let success: Option<&Schema> = op.success_response.as_ref().map(|b| &b.schema);
    let exists = |pointer: &Pointer| -> bool {
        match success {
            // A schema that says nothing cannot be checked against.
            Some(s) if matches!(s.kind, SchemaKind::Any) => true,
            Some(s) => api.declared_at(s, pointer.as_str()).is_some(),
            None => false,
        }
    };
    let what = format!("the success response of `{} {}`", op.method, op.path);
    let record = Pointer::parse(&response.record);
    match &record {
        None => ctx.error(
            ".response.record",
            format!(
                "`{}` is not a JSON pointer (it starts with `/`)",
                response.record
            ),
        ),
        Some(r) if !r.is_root() && !exists(r) => {
            ctx.error(".response.record", format!("{what} has nothing at `{r}`"))
        }
        Some(_) => {}
    }
    for name in response.fields.keys() {
        if !template.result.iter().any(|f| &f.name == name) {
            let names: Vec<&str> = template.result.iter().map(|f| f.name.as_str()).collect();
            ctx.error(
                &format!(".response.fields.{name}"),
                format!(
                    "`{name}` is not a result field of template `{}`; fields: {}",
                    template.id,
                    names.join(", ")
                ),
            );
        }
    }
    let mut result = Vec::new();
    for field in &template.result {
        let name = &field.name;
        let Some(binding) = response.fields.get(name) else {
            ctx.error(
                ".response.fields",
                format!(
                    "result field `{name}` is not mapped; give a pointer, a `{{const: value}}`, or `null` if the CRM lacks it"
                ),
            );
            continue;
        };
        let at = format!(".response.fields.{name}");
        let constant = |ctx: &mut Ctx<'_>, place: &str, v: &Value| {
            let s = Scalar::of_type(v, field.ty);
            if s.is_none() {
                ctx.error(
                    &format!("{at}{place}"),
                    format!(
                        "`{v}` is not {} {}, the type of result field `{name}`",
                        if field.ty == ValueType::Integer {
                            "an"
                        } else {
                            "a"
                        },
                        field.ty.as_str()
                    ),
                );
            }
            s
        };
        // A pointer below the record that the success response declares.
        let below = |ctx: &mut Ctx<'_>, place: &str, p: &str| -> Option<Pointer> {
            let pointer = Pointer::parse(p).filter(|p| !p.is_root());
            let Some(pointer) = pointer else {
                ctx.error(
                    &format!("{at}{place}"),
                    format!("`{p}` is not a JSON pointer (it starts with `/`)"),
                );
                return None;
            };
            if let Some(record) = &record {
                let full = record.join(&pointer);
                if !exists(&full) {
                    ctx.error(
                        &format!("{at}{place}"),
                        format!("{what} has nothing at `{full}`"),
                    );
                    return None;
                }
            }
            Some(pointer)
        };
        let source = match binding {
            None => Some(FieldSource::Absent),
            Some(FieldBinding::Const(c)) => {
                constant(ctx, ".const", &c.value).map(FieldSource::Const)
            }
            Some(FieldBinding::Pointer(p)) => below(ctx, "", p).map(FieldSource::Pointer),
            Some(FieldBinding::Mapped(m)) => {
                let mut table = Vec::new();
                let mut ok = true;
                if m.map.is_empty() {
                    ctx.error(
                        &format!("{at}.map"),
                        "maps no value; list the CRM's values and what each means",
                    );
                    ok = false;
                }
                // A BTreeMap: sorted by the CRM's value, so output is deterministic.
                for (from, to) in &m.map {
                    let place = format!(".map.{from:?}");
                    if from.trim().is_empty() {
                        ctx.error(
                            &format!("{at}{place}"),
                            "an empty value is never matched (it reads as absent)",
                        );
                        ok = false;
                    }
                    match constant(ctx, &place, to) {
                        Some(s) => table.push((from.clone(), s)),
                        None => ok = false,
                    }
                }
                let default = match &m.default {
                    None => None,
                    Some(d) => match constant(ctx, ".default", d) {
                        Some(s) => Some(s),
                        None => {
                            ok = false;
                            None
                        }
                    },
                };
                let pointer = below(ctx, ".pointer", &m.pointer);
                match (ok, pointer) {
                    (true, Some(pointer)) => Some(FieldSource::Mapped {
                        pointer,
                        table,
                        default,
                    }),
                    _ => None,
                }
            }
        };
        if let Some(source) = source {
            result.push(Projection {
                field: name.clone(),
                ty: field.ty,
                source,
            });
        }
    }
    if ctx.report.count() > before {
        return None;
    }
    Some((record?, result))
}
