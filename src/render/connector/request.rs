//! A call's request variants as one Rust expression: the first variant
//! whose arguments are given builds the `Request`, else the call refuses.

use proc_macro2::{Literal, Punct, Spacing, TokenStream};
use quote::quote;
use serde_json::Number;

use crate::call::{
    ArgForm, ArgRef, Body, Call, JsonTemplate, Method, PathPart, Presence, Retry, Source,
    TextPiece, TextTemplate, Variant,
};
use crate::catalog::ValueType;
use crate::render::rust_text::{ident, literal};

/// The expression whose value is the request to send.
pub fn expression(call: &Call) -> Result<TokenStream, String> {
    // Built from the last variant backwards: each conditional one wraps
    // what follows in its `else`.
    let mut tail = match &call.refusal {
        Some(r) => {
            let (message, detail) = (literal(&r.message), literal(&r.detail));
            Some(quote! { { return Err(ActionError::invalid_input(#message, #detail)); } })
        }
        None => None,
    };
    for v in call.variants.iter().rev() {
        let builder = builder(call, v)?;
        tail = Some(match (condition(v)?, tail) {
            (None, _) => builder,
            (Some(cond), None) => quote! { if #cond { #builder } },
            (Some(cond), Some(tail)) if tail_is_block(&tail) => {
                quote! { if #cond { #builder } else #tail }
            }
            (Some(cond), Some(tail)) => quote! { if #cond { #builder } else { #tail } },
        });
    }
    tail.ok_or_else(|| "a call without request variants".to_string())
}

/// Whether `tokens` is a block or an `if` (what may follow `else`).
fn tail_is_block(tokens: &TokenStream) -> bool {
    match tokens.clone().into_iter().next() {
        Some(proc_macro2::TokenTree::Group(g)) => g.delimiter() == proc_macro2::Delimiter::Brace,
        Some(proc_macro2::TokenTree::Ident(i)) => i == "if",
        _ => false,
    }
}

/// `let Some(email) = args.email.as_deref()`, or `None` when the variant
/// always applies.
fn condition(v: &Variant) -> Result<Option<TokenStream>, String> {
    let mut pats = Vec::new();
    let mut vals = Vec::new();
    for a in &v.when {
        let id = ident(&a.name)?;
        pats.push(quote! { Some(#id) });
        vals.push(match a.ty {
            ValueType::String => quote! { args.#id.as_deref() },
            _ => quote! { args.#id },
        });
    }
    Ok(match (pats.as_slice(), vals.as_slice()) {
        ([], _) => None,
        ([p], [v]) => Some(quote! { let #p = #v }),
        _ => Some(quote! { let (#(#pats),*) = (#(#vals),*) }),
    })
}

/// `Request::new(Method::Post, "/path").retry_safe(true).json(json!({…}))`.
fn builder(call: &Call, v: &Variant) -> Result<TokenStream, String> {
    let method = match call.method {
        Method::Get => quote! { Method::Get },
        Method::Post => quote! { Method::Post },
        Method::Put => quote! { Method::Put },
        Method::Patch => quote! { Method::Patch },
        Method::Delete => quote! { Method::Delete },
    };
    let path = path(v)?;
    let mut chain = super::body::start(v, method, path)?;
    let get = call.method == Method::Get;
    // `Request::graphql` marks a query safe to repeat; the binding decides.
    let graphql = matches!(v.body, Some(Body::GraphQl(_)));
    match &call.retry {
        Retry::IdempotencyKey { header } => {
            let header = literal(header);
            chain.extend(quote! { .idempotency_key(#header) });
        }
        Retry::Safe if !get => chain.extend(quote! { .retry_safe(true) }),
        Retry::Never if get || graphql => chain.extend(quote! { .retry_safe(false) }),
        Retry::Safe | Retry::Never => {}
    }
    for (pairs, one, optional) in [
        (&v.query, quote! { query }, quote! { query_opt }),
        (&v.headers, quote! { header }, quote! { header_opt }),
    ] {
        for (name, value) in pairs {
            let name = literal(name);
            match value.as_single_value() {
                Some(source) if source.is_optional() => {
                    let value = value_expr(source)?;
                    chain.extend(quote! { .#optional(#name, #value) });
                }
                _ => {
                    let (value, _) = text_expr(value)?;
                    chain.extend(quote! { .#one(#name, #value) });
                }
            }
        }
    }
    // Which fields hold the caller's values: a 4xx about any other field is
    // the connector's request refused, not the caller's details.
    let fields = v.caller_fields(&call.path);
    chain.extend(if fields.is_empty() {
        quote! { .caller_fields::<[&str; 0], &str>([]) }
    } else {
        let fields = fields.iter().map(|f| literal(f));
        quote! { .caller_fields([#(#fields),*]) }
    });
    chain.extend(super::body::tail(v)?);
    Ok(chain)
}

/// The path: a literal, or literal parts and percent-encoded segments
/// joined.
fn path(v: &Variant) -> Result<TokenStream, String> {
    if !v.path.has_segments() {
        let mut text = String::new();
        for part in &v.path.parts {
            if let PathPart::Literal(l) = part {
                text.push_str(l);
            }
        }
        let lit = literal(&text);
        return Ok(quote! { #lit });
    }
    let mut parts = Vec::new();
    for part in &v.path.parts {
        parts.push(match part {
            PathPart::Literal(l) => {
                let lit = literal(l);
                quote! { #lit }
            }
            PathPart::Segment(t) => {
                let (value, owned) = text_expr(t)?;
                if owned {
                    quote! { encode_path_segment(&#value).as_str() }
                } else {
                    quote! { encode_path_segment(#value).as_str() }
                }
            }
        });
    }
    Ok(quote! { [#(#parts),*].concat() })
}

/// The value itself: `email` (bound by the condition), `args.name.as_str()`,
/// `args.email.as_deref()` (an `Option`), `args.count`.
/// A setting is `client.setting("name")?` (a `&str`, checked when the
/// client was configured); a step value in a body is the JSON value itself,
/// `steps.record(step_user, "/id")?`, keeping its type.
pub(super) fn value_expr(source: &Source) -> Result<TokenStream, String> {
    match source {
        Source::Arg(a) => arg_value(a),
        Source::Setting(name) => {
            let name = literal(name);
            Ok(quote! { client.setting(#name)? })
        }
        Source::SettingNumber(name) => {
            let name = literal(name);
            Ok(quote! { client.setting_number(#name)? })
        }
        Source::Now { millis: false } => Ok(quote! { client.now_utc() }),
        Source::Now { millis: true } => Ok(quote! { client.now_unix_millis().to_string() }),
        Source::Step { step, pointer } => {
            let (id, pointer) = (step_ident(step)?, literal(pointer));
            Ok(quote! { steps.record(#id, #pointer)? })
        }
    }
}

/// The variable holding a step's record: `step_user`.
pub fn step_ident(step: &str) -> Result<syn::Ident, String> {
    ident(&["step_", step].concat())
}

fn arg_value(a: &ArgRef) -> Result<TokenStream, String> {
    let id = ident(&a.name)?;
    if let ArgForm::Utc { business } | ArgForm::UnixMillis { business } = &a.form {
        // Checked: a required or given string argument.
        let text = match a.presence {
            Presence::Given => quote! { #id },
            _ => quote! { args.#id.as_str() },
        };
        let offset = match business {
            Some(name) => {
                let name = literal(name);
                quote! { client.settings().offset(#name)? }
            }
            None => quote! { time::Offset::UTC },
        };
        let field = literal(&a.name);
        if matches!(a.form, ArgForm::UnixMillis { .. }) {
            return Ok(quote! { time::to_unix_millis(#text, #offset, #field)?.to_string() });
        }
        return Ok(quote! { time::to_utc(#text, #offset, #field)? });
    }
    if let ArgForm::UtcPlus { business, minutes } = &a.form {
        // Checked: both arguments required or given.
        let text = match a.presence {
            Presence::Given => quote! { #id },
            _ => quote! { args.#id.as_str() },
        };
        let offset = match business {
            Some(name) => {
                let name = literal(name);
                quote! { client.settings().offset(#name)? }
            }
            None => quote! { time::Offset::UTC },
        };
        let (field, minutes_field) = (literal(&a.name), literal(minutes));
        // A fixed length is checked (1 to a year of minutes) and a literal.
        let minutes = match minutes.parse::<i64>() {
            Ok(fixed) => quote! { #fixed },
            Err(_) => {
                let id = ident(minutes)?;
                quote! { args.#id }
            }
        };
        return Ok(quote! {
            time::to_utc_plus_minutes(#text, #minutes, #offset, #field, #minutes_field)?
        });
    }
    Ok(match (a.presence, a.ty) {
        (Presence::Given, _) => quote! { #id },
        (Presence::Required, ValueType::String) => quote! { args.#id.as_str() },
        (Presence::Optional, ValueType::String) => quote! { args.#id.as_deref() },
        (Presence::Required | Presence::Optional, _) => quote! { args.#id },
    })
}

/// A value as text: a `&str` (`false`) or a `String` (`true`); absent, the
/// empty text.
pub(super) fn source_text(source: &Source) -> Result<(TokenStream, bool), String> {
    let a = match source {
        Source::Arg(a) => a,
        Source::Setting(_) => return Ok((value_expr(source)?, false)),
        Source::Now { .. } => return Ok((value_expr(source)?, true)),
        Source::SettingNumber(name) => {
            return source_text(&Source::Setting(name.clone()));
        }
        Source::Step { step, pointer } => {
            let (id, pointer) = (step_ident(step)?, literal(pointer));
            return Ok((quote! { steps.text(#id, #pointer)? }, true));
        }
    };
    let value = arg_value(a)?;
    if let Some(language) = a.escape {
        // Escaped where the request is built; `Args::check` ran the same
        // check before any request, so this `?` fails only on a value the
        // check did not see.
        let function = ident(language.name())?;
        let name = literal(&a.name);
        let text = match (a.presence, a.ty) {
            (Presence::Optional, ValueType::String) => quote! { #value.unwrap_or_default() },
            (_, ValueType::String) => value,
            (Presence::Optional, _) => {
                quote! { #value.map(|v| v.to_string()).unwrap_or_default().as_str() }
            }
            (_, _) => quote! { #value.to_string().as_str() },
        };
        return Ok((quote! { query::#function(#name, #text)? }, true));
    }
    if a.form != ArgForm::AsGiven {
        return Ok((value, true));
    }
    Ok(match (a.presence, a.ty) {
        (Presence::Optional, ValueType::String) => (quote! { #value.unwrap_or_default() }, false),
        (_, ValueType::String) => (value, false),
        (Presence::Optional, _) => (
            quote! { #value.map(|v| v.to_string()).unwrap_or_default() },
            true,
        ),
        (_, _) => (quote! { #value.to_string() }, true),
    })
}

/// A binding string: a `&str` (`false`) or a `String` (`true`).
fn text_expr(t: &TextTemplate) -> Result<(TokenStream, bool), String> {
    match t.pieces.as_slice() {
        [] => {
            let lit = literal("");
            Ok((quote! { #lit }, false))
        }
        [TextPiece::Literal(l)] => {
            let lit = literal(l);
            Ok((quote! { #lit }, false))
        }
        [TextPiece::Value(v)] => source_text(v),
        pieces => {
            let mut parts = Vec::new();
            for p in pieces {
                parts.push(match p {
                    TextPiece::Literal(l) => {
                        let lit = literal(l);
                        quote! { #lit }
                    }
                    TextPiece::Value(v) => match source_text(v)? {
                        (value, true) => quote! { #value.as_str() },
                        (value, false) => value,
                    },
                });
            }
            Ok((quote! { [#(#parts),*].concat() }, true))
        }
    }
}

/// The tokens inside `json!(…)`.
pub(super) fn json(t: &JsonTemplate) -> Result<TokenStream, String> {
    Ok(match t {
        JsonTemplate::Null => quote! { null },
        JsonTemplate::Bool(true) => quote! { true },
        JsonTemplate::Bool(false) => quote! { false },
        JsonTemplate::Number(n) => number(n)?,
        JsonTemplate::Text(text) => match text_expr(text)? {
            // `json!` reads a leading `[` as an array: keep the joined
            // text one expression.
            (value, true) => quote! { (#value) },
            (value, false) => value,
        },
        JsonTemplate::Value(v) => value_expr(v)?,
        JsonTemplate::Array(items) => {
            let items = items.iter().map(json).collect::<Result<Vec<_>, _>>()?;
            quote! { [#(#items),*] }
        }
        JsonTemplate::Object(members) => {
            let mut out = Vec::new();
            for (k, v) in members {
                let k = literal(k);
                let v = json(v)?;
                out.push(quote! { #k: #v });
            }
            quote! { { #(#out),* } }
        }
    })
}

/// A JSON number as a literal, a minus sign apart.
fn number(n: &Number) -> Result<TokenStream, String> {
    let (negative, lit) = if let Some(u) = n.as_u64() {
        (false, Literal::u64_unsuffixed(u))
    } else if let Some(i) = n.as_i64() {
        (true, Literal::u64_unsuffixed(i.unsigned_abs()))
    } else {
        match n.as_f64().filter(|f| f.is_finite()) {
            Some(f) => (f < 0.0, Literal::f64_unsuffixed(f.abs())),
            None => return Err(["`", &n.to_string(), "` is not a finite number"].concat()),
        }
    };
    Ok(if negative {
        let minus = Punct::new('-', Spacing::Alone);
        quote! { #minus #lit }
    } else {
        quote! { #lit }
    })
}
