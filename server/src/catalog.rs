//! The tools the server offers: one per connector of the generated crate,
//! each with its rendered MCP definition, argument validator, CRM client,
//! deadline and in-flight limit.

use std::collections::{BTreeMap, HashMap};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use midcall_runtime::{ActionError, AuthSpec, Client, Config, CrmEnv, Vendor};
use serde_json::{json, Value};
use tokio::sync::Semaphore;

use crate::error::StartError;
use crate::settings::Settings;

/// What a connector call returns: `Some(tool result)`, `None` for an
/// unknown (CRM, template).
pub type CallFuture = Pin<Box<dyn Future<Output = Option<Value>> + Send>>;

/// A generated crate's index, as functions (see [`crate::connectors!`]).
#[derive(Clone, Copy)]
pub struct Connectors {
    /// Every (CRM id, template id).
    pub list: &'static [(&'static str, &'static str)],
    /// Runs a connector's `call_json`.
    pub call: fn(&'static str, &'static str, Client, Value) -> CallFuture,
    /// The connector's CRM description, for a `CrmEnv` connector.
    pub crm_env: fn(&str, &str) -> Option<CrmEnv>,
    /// The connector's CRM description, for a `Vendor` connector
    /// (settings, fixed headers, richer auth).
    pub vendor: fn(&str, &str) -> Option<Vendor>,
    /// The connector's deadline.
    pub timeout: fn(&str, &str) -> Option<Duration>,
    /// A rendered tool definition by target (`mcp`, `vapi`, …).
    pub tool_definition: fn(&str, &str, &str) -> Option<&'static str>,
}

/// One tool: a connector and what the server needs to run it.
pub struct Tool {
    /// CRM id.
    pub crm: &'static str,
    /// Template id.
    pub template: &'static str,
    /// The tool name the platforms call it by.
    pub name: String,
    /// The rendered MCP tool definition (`mcp.json`).
    pub definition: Value,
    /// A read (`readOnlyHint`): ElevenLabs calls it with `GET`.
    pub read_only: bool,
    /// The template's deadline for one call.
    pub deadline: Duration,
    /// Environment variables the CRM needs that are not set (names only).
    pub missing_env: Vec<&'static str>,
    pub(crate) validator: jsonschema::Validator,
    pub(crate) client: Result<Client, ActionError>,
    pub(crate) gate: Arc<Semaphore>,
    pub(crate) call: fn(&'static str, &'static str, Client, Value) -> CallFuture,
}

impl Tool {
    /// The JSON Schema `type` of argument `name`, when it declares one.
    pub(crate) fn property_type(&self, name: &str) -> Option<&str> {
        self.definition
            .pointer("/inputSchema/properties")
            .and_then(|p| p.get(name))
            .and_then(|p| p.get("type"))
            .and_then(Value::as_str)
    }
}

/// Every tool, found by (CRM id, tool name).
pub struct Catalog {
    tools: Vec<Arc<Tool>>,
    index: HashMap<(String, String), usize>,
}

impl Catalog {
    /// Builds a tool for every connector: its `mcp.json` parsed, its
    /// argument schema compiled, its client configured from
    /// `settings.env` (a missing variable is reported by readiness and
    /// answered as `misconfigured`, not fatal).
    pub fn build(connectors: &Connectors, settings: &Settings) -> Result<Self, StartError> {
        let mut tools = Vec::new();
        let mut index: HashMap<(String, String), usize> = HashMap::new();
        for &(crm, template) in connectors.list {
            let bad = |problem: String| StartError::BadDefinition {
                crm: crm.to_string(),
                template: template.to_string(),
                problem,
            };
            let text = (connectors.tool_definition)(crm, template, "mcp").ok_or_else(|| {
                StartError::MissingDefinition {
                    crm: crm.to_string(),
                    template: template.to_string(),
                }
            })?;
            let definition: Value =
                serde_json::from_str(text).map_err(|e| bad(format!("not JSON: {e}")))?;
            let name = definition
                .get("name")
                .and_then(Value::as_str)
                .ok_or_else(|| bad("/name: missing".to_string()))?
                .to_string();
            let schema = definition
                .get("inputSchema")
                .ok_or_else(|| bad("/inputSchema: missing".to_string()))?;
            let validator =
                jsonschema::validator_for(schema).map_err(|e| bad(format!("/inputSchema: {e}")))?;
            let read_only =
                definition.pointer("/annotations/readOnlyHint") == Some(&Value::Bool(true));
            let deadline = (connectors.timeout)(crm, template)
                .ok_or_else(|| bad("the crate's timeout has no entry".to_string()))?;
            let env = settings.env.clone();
            let lookup = move |name: &str| env(name);
            let (missing_env, config) = match (
                (connectors.crm_env)(crm, template),
                (connectors.vendor)(crm, template),
            ) {
                (Some(crm_env), _) => (
                    required_env(&crm_env)
                        .into_iter()
                        .filter(|v| lookup(v).is_none_or(|s| s.trim().is_empty()))
                        .collect(),
                    Config::from_lookup(&crm_env, &lookup),
                ),
                // A refresh-token vendor needs its refresh variables, or
                // only its static access token: the vendor knows which.
                (None, Some(vendor)) => (
                    vendor.missing_variables(&lookup),
                    Config::from_vendor_lookup(&vendor, &lookup),
                ),
                (None, None) => {
                    return Err(bad(
                        "the crate's crm_env and vendor have no entry".to_string()
                    ))
                }
            };
            let client = config
                .map(|c| c.with_timeout(deadline))
                .and_then(Client::new);
            let key = (crm.to_string(), name.clone());
            if let Some(first) = index.get(&key).and_then(|&i| tools.get(i)) {
                let first: &Arc<Tool> = first;
                return Err(StartError::DuplicateTool {
                    crm: crm.to_string(),
                    tool: name,
                    first: first.template.to_string(),
                    second: template.to_string(),
                });
            }
            index.insert(key, tools.len());
            tools.push(Arc::new(Tool {
                crm,
                template,
                name,
                definition,
                read_only,
                deadline,
                missing_env,
                validator,
                client,
                gate: Arc::new(Semaphore::new(settings.max_in_flight)),
                call: connectors.call,
            }));
        }
        Ok(Catalog { tools, index })
    }

    /// Every tool, in the crate's order (sorted by CRM and template).
    pub fn tools(&self) -> &[Arc<Tool>] {
        &self.tools
    }

    /// The tool `name` of `crm`.
    pub fn find(&self, crm: &str, name: &str) -> Option<&Arc<Tool>> {
        self.index
            .get(&(crm.to_string(), name.to_string()))
            .and_then(|&i| self.tools.get(i))
    }

    /// The CRM ids, sorted, once each.
    pub fn crms(&self) -> Vec<&'static str> {
        let mut crms: Vec<&'static str> = self.tools.iter().map(|t| t.crm).collect();
        crms.dedup();
        crms
    }

    /// Readiness per CRM: whether every connector can run, and the names of
    /// the variables that are missing (never their values).
    pub fn readiness(&self) -> (bool, Value) {
        let mut per_crm: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for t in &self.tools {
            let missing = per_crm.entry(t.crm).or_default();
            for v in &t.missing_env {
                if !missing.contains(v) {
                    missing.push(v);
                }
            }
        }
        let ready = per_crm.values().all(Vec::is_empty);
        let crms: serde_json::Map<String, Value> = per_crm
            .into_iter()
            .map(|(crm, missing)| {
                (
                    crm.to_string(),
                    json!({ "ready": missing.is_empty(), "missing_env": missing }),
                )
            })
            .collect();
        (ready, json!({ "ready": ready, "crms": crms }))
    }
}

/// The variables a CRM's credential is read from.
fn required_env(crm: &CrmEnv) -> Vec<&'static str> {
    match crm.auth {
        AuthSpec::Bearer { env } | AuthSpec::Header { env, .. } | AuthSpec::Query { env, .. } => {
            vec![env]
        }
        AuthSpec::Basic {
            user_env,
            password_env,
        } => vec![user_env, password_env],
        AuthSpec::None => vec![],
    }
}
