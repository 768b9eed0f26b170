//! The checks behind the rules each platform enforces that its published
//! schema does not state (or that have no published schema at all):
//! tool-name limits, OpenAI's strict-mode subset, ElevenLabs' leaf
//! descriptions, Vapi's formats and message lengths. Which target uses
//! which check is its entry in the platform registry ([`crate::platforms`]).

use serde_json::Value;

use crate::names;

/// One broken rule: where (JSON pointer) and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// JSON pointer into the checked document.
    pub pointer: String,
    /// What is wrong.
    pub message: String,
}

/// The targets these rules know: every entry of the platform registry.
pub fn known() -> Vec<&'static str> {
    crate::platforms::PLATFORMS
        .iter()
        .map(|p| p.target)
        .collect()
}

/// JSON Schema keywords OpenAI strict mode accepts.
const STRICT_KEYWORDS: &[&str] = &[
    "type",
    "properties",
    "required",
    "additionalProperties",
    "description",
    "title",
    "enum",
    "const",
    "anyOf",
    "items",
    "$ref",
    "$defs",
    "definitions",
    "format",
    "pattern",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minItems",
    "maxItems",
];

/// String formats OpenAI strict mode (and Vapi) accept.
const FORMATS: &[&str] = &[
    "date-time",
    "time",
    "date",
    "duration",
    "email",
    "hostname",
    "ipv4",
    "ipv6",
    "uuid",
];

/// Checks `doc` as a `target` file with its platform's rules (from the
/// registry, [`crate::platforms`]); an unknown target has no rules.
pub fn check(target: &str, doc: &Value) -> Vec<Finding> {
    crate::platforms::get(target)
        .map(|p| p.check(doc))
        .unwrap_or_default()
}

/// RFC 6901 escaping of one pointer token.
pub fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// Collects findings; each platform's rules (in the registry) call its
/// checks.
#[derive(Default)]
pub(crate) struct Checker {
    pub(crate) findings: Vec<Finding>,
}

impl Checker {
    pub(crate) fn add(&mut self, pointer: &str, message: impl Into<String>) {
        self.findings.push(Finding {
            pointer: pointer.to_string(),
            message: message.into(),
        });
    }

    pub(crate) fn equals(&mut self, doc: &Value, pointer: &str, expected: &str) {
        match doc.pointer(pointer) {
            Some(Value::String(s)) if s == expected => {}
            Some(other) => self.add(pointer, format!("must be \"{expected}\", is {other}")),
            None => self.add(pointer, format!("is missing; must be \"{expected}\"")),
        }
    }

    pub(crate) fn equals_bool(&mut self, doc: &Value, pointer: &str, expected: bool) {
        if doc.pointer(pointer) != Some(&Value::Bool(expected)) {
            self.add(pointer, format!("must be {expected}"));
        }
    }

    pub(crate) fn string(&mut self, doc: &Value, pointer: &str) {
        match doc.pointer(pointer) {
            Some(Value::String(s)) if !s.trim().is_empty() => {}
            _ => self.add(pointer, "must be a non-empty string"),
        }
    }

    pub(crate) fn number_in(&mut self, doc: &Value, pointer: &str, min: f64, max: f64) {
        match doc.pointer(pointer).and_then(Value::as_f64) {
            Some(n) if (min..=max).contains(&n) => {}
            Some(n) => self.add(pointer, format!("{n} is outside {min}..={max}")),
            None => self.add(pointer, "must be a number"),
        }
    }

    pub(crate) fn tool_name(&mut self, doc: &Value, pointer: &str) {
        match doc.pointer(pointer).and_then(Value::as_str) {
            None => self.add(pointer, "the tool name is missing"),
            Some(name) => {
                if let Some(p) = names::tool_name_problem(name) {
                    self.add(pointer, format!("tool name `{name}` {p}"));
                }
            }
        }
    }

    /// `type: object` with a `properties` object whose keys every platform
    /// accepts, each property with a description.
    pub(crate) fn object_schema(&mut self, doc: &Value, pointer: &str) {
        let Some(schema) = doc.pointer(pointer) else {
            self.add(pointer, "the parameter schema is missing");
            return;
        };
        if schema.get("type") != Some(&Value::String("object".into())) {
            self.add(&format!("{pointer}/type"), "must be \"object\"");
        }
        match schema.get("properties") {
            Some(Value::Object(props)) => {
                for (k, v) in props {
                    let at = format!("{pointer}/properties/{}", escape(k));
                    if let Some(p) = names::property_key_problem(k) {
                        self.add(&at, format!("property key `{k}` {p}"));
                    }
                    if v.get("description")
                        .and_then(Value::as_str)
                        .is_none_or(|d| d.trim().is_empty())
                    {
                        self.add(&at, "has no description; the model needs one");
                    }
                }
            }
            Some(_) => self.add(&format!("{pointer}/properties"), "must be an object"),
            None => self.add(
                &format!("{pointer}/properties"),
                "is missing (some platforms require it even when empty)",
            ),
        }
        if let Some(required) = schema.get("required") {
            let props = schema.get("properties").and_then(Value::as_object);
            match required.as_array() {
                Some(names) => {
                    for (i, n) in names.iter().enumerate() {
                        let known = n
                            .as_str()
                            .is_some_and(|n| props.is_some_and(|p| p.contains_key(n)));
                        if !known {
                            self.add(
                                &format!("{pointer}/required/{i}"),
                                format!("{n} is not a property"),
                            );
                        }
                    }
                }
                None => self.add(&format!("{pointer}/required"), "must be an array"),
            }
        }
    }

    pub(crate) fn formats(&mut self, doc: &Value, pointer: &str) {
        if let Some(Value::Object(props)) = doc.pointer(&format!("{pointer}/properties")) {
            for (k, v) in props {
                if let Some(f) = v.get("format").and_then(Value::as_str) {
                    if !FORMATS.contains(&f) {
                        self.add(
                            &format!("{pointer}/properties/{}/format", escape(k)),
                            format!("format `{f}` is not one of {}", FORMATS.join(", ")),
                        );
                    }
                }
            }
        }
    }

    /// OpenAI strict mode: at every object, `additionalProperties: false`
    /// and every property required; only supported keywords and formats;
    /// the root an object, not `anyOf`.
    pub(crate) fn strict(&mut self, doc: &Value, pointer: &str) {
        let Some(schema) = doc.pointer(pointer) else {
            self.add(pointer, "the parameter schema is missing");
            return;
        };
        self.object_schema(doc, pointer);
        if schema.get("anyOf").is_some() {
            self.add(
                &format!("{pointer}/anyOf"),
                "strict mode: the root must not be anyOf",
            );
        }
        self.strict_node(schema, pointer, 0);
    }

    fn strict_node(&mut self, schema: &Value, pointer: &str, depth: usize) {
        if depth > 10 {
            self.add(pointer, "strict mode: nested deeper than 10 levels");
            return;
        }
        let Some(map) = schema.as_object() else {
            return;
        };
        for k in map.keys() {
            if !STRICT_KEYWORDS.contains(&k.as_str()) {
                self.add(
                    &format!("{pointer}/{}", escape(k)),
                    format!("strict mode does not support `{k}`"),
                );
            }
        }
        if let Some(f) = map.get("format").and_then(Value::as_str) {
            if !FORMATS.contains(&f) {
                self.add(
                    &format!("{pointer}/format"),
                    format!("strict mode does not support format `{f}`"),
                );
            }
        }
        let is_object = match map.get("type") {
            Some(Value::String(t)) => t == "object",
            Some(Value::Array(ts)) => ts.iter().any(|t| t == "object"),
            _ => map.contains_key("properties"),
        };
        if is_object {
            if map.get("additionalProperties") != Some(&Value::Bool(false)) {
                self.add(
                    &format!("{pointer}/additionalProperties"),
                    "strict mode needs `additionalProperties: false` on every object",
                );
            }
            let props = map.get("properties").and_then(Value::as_object);
            let required: Vec<&str> = map
                .get("required")
                .and_then(Value::as_array)
                .map(|r| r.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            if let Some(props) = props {
                for k in props.keys() {
                    if !required.contains(&k.as_str()) {
                        self.add(
                            &format!("{pointer}/required"),
                            format!("strict mode needs every property required; `{k}` is not (make it nullable instead)"),
                        );
                    }
                }
                for (k, v) in props {
                    self.strict_node(v, &format!("{pointer}/properties/{}", escape(k)), depth + 1);
                }
            }
        }
        if let Some(items) = map.get("items") {
            self.strict_node(items, &format!("{pointer}/items"), depth + 1);
        }
        if let Some(Value::Array(alts)) = map.get("anyOf") {
            for (i, alt) in alts.iter().enumerate() {
                self.strict_node(alt, &format!("{pointer}/anyOf/{i}"), depth + 1);
            }
        }
    }

    /// ElevenLabs: every leaf of a parameter schema has a description.
    pub(crate) fn leaf_descriptions(&mut self, schema: &Value, pointer: &str) {
        match schema.get("type").and_then(Value::as_str) {
            Some("object") => {
                if let Some(Value::Object(props)) = schema.get("properties") {
                    for (k, v) in props {
                        self.leaf_descriptions(v, &format!("{pointer}/properties/{}", escape(k)));
                    }
                }
            }
            Some("array") => {
                if let Some(items) = schema.get("items") {
                    self.leaf_descriptions(items, &format!("{pointer}/items"));
                }
            }
            _ => {
                let has = schema
                    .get("description")
                    .and_then(Value::as_str)
                    .is_some_and(|d| !d.trim().is_empty());
                let has_value = schema
                    .get("dynamic_variable")
                    .and_then(Value::as_str)
                    .is_some_and(|d| !d.is_empty())
                    || schema.get("constant_value").is_some();
                if !has && !has_value {
                    self.add(pointer, "ElevenLabs needs a description on every leaf");
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn strict_mode_rules_catch_the_usual_mistakes() {
        let doc = json!({"type": "function", "function": {"name": "x_y", "strict": true, "parameters": {
            "type": "object",
            "properties": {"a": {"type": "string", "description": "a", "default": "q"},
                           "b": {"type": "object", "description": "b", "properties": {}}},
            "required": ["a"]
        }}});
        let found = check("openai-chat", &doc);
        let text: Vec<String> = found
            .iter()
            .map(|f| format!("{} {}", f.pointer, f.message))
            .collect();
        assert!(
            text.iter()
                .any(|t| t.contains("/function/parameters/additionalProperties")),
            "{text:?}"
        );
        assert!(text.iter().any(|t| t.contains("`b` is not")), "{text:?}");
        assert!(text.iter().any(|t| t.contains("`default`")), "{text:?}");
        assert!(
            text.iter()
                .any(|t| t.contains("/properties/b/additionalProperties")),
            "{text:?}"
        );
    }

    #[test]
    fn elevenlabs_leaves_need_descriptions() {
        let doc = json!({"type": "webhook", "name": "a_b", "description": "d", "response_timeout_secs": 5,
            "api_schema": {"url": "https://x", "request_body_schema": {"type": "object", "description": "",
                "properties": {"n": {"type": "string"}, "o": {"type": "object", "properties": {"m": {"type": "integer", "description": "m"}}}}}}});
        let found = check("elevenlabs", &doc);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(
            found[0].pointer,
            "/api_schema/request_body_schema/properties/n"
        );
    }

    #[test]
    fn names_are_checked_everywhere() {
        let doc = json!({"name": "End-Call", "input_schema": {"type": "object", "properties": {}}});
        let found = check("anthropic", &doc);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].pointer, "/name");
    }
}
