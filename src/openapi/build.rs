//! From `openapiv3` types to midcall's model: operations, parameters,
//! bodies, security and servers. Schemas are converted in `convert.rs`.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, HashSet};

use openapiv3::{ReferenceOr, StatusCode};
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::decode;
use super::error::SpecError;
use super::model::{
    Api, Body, Operation, ParamLocation, Parameter, SecurityRequirement, SecurityScheme,
};
use super::pointer;
use super::refs;
use super::schema::Schema;

/// Builds the model of a decoded document. `doc` is the raw document the
/// `spec` was decoded from; references are followed in it. Each part of
/// `spec` is dropped as soon as it is converted.
pub(crate) fn build(doc: &Value, spec: openapiv3::OpenAPI, origin: &str) -> Result<Api, SpecError> {
    let mut builder = Builder::new(doc, origin);
    let openapiv3::OpenAPI {
        openapi,
        info,
        servers,
        paths,
        components,
        security,
        ..
    } = spec;

    let mut schemas = BTreeMap::new();
    let mut security_schemes = BTreeMap::new();
    if let Some(components) = components {
        let openapiv3::Components {
            schemas: component_schemas,
            security_schemes: component_security,
            ..
        } = components;
        for (name, schema) in component_schemas {
            let at = pointer::join_all("", &["components", "schemas", &name]);
            let converted = builder.schema((&schema).into(), &at)?;
            schemas.insert(name, converted);
        }
        for (name, scheme) in &component_security {
            let at = pointer::join_all("", &["components", "securitySchemes", name]);
            let (scheme, _) = builder.resolve(scheme, &at)?;
            security_schemes.insert(name.clone(), security_scheme(&scheme));
        }
    }

    let security: Vec<SecurityRequirement> = security
        .iter()
        .flatten()
        .map(security_requirement)
        .collect();

    let mut operations = Vec::new();
    for (path, item) in paths.paths {
        for op in builder.path_item(&path, &item, &security)? {
            operations.push(op.result?);
        }
    }

    Ok(Api {
        origin: origin.to_owned(),
        title: info.title,
        version: info.version,
        openapi,
        description: info.description,
        servers: servers.iter().map(server_url).collect(),
        operations,
        schemas,
        security_schemes,
        security,
        warnings: Vec::new(),
        unusable: Vec::new(),
    })
}

/// Where an operation sits, and what it inherits from its path item.
struct OpContext<'s> {
    path: &'s str,
    method: &'static str,
    /// The operation's pointer under `/paths`.
    at: String,
    /// Where its text really is (differs when the path item is a `$ref`).
    src: String,
    path_parameters: &'s [ReferenceOr<openapiv3::Parameter>],
    path_parameters_src: String,
    default_security: &'s [SecurityRequirement],
}

/// One operation of a path item, built or not, with where it is.
pub(crate) struct Built {
    /// Upper-case method.
    pub(crate) method: String,
    /// `operationId`.
    pub(crate) operation_id: Option<String>,
    /// Pointer under `/paths`.
    pub(crate) at: String,
    /// The operation, or why it cannot be built.
    pub(crate) result: Result<Operation, SpecError>,
}

/// Converts while keeping track of schema references that are inlined.
pub(crate) struct Builder<'a> {
    pub(crate) origin: &'a str,
    pub(crate) doc: &'a Value,
    /// Names of `components.schemas` entries, for checking `$ref`s.
    pub(crate) component_schemas: HashSet<&'a str>,
    /// Schemas reached through `$ref`s that are not plain components,
    /// already converted (only those converted with nothing around them),
    /// with their size in schema nodes.
    pub(crate) inline_cache: HashMap<String, (Schema, usize)>,
    /// Pointers of such references being converted right now; one seen
    /// again is a recursive structure, cut there.
    pub(crate) inline_stack: Vec<String>,
    /// Schema nodes that inlining may still add to the model.
    pub(crate) inline_budget: usize,
    /// Referenced parameters, already built, by the pointer of their text.
    pub(crate) parameters: HashMap<String, Parameter>,
    /// Referenced request bodies and responses, already built, by the
    /// pointer of their text.
    pub(crate) bodies: HashMap<String, Option<Body>>,
    /// Whether the loader tries the direct decoder (`fast.rs`) first.
    pub(crate) fast: bool,
    /// What the current direct-decoder attempt added to the caches.
    pub(crate) undo: Vec<super::fast::Undo>,
}

impl<'a> Builder<'a> {
    /// A builder over `doc`, whose `components.schemas` names are read
    /// from the document itself.
    pub(crate) fn new(doc: &'a Value, origin: &'a str) -> Builder<'a> {
        Builder {
            origin,
            doc,
            component_schemas: doc
                .get("components")
                .and_then(|c| c.get("schemas"))
                .and_then(Value::as_object)
                .map(|m| m.keys().map(String::as_str).collect())
                .unwrap_or_default(),
            inline_cache: HashMap::new(),
            inline_stack: Vec::new(),
            inline_budget: super::convert::INLINE_NODE_BUDGET,
            parameters: HashMap::new(),
            bodies: HashMap::new(),
            fast: false,
            undo: Vec::new(),
        }
    }

    /// The operations of one path item, in method order. The outer error
    /// is the path item's own (its `$ref` leads nowhere or its text has the
    /// wrong shape); each operation then carries its own result.
    pub(crate) fn path_item(
        &mut self,
        path: &str,
        item: &ReferenceOr<openapiv3::PathItem>,
        default_security: &[SecurityRequirement],
    ) -> Result<Vec<Built>, SpecError> {
        let item_at = pointer::join("/paths", path);
        let (item, item_src) = self.resolve(item, &item_at)?;
        let methods = [
            ("get", &item.get),
            ("put", &item.put),
            ("post", &item.post),
            ("delete", &item.delete),
            ("options", &item.options),
            ("head", &item.head),
            ("patch", &item.patch),
            ("trace", &item.trace),
        ];
        let mut out = Vec::new();
        for (method, op) in methods {
            let Some(op) = op else { continue };
            let context = OpContext {
                path,
                method,
                at: pointer::join(&item_at, method),
                src: pointer::join(&item_src, method),
                path_parameters: &item.parameters,
                path_parameters_src: pointer::join(&item_src, "parameters"),
                default_security,
            };
            out.push(Built {
                method: method.to_ascii_uppercase(),
                operation_id: op.operation_id.clone(),
                at: context.at.clone(),
                result: self.operation(op, &context),
            });
        }
        Ok(out)
    }

    /// A `components.securitySchemes` entry.
    pub(crate) fn security_scheme(
        &self,
        scheme: &ReferenceOr<openapiv3::SecurityScheme>,
        at: &str,
    ) -> Result<SecurityScheme, SpecError> {
        let (scheme, _) = self.resolve(scheme, at)?;
        Ok(security_scheme(&scheme))
    }
}

impl Builder<'_> {
    /// The item itself, or what its `$ref` (chain) points to, decoded; with
    /// the pointer where its text is.
    fn resolve<'s, T: DeserializeOwned + Clone>(
        &self,
        item: &'s ReferenceOr<T>,
        at: &str,
    ) -> Result<(Cow<'s, T>, String), SpecError> {
        match item {
            ReferenceOr::Item(item) => Ok((Cow::Borrowed(item), at.to_owned())),
            ReferenceOr::Reference { reference } => {
                let (target_at, target) = refs::follow(self.doc, self.origin, reference, at)?;
                let decoded = decode::decode_at(self.doc, target, &target_at, self.origin)?;
                Ok((Cow::Owned(decoded), target_at))
            }
        }
    }

    fn operation(
        &mut self,
        op: &openapiv3::Operation,
        context: &OpContext<'_>,
    ) -> Result<Operation, SpecError> {
        let mut parameters: Vec<Parameter> = Vec::new();
        for (i, param) in context.path_parameters.iter().enumerate() {
            let at = pointer::join(&context.path_parameters_src, &i.to_string());
            let param = self.parameter(param, &at)?;
            merge_parameter(&mut parameters, param);
        }
        let params_src = pointer::join(&context.src, "parameters");
        for (i, param) in op.parameters.iter().enumerate() {
            let param = self.parameter(param, &pointer::join(&params_src, &i.to_string()))?;
            merge_parameter(&mut parameters, param);
        }

        let request_body = match &op.request_body {
            Some(ReferenceOr::Item(body)) => self.body(
                &body.content,
                &pointer::join(&context.src, "requestBody"),
                body.required,
                body.description.clone(),
            )?,
            Some(ReferenceOr::Reference { reference }) => {
                let at = pointer::join(&context.src, "requestBody");
                let (target_at, target) = refs::follow(self.doc, self.origin, reference, &at)?;
                match self.bodies.get(&target_at) {
                    Some(done) => done.clone(),
                    None => {
                        let body: openapiv3::RequestBody =
                            decode::decode_at(self.doc, target, &target_at, self.origin)?;
                        let built = self.body(
                            &body.content,
                            &target_at,
                            body.required,
                            body.description.clone(),
                        )?;
                        self.bodies.insert(target_at, built.clone());
                        built
                    }
                }
            }
            None => None,
        };

        let (success_status, success_response) = match success(&op.responses) {
            Some((code, response)) => {
                let at = pointer::join_all(&context.src, &["responses", &code.to_string()]);
                let body = match response {
                    ReferenceOr::Item(response) => self.response_body(response, &at)?,
                    ReferenceOr::Reference { reference } => {
                        let (target_at, target) =
                            refs::follow(self.doc, self.origin, reference, &at)?;
                        match self.bodies.get(&target_at) {
                            Some(done) => done.clone(),
                            None => {
                                let response: openapiv3::Response =
                                    decode::decode_at(self.doc, target, &target_at, self.origin)?;
                                let built = self.response_body(&response, &target_at)?;
                                self.bodies.insert(target_at, built.clone());
                                built
                            }
                        }
                    }
                };
                (Some(code.to_string()), body)
            }
            None => (None, None),
        };

        let security = match &op.security {
            Some(list) => list.iter().map(security_requirement).collect(),
            None => context.default_security.to_vec(),
        };

        Ok(Operation {
            method: context.method.to_ascii_uppercase(),
            path: context.path.to_owned(),
            operation_id: op.operation_id.clone(),
            summary: op.summary.clone(),
            description: op.description.clone(),
            tags: op.tags.clone(),
            deprecated: op.deprecated,
            parameters,
            request_body,
            success_status,
            success_response,
            security,
            pointer: context.at.clone(),
        })
    }

    fn parameter(
        &mut self,
        param: &ReferenceOr<openapiv3::Parameter>,
        at: &str,
    ) -> Result<Parameter, SpecError> {
        match param {
            ReferenceOr::Item(param) => self.parameter_item(param, at),
            ReferenceOr::Reference { reference } => {
                let (target_at, target) = refs::follow(self.doc, self.origin, reference, at)?;
                if let Some(done) = self.parameters.get(&target_at) {
                    return Ok(done.clone());
                }
                let decoded: openapiv3::Parameter =
                    decode::decode_at(self.doc, target, &target_at, self.origin)?;
                let built = self.parameter_item(&decoded, &target_at)?;
                self.parameters.insert(target_at, built.clone());
                Ok(built)
            }
        }
    }

    fn parameter_item(
        &mut self,
        param: &openapiv3::Parameter,
        src: &str,
    ) -> Result<Parameter, SpecError> {
        let src = src.to_owned();
        let (location, data) = match param {
            openapiv3::Parameter::Query { parameter_data, .. } => {
                (ParamLocation::Query, parameter_data)
            }
            openapiv3::Parameter::Header { parameter_data, .. } => {
                (ParamLocation::Header, parameter_data)
            }
            openapiv3::Parameter::Path { parameter_data, .. } => {
                (ParamLocation::Path, parameter_data)
            }
            openapiv3::Parameter::Cookie { parameter_data, .. } => {
                (ParamLocation::Cookie, parameter_data)
            }
        };
        let schema = match &data.format {
            openapiv3::ParameterSchemaOrContent::Schema(schema) => {
                self.schema(schema.into(), &pointer::join(&src, "schema"))?
            }
            openapiv3::ParameterSchemaOrContent::Content(content) => {
                match pick_media_type(content) {
                    Some((media_type, media)) => match &media.schema {
                        Some(schema) => self.schema(
                            schema.into(),
                            &pointer::join_all(&src, &["content", media_type, "schema"]),
                        )?,
                        None => Schema::any(),
                    },
                    None => Schema::any(),
                }
            }
        };
        Ok(Parameter {
            name: data.name.clone(),
            location,
            required: data.required,
            description: data.description.clone(),
            deprecated: data.deprecated.unwrap_or(false),
            schema,
            example: data.example.clone(),
        })
    }

    /// The body of a response found at `src`.
    fn response_body(
        &mut self,
        response: &openapiv3::Response,
        src: &str,
    ) -> Result<Option<Body>, SpecError> {
        self.body(
            &response.content,
            src,
            true,
            Some(response.description.clone()).filter(|d| !d.is_empty()),
        )
    }

    /// The body for a `content` map found at `src`; `None` when it is empty.
    fn body(
        &mut self,
        content: &openapiv3::Content,
        src: &str,
        required: bool,
        description: Option<String>,
    ) -> Result<Option<Body>, SpecError> {
        let Some((media_type, media)) = pick_media_type(content) else {
            return Ok(None);
        };
        let schema = match &media.schema {
            Some(schema) => self.schema(
                schema.into(),
                &pointer::join_all(src, &["content", media_type, "schema"]),
            )?,
            None => Schema::any(),
        };
        Ok(Some(Body {
            content_type: media_type.to_owned(),
            required,
            description,
            schema,
        }))
    }
}

/// Adds a parameter, replacing one with the same name and location (header
/// names compare without case, as HTTP does).
fn merge_parameter(list: &mut Vec<Parameter>, param: Parameter) {
    let same = |p: &Parameter| {
        p.location == param.location
            && if p.location == ParamLocation::Header {
                p.name.eq_ignore_ascii_case(&param.name)
            } else {
                p.name == param.name
            }
    };
    match list.iter_mut().find(|p| same(p)) {
        Some(slot) => *slot = param,
        None => list.push(param),
    }
}

/// The first 2xx response in numeric order, "2XX" after the exact codes.
fn success(
    responses: &openapiv3::Responses,
) -> Option<(&StatusCode, &ReferenceOr<openapiv3::Response>)> {
    responses
        .responses
        .iter()
        .filter_map(|(code, response)| {
            let rank = match code {
                StatusCode::Code(n) if (200..300).contains(n) => u32::from(*n),
                StatusCode::Range(2) => 1000,
                _ => return None,
            };
            Some((rank, code, response))
        })
        .min_by_key(|(rank, _, _)| *rank)
        .map(|(_, code, response)| (code, response))
}

/// `application/json` (parameters like `charset` ignored), else the first
/// `+json` type, else the first listed.
fn pick_media_type(content: &openapiv3::Content) -> Option<(&str, &openapiv3::MediaType)> {
    let essence = |mt: &str| {
        mt.split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase()
    };
    content
        .iter()
        .find(|(mt, _)| essence(mt) == "application/json")
        .or_else(|| {
            content
                .iter()
                .find(|(mt, _)| essence(mt).ends_with("+json"))
        })
        .or_else(|| content.first())
        .map(|(mt, m)| (mt.as_str(), m))
}

pub(crate) fn security_requirement(req: &openapiv3::SecurityRequirement) -> SecurityRequirement {
    SecurityRequirement {
        schemes: req
            .iter()
            .map(|(name, scopes)| (name.clone(), scopes.clone()))
            .collect(),
    }
}

fn security_scheme(scheme: &openapiv3::SecurityScheme) -> SecurityScheme {
    match scheme {
        openapiv3::SecurityScheme::APIKey { location, name, .. } => SecurityScheme::ApiKey {
            name: name.clone(),
            location: match location {
                openapiv3::APIKeyLocation::Query => ParamLocation::Query,
                openapiv3::APIKeyLocation::Header => ParamLocation::Header,
                openapiv3::APIKeyLocation::Cookie => ParamLocation::Cookie,
            },
        },
        openapiv3::SecurityScheme::HTTP {
            scheme,
            bearer_format,
            ..
        } => SecurityScheme::Http {
            scheme: scheme.to_ascii_lowercase(),
            bearer_format: bearer_format.clone(),
        },
        openapiv3::SecurityScheme::OAuth2 { flows, .. } => {
            let mut scopes: Vec<String> = Vec::new();
            let all_scopes = [
                flows.authorization_code.as_ref().map(|f| &f.scopes),
                flows.client_credentials.as_ref().map(|f| &f.scopes),
                flows.password.as_ref().map(|f| &f.scopes),
                flows.implicit.as_ref().map(|f| &f.scopes),
            ];
            for scope in all_scopes.into_iter().flatten().flat_map(|s| s.keys()) {
                if !scopes.contains(scope) {
                    scopes.push(scope.clone());
                }
            }
            SecurityScheme::OAuth2 {
                token_url: flows
                    .authorization_code
                    .as_ref()
                    .map(|f| f.token_url.clone())
                    .or_else(|| {
                        flows
                            .client_credentials
                            .as_ref()
                            .map(|f| f.token_url.clone())
                    })
                    .or_else(|| flows.password.as_ref().map(|f| f.token_url.clone())),
                authorization_url: flows
                    .authorization_code
                    .as_ref()
                    .map(|f| f.authorization_url.clone())
                    .or_else(|| flows.implicit.as_ref().map(|f| f.authorization_url.clone())),
                scopes,
            }
        }
        openapiv3::SecurityScheme::OpenIDConnect {
            open_id_connect_url,
            ..
        } => SecurityScheme::OpenIdConnect {
            url: open_id_connect_url.clone(),
        },
    }
}

/// The server URL with `{variables}` replaced by their defaults (unknown
/// ones are left as written).
pub(crate) fn server_url(server: &openapiv3::Server) -> String {
    let mut out = String::with_capacity(server.url.len());
    let mut rest = server.url.as_str();
    while let Some(open) = rest.find('{') {
        let (before, from_brace) = rest.split_at(open);
        out.push_str(before);
        let Some(close) = from_brace.find('}') else {
            rest = from_brace;
            break;
        };
        let (placeholder, after) = from_brace.split_at(close + 1);
        let name = placeholder.trim_start_matches('{').trim_end_matches('}');
        match server.variables.as_ref().and_then(|vars| vars.get(name)) {
            Some(var) => out.push_str(&var.default),
            None => out.push_str(placeholder),
        }
        rest = after;
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn substitutes_server_variables() {
        let server: openapiv3::Server = serde_json::from_value(serde_json::json!({
            "url": "https://{region}.example.com/{v}/x{",
            "variables": {"region": {"default": "eu"}}
        }))
        .unwrap();
        assert_eq!(server_url(&server), "https://eu.example.com/{v}/x{");
    }

    #[test]
    fn picks_json_media_types() {
        let mut c = openapiv3::Content::new();
        c.insert("text/plain".into(), Default::default());
        c.insert("application/problem+json".into(), Default::default());
        let picked = |c: &openapiv3::Content| pick_media_type(c).map(|(m, _)| m.to_owned());
        assert_eq!(picked(&c).as_deref(), Some("application/problem+json"));
        c.insert("Application/JSON; charset=utf-8".into(), Default::default());
        assert_eq!(
            picked(&c).as_deref(),
            Some("Application/JSON; charset=utf-8")
        );
        assert_eq!(picked(&openapiv3::Content::new()), None);
    }
}
