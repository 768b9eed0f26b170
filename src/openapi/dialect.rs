//! Which kind of document a file is: OpenAPI 3.0, 3.1, Swagger 2.0, or a
//! known format that is not OpenAPI at all (named in the error); and the
//! document-level part of reading 3.1 as 3.0.
//!
//! The schema-level part of 3.1 (`type` lists with `null`, `const`,
//! `examples`, `$ref` with siblings...) is done by `quirks` with its 3.1
//! rules switched on; Swagger 2.0 is converted by `swagger`.

use serde_json::{Map, Value};

use super::error::SpecError;

/// The version family of an OpenAPI document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Dialect {
    /// OpenAPI 3.0.x: the model's own.
    V30,
    /// OpenAPI 3.1.x (and 3.2.x, read the same way).
    V31,
    /// Swagger (OpenAPI) 2.0.
    Swagger2,
}

/// The dialect and the version as written (`"3.1.0"`, `"2.0"`).
pub(crate) fn detect(doc: &Value, origin: &str) -> Result<(Dialect, String), SpecError> {
    let Value::Object(map) = doc else {
        return Err(SpecError::NotOpenApi {
            origin: origin.to_owned(),
        });
    };
    if let Some(version) = map.get("openapi") {
        let found = match version {
            Value::String(s) => s.trim().to_owned(),
            Value::Number(n) => n.to_string(),
            other => other.to_string(),
        };
        let dialect = if found == "3" || found == "3.0" || found.starts_with("3.0.") {
            Dialect::V30
        } else if ["3.1", "3.2"]
            .iter()
            .any(|v| found == *v || found.starts_with(&format!("{v}.")))
        {
            Dialect::V31
        } else {
            return Err(SpecError::Version {
                origin: origin.to_owned(),
                found,
            });
        };
        return Ok((dialect, found));
    }
    if let Some(version) = map.get("swagger") {
        let found = version
            .as_str()
            .map_or_else(|| version.to_string(), str::to_owned);
        if found.trim() == "2.0" || found.trim() == "2" {
            return Ok((Dialect::Swagger2, "2.0".to_owned()));
        }
        return Err(SpecError::Swagger {
            origin: origin.to_owned(),
            found,
        });
    }
    match other_format(map) {
        Some(what) => Err(SpecError::OtherFormat {
            origin: origin.to_owned(),
            what: what.to_owned(),
        }),
        None => Err(SpecError::NotOpenApi {
            origin: origin.to_owned(),
        }),
    }
}

/// Names a well-known API description format that is not OpenAPI.
fn other_format(map: &Map<String, Value>) -> Option<&'static str> {
    let has_schema = |m: &Map<String, Value>| m.get("__schema").is_some_and(Value::is_object);
    if has_schema(map)
        || map
            .get("data")
            .and_then(Value::as_object)
            .is_some_and(has_schema)
    {
        return Some("a GraphQL introspection result, the schema of a GraphQL API such as Shopify's Admin API, which has no REST operations to list");
    }
    if map.contains_key("discoveryVersion")
        || map.get("kind").and_then(Value::as_str) == Some("discovery#restDescription")
    {
        return Some("a Google API Discovery document; use an OpenAPI conversion of it, such as the one APIs.guru publishes");
    }
    if map.contains_key("asyncapi") {
        return Some("an AsyncAPI document, which describes event channels, not HTTP operations");
    }
    let postman = map
        .get("info")
        .and_then(|i| i.get("schema"))
        .and_then(Value::as_str)
        .is_some_and(|s| s.contains("postman"));
    if postman
        || map
            .get("info")
            .is_some_and(|i| i.get("_postman_id").is_some())
    {
        return Some("a Postman collection; export the API's OpenAPI description instead");
    }
    None
}

/// The document-level changes that make a 3.1 document read as 3.0:
/// `openapi` becomes "3.0.3", `webhooks`, `jsonSchemaDialect` and
/// `components.pathItems` are dropped (noted once each), a missing `paths`
/// (optional in 3.1) becomes empty.
pub(crate) fn normalise_31(doc: &mut Value, notes: &mut Vec<String>) {
    let Value::Object(map) = doc else { return };
    map.insert("openapi".into(), Value::String("3.0.3".into()));
    if map.remove("webhooks").is_some() {
        notes.push("#/webhooks: ignored (midcall reads the API's own operations)".into());
    }
    map.remove("jsonSchemaDialect");
    if let Some(Value::Object(components)) = map.get_mut("components") {
        if components.remove("pathItems").is_some() {
            notes.push("#/components/pathItems: ignored".into());
        }
    }
    ensure_paths(map, notes);
}

/// A document without `paths` (a components-only file meant to be
/// `$ref`'d from others) reads as having no operations.
pub(crate) fn ensure_paths(map: &mut Map<String, Value>, notes: &mut Vec<String>) {
    if !map.contains_key("paths") {
        map.insert("paths".into(), Value::Object(Map::new()));
        notes.push("#: the document has no `paths`; read as having no operations".into());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn detects_versions_and_other_formats() {
        let d = |v: Value| detect(&v, "f.json").map(|(d, _)| d);
        assert_eq!(d(json!({"openapi": "3.0.1"})).ok(), Some(Dialect::V30));
        assert_eq!(d(json!({"openapi": "3.1.0"})).ok(), Some(Dialect::V31));
        assert_eq!(d(json!({"swagger": "2.0"})).ok(), Some(Dialect::Swagger2));
        assert!(matches!(
            d(json!({"swagger": "1.2"})),
            Err(SpecError::Swagger { .. })
        ));
        assert!(matches!(
            d(json!({"openapi": "4.0"})),
            Err(SpecError::Version { .. })
        ));
        let e = d(json!({"data": {"__schema": {}}})).unwrap_err();
        assert!(e.to_string().contains("GraphQL introspection"), "{e}");
        let e = d(json!({"kind": "discovery#restDescription"})).unwrap_err();
        assert!(e.to_string().contains("Google API Discovery"), "{e}");
        assert!(matches!(
            d(json!({"a": 1})),
            Err(SpecError::NotOpenApi { .. })
        ));
    }
}
