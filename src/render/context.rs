//! The data every target template sees.

use serde::Serialize;
use serde_json::{json, Map, Value};

use crate::call::BoundAction;
use crate::catalog::{Access, IdempotencyKind, Param, Template};

/// Options that change rendering but are not part of the inputs' meaning.
#[derive(Debug, Clone, Default)]
pub struct RenderOptions {
    /// The URL of the user's tool server (Vapi, Retell and ElevenLabs call it);
    /// a placeholder when not given.
    pub server_url: Option<String>,
}

/// The whole context of one render, serialised for tera.
#[derive(Debug, Serialize)]
pub struct Context {
    /// Who wrote the file and how to write it again.
    pub generator: Value,
    /// The CRM (absent when rendering a template without one).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub crm: Option<Value>,
    /// The template's identity.
    pub template: Value,
    /// The voice-facing tool.
    pub tool: Value,
    /// JSON Schema of the arguments: `type: object`, `properties`,
    /// `required`, `additionalProperties: false`.
    pub input_schema: Value,
    /// JSON Schema of the result fields.
    pub output_schema: Value,
    /// The arguments in OpenAI strict mode: every property required,
    /// optional ones nullable, `additionalProperties: false`.
    pub strict_schema: Value,
    /// Speech lines.
    pub speech: Value,
    /// Limits, also in whole seconds (rounded up).
    pub limits: Value,
    /// MCP-style behaviour hints.
    pub annotations: Value,
    /// The CRM operation called (absent without a CRM).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub operation: Option<Value>,
    /// Where the user's tool server listens.
    pub server_url: String,
}

/// The JSON Schema of one parameter.
pub fn param_schema(p: &Param) -> Value {
    let mut s = Map::new();
    s.insert("type".into(), json!(p.ty.as_str()));
    s.insert("description".into(), json!(p.description.trim()));
    if let Some(f) = &p.format {
        s.insert("format".into(), json!(f));
    }
    if let Some(pat) = &p.pattern {
        s.insert("pattern".into(), json!(pat));
    }
    if let Some(values) = &p.enum_values {
        s.insert("enum".into(), json!(values));
    }
    Value::Object(s)
}

/// The arguments' schema under OpenAI's strict rules: all properties listed
/// in `required`, optional ones typed `[T, "null"]` (with `null` added to
/// an `enum`), and no additional properties. `lone`: an "at least one of"
/// with a single parameter, which is not optional.
fn strict(params: &[Param], lone: Option<&str>) -> Value {
    let mut properties = Map::new();
    for p in params {
        let mut schema = param_schema(p);
        if !p.required && Some(p.name.as_str()) != lone {
            schema["type"] = json!([p.ty.as_str(), "null"]);
            if let Some(Value::Array(values)) = schema.get_mut("enum") {
                values.push(Value::Null);
            }
        }
        properties.insert(p.name.clone(), schema);
    }
    let names: Vec<&str> = params.iter().map(|p| p.name.as_str()).collect();
    json!({
        "type": "object",
        "properties": properties,
        "required": names,
        "additionalProperties": false,
    })
}

/// Builds the context for one action: the template's part plus the CRM
/// and the operation that does the template's work.
pub fn build(action: &BoundAction, options: &RenderOptions) -> Context {
    let mut context = for_template(&action.template, Some(&action.crm.id), options);
    context.generator["command"] = json!(format!(
        "gen --crm {} --template {}",
        action.crm.id, action.template.id
    ));
    let call = action.primary();
    context.crm = Some(json!({
        "id": action.crm.id,
        "name": action.crm.name,
        "base_url": action.crm.base_url,
        "base_url_env": action.crm.base_url_env,
        "docs": action.crm.docs,
    }));
    context.operation = Some(json!({
        "method": call.method.as_str(),
        "path": call.path.to_string(),
        "operation_id": call.operation_id,
        "summary": call.operation_summary,
        "retry_safe": call.retry.is_safe(),
    }));
    context
}

/// Builds the context of a template alone (no CRM): enough for every tool
/// definition, not for a connector.
pub fn for_template(t: &Template, _crm_id: Option<&str>, options: &RenderOptions) -> Context {
    let mut properties = Map::new();
    for p in &t.tool.parameters {
        properties.insert(p.name.clone(), param_schema(p));
    }
    // "At least one of" a single parameter (a CRM that serves only one of
    // the template's alternatives: Square finds an invoice by contact id
    // alone) is that parameter required, and is said so in every target,
    // not as an `anyOf` that most platforms ignore.
    let (alternatives, lone): (&[String], Option<&str>) = match t.tool.at_least_one_of.as_slice() {
        [one] => (&[], Some(one.as_str())),
        all => (all, None),
    };
    let required: Vec<&str> = t
        .tool
        .parameters
        .iter()
        .filter(|p| p.required || Some(p.name.as_str()) == lone)
        .map(|p| p.name.as_str())
        .collect();
    let input_schema = json!({
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": false,
    });
    let mut out_props = Map::new();
    for f in &t.result {
        let mut schema = json!({"type": f.ty.as_str(), "description": f.description.trim()});
        if let Some(values) = &f.values {
            schema["enum"] = json!(values);
        }
        out_props.insert(f.name.clone(), schema);
    }
    let output_schema = json!({"type": "object", "properties": out_props});
    let strict_schema = strict(&t.tool.parameters, lone);
    let params: Vec<Value> = t
        .tool
        .parameters
        .iter()
        .map(|p| {
            json!({
                "name": p.name,
                "type": p.ty.as_str(),
                "description": p.description.trim(),
                "format": p.format,
                "pattern": p.pattern,
                "enum": p.enum_values,
                "required": p.required || Some(p.name.as_str()) == lone,
                "schema": param_schema(p),
            })
        })
        .collect();
    let read_only = t.access == Access::Read;
    // The tool server's base URL; each target appends its route
    // (`/vapi/<crm>`, `/retell/<crm>/<tool>`, `/elevenlabs/<crm>/<tool>`).
    let server_url = options
        .server_url
        .as_deref()
        .map(|u| u.trim_end_matches('/').to_string())
        .unwrap_or_else(|| "https://YOUR-TOOL-SERVER.example.com".to_string());
    Context {
        generator: json!({
            "name": "midcall",
            "version": env!("CARGO_PKG_VERSION"),
            "command": format!("gen show {}", t.id),
        }),
        crm: None,
        template: json!({
            "id": t.id,
            "title": t.title,
            "category": t.category.as_str(),
            "access": if read_only { "read" } else { "write" },
            "summary": t.summary.trim(),
        }),
        tool: json!({
            "name": t.tool.name,
            "title": t.title,
            "description": t.tool.description.trim(),
            "parameters": params,
            "required": required,
            "at_least_one_of": alternatives,
        }),
        input_schema,
        output_schema,
        strict_schema,
        speech: json!({
            "start": t.speech.start.trim(),
            "delayed": t.speech.delayed.trim(),
            "failed": t.speech.failed.trim(),
            "delayed_after_ms": t.speech.delayed_after_ms,
        }),
        limits: json!({
            "timeout_ms": t.limits.timeout_ms,
            "timeout_secs": t.limits.timeout_ms.div_ceil(1000),
            // What a platform should wait for the tool server: the
            // connector's deadline plus a second for the server's own hop.
            "platform_timeout_secs": t.limits.timeout_ms.div_ceil(1000) + 1,
            "max_result_bytes": t.limits.max_result_bytes,
        }),
        annotations: json!({
            "read_only": read_only,
            "destructive": t.destructive,
            // A repeat has no further effect when reads repeat, or when the
            // write is keyed (a natural key or an idempotency key).
            "idempotent": read_only || t.idempotency.as_ref().is_some_and(|i| i.kind != IdempotencyKind::None),
            "open_world": true,
        }),
        operation: None,
        server_url,
    }
}
