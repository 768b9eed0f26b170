//! Rust snippets for the `connector` target. The `.tera` file lays out the
//! module; the expressions that depend on the binding (conditions, request
//! builders, `json!` bodies) are built here, where escaping is exact.

use serde::Serialize;
use serde_json::Value;

use crate::action::Action;
use crate::bindings::placeholder::{self, Piece};
use crate::bindings::{AuthBinding, FieldBinding, RequestBinding, ResponseBinding};
use crate::catalog::{Param, ValueType};
use crate::names::{rust_ident, rust_str};

/// What `connector.rs.tera` gets under `rust`.
#[derive(Debug, Serialize)]
pub struct RustContext {
    /// `AuthSpec::…` expression.
    pub auth_spec: String,
    /// Tool arguments as struct fields.
    pub args: Vec<RustField>,
    /// Result fields as struct fields.
    pub fields: Vec<RustField>,
    /// Request variants in order.
    pub variants: Vec<RustVariant>,
    /// Error returned when no variant applies (`None` when the last always does).
    pub no_variant_error: Option<String>,
    /// Pointer literal of the record in the response.
    pub record: String,
    /// Log detail when the record is absent (a string literal).
    pub not_found_detail: String,
    /// Doc comment of `call`: the tool description on one line.
    pub call_doc: String,
    /// Names imported from `midcall_runtime`, sorted.
    pub imports: Vec<String>,
    /// The look-up before the write, when the binding has a `precheck`.
    pub precheck: Option<RustPrecheck>,
}

/// The `precheck` of a natural-key write.
#[derive(Debug, Serialize)]
pub struct RustPrecheck {
    /// `METHOD /path` of the look-up.
    pub operation: String,
    /// Request variants in order.
    pub variants: Vec<RustVariant>,
    /// Error returned when no variant applies (`None` when the last always does).
    pub no_variant_error: Option<String>,
    /// Pointer literal of the record in the look-up's answer.
    pub record: String,
    /// Per result field (in `fields` order): the expression on the look-up path.
    pub project: Vec<String>,
}

/// A struct field.
#[derive(Debug, Serialize)]
pub struct RustField {
    /// Rust identifier.
    pub ident: String,
    /// JSON key (for `serde(rename)` when it differs from `ident`).
    pub name: String,
    /// Whether `ident` differs from `name`.
    pub renamed: bool,
    /// Rust type.
    pub ty: String,
    /// Whether the type is an `Option`.
    pub optional: bool,
    /// Doc comment, one line (without `///`).
    pub doc: String,
    /// For results: the expression that fills it from `record` (a
    /// `project::` call, a constant, or `None`).
    pub project: Option<String>,
}

/// One request variant.
#[derive(Debug, Serialize)]
pub struct RustVariant {
    /// `let Some(email) = args.email.as_deref()` or `None` for "always".
    pub condition: Option<String>,
    /// Statements building `request` (lines, indented by the template).
    pub lines: Vec<String>,
}

/// Builds the connector's Rust snippets.
pub fn context(action: &Action) -> RustContext {
    let t = &action.template;
    let args = t
        .tool
        .parameters
        .iter()
        .map(|p| {
            let ident = rust_ident(&p.name);
            let base = scalar(p.ty);
            RustField {
                renamed: ident != p.name,
                ty: if p.required {
                    base.to_string()
                } else {
                    format!("Option<{base}>")
                },
                optional: !p.required,
                doc: doc_line(&p.description),
                name: p.name.clone(),
                ident,
                project: None,
            }
        })
        .collect();
    let fields = t
        .result
        .iter()
        .map(|f| {
            let ident = rust_ident(&f.name);
            RustField {
                renamed: ident != f.name,
                ty: format!("Option<{}>", scalar(f.ty)),
                optional: true,
                doc: doc_line(&f.description),
                name: f.name.clone(),
                ident,
                project: Some(projection(&action.binding.response, &f.name, f.ty)),
            }
        })
        .collect();
    let main = Step {
        method: &action.method,
        path: &action.path,
        retry_safe: action.retry_safe,
        idempotency_header: action.idempotency_header.as_deref(),
    };
    let (variants, no_variant_error) = request_variants(action, &main, &action.binding.requests);
    let precheck = action.precheck.as_ref().map(|p| {
        let step = Step {
            method: &p.method,
            path: &p.path,
            retry_safe: p.retry_safe,
            idempotency_header: None,
        };
        let (variants, no_variant_error) = request_variants(action, &step, &p.binding.requests);
        RustPrecheck {
            operation: format!("{} {}", p.method, p.path),
            variants,
            no_variant_error,
            record: rust_str(&p.binding.response.record),
            project: t
                .result
                .iter()
                .map(|f| projection(&p.binding.response, &f.name, f.ty))
                .collect(),
        }
    });
    let mut imports = vec![
        "project",
        "ActionError",
        "AuthSpec",
        "Client",
        "Config",
        "CrmEnv",
        "Method",
        "Request",
        "Value",
        "parse_args",
        "tool_result",
    ];
    if precheck.is_some() {
        imports.push("Written");
    }
    let code: String = variants
        .iter()
        .chain(precheck.iter().flat_map(|p| p.variants.iter()))
        .flat_map(|v| v.lines.iter())
        .map(String::as_str)
        .collect();
    if code.contains("json!(") {
        imports.push("json");
    }
    if code.contains("encode_path_segment(") {
        imports.push("encode_path_segment");
    }
    imports.sort_unstable();
    RustContext {
        not_found_detail: rust_str(&format!(
            "{} {}: nothing at `{}` of the response",
            action.method, action.path, action.binding.response.record
        )),
        call_doc: doc_line(&t.tool.description),
        imports: imports.into_iter().map(str::to_string).collect(),
        auth_spec: auth_spec(&action.crm.auth),
        args,
        fields,
        variants,
        no_variant_error,
        record: rust_str(&action.binding.response.record),
        precheck,
    }
}

/// The request variants of one step, and the error when none applies
/// (`None` when one always does).
fn request_variants(
    action: &Action,
    step: &Step,
    requests: &[RequestBinding],
) -> (Vec<RustVariant>, Option<String>) {
    let t = &action.template;
    // A lone unconditional variant is a plain `let`, one level less indented
    // than the branches of an `if`.
    let alone = matches!(requests, [r] if r.when.is_empty());
    let indent = if alone { 2 } else { 3 };
    let variants: Vec<RustVariant> = requests
        .iter()
        .map(|r| variant(action, step, r, indent))
        .collect();
    let always = variants.iter().any(|v| v.condition.is_none());
    let no_variant_error = (!always).then(|| {
        let names: Vec<String> = if t.tool.at_least_one_of.is_empty() {
            requests.iter().flat_map(|r| r.when.clone()).collect()
        } else {
            t.tool.at_least_one_of.clone()
        };
        let list = names.join(" or ");
        format!(
            "ActionError::invalid_input({}, {})",
            rust_str(&format!(
                "I need the {} to do that.",
                list.replace('_', " ")
            )),
            rust_str(&format!("none of {list} was given")),
        )
    });
    (variants, no_variant_error)
}

/// The expression that fills result field `name` from `record`: a
/// `project::` call on its pointer (through its table for a mapped field),
/// its constant, or `None`.
fn projection(response: &ResponseBinding, name: &str, ty: ValueType) -> String {
    match response.fields.get(name).cloned().flatten() {
        Some(FieldBinding::Pointer(p)) => {
            let getter = match ty {
                ValueType::String => "text",
                ValueType::Integer => "integer",
                ValueType::Number => "number",
                ValueType::Boolean => "boolean",
            };
            format!("project::{getter}(record, {})", rust_str(&p))
        }
        Some(FieldBinding::Const(c)) => match (&c.value, ty) {
            (Value::String(s), _) => format!("Some({}.to_string())", rust_str(s)),
            (v, _) => format!("Some({})", literal(v, ty)),
        },
        Some(FieldBinding::Mapped(m)) => {
            // Sorted by the CRM's value (a BTreeMap): deterministic output.
            let table: Vec<String> = m
                .map
                .iter()
                .map(|(from, to)| format!("({}, {})", rust_str(from), literal(to, ty)))
                .collect();
            let default = m.default.as_ref().map_or_else(
                || "None".to_string(),
                |d| format!("Some({})", literal(d, ty)),
            );
            let owned = if ty == ValueType::String {
                ".map(str::to_string)"
            } else {
                ""
            };
            format!(
                "project::mapped(record, {}, &[{}], {default}){owned}",
                rust_str(&m.pointer),
                table.join(", ")
            )
        }
        None => "None".to_string(),
    }
}

/// A checked constant as a Rust literal of the field's type (a string as a
/// `&'static str`).
fn literal(v: &Value, ty: ValueType) -> String {
    match (v, ty) {
        (Value::String(s), _) => rust_str(s),
        (Value::Number(n), ValueType::Number) => {
            format!("{:?}_f64", n.as_f64().unwrap_or_default())
        }
        (Value::Number(n), ValueType::Integer) => format!("{n}_i64"),
        // Checked when the action was resolved: the type fits.
        (v, _) => v.to_string(),
    }
}

/// What a request builder needs to know about its operation.
struct Step<'a> {
    method: &'a str,
    path: &'a str,
    retry_safe: bool,
    idempotency_header: Option<&'a str>,
}

fn scalar(ty: ValueType) -> &'static str {
    match ty {
        ValueType::String => "String",
        ValueType::Integer => "i64",
        ValueType::Number => "f64",
        ValueType::Boolean => "bool",
    }
}

/// A doc comment on one line: whitespace (newlines included) collapsed,
/// never empty. One line keeps untrusted text from starting a new item.
pub fn doc_line(text: &str) -> String {
    let line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if line.is_empty() {
        "(no description)".to_string()
    } else {
        line
    }
}

fn auth_spec(auth: &AuthBinding) -> String {
    match auth {
        AuthBinding::Bearer { env } => format!("AuthSpec::Bearer {{ env: {} }}", rust_str(env)),
        AuthBinding::Header { header, env } => format!(
            "AuthSpec::Header {{ name: {}, env: {} }}",
            rust_str(header),
            rust_str(env)
        ),
        AuthBinding::Query { param, env } => format!(
            "AuthSpec::Query {{ name: {}, env: {} }}",
            rust_str(param),
            rust_str(env)
        ),
        AuthBinding::Basic {
            user_env,
            password_env,
        } => format!(
            "AuthSpec::Basic {{ user_env: {}, password_env: {} }}",
            rust_str(user_env),
            rust_str(password_env)
        ),
        AuthBinding::None => "AuthSpec::None".to_string(),
    }
}

/// How an argument is reached inside one variant.
struct Scope<'a> {
    params: &'a [Param],
    when: &'a [String],
}

impl Scope<'_> {
    fn param(&self, name: &str) -> Option<&Param> {
        self.params.iter().find(|p| p.name == name)
    }

    /// An expression for the argument's value: a plain value when it is
    /// sure to be present, an `Option` otherwise.
    fn value(&self, name: &str) -> (String, bool) {
        let ident = rust_ident(name);
        let Some(p) = self.param(name) else {
            return ("None::<&str>".to_string(), false);
        };
        let string = p.ty == ValueType::String;
        if self.when.iter().any(|w| w == name) {
            (ident, true)
        } else if p.required {
            if string {
                (format!("args.{ident}.as_str()"), true)
            } else {
                (format!("args.{ident}"), true)
            }
        } else if string {
            (format!("args.{ident}.as_deref()"), false)
        } else {
            (format!("args.{ident}"), false)
        }
    }

    /// An expression of a type that implements `Display`, for text.
    fn display(&self, name: &str) -> String {
        let (expr, present) = self.value(name);
        if present {
            expr
        } else {
            let string = self.param(name).is_some_and(|p| p.ty == ValueType::String);
            if string {
                format!("{expr}.unwrap_or_default()")
            } else {
                format!("{expr}.map(|v| v.to_string()).unwrap_or_default()")
            }
        }
    }

    /// A `String`-ish expression for a binding string (`&str` or `String`).
    fn text(&self, pieces: &[Piece]) -> String {
        match pieces {
            [] => "\"\"".to_string(),
            [Piece::Text(t)] => rust_str(t),
            [Piece::Arg(a)] => {
                let is_string = self.param(a).is_some_and(|p| p.ty == ValueType::String);
                let d = self.display(a);
                if is_string {
                    d
                } else {
                    format!("{d}.to_string()")
                }
            }
            _ => {
                let mut fmt = String::new();
                let mut args = Vec::new();
                for p in pieces {
                    match p {
                        Piece::Text(t) => fmt.push_str(&t.replace('{', "{{").replace('}', "}}")),
                        Piece::Arg(a) => {
                            fmt.push_str("{}");
                            args.push(self.display(a));
                        }
                    }
                }
                format!("format!({}, {})", rust_str(&fmt), args.join(", "))
            }
        }
    }

    /// Whether a JSON body holds an optional argument as a whole value (it
    /// becomes `null` when the argument is not given).
    fn has_optional_value(&self, v: &Value) -> bool {
        match v {
            Value::String(s) => matches!(
                placeholder::parse(s).as_deref(),
                Ok([Piece::Arg(a)]) if !self.value(a).1
            ),
            Value::Array(items) => items.iter().any(|i| self.has_optional_value(i)),
            Value::Object(map) => map.values().any(|i| self.has_optional_value(i)),
            _ => false,
        }
    }

    /// A token-tree for `json!`, on one line when it is short, else one
    /// item per line indented to `indent` levels of four spaces.
    fn json(&self, v: &Value, indent: usize) -> String {
        let flat = self.json_flat(v);
        if flat.len() <= 72 && !flat.contains('\n') {
            return flat;
        }
        let pad = "    ".repeat(indent + 1);
        let end = "    ".repeat(indent);
        match v {
            Value::Array(items) if !items.is_empty() => {
                let inner: Vec<String> = items
                    .iter()
                    .map(|i| format!("{pad}{}", self.json(i, indent + 1)))
                    .collect();
                format!("[\n{},\n{end}]", inner.join(",\n"))
            }
            Value::Object(map) if !map.is_empty() => {
                let inner: Vec<String> = map
                    .iter()
                    .map(|(k, i)| format!("{pad}{}: {}", rust_str(k), self.json(i, indent + 1)))
                    .collect();
                format!("{{\n{},\n{end}}}", inner.join(",\n"))
            }
            _ => flat,
        }
    }

    /// A token-tree for `json!` on one line.
    fn json_flat(&self, v: &Value) -> String {
        match v {
            Value::Null => "null".to_string(),
            Value::Bool(b) => b.to_string(),
            Value::Number(n) => n.to_string(),
            Value::String(s) => match placeholder::parse(s) {
                Ok(pieces) => match pieces.as_slice() {
                    [Piece::Arg(a)] => self.value(a).0,
                    [Piece::Text(t)] => rust_str(t),
                    [] => rust_str(""),
                    _ => self.text(&pieces),
                },
                // Checked when the action was resolved; keep it literal.
                Err(_) => rust_str(s),
            },
            Value::Array(items) => {
                let inner: Vec<String> = items.iter().map(|i| self.json_flat(i)).collect();
                format!("[{}]", inner.join(", "))
            }
            Value::Object(map) if map.is_empty() => "{}".to_string(),
            Value::Object(map) => {
                let inner: Vec<String> = map
                    .iter()
                    .map(|(k, i)| format!("{}: {}", rust_str(k), self.json_flat(i)))
                    .collect();
                format!("{{ {} }}", inner.join(", "))
            }
        }
    }
}

/// One request variant; a multi-line `json!` body is indented to `indent`
/// levels of four spaces.
fn variant(action: &Action, step: &Step, r: &RequestBinding, indent: usize) -> RustVariant {
    let scope = Scope {
        params: &action.template.tool.parameters,
        when: &r.when,
    };
    let condition = match r.when.as_slice() {
        [] => None,
        names => {
            let pats: Vec<String> = names
                .iter()
                .map(|n| format!("Some({})", rust_ident(n)))
                .collect();
            let vals: Vec<String> = names
                .iter()
                .map(|n| {
                    let ident = rust_ident(n);
                    match scope.param(n).map(|p| p.ty) {
                        Some(ValueType::String) => format!("args.{ident}.as_deref()"),
                        _ => format!("args.{ident}"),
                    }
                })
                .collect();
            Some(if names.len() == 1 {
                format!("let {} = {}", pats.join(""), vals.join(""))
            } else {
                format!("let ({}) = ({})", pats.join(", "), vals.join(", "))
            })
        }
    };
    let mut lines = Vec::new();
    // The path, with each parameter percent-encoded as one segment.
    let mut fmt = String::new();
    let mut fmt_args = Vec::new();
    let mut rest = step.path;
    while let Some(open) = rest.find('{') {
        fmt.push_str(&rest[..open].replace('}', "}}"));
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else { break };
        let name = &after[..close];
        let pieces = r
            .path
            .get(name)
            .and_then(|v| placeholder::parse(v).ok())
            .unwrap_or_default();
        fmt.push_str("{}");
        let text = scope.text(&pieces);
        let text = if text.starts_with("format!") || text.ends_with(".to_string()") {
            format!("&{text}")
        } else {
            text
        };
        fmt_args.push(format!("encode_path_segment({text})"));
        rest = &after[close + 1..];
    }
    fmt.push_str(&rest.replace('{', "{{").replace('}', "}}"));
    let path = if fmt_args.is_empty() {
        rust_str(step.path)
    } else {
        format!("format!({}, {})", rust_str(&fmt), fmt_args.join(", "))
    };
    let method = match step.method {
        "GET" => "Get",
        "PUT" => "Put",
        "PATCH" => "Patch",
        "DELETE" => "Delete",
        _ => "Post",
    };
    let default_safe = step.method == "GET";
    lines.push(format!("Request::new(Method::{method}, {path})"));
    if let Some(header) = step.idempotency_header {
        lines.push(format!("    .idempotency_key({})", rust_str(header)));
    } else if step.retry_safe != default_safe {
        lines.push(format!("    .retry_safe({})", step.retry_safe));
    }
    for (kind, map) in [("query", &r.query), ("header", &r.headers)] {
        for (name, value) in map {
            let pieces = placeholder::parse(value).unwrap_or_default();
            match pieces.as_slice() {
                [Piece::Arg(a)] if !scope.value(a).1 => {
                    let (expr, _) = scope.value(a);
                    lines.push(format!("    .{kind}_opt({}, {expr})", rust_str(name)));
                }
                _ => lines.push(format!(
                    "    .{kind}({}, {})",
                    rust_str(name),
                    scope.text(&pieces)
                )),
            }
        }
    }
    if let Some(body) = &r.body {
        // An optional argument that was not given is left out, not sent as null.
        let builder = if scope.has_optional_value(body) {
            "json_without_nulls"
        } else {
            "json"
        };
        lines.push(format!(
            "    .{builder}(json!({}))",
            scope.json(body, indent)
        ));
    }
    RustVariant { condition, lines }
}
