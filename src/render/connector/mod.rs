//! The `connector` target: a Rust module over `midcall-runtime`, emitted
//! from the typed call model as tokens (`quote!`) and printed with
//! `prettyplease`. Imports follow from the model; every untrusted string
//! reaches the code through [`crate::render::rust_text`].

mod body;
mod layout;
mod projection;
mod request;
mod transform;

use proc_macro2::TokenStream;
use quote::quote;

use crate::bindings::{vendor_template, AuthBinding, CredentialsInBinding, SettingKindBinding};
use crate::call::{ArgForm, BoundAction, Crm, Exchange, FieldSource, Flow, QueryLanguage, Source};
use crate::catalog::{Param, ResultField, ValueType};
use crate::render::rust_text::{doc, ident, literal};

/// The connector's source text for one bound action, or why it cannot be
/// emitted (one line).
pub fn render(action: &BoundAction) -> Result<String, String> {
    layout::format(tokens(action)?)
}

fn tokens(action: &BoundAction) -> Result<TokenStream, String> {
    let t = &action.template;
    let crm = &action.crm;
    let header = header(action).into_iter().map(|line| {
        let line = if line.is_empty() {
            String::new()
        } else {
            doc(&line)
        };
        quote! { #![doc = #line] }
    });
    let imports = imports(action);
    let tool_name = literal(&t.tool.name);
    let crm_doc = doc(&["Where ", &crm.name, " lives and how it authenticates."].concat());
    let (name, base_url, base_url_env) = (
        literal(&crm.name),
        literal(&crm.base_url),
        literal(&crm.base_url_env),
    );
    let crm_const = if crm.needs_vendor() {
        vendor(crm)?
    } else {
        let auth = auth_spec(&crm.auth)?;
        quote! {
            #[doc = #crm_doc]
            pub const CRM: CrmEnv = CrmEnv {
                name: #name,
                base_url: #base_url,
                base_url_env: #base_url_env,
                auth: #auth,
            };
        }
    };
    let from_env = if crm.needs_vendor() {
        quote! {
            /// Reads the settings, the credential and an optional base URL
            /// override from the environment variables named in the bindings.
            pub fn config_from_env() -> Result<Config, ActionError> {
                Ok(Config::from_vendor_env(&VENDOR)?.with_timeout(TIMEOUT))
            }
        }
    } else {
        quote! {
            /// Reads the credential and an optional base URL override from the
            /// environment variables named in the bindings.
            pub fn config_from_env() -> Result<Config, ActionError> {
                Ok(Config::from_env(&CRM)?.with_timeout(TIMEOUT))
            }
        }
    };
    let timeout_ms = proc_macro2::Literal::u64_unsuffixed(t.limits.timeout_ms);
    let max_result_bytes = proc_macro2::Literal::usize_unsuffixed(t.limits.max_result_bytes);
    let args = t
        .tool
        .parameters
        .iter()
        .map(arg_field)
        .collect::<Result<Vec<_>, _>>()?;
    let outputs = t
        .result
        .iter()
        .map(output_field)
        .collect::<Result<Vec<_>, _>>()?;
    let calls_doc = doc(&[
        "arguments, calls ",
        &crm.name,
        ", and answers `{\"ok\": true, \"result\": …}` cut to",
    ]
    .concat());
    let call_doc = doc(&t.tool.description);
    let body = call_body(action)?;
    let checks = arg_checks(action)?;
    let verify_const = verify_const(action);
    Ok(quote! {
        #(#header)*

        use std::time::Duration;
        use midcall_runtime::{#(#imports),*};

        /// The tool's name on every platform.
        pub const TOOL_NAME: &str = #tool_name;

        #crm_const

        /// Total deadline of one call, retries included.
        pub const TIMEOUT: Duration = Duration::from_millis(#timeout_ms);

        /// Largest result handed to the assistant, in bytes of JSON.
        pub const MAX_RESULT_BYTES: usize = #max_result_bytes;

        #verify_const

        /// The tool's arguments, as the voice platform sends them.
        #[derive(Debug, Clone, Default, PartialEq, serde::Deserialize)]
        pub struct Args {
            #(#args)*
        }

        impl Args {
            /// Checks every argument against what the tool definition promises
            /// (pattern, closed values, format) and what the search languages it
            /// goes into can hold: `invalid_input` naming the argument, before
            /// any request.
            pub fn check(&self) -> Result<(), ActionError> {
                #checks
            }
        }

        /// What the assistant may speak: the template's result fields, nothing else.
        #[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
        pub struct Output {
            #(#outputs)*
        }

        /// Handles one tool call for a voice platform's webhook: parses the
        #[doc = #calls_doc]
        /// `MAX_RESULT_BYTES`, or `{"ok": false, "error": kind, "message": sentence}`.
        pub async fn call_json(client: &Client, args: Value) -> Value {
            let result = match parse_args::<Args>(args) {
                Ok(args) => call(client, &args).await,
                Err(e) => Err(e),
            };
            tool_result(&result, MAX_RESULT_BYTES)
        }

        #from_env

        #[doc = #call_doc]
        pub async fn call(client: &Client, args: &Args) -> Result<Output, ActionError> {
            args.check()?;
            #body
        }
    })
}

/// The `//!` lines: what the module calls, and how to regenerate it.
/// An empty string is an empty doc line.
fn header(action: &BoundAction) -> Vec<String> {
    let t = &action.template;
    let first = [
        &action.crm.name,
        ": ",
        &t.title,
        " (`",
        &t.id,
        "`), generated by midcall ",
        env!("CARGO_PKG_VERSION"),
        ".",
    ]
    .concat();
    let write = action.primary().operation();
    let mut lines = vec![first, String::new()];
    match &action.flow {
        Flow::WriteUnlessFound { lookup, .. } => {
            lines.push(
                [
                    "Looks the record up with `",
                    &lookup.call.operation(),
                    "` and, only when",
                ]
                .concat(),
            );
            lines.push(["it is not there, calls `", &write, "`; returns the"].concat());
        }
        Flow::One(_) => {
            lines.push(["Calls `", &write, "` and returns the"].concat());
        }
        Flow::Verify { .. } => {
            lines.push(
                [
                    "Calls `",
                    &write,
                    "`, compares the caller's second factor with",
                ]
                .concat(),
            );
            lines.push(
                "the record's inside the connector (the stored one is never returned or"
                    .to_string(),
            );
            lines.push("logged), and returns the".to_string());
        }
        Flow::Steps { steps, .. } => {
            for (i, step) in steps.iter().enumerate() {
                let first = if i == 0 { "Calls `" } else { "then `" };
                lines.push([first, &step.call.operation(), "` (`", &step.name, "`),"].concat());
            }
            lines.push(["then `", &write, "`, and returns the"].concat());
        }
    }
    lines.push("template's result fields only. Do not edit: regenerate with".to_string());
    lines.push(["`gen --crm ", &action.crm.id, " --template ", &t.id, "`."].concat());
    lines
}

/// Whether one of the exchange's result fields reads its record (a
/// pointer, a value map or a transform), rather than being absent or a
/// constant.
fn reads_record(e: &Exchange) -> bool {
    e.result.iter().any(|p| {
        matches!(
            p.source,
            FieldSource::Pointer(_) | FieldSource::Mapped { .. } | FieldSource::Transform(_)
        )
    })
}

/// The names imported from `midcall_runtime`, in the order `sort` gives:
/// what every connector uses, plus what this one's calls need.
fn imports(action: &BoundAction) -> Vec<TokenStream> {
    let mut names = vec![
        "ActionError",
        "Client",
        "Config",
        "Method",
        "Request",
        "Value",
        "parse_args",
        "tool_result",
    ];
    let crm = &action.crm;
    if crm.needs_vendor() {
        names.extend(["AuthKind", "Vendor"]);
        if !crm.settings.is_empty() {
            names.extend(["Setting", "SettingKind"]);
        }
        if matches!(
            crm.auth,
            AuthBinding::ClientCredentials { .. } | AuthBinding::RefreshToken { .. }
        ) {
            names.push("CredentialsIn");
        }
    } else {
        names.extend(["AuthSpec", "CrmEnv"]);
    }
    // A natural-key write whose answers are all constants (Calendly's
    // cancel) reads no record and checks no value: no `project`.
    let projects = match &action.flow {
        Flow::WriteUnlessFound {
            lookup,
            write,
            found_when,
            ..
        } => found_when.is_some() || reads_record(lookup) || reads_record(write),
        _ => true,
    };
    if projects {
        names.push("project");
    }
    if matches!(action.flow, Flow::WriteUnlessFound { .. }) {
        names.push("Written");
    }
    if matches!(action.flow, Flow::Verify { .. }) {
        names.push("verify");
    }
    let calls = action.calls();
    if calls.iter().any(|c| c.has_body()) {
        names.push("json");
    }
    if calls.iter().any(|c| c.has_path_segments()) {
        names.push("encode_path_segment");
    }
    names.extend(transform::imports(action));
    if !arg_rules(action).is_empty() {
        names.push("arg");
    }
    if calls.iter().any(|c| !languages(c).is_empty()) {
        names.push("query");
    }
    if body::quotes_search(action) {
        names.push("search_syntax");
    }
    if body::all_graphql(action) {
        names.retain(|n| *n != "Method");
    }
    names.sort_unstable();
    names.dedup();
    names
        .into_iter()
        .map(|n| {
            let id = proc_macro2::Ident::new(n, proc_macro2::Span::call_site());
            quote! { #id }
        })
        .collect()
}

/// `AuthSpec::…` for the bindings' auth (one `AuthSpec` can say).
fn auth_spec(auth: &AuthBinding) -> Result<TokenStream, String> {
    Ok(match auth {
        AuthBinding::Bearer { env } => {
            let env = literal(env);
            quote! { AuthSpec::Bearer { env: #env } }
        }
        AuthBinding::Header {
            header,
            env,
            value: None,
        } => {
            let (name, env) = (literal(header), literal(env));
            quote! { AuthSpec::Header { name: #name, env: #env } }
        }
        AuthBinding::Query { param, env } => {
            let (name, env) = (literal(param), literal(env));
            quote! { AuthSpec::Query { name: #name, env: #env } }
        }
        AuthBinding::Basic {
            user_env: Some(user_env),
            password_env: Some(password_env),
            env: None,
            ..
        } => {
            let (user_env, password_env) = (literal(user_env), literal(password_env));
            quote! { AuthSpec::Basic { user_env: #user_env, password_env: #password_env } }
        }
        AuthBinding::None => quote! { AuthSpec::None },
        other => {
            return Err(format!(
                "auth scheme `{}` needs the runtime's `Vendor`",
                other.scheme()
            ))
        }
    })
}

/// `pub const VENDOR: Vendor = Vendor { … }`: settings, templates in the
/// runtime's form, the auth kind and fixed headers.
fn vendor(crm: &Crm) -> Result<TokenStream, String> {
    let names: Vec<&str> = crm.settings.iter().map(|s| s.name.as_str()).collect();
    let template = |text: &str, secret: bool| -> Result<proc_macro2::Literal, String> {
        vendor_template(text, &names, secret).map(|t| literal(&t))
    };
    let doc = doc(&[
        "Where ",
        &crm.name,
        " lives, its per-account settings and how it authenticates.",
    ]
    .concat());
    let (name, base_url, base_url_env) = (
        literal(&crm.name),
        template(&crm.base_url, false)?,
        literal(&crm.base_url_env),
    );
    let settings = crm.settings.iter().map(|s| {
        let (name, env) = (literal(&s.name), literal(&s.env));
        let kind = match s.kind {
            SettingKindBinding::Text => quote! { SettingKind::Text },
            SettingKindBinding::Host => quote! { SettingKind::Host },
            SettingKindBinding::UtcOffset => quote! { SettingKind::UtcOffset },
            // The runtime checks both as digits; only bodies differ.
            SettingKindBinding::Digits | SettingKindBinding::Number => {
                quote! { SettingKind::Digits }
            }
        };
        quote! { Setting { name: #name, env: #env, kind: #kind } }
    });
    let missing = |key: &str| format!("auth `{}` lacks `{key}`", crm.auth.scheme());
    let auth = match &crm.auth {
        AuthBinding::Bearer { env } => {
            let env = literal(env);
            quote! { AuthKind::Bearer { env: #env } }
        }
        AuthBinding::Header { header, env, value } => {
            let (name, env) = (literal(header), literal(env));
            let value = template(value.as_deref().unwrap_or("{secret}"), true)?;
            quote! { AuthKind::Header { name: #name, value: #value, env: #env } }
        }
        AuthBinding::Query { param, env } => {
            let (name, env) = (literal(param), literal(env));
            quote! { AuthKind::Query { name: #name, env: #env } }
        }
        AuthBinding::Basic {
            env: Some(env),
            user: Some(user),
            password: Some(password),
            ..
        } => {
            let env = literal(env);
            let (user, password) = (template(user, true)?, template(password, true)?);
            quote! { AuthKind::Basic { user: #user, password: #password, env: #env } }
        }
        AuthBinding::Basic { .. } => return Err(missing("env, user and password")),
        AuthBinding::ClientCredentials {
            token_url,
            token_url_env,
            client_id_env,
            client_secret_env,
            scope,
            credentials_in,
        } => {
            let token_url = template(
                token_url.as_deref().ok_or_else(|| missing("token_url"))?,
                false,
            )?;
            let token_url_env = literal(
                token_url_env
                    .as_deref()
                    .ok_or_else(|| missing("token_url_env"))?,
            );
            let client_id_env = literal(
                client_id_env
                    .as_deref()
                    .ok_or_else(|| missing("client_id_env"))?,
            );
            let client_secret_env = literal(
                client_secret_env
                    .as_deref()
                    .ok_or_else(|| missing("client_secret_env"))?,
            );
            let scope = match scope {
                Some(s) => {
                    let s = template(s, false)?;
                    quote! { Some(#s) }
                }
                None => quote! { None },
            };
            let send = match credentials_in {
                CredentialsInBinding::Body => quote! { CredentialsIn::Body },
                CredentialsInBinding::Basic => quote! { CredentialsIn::Basic },
            };
            quote! {
                AuthKind::ClientCredentials {
                    token_url: #token_url,
                    token_url_env: #token_url_env,
                    client_id_env: #client_id_env,
                    client_secret_env: #client_secret_env,
                    scope: #scope,
                    send: #send,
                }
            }
        }
        AuthBinding::RefreshToken {
            token_url,
            token_url_env,
            client_id_env,
            client_secret_env,
            refresh_token_env,
            access_token_env,
            prefix,
            credentials_in,
        } => {
            let token_url = template(
                token_url.as_deref().ok_or_else(|| missing("token_url"))?,
                false,
            )?;
            let env = |v: &Option<String>, key: &str| {
                v.as_deref().map(literal).ok_or_else(|| missing(key))
            };
            let token_url_env = env(token_url_env, "token_url_env")?;
            let client_id_env = env(client_id_env, "client_id_env")?;
            let client_secret_env = env(client_secret_env, "client_secret_env")?;
            let refresh_token_env = env(refresh_token_env, "refresh_token_env")?;
            let access_token_env = match access_token_env {
                Some(v) => {
                    let v = literal(v);
                    quote! { Some(#v) }
                }
                None => quote! { None },
            };
            let prefix = literal(prefix.as_deref().unwrap_or("Bearer"));
            let send = match credentials_in {
                CredentialsInBinding::Body => quote! { CredentialsIn::Body },
                CredentialsInBinding::Basic => quote! { CredentialsIn::Basic },
            };
            quote! {
                AuthKind::RefreshToken {
                    token_url: #token_url,
                    token_url_env: #token_url_env,
                    client_id_env: #client_id_env,
                    client_secret_env: #client_secret_env,
                    refresh_token_env: #refresh_token_env,
                    access_token_env: #access_token_env,
                    prefix: #prefix,
                    send: #send,
                }
            }
        }
        AuthBinding::None => quote! { AuthKind::None },
    };
    let headers = crm.headers.iter().map(|(name, value)| {
        let (name, value) = (literal(name), literal(value));
        quote! { (#name, #value) }
    });
    Ok(quote! {
        #[doc = #doc]
        pub const VENDOR: Vendor = Vendor {
            name: #name,
            base_url: #base_url,
            base_url_env: #base_url_env,
            settings: &[#(#settings),*],
            auth: #auth,
            headers: &[#(#headers),*],
        };
    })
}

/// The query languages each argument of `call` is placed into, by name.
fn languages(call: &crate::call::Call) -> Vec<(String, QueryLanguage)> {
    let mut out = Vec::new();
    for v in &call.variants {
        for source in v.sources() {
            if let Source::Arg(crate::call::ArgRef {
                name,
                escape: Some(l),
                ..
            }) = source
            {
                if !out.contains(&(name.clone(), *l)) {
                    out.push((name.clone(), *l));
                }
            }
        }
    }
    out
}

/// One `arg::Rule` per text argument with something to check: its
/// pattern, closed values, format, and the languages it is placed into
/// anywhere in the action (a later step's search is checked before the
/// first request).
fn arg_rules(action: &BoundAction) -> Vec<(&Param, TokenStream)> {
    let placed: Vec<(String, QueryLanguage)> =
        action.calls().into_iter().flat_map(languages).collect();
    let mut out = Vec::new();
    for p in &action.template.tool.parameters {
        if p.ty != ValueType::String {
            continue;
        }
        let mut rule = TokenStream::new();
        if let Some(pattern) = &p.pattern {
            let pattern = literal(pattern);
            rule.extend(quote! { .pattern(#pattern) });
        }
        if let Some(values) = &p.enum_values {
            let values = values.iter().map(|v| literal(v));
            rule.extend(quote! { .one_of(&[#(#values),*]) });
        }
        let format = match p.format.as_deref() {
            Some("email") => Some(quote! { Email }),
            Some("date") => Some(quote! { Date }),
            Some("date-time") => Some(quote! { DateTime }),
            Some("time") => Some(quote! { Time }),
            Some("uuid") => Some(quote! { Uuid }),
            _ => None,
        };
        if let Some(format) = format {
            rule.extend(quote! { .format(arg::Format::#format) });
        }
        let mut langs: Vec<QueryLanguage> = Vec::new();
        for (_, l) in placed.iter().filter(|(name, _)| name == &p.name) {
            if !langs.contains(l) {
                langs.push(*l);
            }
        }
        if !langs.is_empty() {
            let langs = langs.iter().map(|l| {
                let v = proc_macro2::Ident::new(l.variant(), proc_macro2::Span::call_site());
                quote! { query::Language::#v }
            });
            rule.extend(quote! { .placed_in(&[#(#langs),*]) });
        }
        if !rule.is_empty() {
            out.push((p, rule));
        }
    }
    out
}

/// `pub const VERIFY: verify::Check = …` for an account verification:
/// what the connector compares, and where; nothing otherwise.
fn verify_const(action: &BoundAction) -> TokenStream {
    let Flow::Verify { lookup, verify } = &action.flow else {
        return TokenStream::new();
    };
    let (factor_arg, value_arg) = (literal(&verify.factor), literal(&verify.value));
    let record = literal(lookup.call.record.as_str());
    let several = match &verify.several {
        Some(p) => {
            let p = literal(p.as_str());
            quote! { Some(#p) }
        }
        None => quote! { None },
    };
    let stored = verify.kept().map(|s| {
        let factor = literal(&s.factor);
        let form = proc_macro2::Ident::new(s.form.variant(), proc_macro2::Span::call_site());
        let pointers = s.pointers.iter().map(|p| literal(p.as_str()));
        quote! {
            verify::Stored {
                factor: #factor,
                form: verify::Form::#form,
                pointers: &[#(#pointers),*],
            }
        }
    });
    quote! {
        /// The second factors this CRM keeps and where: compared with the
        /// caller's inside the connector, never returned or logged.
        pub const VERIFY: verify::Check = verify::Check {
            factor_arg: #factor_arg,
            value_arg: #value_arg,
            record: #record,
            several: #several,
            stored: &[#(#stored),*],
        };
    }
}

/// The body of `Args::check`.
fn arg_checks(action: &BoundAction) -> Result<TokenStream, String> {
    let mut out = TokenStream::new();
    for (p, rule) in arg_rules(action) {
        let field = ident(&p.name)?;
        let upper = proc_macro2::Ident::new(
            &field.to_string().to_uppercase(),
            proc_macro2::Span::call_site(),
        );
        let name = literal(&p.name);
        let value = if p.required {
            quote! { Some(self.#field.as_str()) }
        } else {
            quote! { self.#field.as_deref() }
        };
        out.extend(quote! {
            static #upper: arg::Rule = arg::Rule::new(#name) #rule;
            #upper.check(#value)?;
        });
    }
    if let Flow::Verify { verify, .. } = &action.flow {
        let (factor, value) = (ident(&verify.factor)?, ident(&verify.value)?);
        out.extend(quote! {
            VERIFY.check_value(self.#factor.as_str(), self.#value.as_str())?;
        });
    }
    out.extend(quote! { Ok(()) });
    Ok(out)
}

fn scalar_type(ty: ValueType) -> TokenStream {
    match ty {
        ValueType::String => quote! { String },
        ValueType::Integer => quote! { i64 },
        ValueType::Number => quote! { f64 },
        ValueType::Boolean => quote! { bool },
    }
}

/// `#[serde(rename = "…")]` when the identifier is not the JSON key.
fn rename(id: &syn::Ident, name: &str) -> TokenStream {
    if id == name {
        TokenStream::new()
    } else {
        let name = literal(name);
        quote! { #[serde(rename = #name)] }
    }
}

fn arg_field(p: &Param) -> Result<TokenStream, String> {
    let id = ident(&p.name)?;
    let doc = doc(&p.description);
    let rename = rename(&id, &p.name);
    let ty = scalar_type(p.ty);
    Ok(if p.required {
        quote! {
            #[doc = #doc]
            #rename
            pub #id: #ty,
        }
    } else {
        quote! {
            #[doc = #doc]
            #rename
            #[serde(default)]
            pub #id: Option<#ty>,
        }
    })
}

fn output_field(f: &ResultField) -> Result<TokenStream, String> {
    let id = ident(&f.name)?;
    let doc = doc(&f.description);
    let rename = rename(&id, &f.name);
    let ty = scalar_type(f.ty);
    Ok(quote! {
        #[doc = #doc]
        #rename
        #[serde(skip_serializing_if = "Option::is_none")]
        pub #id: Option<#ty>,
    })
}

/// `Output { field: projection, … }` for one call's answer.
fn output(exchange: &Exchange) -> Result<TokenStream, String> {
    let mut fields = Vec::new();
    for p in &exchange.result {
        let id = ident(&p.field)?;
        let value = projection::expression(p);
        fields.push(quote! { #id: #value });
    }
    Ok(quote! { Output { #(#fields),* } })
}

/// The body of `call`: build the request(s), send, project.
fn call_body(action: &BoundAction) -> Result<TokenStream, String> {
    Ok(match &action.flow {
        Flow::One(e) => {
            let request = request::expression(&e.call)?;
            let record = literal(e.call.record.as_str());
            let detail = literal(&e.call.not_found_detail());
            let output = output(e)?;
            // Every field a constant or absent: the record is only checked
            // to be there (Zoho's new case answers with its id alone).
            let reads = e.result.iter().any(|p| {
                !matches!(
                    p.source,
                    crate::call::FieldSource::Absent | crate::call::FieldSource::Const(_)
                )
            });
            let binding = if reads {
                quote! { record }
            } else {
                quote! { _record }
            };
            quote! {
                let request = #request;
                let response = client.send(request).await?;
                let #binding = project::at(&response, #record)
                    .ok_or_else(|| ActionError::not_found(#detail))?;
                Ok(#output)
            }
        }
        Flow::Verify { lookup, verify } => {
            let request = request::expression(&lookup.call)?;
            let (factor, value) = (ident(&verify.factor)?, ident(&verify.value)?);
            let output = output(lookup)?;
            quote! {
                let request = #request;
                let answer = verify::absent_if_not_found(client.send(request).await)?;
                // No record, several, nothing on file and a mismatch all
                // answer the same, and nothing else.
                let Some(record) = VERIFY.verified(
                    answer.as_ref(),
                    args.#factor.as_str(),
                    args.#value.as_str(),
                ) else {
                    return Ok(Output { verified: Some(false), ..Output::default() });
                };
                Ok(#output)
            }
        }
        Flow::WriteUnlessFound {
            lookup,
            write,
            same_time,
            found_when,
        } => {
            let precheck = request::expression(&lookup.call)?;
            let write_request = request::expression(&write.call)?;
            let (lookup_record, write_record) = (
                literal(lookup.call.record.as_str()),
                literal(write.call.record.as_str()),
            );
            let (found, created) = (output(lookup)?, output(write)?);
            // The conditions a found record must meet: the same instant
            // (`same_time`) and an accepted value (`found_when`).
            let mut business = quote! {};
            let mut conditions = Vec::new();
            if let Some(same) = same_time {
                let pointer = literal(same.pointer.as_str());
                let arg = ident(&same.arg.name)?;
                let offset = match &same.arg.form {
                    ArgForm::Utc {
                        business: Some(name),
                    } => {
                        let name = literal(name);
                        quote! { client.settings().offset(#name)? }
                    }
                    _ => quote! { time::Offset::UTC },
                };
                business = quote! { let business = #offset; };
                conditions.push(quote! {
                    time::same_instant(record, #pointer, args.#arg.as_str(), business)
                });
            }
            if let Some(when) = found_when {
                let pointer = literal(when.pointer.as_str());
                let values = when.values.iter().map(|v| literal(v));
                conditions.push(quote! {
                    project::text(record, #pointer)
                        .is_some_and(|value| [#(#values),*].contains(&value.as_str()))
                });
            }
            let write_call = if conditions.is_empty() {
                quote! {
                    client.write_unless_found(precheck, #lookup_record, write, #write_record)
                }
            } else {
                quote! {
                    client.write_unless_found_where(
                        precheck,
                        #lookup_record,
                        |record| #(#conditions)&&*,
                        write,
                        #write_record,
                    )
                }
            };
            // The record is bound only when a field reads it.
            let (found_record, created_record) = (
                if reads_record(lookup) {
                    quote! { record }
                } else {
                    quote! { _ }
                },
                if reads_record(write) {
                    quote! { record }
                } else {
                    quote! { _ }
                },
            );
            quote! {
                #business
                let precheck = #precheck;
                let write = #write_request;
                let written = #write_call.await?;
                Ok(match &written {
                    Written::Found(#found_record) => #found,
                    Written::Created(#created_record) => #created,
                })
            }
        }
        Flow::Steps { steps, last } => {
            // A step's record is bound only when a later request reads it;
            // reading it is what ends the action when it is absent.
            let used = |name: &str| {
                action.calls().iter().any(|c| {
                    c.variants.iter().any(|v| {
                        v.sources()
                            .any(|s| matches!(s, Source::Step { step, .. } if step == name))
                    })
                })
            };
            let mut out = quote! { let mut steps = client.steps(); };
            for step in steps {
                let request = request::expression(&step.call)?;
                let answer = ident(&["answer_", &step.name].concat())?;
                let record = literal(step.call.record.as_str());
                out.extend(quote! {
                    let request = #request;
                    let #answer = steps.send(request).await?;
                });
                if used(&step.name) {
                    let id = request::step_ident(&step.name)?;
                    out.extend(quote! { let #id = steps.record(&#answer, #record)?; });
                } else {
                    out.extend(quote! { steps.record(&#answer, #record)?; });
                }
            }
            let request = request::expression(&last.call)?;
            let record = literal(last.call.record.as_str());
            let output = output(last)?;
            let bind = if last.result.is_empty() {
                quote! { let _record = }
            } else {
                quote! { let record = }
            };
            out.extend(quote! {
                let request = #request;
                let response = steps.send(request).await?;
                #bind steps.record(&response, #record)?;
                Ok(#output)
            });
            out
        }
    })
}
