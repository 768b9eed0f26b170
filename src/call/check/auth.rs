//! The auth check: the bindings' auth must be one the operation accepts.

use crate::bindings::AuthBinding;
use crate::openapi::{Api, Operation, ParamLocation, SecurityScheme};

/// Checks that `auth` is one `op` accepts. An operation that declares no
/// security (or a spec without schemes) accepts any: vendors often leave
/// it out.
pub(super) fn check(auth: &AuthBinding, api: &Api, op: &Operation) -> Result<(), String> {
    let accepted: Vec<&SecurityScheme> = op
        .security
        .iter()
        .flat_map(|r| r.schemes.iter())
        .filter_map(|(name, _)| api.security_schemes.get(name))
        .collect();
    if accepted.is_empty() {
        return Ok(());
    }
    let fits = |scheme: &SecurityScheme| match (auth, scheme) {
        (AuthBinding::Bearer { .. }, SecurityScheme::Http { scheme, .. }) => scheme == "bearer",
        // OAuth 2 and OpenID Connect access tokens travel as bearer tokens.
        (AuthBinding::Bearer { .. }, SecurityScheme::OAuth2 { .. })
        | (AuthBinding::Bearer { .. }, SecurityScheme::OpenIdConnect { .. }) => true,
        // Client credentials fetch an OAuth 2 access token, sent as a bearer token.
        (AuthBinding::ClientCredentials { .. }, SecurityScheme::Http { scheme, .. }) => {
            scheme == "bearer"
        }
        (AuthBinding::ClientCredentials { .. }, SecurityScheme::OAuth2 { .. })
        | (AuthBinding::ClientCredentials { .. }, SecurityScheme::OpenIdConnect { .. }) => true,
        // A refreshed OAuth 2 access token: an oauth2 scheme, an OpenID
        // Connect one, or a bearer token (Salesforce's `bearerAuth`).
        (AuthBinding::RefreshToken { prefix, .. }, SecurityScheme::Http { scheme, .. }) => {
            scheme == "bearer"
                && prefix
                    .as_deref()
                    .is_none_or(|p| p.eq_ignore_ascii_case("bearer"))
        }
        // Refresh tokens come from the authorization-code flow (a scheme
        // with an authorization URL and a token URL); an implicit-only
        // scheme issues none.
        (
            AuthBinding::RefreshToken { .. },
            SecurityScheme::OAuth2 {
                token_url,
                authorization_url,
                ..
            },
        ) => token_url.is_some() && authorization_url.is_some(),
        (AuthBinding::RefreshToken { .. }, SecurityScheme::OpenIdConnect { .. }) => true,
        // An OAuth token with the vendor's own prefix (`Zoho-oauthtoken`).
        (AuthBinding::Header { header, .. }, SecurityScheme::OAuth2 { .. })
        | (AuthBinding::Header { header, .. }, SecurityScheme::OpenIdConnect { .. }) => {
            header.eq_ignore_ascii_case("authorization")
        }
        (AuthBinding::Basic { .. }, SecurityScheme::Http { scheme, .. }) => scheme == "basic",
        (AuthBinding::Header { header, .. }, SecurityScheme::ApiKey { name, location }) => {
            *location == ParamLocation::Header && name.eq_ignore_ascii_case(header)
        }
        (AuthBinding::Query { param, .. }, SecurityScheme::ApiKey { name, location }) => {
            *location == ParamLocation::Query && name == param
        }
        _ => false,
    };
    if accepted.iter().any(|s| fits(s)) {
        return Ok(());
    }
    let names: Vec<String> = accepted
        .iter()
        .map(|s| match s {
            SecurityScheme::Http { scheme, .. } => format!("http {scheme}"),
            SecurityScheme::ApiKey { name, location } => format!("api key `{name}` in {location}"),
            SecurityScheme::OAuth2 { token_url, .. }
                if matches!(auth, AuthBinding::RefreshToken { .. }) && token_url.is_none() =>
            {
                "oauth2 without an authorization-code flow (no refresh token)".to_string()
            }
            SecurityScheme::OAuth2 { .. } => "oauth2 (bearer token)".to_string(),
            SecurityScheme::OpenIdConnect { .. } => "openid connect (bearer token)".to_string(),
        })
        .collect();
    Err(format!(
        "`{} {}` accepts {}; the bindings' auth is none of these",
        op.method,
        op.path,
        names.join(", ")
    ))
}
