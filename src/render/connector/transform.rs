//! Result fields computed by the runtime's transforms
//! (`midcall_runtime::transform`): one call each, over the record or, in a
//! list, over one element of it.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use crate::call::{
    AnswerOffset, ArgForm, BoundAction, Call, Currency, FieldSource, Flow, MoneyUnits, Source,
    Take, TimeForm, Transform,
};
use crate::catalog::ValueType;
use crate::render::rust_text::literal;

use super::projection;

/// The expression that fills a field of type `ty` from `value` (`record`,
/// or `item` inside a list).
pub fn expression(t: &Transform, ty: ValueType, value: &TokenStream) -> TokenStream {
    match t {
        Transform::Money {
            amount,
            currency,
            units,
        } => {
            let amount = literal(amount.as_str());
            match (units, currency) {
                (MoneyUnits::Minor, Currency::At(c)) => {
                    let c = literal(c.as_str());
                    quote! { transform::money(#value, #amount, #c) }
                }
                (MoneyUnits::Minor, Currency::Fixed(code)) => {
                    let code = literal(code);
                    quote! { transform::money_in(#value, #amount, #code) }
                }
                (MoneyUnits::Decimal, Currency::At(c)) => {
                    let c = literal(c.as_str());
                    quote! { transform::decimal_money(#value, #amount, #c) }
                }
                // Refused by the check; kept total.
                (MoneyUnits::Decimal, Currency::Fixed(_)) => quote! { None },
            }
        }
        Transform::Time {
            pointer,
            form,
            offset,
        } => {
            let pointer = literal(pointer.as_str());
            let function = match form {
                TimeForm::UnixSeconds => quote! { unix_time },
                TimeForm::UnixMillis => quote! { unix_millis },
                TimeForm::Text => quote! { date_time },
            };
            let offset = match offset {
                None => quote! { time::Offset::UTC },
                // Read and checked when the client was configured.
                Some(AnswerOffset::Setting(name)) => {
                    let name = literal(name);
                    quote! { client.settings().offset(#name).unwrap_or(time::Offset::UTC) }
                }
                Some(AnswerOffset::Fixed(o)) => {
                    let o = literal(o);
                    // Checked when the bindings were read.
                    quote! { time::Offset::parse(#o).unwrap_or(time::Offset::UTC) }
                }
            };
            quote! { transform::#function(#value, #pointer, #offset) }
        }
        Transform::Join { parts, separator } => {
            let parts = parts.iter().map(|p| literal(p.as_str()));
            let separator = literal(separator);
            quote! { transform::join(#value, &[#(#parts),*], #separator) }
        }
        Transform::Count(pointer) => {
            let pointer = literal(pointer.as_str());
            quote! { transform::count(#value, #pointer) }
        }
        Transform::FirstOf(pointers) => {
            let pointers = pointers.iter().map(|p| literal(p.as_str()));
            if ty == ValueType::String {
                quote! { transform::first_text(#value, &[#(#pointers),*]) }
            } else {
                let getter = projection::getter(ty);
                quote! { [#(#pointers),*].iter().find_map(|p| project::#getter(#value, p)) }
            }
        }
        Transform::Each {
            list,
            item,
            only,
            take,
        } => {
            let list = literal(list.as_str());
            let element = quote! { item };
            let item_ty = match take {
                Take::Joined { .. } => ValueType::String,
                Take::Pick(_) => ty,
            };
            let read = projection::source(item, item_ty, &element);
            let read = match only {
                None => read,
                Some(p) => {
                    let p = literal(p.as_str());
                    quote! {
                        if project::boolean(item, #p) == Some(true) { #read } else { None }
                    }
                }
            };
            match take {
                Take::Pick(n) => {
                    let count = Literal::usize_unsuffixed(n + 1);
                    let nth = if *n == 0 {
                        quote! { next() }
                    } else {
                        let index = Literal::usize_unsuffixed(*n);
                        quote! { nth(#index) }
                    };
                    quote! {
                        transform::list(#value, #list, #count, |item| #read)
                            .and_then(|items| items.into_iter().#nth)
                    }
                }
                Take::Joined { limit, separator } => {
                    let limit = Literal::usize_unsuffixed(*limit);
                    let separator = literal(separator);
                    quote! {
                        transform::list(#value, #list, #limit, |item| #read)
                            .filter(|items| !items.is_empty())
                            .map(|items| items.join(#separator))
                    }
                }
            }
        }
    }
}

/// The runtime modules this action's result fields use.
pub fn imports(action: &BoundAction) -> Vec<&'static str> {
    let exchanges = match &action.flow {
        Flow::One(e) | Flow::Verify { lookup: e, .. } => vec![e],
        Flow::WriteUnlessFound { lookup, write, .. } => vec![lookup.as_ref(), write],
        Flow::Steps { last, .. } => vec![last],
    };
    let mut transforms = false;
    let mut times = false;
    for p in exchanges.iter().flat_map(|e| &e.result) {
        if let FieldSource::Transform(t) = &p.source {
            transforms = true;
            times |= uses_time(t);
        }
    }
    // An argument sent as a time in UTC (`{start|utc}`) needs `time` too.
    let mut calls: Vec<&Call> = exchanges.iter().map(|e| &e.call).collect();
    if let Flow::Steps { steps, .. } = &action.flow {
        calls.extend(steps.iter().map(|s| &s.call));
    }
    times |= calls
        .iter()
        .flat_map(|c| c.variants.iter())
        .flat_map(|v| v.sources())
        .any(|s| matches!(s, Source::Arg(a) if a.form != ArgForm::AsGiven));
    times |= matches!(
        action.flow,
        Flow::WriteUnlessFound {
            same_time: Some(_),
            ..
        }
    );
    let mut names = Vec::new();
    if transforms {
        names.push("transform");
    }
    if times {
        names.push("time");
    }
    names
}

fn uses_time(t: &Transform) -> bool {
    match t {
        Transform::Time { .. } => true,
        Transform::Each { item, .. } => {
            matches!(item.as_ref(), FieldSource::Transform(t) if uses_time(t))
        }
        _ => false,
    }
}
