//! A request variant's body as builder calls: `.json(json!(…))`,
//! `.form(json!(…))`, or a GraphQL request started with
//! `Request::graphql(path, DOCUMENT, json!({variables}))`.

use proc_macro2::TokenStream;
use quote::quote;

use crate::call::{Body, GraphQl, Variant};
use crate::render::rust_text::literal;

use super::request::json;

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
/// argument is `null`, which GraphQL reads as no value.
fn variables(g: &GraphQl) -> Result<TokenStream, String> {
    let mut members = Vec::new();
    for (name, value) in &g.variables {
        let name = literal(name);
        let value = json(value)?;
        members.push(quote! { #name: #value });
    }
    Ok(quote! { { #(#members),* } })
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
