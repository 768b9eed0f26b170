//! The response check: the record pointer and every result field's source
//! exist in the operation's success response and fit the field's type;
//! they become [`Projection`]s.

use serde_json::Value;

use crate::bindings::{FieldBinding, ResponseBinding};
use crate::call::{FieldSource, Pointer, Projection, Scalar};
use crate::catalog::ValueType;
use crate::openapi::{Api, Operation, Schema, SchemaKind};

use super::{transform, Ctx};

/// What the response check reads pointers against: the operation's success
/// response and the record's pointer.
pub(super) struct Answer<'a> {
    api: &'a Api,
    success: Option<&'a Schema>,
    /// `the success response of `GET /x``.
    what: String,
    /// Where pointers start: `/data` for a GraphQL answer whose schema
    /// declares it (the runtime hands back `data`), else empty.
    base: Pointer,
    /// A GraphQL answer the schema says nothing about: not checked.
    unchecked: bool,
    record: Option<Pointer>,
}

impl Answer<'_> {
    /// Whether the success response declares something at `pointer`
    /// (from the answer's root as the connector sees it).
    fn exists(&self, pointer: &Pointer) -> bool {
        match self.success {
            _ if self.unchecked => true,
            // A schema that says nothing cannot be checked against.
            Some(s) if matches!(s.kind, SchemaKind::Any) => true,
            Some(s) => self
                .api
                .declared_at(s, self.base.join(pointer).as_str())
                .is_some(),
            None => false,
        }
    }

    /// Whether the success response declares something at `pointer` below
    /// `under` below the record (true when there is no record to read
    /// against: that was reported).
    pub(super) fn has_below(&self, under: &Pointer, pointer: &Pointer) -> bool {
        match &self.record {
            Some(record) => self.exists(&record.join(under).join(pointer)),
            None => true,
        }
    }

    /// The schema's kind at `below` the record, when the spec says.
    pub(super) fn kind_at(&self, below: &Pointer) -> Option<&SchemaKind> {
        if self.unchecked {
            return None;
        }
        let full = self.base.join(&self.record.as_ref()?.join(below));
        let s = self.api.declared_at(self.success?, full.as_str())?;
        Some(&self.api.resolve(s)?.kind)
    }

    /// `p` as a pointer below `under` (below the record) that the success
    /// response declares; `at` is the place of `p`.
    pub(super) fn below(
        &self,
        ctx: &mut Ctx<'_>,
        at: &str,
        p: &str,
        under: &Pointer,
    ) -> Option<Pointer> {
        let pointer = Pointer::parse(p).filter(|p| !p.is_root());
        let Some(pointer) = pointer else {
            ctx.error(
                at,
                format!("`{p}` is not a JSON pointer (it starts with `/`)"),
            );
            return None;
        };
        if pointer.as_str().split('/').any(|t| t == "*") {
            ctx.error(
                at,
                format!(
                    "`{p}`: `*` (every member of an object) is read only at the end of an `each` or `count` pointer"
                ),
            );
            return None;
        }
        if let Some(record) = &self.record {
            let full = record.join(under).join(&pointer);
            if !self.exists(&full) {
                ctx.error(at, format!("{} has nothing at `{full}`", self.what));
                return None;
            }
        }
        Some(pointer)
    }
}

/// Whether `op`'s success response declares something at `pointer` (a
/// schema that says nothing cannot be checked against, so it does).
pub(super) fn declares(api: &Api, op: &Operation, pointer: &Pointer) -> bool {
    match op.success_response.as_ref().map(|b| &b.schema) {
        Some(s) if matches!(s.kind, SchemaKind::Any) => true,
        Some(s) => api.declared_at(s, pointer.as_str()).is_some(),
        None => false,
    }
}

/// Whether `op`'s answer, as the connector reads it, declares `pointer`:
/// inside `data` for a GraphQL answer whose spec describes it, anything
/// for a GraphQL answer the spec leaves open (as [`projections`] reads).
pub(super) fn answer_declares(api: &Api, op: &Operation, graphql: bool, pointer: &Pointer) -> bool {
    let success: Option<&Schema> = op.success_response.as_ref().map(|b| &b.schema);
    if !graphql {
        return declares(api, op, pointer);
    }
    let declares_data = success
        .and_then(|s| api.declared_at(s, "/data"))
        .and_then(|s| api.resolve(s))
        .is_some_and(
            |s| matches!(&s.kind, SchemaKind::Object { properties, .. } if !properties.is_empty()),
        );
    if !declares_data {
        return true;
    }
    let data = Pointer::parse("/data").unwrap_or_default();
    declares(api, op, &data.join(pointer))
}

/// Where the record is, and one projection per result field of the
/// template, in its order. For a GraphQL call, pointers start inside the
/// answer's `data`.
pub(super) fn projections(
    ctx: &mut Ctx<'_>,
    op: &Operation,
    response: &ResponseBinding,
    graphql: bool,
) -> Option<(Pointer, Vec<Projection>)> {
    let template = ctx.template;
    let api = ctx.api;
    let before = ctx.report.count();
    let success: Option<&Schema> = op.success_response.as_ref().map(|b| &b.schema);
    let data = Pointer::parse("/data").unwrap_or_default();
    // A GraphQL answer is read inside `data` when the spec describes its
    // fields; an open `data` (the usual: the shape is the GraphQL schema's)
    // cannot be checked against.
    let declares_data = success
        .and_then(|s| api.declared_at(s, "/data"))
        .and_then(|s| api.resolve(s))
        .is_some_and(
            |s| matches!(&s.kind, SchemaKind::Object { properties, .. } if !properties.is_empty()),
        );
    let mut answer = Answer {
        api,
        success,
        what: format!(
            "the success response of `{} {}`{}",
            op.method,
            op.path,
            if graphql && declares_data {
                " (inside `data`)"
            } else {
                ""
            }
        ),
        base: if graphql && declares_data {
            data
        } else {
            Pointer::default()
        },
        unchecked: graphql && !declares_data,
        record: None,
    };
    let record = Pointer::parse(&response.record);
    match &record {
        None => ctx.error(
            ".response.record",
            format!(
                "`{}` is not a JSON pointer (it starts with `/`)",
                response.record
            ),
        ),
        Some(r) if !r.is_root() && !answer.exists(r) => ctx.error(
            ".response.record",
            format!("{} has nothing at `{r}`", answer.what),
        ),
        Some(_) => {}
    }
    answer.record = record.clone();
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
        if name == super::verify::VERIFIED {
            // The comparison's answer: true wherever the record is read
            // (the connector answers false without reading it). Without
            // `verify:`, the verification check says what is missing.
            if response.verify.is_some() {
                result.push(Projection {
                    field: name.clone(),
                    ty: field.ty,
                    source: FieldSource::Const(Scalar::Boolean(true)),
                });
            }
            continue;
        }
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
        let root = Pointer::default();
        let below = |ctx: &mut Ctx<'_>, place: &str, p: &str| -> Option<Pointer> {
            answer.below(ctx, &format!("{at}{place}"), p, &root)
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
            Some(FieldBinding::Transform(raw)) => {
                let target = transform::Target {
                    field: name,
                    ty: field.ty,
                    under: Pointer::default(),
                };
                transform::check(ctx, &answer, &at, &raw.0, &target).map(FieldSource::Transform)
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
