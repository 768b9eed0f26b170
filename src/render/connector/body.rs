//! A request variant's body as builder calls: `.json(json!(…))`,
//! `.form(json!(…))`, or a GraphQL request started with
//! `Request::graphql(path, DOCUMENT, json!({variables}))`.

use proc_macro2::TokenStream;
use quote::quote;

use crate::call::{Body, GraphQl, JsonTemplate, SearchQuoting, TextPiece, Variant};
use crate::render::rust_text::literal;

use super::request::{json, source_text, value_expr};

/// The request's first expression: `Request::graphql(…)` for a GraphQL
/// body, else `Request::new(method, path)`.
pub fn start(v: &Variant, method: TokenStream, path: TokenStream) -> Result<TokenStream, String> {
    Ok(match &v.body {
        Some(Body::GraphQl(g)) => {
            let document = literal(&g.document);
            let variables = variables(g)?;
            quote! { Request::graphql(#path, #document, json!(#variables)) }
        }
        _ => quote! { Request::new(#method, #path) },
    })
}

/// The calls that set a JSON or form body (nothing for GraphQL, whose body
/// [`start`] gave).
pub fn tail(v: &Variant) -> Result<TokenStream, String> {
    Ok(match &v.body {
        Some(Body::Json(body)) => {
            let tokens = json(body)?;
            // An optional argument that was not given is left out, not sent as null.
            if body.has_optional_value() {
                quote! { .json_without_nulls(json!(#tokens)) }
            } else {
                quote! { .json(json!(#tokens)) }
            }
        }
        // The runtime leaves `null` fields (absent arguments) out of a form.
        Some(Body::Form(body)) => {
            let tokens = json(body)?;
            quote! { .form(json!(#tokens)) }
        }
        Some(Body::GraphQl(_)) | None => TokenStream::new(),
    })
}

/// `{"q": …, "first": 3}`: the variables in name order; an absent optional
/// argument is `null`, which GraphQL reads as no value. The caller's text
/// in a search variable is quoted (`search_syntax::shopify_value(…)`).
fn variables(g: &GraphQl) -> Result<TokenStream, String> {
    let mut members = Vec::new();
    for (name, value) in &g.variables {
        let quoting = g.search.iter().find(|(n, _)| n == name).map(|(_, q)| *q);
        let value = match quoting {
            Some(q) => search_text(value, q)?,
            None => json(value)?,
        };
        let name = literal(name);
        members.push(quote! { #name: #value });
    }
    Ok(quote! { { #(#members),* } })
}

/// A search variable's text with each of the caller's values quoted:
/// `(["name:", search_syntax::shopify_value(order_number).as_str()].concat())`.
/// A setting or a step's value is the connector's own and goes in as it is.
fn search_text(value: &JsonTemplate, quoting: SearchQuoting) -> Result<TokenStream, String> {
    let quote_fn = match quoting {
        SearchQuoting::Value => quote! { search_syntax::shopify_value },
        SearchQuoting::Terms => quote! { search_syntax::shopify_terms },
    };
    let pieces = match value {
        JsonTemplate::Text(t) => t.pieces.clone(),
        JsonTemplate::Value(v) if v.is_optional() => {
            let v = value_expr(v)?;
            return Ok(quote! { #v.map(#quote_fn) });
        }
        JsonTemplate::Value(v) => vec![TextPiece::Value(v.clone())],
        other => return json(other),
    };
    let mut parts = Vec::new();
    for p in &pieces {
        parts.push(match p {
            TextPiece::Literal(l) => {
                let lit = literal(l);
                quote! { #lit }
            }
            TextPiece::Value(v) => {
                let (text, owned) = source_text(v)?;
                match (v.is_callers(), owned) {
                    (true, true) => quote! { #quote_fn(&#text).as_str() },
                    (true, false) => quote! { #quote_fn(#text).as_str() },
                    (false, true) => quote! { #text.as_str() },
                    (false, false) => text,
                }
            }
        });
    }
    Ok(quote! { ([#(#parts),*].concat()) })
}

/// Whether any GraphQL request of the action quotes a search variable
/// (the connector then imports `search_syntax`).
pub fn quotes_search(action: &crate::call::BoundAction) -> bool {
    action
        .calls()
        .iter()
        .flat_map(|c| &c.variants)
        .any(|v| matches!(&v.body, Some(Body::GraphQl(g)) if !g.search.is_empty()))
}

/// Whether every request of the action is GraphQL (`Request::graphql`
/// names no `Method`).
pub fn all_graphql(action: &crate::call::BoundAction) -> bool {
    action
        .calls()
        .iter()
        .flat_map(|c| &c.variants)
        .all(|v| matches!(v.body, Some(Body::GraphQl(_))))
}
