//! `gen crms`: the bundled CRMs, what they need from the environment, and
//! which templates each binds.

use clap::Args;
use serde::Serialize;

use super::{emit, print_json, EXIT_OK};
use crate::bindings::{self, AuthBinding};
use crate::error::Error;
use crate::Midcall;

/// `gen crms [--json]`.
#[derive(Debug, Args)]
pub(crate) struct CrmsArgs {
    /// Print JSON (an array of objects) for scripts.
    #[arg(long)]
    json: bool,
}

/// The auth scheme and the variables it reads (the overrides marked).
fn auth(auth: &AuthBinding) -> (&'static str, Vec<String>) {
    let what = match auth {
        AuthBinding::Bearer { .. } => "bearer token",
        AuthBinding::Header { value: None, .. } => "API key in a header",
        AuthBinding::Header { .. } => "secret in a header",
        AuthBinding::Query { .. } => "API key in the query",
        AuthBinding::Basic { .. } => "basic auth",
        AuthBinding::ClientCredentials { .. } => "OAuth 2.0 client credentials",
        AuthBinding::None => "none",
    };
    let env = auth
        .variables()
        .into_iter()
        .map(|(key, v)| match (auth, key) {
            (AuthBinding::Header { header, .. }, _) => format!("{v} (sent as {header})"),
            (AuthBinding::Query { param, .. }, _) => format!("{v} (sent as ?{param}=)"),
            (_, "token_url_env") => format!("{v} (overrides the token endpoint)"),
            _ => v.to_string(),
        })
        .collect();
    (what, env)
}

/// One CRM as `gen crms` shows it.
#[derive(Debug, Serialize)]
struct Row {
    id: String,
    name: String,
    base_url: String,
    base_url_env: String,
    auth: &'static str,
    env: Vec<String>,
    /// Per-account settings as `VARIABLE (name, kind)`.
    settings: Vec<String>,
    templates: Vec<String>,
}

/// Lists every CRM with bindings: name, base URL and its override, auth,
/// and the templates it binds (of how many).
pub(super) fn run(midcall: &Midcall, args: &CrmsArgs) -> Result<i32, Error> {
    let all_templates = midcall.template_ids().len();
    let mut rows = Vec::new();
    for id in midcall.crm_ids() {
        let (b, _) = bindings::load(&midcall.sources, &id)?;
        let (auth, env) = auth(&b.auth);
        rows.push(Row {
            id,
            name: b.name,
            base_url: b.base_url,
            base_url_env: b.base_url_env,
            auth,
            env,
            settings: b
                .settings
                .iter()
                .map(|(name, s)| format!("{} ({name}, {})", s.env, s.kind.as_str()))
                .collect(),
            templates: b.actions.into_keys().collect(),
        });
    }
    if args.json {
        print_json(&rows)?;
        return Ok(EXIT_OK);
    }
    let mut out = String::new();
    for r in &rows {
        out.push_str(&format!("{} ({})\n", r.id, r.name));
        out.push_str(&format!(
            "  base URL   {} (override: {})\n",
            r.base_url, r.base_url_env
        ));
        out.push_str(&format!("  auth       {}: {}\n", r.auth, r.env.join(", ")));
        if !r.settings.is_empty() {
            out.push_str(&format!("  settings   {}\n", r.settings.join(", ")));
        }
        out.push_str(&format!(
            "  templates  {} of {all_templates}: {}\n",
            r.templates.len(),
            r.templates.join(", ")
        ));
    }
    out.push_str(&format!(
        "{} CRM(s). Generate: gen --crm <id> --template <template>; all of them: gen all.\n",
        rows.len()
    ));
    emit(&out)?;
    Ok(EXIT_OK)
}
