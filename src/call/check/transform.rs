//! The transform check: a result field's `{money: …}`, `{unix_time: …}`,
//! `{join: …}`, `{count: …}`, `{first_of: …}` or `{each: …}`, read with the
//! place of every problem, its pointers found in the success response, and
//! its result type checked against the template's field.

use serde_json::{Map, Value};

use crate::call::{
    AnswerOffset, Currency, FieldSource, MoneyUnits, Pointer, Take, TimeForm, Transform,
};
use crate::catalog::ValueType;
use crate::openapi::SchemaKind;
use crate::suggest;

use super::response::Answer;
use super::Ctx;

/// The transforms, as the bindings name them.
const TRANSFORMS: [&str; 8] = [
    "money",
    "unix_time",
    "unix_millis",
    "date_time",
    "join",
    "count",
    "first_of",
    "each",
];

/// Longest `limit` of a joined list: a voice answer reads a few items.
const MAX_LIMIT: u64 = 20;

/// What one transform is checked against: the field's name and type, and
/// the pointer the transform's own pointers are below (the record, or an
/// element of a list).
pub(super) struct Target<'a> {
    /// The result field.
    pub field: &'a str,
    /// Its type.
    pub ty: ValueType,
    /// Below the record: empty for the record itself, `/slots/0` for an
    /// element of `each: /slots`.
    pub under: Pointer,
}

/// The transform at `at` (`.response.fields.total`), or `None` after
/// reporting what is wrong with it.
pub(super) fn check(
    ctx: &mut Ctx<'_>,
    answer: &Answer<'_>,
    at: &str,
    raw: &Value,
    target: &Target<'_>,
) -> Option<Transform> {
    let Some(map) = raw.as_object() else {
        ctx.error(at, format!("`{raw}` is not a transform"));
        return None;
    };
    let named: Vec<&str> = map
        .keys()
        .map(String::as_str)
        .filter(|k| TRANSFORMS.contains(k))
        .collect();
    let name = match named.as_slice() {
        [one] => *one,
        [] if map.is_empty() => {
            ctx.error(
                at,
                format!("`{{}}` is empty; give one of {}", TRANSFORMS.join(", ")),
            );
            return None;
        }
        [] => {
            for key in map.keys() {
                let mut known = TRANSFORMS.to_vec();
                known.extend(["const", "pointer"]);
                let hint = suggest::closest(key, &known)
                    .map(|c| format!(" (did you mean `{c}`?)"))
                    .unwrap_or_default();
                ctx.error(
                    &format!("{at}.{key}"),
                    format!(
                        "`{key}` is not a result field source{hint}; give a transform ({}), `const:`, or `pointer:` with `map:`",
                        TRANSFORMS.join(", ")
                    ),
                );
            }
            return None;
        }
        many => {
            ctx.error(
                at,
                format!(
                    "gives {} transforms; a field has one",
                    many.iter()
                        .map(|n| format!("`{n}`"))
                        .collect::<Vec<_>>()
                        .join(" and ")
                ),
            );
            return None;
        }
    };
    let options: &[&str] = match name {
        "unix_time" | "unix_millis" | "date_time" => &["offset"],
        "join" => &["with"],
        "each" => &["item", "only", "pick", "limit", "with"],
        _ => &[],
    };
    let mut ok = true;
    for key in map.keys().filter(|k| k.as_str() != name) {
        if !options.contains(&key.as_str()) {
            ctx.error(
                &format!("{at}.{key}"),
                format!(
                    "`{key}` is not an option of `{name}`; it takes {}",
                    if options.is_empty() {
                        "none".to_string()
                    } else {
                        options
                            .iter()
                            .map(|o| format!("`{o}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    }
                ),
            );
            ok = false;
        }
    }
    let here = format!("{at}.{name}");
    let value = &map[name];
    let transform = match name {
        "money" => money(ctx, answer, &here, value, target),
        "unix_time" | "unix_millis" | "date_time" => {
            let form = match name {
                "unix_time" => TimeForm::UnixSeconds,
                "unix_millis" => TimeForm::UnixMillis,
                _ => TimeForm::Text,
            };
            let offset = match map.get("offset") {
                None => Some(None),
                Some(Value::String(o)) if is_offset(o) => {
                    Some(Some(AnswerOffset::Fixed(o.trim().to_string())))
                }
                Some(Value::String(o)) if o.trim_start().starts_with('{') => {
                    setting_offset(ctx, &format!("{at}.offset"), o).map(Some)
                }
                Some(o) => {
                    ctx.error(
                        &format!("{at}.offset"),
                        format!("`{o}` is not a UTC offset such as \"+02:00\", \"-0530\" or \"Z\""),
                    );
                    None
                }
            };
            let pointer = one_pointer(ctx, answer, &here, value, target);
            Some(Transform::Time {
                pointer: pointer?,
                form,
                offset: offset?,
            })
        }
        "join" => {
            let parts = pointers(ctx, answer, &here, value, target, 1);
            let separator = text_option(ctx, at, map, "with", " ");
            Some(Transform::Join {
                parts: parts?,
                separator: separator?,
            })
        }
        "count" => {
            let pointer = list_pointer(ctx, answer, &here, value, target)?;
            array_at(ctx, answer, &here, target, &pointer).then_some(Transform::Count(pointer))
        }
        "first_of" => pointers(ctx, answer, &here, value, target, 2).map(Transform::FirstOf),
        _ => each(ctx, answer, at, map, target),
    };
    let transform = transform.filter(|_| ok)?;
    match transform.fixed_type() {
        Some(ty) if ty != target.ty => {
            ctx.error(
                &here,
                format!(
                    "`{name}` gives {} {}, but result field `{}` is {} {}",
                    article(ty),
                    ty.as_str(),
                    target.field,
                    article(target.ty),
                    target.ty.as_str()
                ),
            );
            None
        }
        _ => Some(transform),
    }
}

fn article(ty: ValueType) -> &'static str {
    if ty == ValueType::Integer {
        "an"
    } else {
        "a"
    }
}

/// `offset: "{setting.utc_offset}"`: a declared setting of kind
/// `utc_offset` (the business's offset, read and checked at start-up).
fn setting_offset(ctx: &mut Ctx<'_>, at: &str, text: &str) -> Option<AnswerOffset> {
    use crate::bindings::placeholder::{parse, Piece};
    use crate::bindings::SettingKindBinding;
    let name = match parse(text.trim()).as_deref() {
        Ok([Piece::Setting(name)]) => name.clone(),
        _ => {
            ctx.error(
                at,
                format!("`{text}` is neither a UTC offset such as \"+02:00\" nor one setting `{{setting.<name>}}`"),
            );
            return None;
        }
    };
    match ctx.crm.settings.get(&name) {
        Some(s) if s.kind == SettingKindBinding::UtcOffset => Some(AnswerOffset::Setting(name)),
        Some(_) => {
            ctx.error(
                at,
                format!("setting `{name}` is not of kind `utc_offset`, so it is no offset"),
            );
            None
        }
        None => {
            ctx.error(
                at,
                crate::bindings::unknown_setting(&name, &ctx.crm.setting_names()),
            );
            None
        }
    }
}

/// Whether `text` is an offset the runtime's `time::Offset::parse` reads.
fn is_offset(text: &str) -> bool {
    let t = text.trim();
    if t.eq_ignore_ascii_case("z") || t.eq_ignore_ascii_case("utc") {
        return true;
    }
    let Some(rest) = t.strip_prefix('+').or_else(|| t.strip_prefix('-')) else {
        return false;
    };
    let digits: String = rest.chars().filter(|c| *c != ':').collect();
    if !digits.bytes().all(|b| b.is_ascii_digit()) || rest.matches(':').count() > 1 {
        return false;
    }
    let (h, m) = match digits.len() {
        2 => (digits.parse::<u32>().unwrap_or(99), 0),
        4 => (
            digits[..2].parse::<u32>().unwrap_or(99),
            digits[2..].parse::<u32>().unwrap_or(99),
        ),
        _ => return false,
    };
    h <= 18 && m <= 59
}

/// `{money: {amount: /total, currency: /currency, units: minor}}`.
fn money(
    ctx: &mut Ctx<'_>,
    answer: &Answer<'_>,
    at: &str,
    value: &Value,
    target: &Target<'_>,
) -> Option<Transform> {
    let Some(map) = value.as_object() else {
        ctx.error(
            at,
            "give `{amount: /pointer, currency: /pointer or a code like EUR}`",
        );
        return None;
    };
    let mut ok = true;
    for key in map.keys() {
        if !["amount", "currency", "units"].contains(&key.as_str()) {
            ctx.error(
                &format!("{at}.{key}"),
                format!(
                    "`{key}` is not an option of `money`; it takes `amount`, `currency`, `units`"
                ),
            );
            ok = false;
        }
    }
    let amount = match map.get("amount") {
        Some(a) => one_pointer(ctx, answer, &format!("{at}.amount"), a, target),
        None => {
            ctx.error(at, "has no `amount` (a pointer)");
            None
        }
    };
    let currency = match map.get("currency") {
        Some(Value::String(c)) if c.starts_with('/') => answer
            .below(ctx, &format!("{at}.currency"), c, &target.under)
            .map(Currency::At),
        Some(Value::String(c)) if c.len() == 3 && c.bytes().all(|b| b.is_ascii_alphabetic()) => {
            Some(Currency::Fixed(c.to_ascii_uppercase()))
        }
        Some(c) => {
            ctx.error(
                &format!("{at}.currency"),
                format!(
                    "`{c}` is neither a pointer (`/currency`) nor a three-letter currency code"
                ),
            );
            None
        }
        None => {
            ctx.error(at, "has no `currency` (a pointer, or a code like EUR)");
            None
        }
    };
    let units = match map.get("units").map(|u| u.as_str()) {
        None | Some(Some("minor")) => Some(MoneyUnits::Minor),
        Some(Some("decimal")) => Some(MoneyUnits::Decimal),
        Some(_) => {
            ctx.error(
                &format!("{at}.units"),
                format!(
                    "`{}` is not `minor` (an integer of cents) or `decimal` (\"49.90\")",
                    map["units"]
                ),
            );
            None
        }
    };
    if let (Some(MoneyUnits::Decimal), Some(Currency::Fixed(_))) = (&units, &currency) {
        ctx.error(
            &format!("{at}.currency"),
            "a decimal amount reads its currency from the answer: give a pointer",
        );
        ok = false;
    }
    let transform = Transform::Money {
        amount: amount?,
        currency: currency?,
        units: units?,
    };
    ok.then_some(transform)
}

/// `{each: /slots, item: {date_time: /start}, pick: 0}` or `{each: /hosts,
/// item: /name, limit: 3, with: ", "}`; `only: /isAvailable` skips the
/// elements that do not hold `true` there.
fn each(
    ctx: &mut Ctx<'_>,
    answer: &Answer<'_>,
    at: &str,
    map: &Map<String, Value>,
    target: &Target<'_>,
) -> Option<Transform> {
    let here = format!("{at}.each");
    let list = list_pointer(ctx, answer, &here, &map["each"], target);
    let list_ok = list
        .as_ref()
        .is_some_and(|l| array_at(ctx, answer, &here, target, l));
    let take = match (map.get("pick"), map.get("limit")) {
        (Some(_), Some(_)) => {
            ctx.error(
                at,
                "gives both `pick` (one element) and `limit` (a joined list); keep one",
            );
            None
        }
        (None, None) => {
            ctx.error(
                at,
                "says neither `pick: N` (the Nth element, from 0) nor `limit: N` (the first N, joined)",
            );
            None
        }
        (Some(p), None) => match p.as_u64() {
            Some(n) if n <= MAX_LIMIT && !map.contains_key("with") => {
                usize::try_from(n).ok().map(Take::Pick)
            }
            Some(n) if n <= MAX_LIMIT => {
                ctx.error(
                    &format!("{at}.with"),
                    "joins a list; `pick` takes one element",
                );
                None
            }
            _ => {
                ctx.error(
                    &format!("{at}.pick"),
                    format!("`{p}` is not an index from 0 to {MAX_LIMIT}"),
                );
                None
            }
        },
        (None, Some(l)) => {
            let separator = text_option(ctx, at, map, "with", ", ");
            match l.as_u64() {
                Some(n) if (1..=MAX_LIMIT).contains(&n) => {
                    let limit = usize::try_from(n).ok();
                    limit
                        .zip(separator)
                        .map(|(limit, separator)| Take::Joined { limit, separator })
                }
                _ => {
                    ctx.error(
                        &format!("{at}.limit"),
                        format!("`{l}` is not a count from 1 to {MAX_LIMIT}"),
                    );
                    None
                }
            }
        }
    };
    // The element's type: what the field takes from one element.
    let item_ty = match &take {
        Some(Take::Joined { .. }) => ValueType::String,
        _ => target.ty,
    };
    let item = match (map.get("item"), &list) {
        (None, _) => {
            ctx.error(
                at,
                "has no `item`: a pointer below one element, or a transform of it",
            );
            None
        }
        (Some(raw), Some(list)) if list_ok => {
            let element = Target {
                field: target.field,
                ty: item_ty,
                under: target.under.join(list).join(&Pointer::parse("/0")?),
            };
            let place = format!("{at}.item");
            match raw {
                Value::String(p) => answer
                    .below(ctx, &place, p, &element.under)
                    .map(FieldSource::Pointer),
                Value::Object(m) if m.contains_key("each") => {
                    ctx.error(
                        &place,
                        "a list inside a list is not read; point at one level",
                    );
                    None
                }
                Value::Object(_) => {
                    check(ctx, answer, &place, raw, &element).map(FieldSource::Transform)
                }
                other => {
                    ctx.error(
                        &place,
                        format!("`{other}` is neither a pointer nor a transform"),
                    );
                    None
                }
            }
        }
        _ => None,
    };
    if let Some(Take::Joined { .. }) = &take {
        if target.ty != ValueType::String {
            ctx.error(
                &format!("{at}.limit"),
                format!(
                    "a joined list is text, but result field `{}` is {} {}; use `pick`",
                    target.field,
                    article(target.ty),
                    target.ty.as_str()
                ),
            );
            return None;
        }
    }
    // `only: /isAvailable`: a boolean below one element.
    let only = match (map.get("only"), &list) {
        (None, _) => Some(None),
        (Some(raw), Some(list)) if list_ok => {
            let element = Target {
                field: target.field,
                ty: ValueType::Boolean,
                under: target.under.join(list).join(&Pointer::parse("/0")?),
            };
            let place = format!("{at}.only");
            match one_pointer(ctx, answer, &place, raw, &element) {
                Some(p) => match answer.kind_at(&element.under.join(&p)) {
                    Some(SchemaKind::Boolean) | None => Some(Some(p)),
                    Some(_) => {
                        ctx.error(
                            &place,
                            format!(
                                "`{p}` is not a boolean in the success response; `only` keeps the elements that hold `true` there"
                            ),
                        );
                        None
                    }
                },
                None => None,
            }
        }
        _ => None,
    };
    Some(Transform::Each {
        list: list.filter(|_| list_ok)?,
        item: Box::new(item?),
        only: only?,
        take: take?,
    })
}

/// A text option with a default (`with: " "`).
fn text_option(
    ctx: &mut Ctx<'_>,
    at: &str,
    map: &Map<String, Value>,
    key: &str,
    default: &str,
) -> Option<String> {
    match map.get(key) {
        None => Some(default.to_string()),
        Some(Value::String(s)) => Some(s.clone()),
        Some(other) => {
            ctx.error(&format!("{at}.{key}"), format!("`{other}` is not text"));
            None
        }
    }
}

/// One pointer, found in the success response below `target.under`.
fn one_pointer(
    ctx: &mut Ctx<'_>,
    answer: &Answer<'_>,
    at: &str,
    value: &Value,
    target: &Target<'_>,
) -> Option<Pointer> {
    match value {
        Value::String(p) => answer.below(ctx, at, p, &target.under),
        other => {
            ctx.error(at, format!("`{other}` is not a JSON pointer (`/path`)"));
            None
        }
    }
}

/// The pointer of a list: one to an array, or one ending in `/*` to an
/// object whose members are arrays (Cal.com's slots by date), read as one
/// list in key order (`project::items`).
fn list_pointer(
    ctx: &mut Ctx<'_>,
    answer: &Answer<'_>,
    at: &str,
    value: &Value,
    target: &Target<'_>,
) -> Option<Pointer> {
    let text = value.as_str().unwrap_or_default();
    // `…/*` or `…/*/rest`: the members' arrays (at `/rest` below each).
    let (object, rest) = match text.split_once("/*/") {
        Some((object, rest)) => (object, Some(["/", rest].concat())),
        None => match text.strip_suffix("/*") {
            Some(object) => (object, None),
            None => return one_pointer(ctx, answer, at, value, target),
        },
    };
    let prefix = if object.is_empty() {
        Pointer::parse("")?
    } else {
        answer.below(ctx, at, object, &target.under)?
    };
    let mut full = prefix.join(&Pointer::parse("/*")?);
    if let Some(rest) = &rest {
        full = full.join(&Pointer::parse(rest)?);
    }
    let members_open = matches!(
        answer.kind_at(&target.under.join(&prefix)),
        None | Some(SchemaKind::Object { .. }) | Some(SchemaKind::Any)
    );
    if !members_open || !answer.has_below(&target.under, &full) {
        ctx.error(
            at,
            format!(
                "`{object}/*` reads the members of an object of lists, but the success response declares no such members at `{object}` (`additionalProperties`)"
            ),
        );
        return None;
    }
    Some(full)
}

/// A list of at least `min` pointers.
fn pointers(
    ctx: &mut Ctx<'_>,
    answer: &Answer<'_>,
    at: &str,
    value: &Value,
    target: &Target<'_>,
    min: usize,
) -> Option<Vec<Pointer>> {
    let Some(items) = value.as_array().filter(|a| a.len() >= min) else {
        ctx.error(
            at,
            format!(
                "give a list of at least {min} JSON pointer{}",
                if min == 1 { "" } else { "s" }
            ),
        );
        return None;
    };
    let found: Vec<Option<Pointer>> = items
        .iter()
        .enumerate()
        .map(|(i, p)| one_pointer(ctx, answer, &format!("{at}[{i}]"), p, target))
        .collect();
    found.into_iter().collect()
}

/// Whether the success response may hold an array at `pointer` (below
/// `target.under`); reports it when the spec says it is something else.
fn array_at(
    ctx: &mut Ctx<'_>,
    answer: &Answer<'_>,
    at: &str,
    target: &Target<'_>,
    pointer: &Pointer,
) -> bool {
    match answer.kind_at(&target.under.join(pointer)) {
        Some(
            kind @ (SchemaKind::String
            | SchemaKind::Integer
            | SchemaKind::Number
            | SchemaKind::Boolean
            | SchemaKind::Object { .. }),
        ) => {
            let what = match kind {
                SchemaKind::String => "a string",
                SchemaKind::Integer => "an integer",
                SchemaKind::Number => "a number",
                SchemaKind::Boolean => "a boolean",
                _ => "an object",
            };
            ctx.error(
                at,
                format!("`{pointer}` is {what} in the success response, not an array"),
            );
            false
        }
        _ => true,
    }
}
