//! Result fields filled from a record: `project::` calls, constants, and
//! value maps as constant tables.

use proc_macro2::{Literal, Punct, Spacing, TokenStream};
use quote::quote;

use crate::call::{FieldSource, Projection, Scalar};
use crate::catalog::ValueType;
use crate::render::rust_text::literal;

/// The expression that fills one result field from `record`.
pub fn expression(p: &Projection) -> TokenStream {
    source(&p.source, p.ty, &quote! { record })
}

/// `project::text`, `integer`, `number` or `boolean`: the reader of a type.
pub fn getter(ty: ValueType) -> TokenStream {
    match ty {
        ValueType::String => quote! { text },
        ValueType::Integer => quote! { integer },
        ValueType::Number => quote! { number },
        ValueType::Boolean => quote! { boolean },
    }
}

/// The expression that fills a field of type `ty` from `source` read in
/// `record` (the record, or one element of a list).
pub fn source(source: &FieldSource, ty: ValueType, record: &TokenStream) -> TokenStream {
    match source {
        FieldSource::Absent => quote! { None },
        FieldSource::Transform(t) => super::transform::expression(t, ty, record),
        FieldSource::Pointer(pointer) => {
            let pointer = literal(pointer.as_str());
            let getter = getter(ty);
            quote! { project::#getter(#record, #pointer) }
        }
        FieldSource::Const(Scalar::Text(s)) => {
            let s = literal(s);
            quote! { Some(#s.to_string()) }
        }
        FieldSource::Const(c) => {
            let c = scalar(c);
            quote! { Some(#c) }
        }
        FieldSource::Mapped {
            pointer,
            table,
            default,
        } => {
            let pointer = literal(pointer.as_str());
            let rows = table.iter().map(|(from, to)| {
                let from = literal(from);
                let to = scalar(to);
                quote! { (#from, #to) }
            });
            let default = match default {
                Some(d) => {
                    let d = scalar(d);
                    quote! { Some(#d) }
                }
                None => quote! { None },
            };
            let mapped = quote! { project::mapped(#record, #pointer, &[#(#rows),*], #default) };
            if ty == ValueType::String {
                quote! { #mapped.map(str::to_string) }
            } else {
                mapped
            }
        }
    }
}

/// A constant as a literal of its type (a string as a `&'static str`).
fn scalar(s: &Scalar) -> TokenStream {
    let signed = |negative: bool, lit: Literal| {
        if negative {
            let minus = Punct::new('-', Spacing::Alone);
            quote! { #minus #lit }
        } else {
            quote! { #lit }
        }
    };
    match s {
        Scalar::Text(t) => {
            let t = literal(t);
            quote! { #t }
        }
        Scalar::Integer(i) => signed(*i < 0, int_literal(i.unsigned_abs())),
        Scalar::Number(f) if f.is_finite() => signed(*f < 0.0, Literal::f64_suffixed(f.abs())),
        // A JSON number is always finite; keep the output a valid literal.
        Scalar::Number(_) => quote! { 0.0f64 },
        Scalar::Boolean(true) => quote! { true },
        Scalar::Boolean(false) => quote! { false },
    }
}

/// `5i64` for the magnitude of an i64 (whose minus sign stands apart).
fn int_literal(magnitude: u64) -> Literal {
    // i64::MIN's magnitude does not fit an i64 literal alone; rustc reads
    // `-9223372036854775808i64` as one value, so the digits stay exact.
    let digits = magnitude.to_string();
    ([&digits, "i64"].concat())
        .parse()
        .unwrap_or_else(|_| Literal::i64_suffixed(0))
}
