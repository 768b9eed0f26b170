//! What a connector for a real vendor knows at compile time: its settings,
//! a base URL and fixed headers that use them, and the auth kinds vendors
//! need beyond [`crate::AuthSpec`]'s: basic auth in a vendor's user form,
//! a header with a prefix, OAuth 2.0 client credentials and the OAuth 2.0
//! refresh-token grant.
//!
//! [`Config::from_vendor_env`] reads and checks it all when the connector
//! is configured, so a missing or bad setting or secret is a
//! `misconfigured` error naming its variable before any call is made.

use crate::config::{Auth, Config};
use crate::error::{ActionError, ErrorKind};
use crate::oauth::{ClientCredentials, CredentialsIn, RefreshCredentials};
use crate::settings::{self, Setting, Settings};

/// How a vendor authenticates. Text fields are templates: `{secret}` is the
/// value of the kind's secret variable and `{name}` a setting's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthKind {
    /// `Authorization: Bearer <secret>`.
    Bearer {
        /// Variable holding the token.
        env: &'static str,
    },
    /// A header whose value holds the secret with any text around it:
    /// `Authorization: Zoho-oauthtoken {secret}`, `X-API-Key: {secret}`.
    Header {
        /// Header name.
        name: &'static str,
        /// Value template.
        value: &'static str,
        /// Variable holding the secret.
        env: &'static str,
    },
    /// The secret as a query parameter.
    Query {
        /// Parameter name.
        name: &'static str,
        /// Variable holding the secret.
        env: &'static str,
    },
    /// HTTP basic auth in the vendor's own form: Zendesk `user:
    /// "{email}/token", password: "{secret}"`; Freshdesk `user:
    /// "{secret}", password: "X"`.
    Basic {
        /// User template.
        user: &'static str,
        /// Password template.
        password: &'static str,
        /// Variable holding the secret.
        env: &'static str,
    },
    /// OAuth 2.0 client credentials: a token from `token_url`, cached and
    /// refreshed by the client, sent as `Authorization: Bearer`.
    ClientCredentials {
        /// Token endpoint template (`https://auth.servicetitan.io/connect/token`).
        token_url: &'static str,
        /// Variable that overrides the token endpoint (sandboxes, tests).
        token_url_env: &'static str,
        /// Variable holding the client id.
        client_id_env: &'static str,
        /// Variable holding the client secret.
        client_secret_env: &'static str,
        /// Scope to ask for, if the vendor wants one.
        scope: Option<&'static str>,
        /// Where the id and secret go.
        send: CredentialsIn,
    },
    /// OAuth 2.0 refresh-token grant: access tokens traded for a refresh
    /// token at `token_url`, cached and refreshed by the client, sent as
    /// `Authorization: <prefix> <token>`. When none of the three
    /// refresh variables is set and `access_token_env` is, that one
    /// access token is sent instead (the quick start; it expires).
    RefreshToken {
        /// Token endpoint template (`https://login.salesforce.com/services/oauth2/token`).
        token_url: &'static str,
        /// Variable that overrides the token endpoint (sandboxes, data centres, tests).
        token_url_env: &'static str,
        /// Variable holding the client id.
        client_id_env: &'static str,
        /// Variable holding the client secret.
        client_secret_env: &'static str,
        /// Variable holding the refresh token.
        refresh_token_env: &'static str,
        /// Variable holding a static access token, the alternative.
        access_token_env: Option<&'static str>,
        /// The word before the token (`Bearer`, `Zoho-oauthtoken`).
        prefix: &'static str,
        /// Where the id and secret go.
        send: CredentialsIn,
    },
    /// No authentication.
    None,
}

/// What a generated connector knows about a vendor at compile time: the
/// richer sibling of [`crate::CrmEnv`], with settings and fixed headers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Vendor {
    /// Display name, for messages.
    pub name: &'static str,
    /// Production base URL; may use settings (`https://{subdomain}.zendesk.com`).
    pub base_url: &'static str,
    /// Variable that overrides the base URL (sandboxes, tests).
    pub base_url_env: &'static str,
    /// The per-account settings, read from their variables.
    pub settings: &'static [Setting],
    /// How to authenticate.
    pub auth: AuthKind,
    /// Headers sent on every request; values may use settings
    /// (`("ST-App-Key", "{app_key}")`, `("cal-api-version", "2024-08-13")`).
    pub headers: &'static [(&'static str, &'static str)],
}

impl Vendor {
    /// The variables a connector cannot run without: its settings' and its
    /// auth kind's secrets, in a fixed order (not the base URL or token
    /// endpoint overrides, which have defaults). For a refresh-token
    /// grant, its three variables (the static access token is the
    /// alternative: see [`Vendor::missing_variables`]).
    pub fn required_variables(&self) -> Vec<&'static str> {
        let mut vars: Vec<&'static str> = self.settings.iter().map(|s| s.env).collect();
        match self.auth {
            AuthKind::Bearer { env }
            | AuthKind::Header { env, .. }
            | AuthKind::Query { env, .. }
            | AuthKind::Basic { env, .. } => vars.push(env),
            AuthKind::ClientCredentials {
                client_id_env,
                client_secret_env,
                ..
            } => vars.extend([client_id_env, client_secret_env]),
            AuthKind::RefreshToken {
                client_id_env,
                client_secret_env,
                refresh_token_env,
                ..
            } => vars.extend([client_id_env, client_secret_env, refresh_token_env]),
            AuthKind::None => {}
        }
        vars
    }

    /// The variables to set before the connector can run, as `lookup`
    /// sees them (unset or blank), in [`Vendor::required_variables`]'
    /// order. A refresh-token grant whose refresh variables are all unset
    /// while its static access token is set misses none of them; one
    /// with any refresh variable set misses the rest.
    pub fn missing_variables(&self, lookup: impl Fn(&str) -> Option<String>) -> Vec<&'static str> {
        let set = |name: &str| lookup(name).is_some_and(|v| !v.trim().is_empty());
        // The static token stands in for the auth kind's variables.
        let static_token = uses_static_token(&self.auth, &set);
        let settings = self.settings.len();
        self.required_variables()
            .into_iter()
            .enumerate()
            .filter(|&(i, name)| (i < settings || !static_token) && !set(name))
            .map(|(_, name)| name)
            .collect()
    }

    /// Every environment variable the connector reads, in a fixed order:
    /// the settings', the auth kind's, then the overrides (base URL, token
    /// endpoint). For listings such as `gen crms`.
    pub fn variables(&self) -> Vec<&'static str> {
        let mut vars = self.required_variables();
        vars.push(self.base_url_env);
        match self.auth {
            AuthKind::ClientCredentials { token_url_env, .. } => vars.push(token_url_env),
            AuthKind::RefreshToken {
                token_url_env,
                access_token_env,
                ..
            } => {
                let at = vars.len() - 1;
                if let Some(access) = access_token_env {
                    vars.insert(at, access);
                }
                vars.push(token_url_env);
            }
            _ => {}
        }
        vars
    }
}

impl Config {
    /// Reads a vendor's settings, secret(s), base URL and fixed headers
    /// from the environment and checks them (see [`Config::from_vendor_lookup`]).
    pub fn from_vendor_env(vendor: &Vendor) -> Result<Self, ActionError> {
        Self::from_vendor_lookup(vendor, |name| std::env::var(name).ok())
    }

    /// Like [`Config::from_vendor_env`] with a custom variable lookup.
    ///
    /// Every declared setting must be set and of its kind; the auth kind's
    /// variables must be set; the base URL (the override, or the template
    /// filled with settings) must be an http(s) URL with a host; every
    /// template may use only declared settings (and `{secret}` in auth).
    /// Anything else is a `misconfigured` error naming the variable or
    /// the template.
    pub fn from_vendor_lookup(
        vendor: &Vendor,
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, ActionError> {
        let crm = vendor.name;
        let settings = Settings::read(crm, vendor.settings, &lookup)?;
        let get = |name: &str| {
            let value = lookup(name)
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
                .ok_or_else(|| ActionError::missing_env(crm, name))?;
            if value.chars().any(char::is_control) {
                return Err(ActionError::new(
                    ErrorKind::Misconfigured,
                    format!("{crm}: environment variable {name} holds a control character"),
                ));
            }
            Ok(value)
        };
        let with_secret = |template: &str, secret: &str| {
            settings::fill(template, |name| {
                if name == "secret" {
                    Some(secret.to_string())
                } else {
                    settings.get(name).ok().map(str::to_string)
                }
            })
        };
        let auth = match vendor.auth {
            AuthKind::Bearer { env } => Auth::Bearer(get(env)?),
            AuthKind::Header { name, value, env } => {
                Auth::Header(name.to_string(), with_secret(value, &get(env)?)?)
            }
            AuthKind::Query { name, env } => Auth::Query(name.to_string(), get(env)?),
            AuthKind::Basic {
                user,
                password,
                env,
            } => {
                let secret = get(env)?;
                Auth::Basic(with_secret(user, &secret)?, with_secret(password, &secret)?)
            }
            AuthKind::ClientCredentials {
                token_url,
                token_url_env,
                client_id_env,
                client_secret_env,
                scope,
                send,
            } => {
                let token_url = match lookup(token_url_env).filter(|v| !v.trim().is_empty()) {
                    Some(url) => checked_url(crm, url.trim(), token_url_env)?,
                    None => checked_url(crm, &settings.fill(token_url)?, token_url)?,
                };
                Auth::ClientCredentials(ClientCredentials {
                    token_url,
                    client_id: get(client_id_env)?,
                    client_secret: get(client_secret_env)?,
                    scope: scope.map(|s| settings.fill(s)).transpose()?,
                    send,
                })
            }
            AuthKind::RefreshToken {
                token_url,
                token_url_env,
                client_id_env,
                client_secret_env,
                refresh_token_env,
                access_token_env,
                prefix,
                send,
            } => {
                let set = |name: &str| lookup(name).is_some_and(|v| !v.trim().is_empty());
                match access_token_env {
                    Some(access) if uses_static_token(&vendor.auth, &set) => {
                        let token = get(access)?;
                        if prefix.eq_ignore_ascii_case("bearer") {
                            Auth::Bearer(token)
                        } else {
                            Auth::Header("Authorization".to_string(), format!("{prefix} {token}"))
                        }
                    }
                    _ => {
                        let refresh = [client_id_env, client_secret_env, refresh_token_env];
                        if let (Some(access), false) =
                            (access_token_env, refresh.iter().any(|v| set(v)))
                        {
                            return Err(ActionError::new(
                                ErrorKind::Misconfigured,
                                format!(
                                    "{crm}: environment variables {client_id_env}, \
                                     {client_secret_env} and {refresh_token_env} are not set \
                                     (or set {access} to one access token, which expires)"
                                ),
                            ));
                        }
                        let token_url = match lookup(token_url_env).filter(|v| !v.trim().is_empty())
                        {
                            Some(url) => checked_url(crm, url.trim(), token_url_env)?,
                            None => checked_url(crm, &settings.fill(token_url)?, token_url)?,
                        };
                        Auth::RefreshToken(RefreshCredentials {
                            token_url,
                            client_id: get(client_id_env)?,
                            client_secret: get(client_secret_env)?,
                            refresh_token: get(refresh_token_env)?,
                            send,
                            prefix: prefix.to_string(),
                        })
                    }
                }
            }
            AuthKind::None => Auth::None,
        };
        let base_url = match lookup(vendor.base_url_env).filter(|v| !v.trim().is_empty()) {
            Some(url) => checked_url(crm, url.trim(), vendor.base_url_env)?,
            None => checked_url(crm, &settings.fill(vendor.base_url)?, vendor.base_url)?,
        };
        let headers = vendor
            .headers
            .iter()
            .map(|(name, value)| Ok((name.to_string(), settings.fill(value)?)))
            .collect::<Result<Vec<_>, ActionError>>()?;
        let mut config = Config::new(base_url, auth);
        config.settings = settings;
        config.headers = headers;
        Ok(config)
    }
}

/// Whether a refresh-token auth sends its static access token: none of
/// the refresh variables is set and the access token is.
fn uses_static_token(auth: &AuthKind, set: &dyn Fn(&str) -> bool) -> bool {
    match *auth {
        AuthKind::RefreshToken {
            client_id_env,
            client_secret_env,
            refresh_token_env,
            access_token_env: Some(access),
            ..
        } => {
            ![client_id_env, client_secret_env, refresh_token_env]
                .iter()
                .any(|v| set(v))
                && set(access)
        }
        _ => false,
    }
}

/// `url` when it is an http(s) URL with a host; else `misconfigured`
/// naming `source` (a variable or the template it was filled from).
fn checked_url(crm: &str, url: &str, source: &str) -> Result<String, ActionError> {
    match reqwest::Url::parse(url) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.host_str().is_some() => {
            Ok(url.to_string())
        }
        _ => Err(ActionError::new(
            ErrorKind::Misconfigured,
            format!("{crm}: {source} does not give an http(s) URL"),
        )),
    }
}
