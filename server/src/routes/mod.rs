//! The HTTP routes, one module per caller, and the credential check each
//! route family makes before it reads anything else.

use std::sync::Arc;

use axum::http::HeaderMap;

use crate::auth;
use crate::body::Reject;
use crate::catalog::{Catalog, Tool};
use crate::settings::Settings;

pub(crate) mod elevenlabs;
pub(crate) mod health;
pub(crate) mod mcp;
pub(crate) mod plain;
pub(crate) mod retell;
pub(crate) mod vapi;

/// What every handler shares.
pub(crate) struct App {
    pub(crate) catalog: Catalog,
    pub(crate) settings: Settings,
}

pub(crate) type State = Arc<App>;

impl App {
    /// The tool `name` of `crm`, or a 404.
    pub(crate) fn tool(&self, crm: &str, name: &str) -> Result<&Arc<Tool>, Reject> {
        self.catalog
            .find(crm, name)
            .ok_or_else(|| Reject::unknown_tool(crm, name))
    }

    /// A family whose secret is not configured: open in insecure local
    /// development, closed otherwise.
    fn unconfigured(&self, family: &str) -> Result<(), Reject> {
        if self.settings.insecure_local_dev {
            Ok(())
        } else {
            Err(Reject::unauthorized(&format!(
                "{family} is not enabled on this server"
            )))
        }
    }

    /// `X-Vapi-Secret` check.
    pub(crate) fn check_vapi(&self, headers: &HeaderMap) -> Result<(), Reject> {
        match &self.settings.secrets.vapi {
            Some(secret) if auth::header_matches(headers, "x-vapi-secret", secret) => Ok(()),
            Some(_) => Err(Reject::unauthorized("missing or wrong X-Vapi-Secret")),
            None => self.unconfigured("vapi"),
        }
    }

    /// ElevenLabs' configured header.
    pub(crate) fn check_elevenlabs(&self, headers: &HeaderMap) -> Result<(), Reject> {
        match &self.settings.secrets.elevenlabs {
            Some((name, secret)) if auth::header_matches(headers, name, secret) => Ok(()),
            Some((name, _)) => Err(Reject::unauthorized(&format!("missing or wrong {name}"))),
            None => self.unconfigured("elevenlabs"),
        }
    }

    /// Bearer token of `/mcp` and `/call`.
    pub(crate) fn check_bearer(&self, headers: &HeaderMap, family: &str) -> Result<(), Reject> {
        match &self.settings.secrets.token {
            Some(token) if auth::bearer_matches(headers, token) => Ok(()),
            Some(_) => Err(Reject::unauthorized("missing or wrong bearer token")),
            None => self.unconfigured(family),
        }
    }

    /// Retell's `x-retell-signature` over the raw body.
    pub(crate) fn check_retell(&self, headers: &HeaderMap, body: &[u8]) -> Result<(), Reject> {
        match &self.settings.secrets.retell_api_key {
            Some(key) => {
                let header = headers
                    .get("x-retell-signature")
                    .and_then(|v| v.to_str().ok());
                auth::verify_retell(key, body, header, auth::now_ms()).map_err(Reject::unauthorized)
            }
            None => self.unconfigured("retell"),
        }
    }
}
