//! The request check: each request variant of a binding, checked against
//! the template's parameters and the operation, becomes a [`Variant`] with
//! every placeholder resolved to a typed value.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::bindings::placeholder::{self, Piece};
use crate::bindings::{unknown_setting, RequestBinding, SettingKindBinding};
use crate::call::{
    ArgForm, ArgRef, JsonTemplate, Pointer, Presence, QueryLanguage, Refusal, Source, TextPiece,
    TextTemplate, Variant,
};
use crate::catalog::{Param, Template, ValueType};
use crate::openapi::ParamLocation;

use super::operation::Found;
use super::Ctx;

/// The variants of one call, and what the connector answers when none
/// applies (`None` when the last one always does).
pub(super) fn variants(
    ctx: &mut Ctx<'_>,
    found: &Found<'_>,
    requests: &[RequestBinding],
) -> Option<(Vec<Variant>, Option<Refusal>)> {
    let mut out = Vec::new();
    let mut ok = true;
    for (i, request) in requests.iter().enumerate() {
        match variant(ctx, found, request, &format!(".requests[{i}]")) {
            Some(v) => out.push(v),
            None => ok = false,
        }
    }
    if let Some(i) = requests
        .iter()
        .position(|r| r.when.is_empty())
        .filter(|i| i + 1 < requests.len())
    {
        for j in i + 1..requests.len() {
            ctx.error(
                &format!(".requests[{j}]"),
                format!("is never sent: `requests[{i}]` has no `when`, so it always applies; put it last"),
            );
        }
        ok = false;
    }
    if !ok {
        return None;
    }
    let always = requests.last().is_some_and(|r| r.when.is_empty());
    let refusal = (!always).then(|| refusal(ctx.template, requests));
    Some((out, refusal))
}

/// The invalid-input answer when no variant applies: it names the
/// template's "at least one of" arguments, else every `when` argument.
fn refusal(template: &Template, requests: &[RequestBinding]) -> Refusal {
    let whens: Vec<String> = requests.iter().flat_map(|r| r.when.clone()).collect();
    // The alternatives the binding uses: the others leave the tool's
    // parameters (`promise::bind`), so the answer must not ask for them.
    let names: Vec<String> = if template.tool.at_least_one_of.is_empty() {
        whens
    } else {
        let used: Vec<String> = template
            .tool
            .at_least_one_of
            .iter()
            .filter(|n| whens.contains(n))
            .cloned()
            .collect();
        if used.is_empty() {
            template.tool.at_least_one_of.clone()
        } else {
            used
        }
    };
    let list = names.join(" or ");
    Refusal {
        message: format!("I need the {} to do that.", list.replace('_', " ")),
        detail: format!("none of {list} was given"),
    }
}

/// How one variant sees the template's parameters.
pub(super) struct Scope<'a> {
    params: &'a [Param],
    when: &'a [String],
}

impl Scope<'_> {
    fn param(&self, name: &str) -> Option<&Param> {
        self.params.iter().find(|p| p.name == name)
    }

    fn arg(&self, p: &Param) -> ArgRef {
        ArgRef {
            name: p.name.clone(),
            ty: p.ty,
            presence: if self.when.contains(&p.name) {
                Presence::Given
            } else if p.required {
                Presence::Required
            } else {
                Presence::Optional
            },
            escape: None,
            form: ArgForm::AsGiven,
        }
    }
}

fn variant(
    ctx: &mut Ctx<'_>,
    found: &Found<'_>,
    request: &RequestBinding,
    at: &str,
) -> Option<Variant> {
    let template = ctx.template;
    let op = found.op;
    let before = ctx.report.count();
    let scope = Scope {
        params: &template.tool.parameters,
        when: &request.when,
    };
    let mut when = Vec::new();
    for name in &request.when {
        match scope.param(name) {
            Some(p) => when.push(scope.arg(p)),
            None => ctx.error(
                &format!("{at}.when"),
                format!(
                    "`{name}` is not a parameter of tool `{}`",
                    template.tool.name
                ),
            ),
        }
    }

    let declared: BTreeSet<&str> = found.path.params().collect();
    for name in &declared {
        if !request.path.contains_key(*name) {
            ctx.error(
                &format!("{at}.path"),
                format!(
                    "path parameter `{name}` of `{} {}` is not bound",
                    op.method, op.path
                ),
            );
        }
    }
    let mut path_values = BTreeMap::new();
    for (name, value) in &request.path {
        if !declared.contains(name.as_str()) {
            ctx.error(
                &format!("{at}.path"),
                format!(
                    "`{name}` is not a path parameter of `{} {}`",
                    op.method, op.path
                ),
            );
            continue;
        }
        if let Some(t) = text(ctx, &scope, &format!("{at}.path.{name}"), value, true) {
            path_values.insert(name.clone(), t);
        }
    }

    let of = |loc: ParamLocation| op.parameters.iter().filter(move |p| p.location == loc);
    let mut query = Vec::new();
    for (name, value) in &request.query {
        if !of(ParamLocation::Query).any(|p| &p.name == name) {
            let names: Vec<&str> = of(ParamLocation::Query).map(|p| p.name.as_str()).collect();
            ctx.error(
                &format!("{at}.query"),
                format!(
                    "`{name}` is not a query parameter of `{} {}`; it has: {}",
                    op.method,
                    op.path,
                    if names.is_empty() {
                        "(none)".to_string()
                    } else {
                        names.join(", ")
                    }
                ),
            );
            continue;
        }
        let place = format!("{at}.query.{name}");
        if let Some(t) = text(ctx, &scope, &place, value, false) {
            let described = of(ParamLocation::Query)
                .find(|p| &p.name == name)
                .and_then(|p| p.description.as_deref())
                .and_then(QueryLanguage::described_by);
            if let Some(expected) = described {
                let operation = format!("{} {}", op.method, op.path);
                for m in unescaped_in_language(&t, name, &operation, expected) {
                    ctx.error(&place, m);
                }
            }
            query.push((name.clone(), t));
        }
    }
    for p in of(ParamLocation::Query).filter(|p| p.required) {
        if !request.query.contains_key(&p.name) {
            ctx.error(
                &format!("{at}.query"),
                format!("required query parameter `{}` is not bound", p.name),
            );
        }
    }

    let mut headers = Vec::new();
    for (name, value) in &request.headers {
        if name.eq_ignore_ascii_case("authorization") {
            ctx.error(
                &format!("{at}.headers"),
                "auth comes from the `auth` section and the environment, never a header here",
            );
            continue;
        }
        if let Some(t) = text(ctx, &scope, &format!("{at}.headers.{name}"), value, false) {
            headers.push((name.clone(), t));
        }
    }

    // A header the operation requires (Cal.com's `cal-api-version`, whose
    // value differs per endpoint family) must be sent: by this request, by
    // the CRM's fixed headers, or by the auth.
    let auth_header = match &ctx.crm.auth {
        crate::bindings::AuthBinding::Header { header, .. } => Some(header.as_str()),
        _ => None,
    };
    for p in of(ParamLocation::Header).filter(|p| p.required) {
        let named = |n: &String| n.eq_ignore_ascii_case(&p.name);
        if p.name.eq_ignore_ascii_case("authorization")
            || auth_header.is_some_and(|h| h.eq_ignore_ascii_case(&p.name))
            || request.headers.keys().any(named)
            || ctx.crm.headers.keys().any(named)
        {
            continue;
        }
        let hint = match p.schema.default.as_ref().or(p.schema.enum_values.first()) {
            Some(serde_json::Value::String(v)) => format!(" (the spec's value: `{v}`)"),
            _ => String::new(),
        };
        ctx.error(
            &format!("{at}.headers"),
            format!(
                "required header `{}` of `{} {}` is not sent; give it in this request's `headers:`{hint}",
                p.name, op.method, op.path
            ),
        );
    }

    let body = super::body::check(ctx, &scope, found, request, at);

    // A parameter left unbound was reported above (unbound, or a bad value).
    let path = found.path.bind(&path_values).ok();
    if ctx.report.count() > before {
        return None;
    }
    Some(Variant {
        when,
        path: path?,
        query,
        headers,
        body: body?,
    })
}

/// What is wrong with the caller's text in `t`, the value of the query
/// parameter `name` that the spec describes as a search query language
/// (`expected`, when it says whose): every text argument in it must name
/// the language it lands in, and the right one.
fn unescaped_in_language(
    t: &TextTemplate,
    name: &str,
    operation: &str,
    expected: Option<QueryLanguage>,
) -> Vec<String> {
    let names: Vec<&str> = QueryLanguage::ALL.iter().map(|l| l.name()).collect();
    let whose = match expected {
        Some(l) => format!("in {}", l.title()),
        None => "as a search query language".to_string(),
    };
    let mut out = Vec::new();
    for value in t.values() {
        let Source::Arg(a) = value else { continue };
        if a.ty != ValueType::String {
            continue;
        }
        match (a.escape, expected) {
            (None, Some(l)) => out.push(format!(
                "`{{{}}}` goes into `{name}`, which `{operation}` reads {whose}: write `{{{}|{}}}` so that the caller's text cannot change the query",
                a.name,
                a.name,
                l.name()
            )),
            (None, None) => out.push(format!(
                "`{{{}}}` goes into `{name}`, which `{operation}` reads {whose}: name the language it lands in, `{{{}|<language>}}`; languages: {}",
                a.name,
                a.name,
                names.join(", ")
            )),
            (Some(given), Some(l)) if !given.fits(l) => out.push(format!(
                "`{{{}|{}}}`: `{operation}` reads `{name}` in {} (`{}`), not `{}`",
                a.name,
                given.name(),
                l.title(),
                l.name(),
                given.name()
            )),
            _ => {}
        }
    }
    out
}

/// Where a placeholder of `language` must sit in its text, or `None` when
/// it does: Stripe's search takes a string value between quotes, SOQL one
/// between single quotes.
fn misplaced(
    language: QueryLanguage,
    before: Option<&TextPiece>,
    after: Option<&TextPiece>,
) -> Option<String> {
    match language {
        QueryLanguage::StripeSearch => {
            let open = match before {
                Some(TextPiece::Literal(l)) => l.chars().last().filter(|c| *c == '\'' || *c == '"'),
                _ => None,
            };
            let closed = open
                .is_some_and(|q| matches!(after, Some(TextPiece::Literal(l)) if l.starts_with(q)));
            (!closed).then(|| {
                "must sit between quotes, where Stripe's search language takes a string (`email:'{email|stripe_search}'`)".to_string()
            })
        }
        QueryLanguage::Soql => {
            let open = matches!(before, Some(TextPiece::Literal(l)) if l.ends_with('\''));
            let closed =
                open && matches!(after, Some(TextPiece::Literal(l)) if l.starts_with('\''));
            (!closed).then(|| {
                "must sit between single quotes, where SOQL takes a string literal (`WHERE Email = '{email|soql}'`)".to_string()
            })
        }
        QueryLanguage::SoqlLike => {
            // `LIKE '` then any `%`, the value, any `%` then `'`.
            let opens = matches!(before, Some(TextPiece::Literal(l))
            if l.trim_end_matches('%').strip_suffix('\'').is_some_and(|b| {
                b.trim_end().to_ascii_uppercase().ends_with(" LIKE")
            }));
            let closes = matches!(after, Some(TextPiece::Literal(l))
                if l.trim_start_matches('%').starts_with('\''));
            (!(opens && closes)).then(|| {
                "must sit in a `LIKE` pattern between single quotes, where SOQL takes a string literal (`WHERE Name LIKE '%{query|soql_like}%'`)".to_string()
            })
        }
        QueryLanguage::ZohoCriteria => {
            let opens = matches!(before, Some(TextPiece::Literal(l))
                if l.ends_with(":equals:") || l.ends_with(":starts_with:"));
            let closes = matches!(after, Some(TextPiece::Literal(l)) if l.starts_with(')'));
            (!(opens && closes)).then(|| {
                "must be a condition's whole value, between `:equals:` (or `:starts_with:`) and `)`: `(Account_Name:equals:{company_name|zoho_criteria})`".to_string()
            })
        }
        QueryLanguage::ZendeskSearch | QueryLanguage::ShopifySearch => None,
    }
}

/// A binding string as text: every placeholder names a parameter, and in a
/// path (`must_be_present`) one the variant is sure to have.
fn text(
    ctx: &mut Ctx<'_>,
    scope: &Scope<'_>,
    place: &str,
    s: &str,
    must_be_present: bool,
) -> Option<TextTemplate> {
    let pieces = match placeholder::parse(s) {
        Ok(p) => p,
        Err(m) => {
            ctx.error(place, m);
            return None;
        }
    };
    let mut out = Vec::new();
    let mut ok = true;
    for piece in pieces {
        let millis = matches!(piece, Piece::ArgUnixMillis(_));
        match piece {
            Piece::Text(t) => out.push(TextPiece::Literal(t)),
            Piece::Arg(name) => {
                let Some(p) = scope.param(&name) else {
                    let names: Vec<&str> = scope.params.iter().map(|p| p.name.as_str()).collect();
                    ctx.error(
                        place,
                        format!(
                            "placeholder `{{{name}}}` is not a tool parameter; parameters: {}",
                            names.join(", ")
                        ),
                    );
                    ok = false;
                    continue;
                };
                let arg = scope.arg(p);
                if must_be_present && arg.presence == Presence::Optional {
                    ctx.error(
                        place,
                        format!(
                            "`{{{name}}}` is optional; a path needs it: make it required or list it in `when`"
                        ),
                    );
                    ok = false;
                }
                out.push(TextPiece::Value(Source::Arg(arg)));
            }
            Piece::Escaped { arg: name, escape } => {
                let shown = format!("{{{name}|{escape}}}");
                let Some(language) = QueryLanguage::from_name(&escape) else {
                    let names: Vec<&str> = QueryLanguage::ALL.iter().map(|l| l.name()).collect();
                    let mut filters = names.clone();
                    filters.push(&placeholder::UTC[1..]);
                    filters.push(&placeholder::UNIX_MILLIS[1..]);
                    let hint = crate::suggest::closest(&escape, &filters)
                        .map(|c| format!(" (did you mean `{c}`?)"))
                        .unwrap_or_default();
                    ctx.error(
                        place,
                        format!(
                            "`{shown}`: `{escape}` is not a query language{hint}; languages: {}; or `{{{name}|utc}}` for a time in UTC, `{{{name}|unix_millis}}` as Unix milliseconds",
                            names.join(", ")
                        ),
                    );
                    ok = false;
                    continue;
                };
                let Some(p) = scope.param(&name) else {
                    let names: Vec<&str> = scope.params.iter().map(|p| p.name.as_str()).collect();
                    ctx.error(
                        place,
                        format!(
                            "placeholder `{shown}` is not a tool parameter; parameters: {}",
                            names.join(", ")
                        ),
                    );
                    ok = false;
                    continue;
                };
                let mut arg = scope.arg(p);
                if p.ty != ValueType::String {
                    ctx.error(
                        place,
                        format!(
                            "`{shown}`: `{name}` is of type {}, which cannot change a query; only text takes a query language",
                            p.ty.as_str()
                        ),
                    );
                    ok = false;
                } else if arg.presence == Presence::Optional {
                    ctx.error(
                        place,
                        format!(
                            "`{shown}`: `{name}` may be absent here, and a search for nothing finds the wrong records: list it in `when` or make it required"
                        ),
                    );
                    ok = false;
                }
                arg.escape = Some(language);
                out.push(TextPiece::Value(Source::Arg(arg)));
            }
            Piece::ArgUtc(name) | Piece::ArgUnixMillis(name) => {
                let filter = if millis { "unix_millis" } else { "utc" };
                let what = if millis {
                    "a time as Unix milliseconds"
                } else {
                    "a time in UTC"
                };
                let Some(p) = scope.param(&name) else {
                    let names: Vec<&str> = scope.params.iter().map(|p| p.name.as_str()).collect();
                    ctx.error(
                        place,
                        format!(
                            "placeholder `{{{name}|{filter}}}` is not a tool parameter; parameters: {}",
                            names.join(", ")
                        ),
                    );
                    ok = false;
                    continue;
                };
                if p.ty != ValueType::String || p.format.as_deref() != Some("date-time") {
                    ctx.error(
                        place,
                        format!(
                            "`{{{name}|{filter}}}`: parameter `{name}` is not a time (`type: string`, `format: date-time`)"
                        ),
                    );
                    ok = false;
                    continue;
                }
                let mut arg = scope.arg(p);
                if arg.presence == Presence::Optional {
                    ctx.error(
                        place,
                        format!(
                            "`{{{name}|{filter}}}`: `{name}` is optional; {what} needs it: make it required or list it in `when`"
                        ),
                    );
                    ok = false;
                }
                let business = ctx
                    .crm
                    .settings
                    .iter()
                    .find(|(_, s)| s.kind == SettingKindBinding::UtcOffset)
                    .map(|(n, _)| n.clone());
                arg.form = if millis {
                    ArgForm::UnixMillis { business }
                } else {
                    ArgForm::Utc { business }
                };
                out.push(TextPiece::Value(Source::Arg(arg)));
            }
            Piece::ArgUtcPlus { arg: name, minutes } => {
                let shown = format!("{{{name}|utc+{minutes}}}");
                let time = scope.param(&name).filter(|p| {
                    p.ty == ValueType::String && p.format.as_deref() == Some("date-time")
                });
                // A fixed length (`{earliest|utc+1440}`) or a required
                // integer argument (`{start|utc+duration_minutes}`).
                let fixed = minutes.bytes().all(|b| b.is_ascii_digit());
                let length_ok = if fixed {
                    minutes
                        .parse::<i64>()
                        .is_ok_and(|m| (1..=MAX_PLUS_MINUTES).contains(&m))
                } else {
                    scope
                        .param(&minutes)
                        .filter(|p| p.ty == ValueType::Integer)
                        .is_some_and(|m| scope.arg(m).presence == Presence::Required)
                };
                let Some(p) = time else {
                    ctx.error(
                        place,
                        format!(
                            "`{shown}`: `{name}` must be a time parameter (`type: string`, `format: date-time`) of the template"
                        ),
                    );
                    ok = false;
                    continue;
                };
                if !length_ok {
                    ctx.error(
                        place,
                        format!(
                            "`{shown}`: `{minutes}` must be a required integer parameter (minutes) of the template, or a number of minutes from 1 to {MAX_PLUS_MINUTES}"
                        ),
                    );
                    ok = false;
                    continue;
                }
                let mut arg = scope.arg(p);
                if arg.presence == Presence::Optional {
                    ctx.error(
                        place,
                        format!(
                            "`{shown}`: `{name}` is optional; a time in UTC needs it: make it required or list it in `when`"
                        ),
                    );
                    ok = false;
                }
                arg.form = ArgForm::UtcPlus {
                    business: ctx
                        .crm
                        .settings
                        .iter()
                        .find(|(_, s)| s.kind == SettingKindBinding::UtcOffset)
                        .map(|(n, _)| n.clone()),
                    minutes: minutes.clone(),
                };
                out.push(TextPiece::Value(Source::Arg(arg)));
            }
            Piece::Now { millis } => {
                if scope.param(placeholder::NOW).is_some() {
                    ctx.error(
                        place,
                        "`{now}` is the time of the call, but this template has a parameter `now` too; rename the parameter",
                    );
                    ok = false;
                    continue;
                }
                out.push(TextPiece::Value(Source::Now { millis }));
            }
            Piece::Setting(name) => {
                if ctx.crm.settings.contains_key(&name) {
                    out.push(TextPiece::Value(Source::Setting(name)));
                } else {
                    ctx.error(place, unknown_setting(&name, &ctx.crm.setting_names()));
                    ok = false;
                }
            }
            Piece::Step { step, pointer } => match step_value(ctx, &step, &pointer) {
                Ok(()) => out.push(TextPiece::Value(Source::Step { step, pointer })),
                Err(m) => {
                    ctx.error(place, m);
                    ok = false;
                }
            },
        }
    }
    for (i, piece) in out.iter().enumerate() {
        let TextPiece::Value(Source::Arg(ArgRef {
            name,
            escape: Some(language),
            ..
        })) = piece
        else {
            continue;
        };
        let before = i.checked_sub(1).and_then(|j| out.get(j));
        if let Some(m) = misplaced(*language, before, out.get(i + 1)) {
            ctx.error(place, format!("`{{{name}|{}}}` {m}", language.name()));
            ok = false;
        }
    }
    ok.then_some(TextTemplate { pieces: out })
}

/// `{step.<step>:<pointer>}` names an earlier step, and its operation's
/// success response has something at the pointer below the step's record.
fn step_value(ctx: &Ctx<'_>, step: &str, pointer: &str) -> Result<(), String> {
    let Some(earlier) = ctx.earlier.iter().find(|e| e.name == step) else {
        let names: Vec<&str> = ctx.earlier.iter().map(|e| e.name.as_str()).collect();
        return Err(format!(
            "`{{step.{step}:{pointer}}}`: no earlier step is named `{step}`; earlier steps: {}",
            if names.is_empty() {
                "(none)".to_string()
            } else {
                names.join(", ")
            }
        ));
    };
    let (Some(op), Some(record), Some(below)) =
        (earlier.op, &earlier.record, Pointer::parse(pointer))
    else {
        // The step itself was reported; nothing more to check against.
        return Ok(());
    };
    let full = record.join(&below);
    let declared = super::response::declares(ctx.api, op, &full);
    if declared {
        Ok(())
    } else {
        Err(format!(
            "`{{step.{step}:{pointer}}}`: the success response of `{} {}` has nothing at `{full}`",
            op.method, op.path
        ))
    }
}

/// A JSON body: every string checked as text; a string that is exactly
/// The largest fixed length `{time|utc+N}` takes: a leap year of minutes.
const MAX_PLUS_MINUTES: i64 = 366 * 24 * 60;

/// one placeholder becomes the value itself.
pub(super) fn json(
    ctx: &mut Ctx<'_>,
    scope: &Scope<'_>,
    place: &str,
    v: &Value,
) -> Option<JsonTemplate> {
    Some(match v {
        Value::Null => JsonTemplate::Null,
        Value::Bool(b) => JsonTemplate::Bool(*b),
        Value::Number(n) => JsonTemplate::Number(n.clone()),
        Value::String(s) => {
            let t = text(ctx, scope, place, s, false)?;
            match t.as_single_value() {
                // An escaped value is text in its language, never a value
                // of its own type.
                Some(Source::Arg(ArgRef {
                    escape: Some(_), ..
                }))
                | None => JsonTemplate::Text(t),
                // A `number` setting as a whole value is a JSON number.
                Some(Source::Setting(name))
                    if ctx
                        .crm
                        .settings
                        .get(name)
                        .is_some_and(|s| s.kind == SettingKindBinding::Number) =>
                {
                    JsonTemplate::Value(Source::SettingNumber(name.clone()))
                }
                Some(v) => JsonTemplate::Value(v.clone()),
            }
        }
        Value::Array(items) => {
            let items: Vec<Option<JsonTemplate>> = items
                .iter()
                .enumerate()
                .map(|(i, item)| json(ctx, scope, &format!("{place}[{i}]"), item))
                .collect();
            JsonTemplate::Array(items.into_iter().collect::<Option<_>>()?)
        }
        Value::Object(map) => {
            let members: Vec<Option<(String, JsonTemplate)>> = map
                .iter()
                .map(|(k, item)| {
                    json(ctx, scope, &format!("{place}.{k}"), item).map(|v| (k.clone(), v))
                })
                .collect();
            JsonTemplate::Object(members.into_iter().collect::<Option<_>>()?)
        }
    })
}
