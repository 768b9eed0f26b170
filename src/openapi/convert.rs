//! From `openapiv3` schemas to midcall's [`Schema`].
//!
//! `$ref: '#/components/schemas/X'` becomes `SchemaKind::Ref("X")` after a
//! check that `X` exists; it is never inlined. Any other local `$ref` (into a
//! component's properties, a response...) is looked up in the raw document
//! and converted in place. Such an inlined place that is reached again while
//! it is being converted is a recursive structure without a component name to
//! refer to: it is cut there and becomes `Any` (described as cut), since
//! inlining it would never end. Inlining is also capped in total
//! ([`INLINE_NODE_BUDGET`]), as references to references could otherwise
//! multiply the model's size.

use openapiv3::{ReferenceOr, VariantOrUnknownOrEmpty};
use serde_json::Value;

use super::build::Builder;
use super::decode;
use super::error::SpecError;
use super::pointer;
use super::schema::{Schema, SchemaKind};

/// Schemas nested deeper than this are refused. Parsed documents cannot
/// nest this deep; only chains of inlined references could.
pub(crate) const MAX_SCHEMA_DEPTH: usize = 256;

/// How many non-component references may be inlined inside one another.
pub(crate) const MAX_INLINE_REFS: usize = 32;

/// How many schema nodes inlining may add to the model in all. Inlining
/// copies, so references to references could otherwise grow the model
/// exponentially; past this, such references are cut.
pub(crate) const INLINE_NODE_BUDGET: usize = 200_000;

/// A schema or a reference to one, whatever the boxing.
#[derive(Clone, Copy)]
pub(crate) enum SchemaRef<'s> {
    Ref(&'s str),
    Item(&'s openapiv3::Schema),
}

impl<'s> From<&'s ReferenceOr<openapiv3::Schema>> for SchemaRef<'s> {
    fn from(value: &'s ReferenceOr<openapiv3::Schema>) -> Self {
        match value {
            ReferenceOr::Reference { reference } => SchemaRef::Ref(reference),
            ReferenceOr::Item(item) => SchemaRef::Item(item),
        }
    }
}

impl<'s> From<&'s ReferenceOr<Box<openapiv3::Schema>>> for SchemaRef<'s> {
    fn from(value: &'s ReferenceOr<Box<openapiv3::Schema>>) -> Self {
        match value {
            ReferenceOr::Reference { reference } => SchemaRef::Ref(reference),
            ReferenceOr::Item(item) => SchemaRef::Item(item),
        }
    }
}

impl Builder<'_> {
    /// Converts the schema found at `at`.
    pub(crate) fn schema(&mut self, schema: SchemaRef<'_>, at: &str) -> Result<Schema, SpecError> {
        self.convert(schema, at, 0)
    }

    fn convert(
        &mut self,
        schema: SchemaRef<'_>,
        at: &str,
        depth: usize,
    ) -> Result<Schema, SpecError> {
        if depth > MAX_SCHEMA_DEPTH {
            return Err(SpecError::Shape {
                origin: self.origin.to_owned(),
                pointer: at.to_owned(),
                message: format!("schemas nest deeper than {MAX_SCHEMA_DEPTH} levels here"),
            });
        }
        match schema {
            SchemaRef::Ref(reference) => self.reference(reference, at, depth),
            SchemaRef::Item(item) => self.item(item, at, depth),
        }
    }

    fn reference(&mut self, reference: &str, at: &str, depth: usize) -> Result<Schema, SpecError> {
        for name in pointer::component_names(reference, "schemas") {
            if self.component_schemas.contains(name.as_str()) {
                return Ok(Schema::new(SchemaKind::Ref(name)));
            }
        }
        if !reference.starts_with('#') {
            return Err(SpecError::ExternalRef {
                origin: self.origin.to_owned(),
                pointer: at.to_owned(),
                reference: reference.to_owned(),
            });
        }
        if let Some((done, size)) = self.inline_cache.get(reference) {
            if *size <= self.inline_budget {
                self.inline_budget -= size;
                return Ok(done.clone());
            }
            return Ok(cut(reference, "the document inlines too much"));
        }
        let Some((target_at, target)) = pointer::resolve_ref(self.doc, reference) else {
            return Err(SpecError::Ref {
                origin: self.origin.to_owned(),
                pointer: at.to_owned(),
                reference: reference.to_owned(),
                reason: "points to nothing".into(),
            });
        };
        if self.inline_stack.contains(&target_at) || self.inline_stack.len() >= MAX_INLINE_REFS {
            return Ok(cut(reference, "it is recursive and has no component name"));
        }
        if self.inline_budget == 0 {
            return Ok(cut(reference, "the document inlines too much"));
        }
        let decoded: ReferenceOr<openapiv3::Schema> =
            decode::decode_at(self.doc, target, &target_at, self.origin)?;
        self.inline_stack.push(target_at.clone());
        let converted = self.convert((&decoded).into(), &target_at, depth + 1);
        self.inline_stack.pop();
        let converted = converted?;
        let size = node_count(&converted);
        self.inline_budget = self.inline_budget.saturating_sub(size);
        if self.inline_stack.is_empty() {
            self.inline_cache
                .insert(reference.to_owned(), (converted.clone(), size));
        }
        Ok(converted)
    }

    fn item(
        &mut self,
        item: &openapiv3::Schema,
        at: &str,
        depth: usize,
    ) -> Result<Schema, SpecError> {
        let data = &item.schema_data;
        let mut out = Schema {
            description: data.description.clone(),
            title: data.title.clone(),
            nullable: data.nullable,
            example: data.example.clone(),
            default: data.default.clone(),
            read_only: data.read_only,
            write_only: data.write_only,
            deprecated: data.deprecated,
            ..Schema::any()
        };
        use openapiv3::{SchemaKind as K, Type as T};
        out.kind = match &item.schema_kind {
            K::Type(T::String(t)) => {
                out.format = format_name(&t.format, |f| match f {
                    openapiv3::StringFormat::Date => "date",
                    openapiv3::StringFormat::DateTime => "date-time",
                    openapiv3::StringFormat::Password => "password",
                    openapiv3::StringFormat::Byte => "byte",
                    openapiv3::StringFormat::Binary => "binary",
                });
                out.enum_values = enum_values(&t.enumeration, |s| Value::String(s.clone()));
                SchemaKind::String
            }
            K::Type(T::Number(t)) => {
                out.format = format_name(&t.format, |f| match f {
                    openapiv3::NumberFormat::Float => "float",
                    openapiv3::NumberFormat::Double => "double",
                });
                out.enum_values = enum_values(&t.enumeration, |n| {
                    serde_json::Number::from_f64(*n).map_or(Value::Null, Value::Number)
                });
                SchemaKind::Number
            }
            K::Type(T::Integer(t)) => {
                out.format = format_name(&t.format, |f| match f {
                    openapiv3::IntegerFormat::Int32 => "int32",
                    openapiv3::IntegerFormat::Int64 => "int64",
                });
                out.enum_values = enum_values(&t.enumeration, |n| Value::from(*n));
                SchemaKind::Integer
            }
            K::Type(T::Boolean(t)) => {
                out.enum_values = enum_values(&t.enumeration, |b| Value::Bool(*b));
                SchemaKind::Boolean
            }
            K::Type(T::Object(t)) => self.object(
                &t.properties,
                &t.required,
                t.additional_properties.as_ref(),
                at,
                depth,
            )?,
            K::Type(T::Array(t)) => self.array(t.items.as_ref(), at, depth)?,
            K::OneOf { one_of } => SchemaKind::OneOf(self.members(one_of, "oneOf", at, depth)?),
            K::AllOf { all_of } => SchemaKind::AllOf(self.members(all_of, "allOf", at, depth)?),
            K::AnyOf { any_of } => SchemaKind::AnyOf(self.members(any_of, "anyOf", at, depth)?),
            K::Not { .. } => SchemaKind::Any,
            K::Any(any) => {
                out.format = any.format.clone();
                out.enum_values = any.enumeration.clone();
                self.any_schema(any, at, depth)?
            }
        };
        Ok(out)
    }

    fn object<'p>(
        &mut self,
        properties: impl IntoIterator<Item = (&'p String, &'p ReferenceOr<Box<openapiv3::Schema>>)>,
        required: &[String],
        additional: Option<&openapiv3::AdditionalProperties>,
        at: &str,
        depth: usize,
    ) -> Result<SchemaKind, SpecError> {
        let mut converted = std::collections::BTreeMap::new();
        for (name, schema) in properties {
            let child_at = pointer::join_all(at, &["properties", name]);
            converted.insert(
                name.clone(),
                self.convert(schema.into(), &child_at, depth + 1)?,
            );
        }
        let additional = match additional {
            None | Some(openapiv3::AdditionalProperties::Any(false)) => None,
            Some(openapiv3::AdditionalProperties::Any(true)) => Some(Box::new(Schema::any())),
            Some(openapiv3::AdditionalProperties::Schema(schema)) => {
                let child_at = pointer::join(at, "additionalProperties");
                Some(Box::new(self.convert(
                    schema.as_ref().into(),
                    &child_at,
                    depth + 1,
                )?))
            }
        };
        Ok(SchemaKind::Object {
            properties: converted,
            required: required.to_vec(),
            additional,
        })
    }

    fn array(
        &mut self,
        items: Option<&ReferenceOr<Box<openapiv3::Schema>>>,
        at: &str,
        depth: usize,
    ) -> Result<SchemaKind, SpecError> {
        let items = match items {
            Some(items) => self.convert(items.into(), &pointer::join(at, "items"), depth + 1)?,
            None => Schema::any(),
        };
        Ok(SchemaKind::Array(Box::new(items)))
    }

    fn members(
        &mut self,
        members: &[ReferenceOr<openapiv3::Schema>],
        keyword: &str,
        at: &str,
        depth: usize,
    ) -> Result<Vec<Schema>, SpecError> {
        let mut out = Vec::with_capacity(members.len());
        for (i, member) in members.iter().enumerate() {
            let child_at = pointer::join_all(at, &[keyword, &i.to_string()]);
            out.push(self.convert(member.into(), &child_at, depth + 1)?);
        }
        Ok(out)
    }

    /// A schema `openapiv3` could not file under one type: a type plus
    /// keywords of another type, keywords without a type, or a type mixed
    /// with `allOf`/`oneOf`/`anyOf`. The type (or, without one, what the
    /// keywords imply) becomes the base; compositions are combined with it
    /// under `allOf`.
    fn any_schema(
        &mut self,
        any: &openapiv3::AnySchema,
        at: &str,
        depth: usize,
    ) -> Result<SchemaKind, SpecError> {
        let looks_like_object = !any.properties.is_empty() || any.additional_properties.is_some();
        let base = match any.typ.as_deref() {
            Some("object") => Some(self.object(
                &any.properties,
                &any.required,
                any.additional_properties.as_ref(),
                at,
                depth,
            )?),
            Some("array") => Some(self.array(any.items.as_ref(), at, depth)?),
            Some("string") => Some(SchemaKind::String),
            Some("integer") => Some(SchemaKind::Integer),
            Some("number") => Some(SchemaKind::Number),
            Some("boolean") => Some(SchemaKind::Boolean),
            Some(_) => None,
            None if looks_like_object => Some(self.object(
                &any.properties,
                &any.required,
                any.additional_properties.as_ref(),
                at,
                depth,
            )?),
            None if any.items.is_some() => Some(self.array(any.items.as_ref(), at, depth)?),
            None => None,
        };
        let all_of = self.members(&any.all_of, "allOf", at, depth)?;
        let one_of = self.members(&any.one_of, "oneOf", at, depth)?;
        let any_of = self.members(&any.any_of, "anyOf", at, depth)?;

        let compositions = usize::from(!all_of.is_empty())
            + usize::from(!one_of.is_empty())
            + usize::from(!any_of.is_empty());
        if base.is_none() && compositions == 1 {
            if !all_of.is_empty() {
                return Ok(SchemaKind::AllOf(all_of));
            }
            if !one_of.is_empty() {
                return Ok(SchemaKind::OneOf(one_of));
            }
            return Ok(SchemaKind::AnyOf(any_of));
        }
        if compositions == 0 {
            return Ok(base.unwrap_or(SchemaKind::Any));
        }
        let mut parts: Vec<Schema> = base.into_iter().map(Schema::new).collect();
        parts.extend(all_of);
        if !one_of.is_empty() {
            parts.push(Schema::new(SchemaKind::OneOf(one_of)));
        }
        if !any_of.is_empty() {
            parts.push(Schema::new(SchemaKind::AnyOf(any_of)));
        }
        Ok(SchemaKind::AllOf(parts))
    }
}

/// What a reference that is not inlined becomes: anything, described.
pub(crate) fn cut(reference: &str, why: &str) -> Schema {
    Schema {
        description: Some(format!("$ref {reference} not inlined: {why}")),
        ..Schema::any()
    }
}

/// The number of schema nodes in a schema (without following `Ref`s).
pub(crate) fn node_count(schema: &Schema) -> usize {
    let mut count = 0;
    let mut stack = vec![schema];
    while let Some(current) = stack.pop() {
        count += 1;
        match &current.kind {
            SchemaKind::Object {
                properties,
                additional,
                ..
            } => {
                stack.extend(properties.values());
                stack.extend(additional.as_deref());
            }
            SchemaKind::Array(items) => stack.push(items),
            SchemaKind::AllOf(members)
            | SchemaKind::OneOf(members)
            | SchemaKind::AnyOf(members) => stack.extend(members),
            _ => {}
        }
    }
    count
}

fn format_name<F>(
    format: &VariantOrUnknownOrEmpty<F>,
    name: impl Fn(&F) -> &'static str,
) -> Option<String> {
    match format {
        VariantOrUnknownOrEmpty::Item(f) => Some(name(f).to_owned()),
        VariantOrUnknownOrEmpty::Unknown(s) => Some(s.clone()),
        VariantOrUnknownOrEmpty::Empty => None,
    }
}

fn enum_values<T>(values: &[Option<T>], to_json: impl Fn(&T) -> Value) -> Vec<Value> {
    values
        .iter()
        .map(|v| v.as_ref().map_or(Value::Null, &to_json))
        .collect()
}
