//! The loaded API: operations, parameters, bodies and security, with every
//! reference except schema component references resolved.

use std::collections::BTreeMap;
use std::fmt;

use super::error::SpecError;
use super::schema::Schema;

/// An OpenAPI 3.0 document, loaded into midcall's model.
#[derive(Debug, Clone, PartialEq)]
pub struct Api {
    /// Where the document came from (file name), for messages.
    pub origin: String,
    /// `info.title`.
    pub title: String,
    /// `info.version`: the API's version, not OpenAPI's.
    pub version: String,
    /// `openapi`: the OpenAPI version, e.g. "3.0.3".
    pub openapi: String,
    /// `info.description`.
    pub description: Option<String>,
    /// Server URLs, with variables replaced by their defaults.
    pub servers: Vec<String>,
    /// Operations in document order of paths, then in the method order
    /// get, put, post, delete, options, head, patch, trace.
    pub operations: Vec<Operation>,
    /// `components.schemas`, by name.
    pub schemas: BTreeMap<String, Schema>,
    /// `components.securitySchemes`, by name.
    pub security_schemes: BTreeMap<String, SecurityScheme>,
    /// The top-level `security`: the default for operations without their own.
    pub security: Vec<SecurityRequirement>,
    /// Quirks of the document that the loader read leniently, one line each
    /// ("#/pointer: what was done"), in document order.
    pub warnings: Vec<String>,
    /// Operations that [`load_files`](super::load_files) found but cannot
    /// build, each with why (the strict [`load_file`](super::load_file)
    /// fails instead, so it leaves this empty). They are not in
    /// [`operations`](Self::operations); [`usable`](Self::usable) turns
    /// asking for one into its error.
    pub unusable: Vec<Unusable>,
}

/// An operation of the spec that cannot be used, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Unusable {
    /// Upper case: "GET", "POST"...
    pub method: String,
    /// The path template as written in the spec.
    pub path: String,
    /// `operationId`, when it could be read.
    pub operation_id: Option<String>,
    /// JSON pointer of the operation, as in [`Operation::pointer`].
    pub pointer: String,
    /// Why, one line: the place of the defect and what is wrong there.
    pub reason: String,
}

impl Api {
    /// The operation for a method (any case) and a path exactly as written in
    /// the spec (`/contacts/{contactId}`).
    pub fn operation(&self, method: &str, path: &str) -> Option<&Operation> {
        self.operations
            .iter()
            .find(|op| op.path == path && op.method.eq_ignore_ascii_case(method))
    }

    /// The operation with this `operationId`.
    pub fn operation_by_id(&self, id: &str) -> Option<&Operation> {
        self.operations
            .iter()
            .find(|op| op.operation_id.as_deref() == Some(id))
    }

    /// Like [`operation`](Self::operation), but an operation the loader
    /// set aside as [unusable](Self::unusable) gives its error: a defect
    /// elsewhere in the spec stays a warning until an operation that needs
    /// it is asked for. `Ok(None)` when the spec has no such operation.
    pub fn usable(&self, method: &str, path: &str) -> Result<Option<&Operation>, SpecError> {
        if let Some(op) = self.operation(method, path) {
            return Ok(Some(op));
        }
        match self
            .unusable
            .iter()
            .find(|u| u.path == path && u.method.eq_ignore_ascii_case(method))
        {
            Some(u) => Err(self.unusable_error(u)),
            None => Ok(None),
        }
    }

    /// Like [`operation_by_id`](Self::operation_by_id), with the error of
    /// an [unusable](Self::unusable) operation as in [`usable`](Self::usable).
    pub fn usable_by_id(&self, id: &str) -> Result<Option<&Operation>, SpecError> {
        if let Some(op) = self.operation_by_id(id) {
            return Ok(Some(op));
        }
        match self
            .unusable
            .iter()
            .find(|u| u.operation_id.as_deref() == Some(id))
        {
            Some(u) => Err(self.unusable_error(u)),
            None => Ok(None),
        }
    }

    /// The error for an unusable operation.
    pub fn unusable_error(&self, unusable: &Unusable) -> SpecError {
        SpecError::Unusable {
            origin: self.origin.clone(),
            method: unusable.method.clone(),
            path: unusable.path.clone(),
            reason: unusable.reason.clone(),
        }
    }
}

/// One method on one path.
#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    /// Upper case: "GET", "POST"...
    pub method: String,
    /// The path template, e.g. "/crm/v3/objects/contacts/{contactId}".
    pub path: String,
    /// `operationId`.
    pub operation_id: Option<String>,
    /// `summary`.
    pub summary: Option<String>,
    /// `description`.
    pub description: Option<String>,
    /// `tags`.
    pub tags: Vec<String>,
    /// `deprecated`.
    pub deprecated: bool,
    /// Path-item parameters and operation parameters merged: path-item ones
    /// first, an operation parameter with the same name and location
    /// replacing the path-item one in place; `$ref`s resolved.
    pub parameters: Vec<Parameter>,
    /// The request body, `$ref` resolved; `None` when there is none or it
    /// declares no content.
    pub request_body: Option<Body>,
    /// The status code of [`success_response`](Self::success_response)'s
    /// response, e.g. "200" or "2XX"; set whenever a 2xx response exists.
    pub success_status: Option<String>,
    /// The body of the first 2xx response in numeric order ("200", "201"...,
    /// then "2XX"); `default` is not used. `None` when there is no 2xx
    /// response or it has no content.
    pub success_response: Option<Body>,
    /// The operation's own `security` if it has one (an empty list means no
    /// auth), else the document's default.
    pub security: Vec<SecurityRequirement>,
    /// JSON pointer of the operation in the document, e.g.
    /// "/paths/~1crm~1v3~1objects~1contacts~1search/post" (under `/paths`
    /// even when the path item is a `$ref` to elsewhere).
    pub pointer: String,
}

impl Operation {
    /// The parameter with this name in this location.
    pub fn parameter(&self, name: &str, location: ParamLocation) -> Option<&Parameter> {
        self.parameters
            .iter()
            .find(|p| p.location == location && p.name == name)
    }
}

/// An operation parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct Parameter {
    /// `name`.
    pub name: String,
    /// `in`.
    pub location: ParamLocation,
    /// `required` (always true for path parameters in a valid spec).
    pub required: bool,
    /// `description`.
    pub description: Option<String>,
    /// `deprecated`.
    pub deprecated: bool,
    /// `schema`, or the schema of its preferred `content` entry; `Any` when
    /// neither is given.
    pub schema: Schema,
    /// `example`.
    pub example: Option<serde_json::Value>,
}

/// Where a parameter (or an API key) goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ParamLocation {
    /// In the path template.
    Path,
    /// In the query string.
    Query,
    /// In a header.
    Header,
    /// In a cookie.
    Cookie,
}

impl ParamLocation {
    /// The OpenAPI spelling: "path", "query", "header", "cookie".
    pub fn as_str(self) -> &'static str {
        match self {
            ParamLocation::Path => "path",
            ParamLocation::Query => "query",
            ParamLocation::Header => "header",
            ParamLocation::Cookie => "cookie",
        }
    }
}

impl fmt::Display for ParamLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A request or response body.
#[derive(Debug, Clone, PartialEq)]
pub struct Body {
    /// The chosen media type: `application/json` if present, else the first
    /// `+json` one, else the first listed.
    pub content_type: String,
    /// `required` for request bodies; always true for responses.
    pub required: bool,
    /// `description` of the request body or response.
    pub description: Option<String>,
    /// The media type's schema; `Any` when it gives none.
    pub schema: Schema,
}

/// One alternative of a `security` list: all its schemes apply together.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SecurityRequirement {
    /// Scheme name (a key of [`Api::security_schemes`]) and required scopes.
    pub schemes: Vec<(String, Vec<String>)>,
}

/// A `components.securitySchemes` entry.
#[derive(Debug, Clone, PartialEq)]
pub enum SecurityScheme {
    /// HTTP authentication.
    Http {
        /// `scheme`, lower case: "bearer", "basic"...
        scheme: String,
        /// `bearerFormat`, e.g. "JWT".
        bearer_format: Option<String>,
    },
    /// An API key in a header, query parameter or cookie.
    ApiKey {
        /// The header, parameter or cookie name.
        name: String,
        /// Where the key goes.
        location: ParamLocation,
    },
    /// OAuth 2.
    OAuth2 {
        /// The token URL of the first flow that has one (authorization code,
        /// client credentials, then password).
        token_url: Option<String>,
        /// The authorization URL of the authorization-code or implicit flow.
        authorization_url: Option<String>,
        /// Scope names of all flows, deduplicated, in order of appearance.
        scopes: Vec<String>,
    },
    /// OpenID Connect discovery.
    OpenIdConnect {
        /// `openIdConnectUrl`.
        url: String,
    },
}
