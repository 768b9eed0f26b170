//! `gen crms`: the bundled CRMs, what they need from the environment, and
//! which templates each binds.
//!
//! A CRM folder is a CRM with bindings when it holds `bindings.yaml`;
//! one with a spec (`openapi.yaml`, derived from the vendor's files) and no
//! `bindings.yaml` yet is a CRM with nothing bound: listed here with 0
//! templates and its spec's title and server, and left out of everything
//! that generates (`gen all`, `gen check`, the catalogue's coverage).

use clap::Args;
use serde::Serialize;

use super::terminal::one_line;
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
    /// True for a folder with a spec and no `bindings.yaml` yet.
    spec_only: bool,
}

/// The spec file names a CRM folder may hold, in the order they are read.
const SPEC_FILES: [&str; 3] = ["openapi.yaml", "openapi.yml", "openapi.json"];

/// CRM folders with a spec and no `bindings.yaml`, sorted.
pub(super) fn spec_only_ids(midcall: &Midcall) -> Vec<String> {
    let bound = midcall.crm_ids();
    let mut ids: Vec<String> = SPEC_FILES
        .iter()
        .flat_map(|f| midcall.sources.folders_with("specs", f))
        .filter(|id| !bound.contains(id))
        .collect();
    ids.sort();
    ids.dedup();
    ids
}

/// A spec-only CRM's row: the spec's title and first server.
fn spec_only_row(midcall: &Midcall, id: String) -> Result<Row, Error> {
    let api = midcall.load_spec(&id)?;
    Ok(Row {
        name: api.title.clone(),
        base_url: api.servers.first().cloned().unwrap_or_default(),
        base_url_env: String::new(),
        auth: "not bound yet",
        env: vec![],
        settings: vec![],
        templates: vec![],
        spec_only: true,
        id,
    })
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
            spec_only: false,
        });
    }
    for id in spec_only_ids(midcall) {
        rows.push(spec_only_row(midcall, id)?);
    }
    if args.json {
        print_json(&rows)?;
        return Ok(EXIT_OK);
    }
    let mut out = String::new();
    for r in rows.iter().filter(|r| !r.spec_only) {
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
    for r in rows.iter().filter(|r| r.spec_only) {
        out.push_str(&format!("{} ({})\n", r.id, one_line(&r.name)));
        out.push_str(&format!("  base URL   {}\n", one_line(&r.base_url)));
        out.push_str(&format!(
            "  templates  0 of {all_templates}: spec only, nothing bound yet (add specs/{}/bindings.yaml)\n",
            r.id
        ));
    }
    out.push_str(&format!(
        "{} CRM(s) bound, {} with a spec only. Generate: gen --crm <id> --template <template>; all of them: gen all.\n",
        rows.iter().filter(|r| !r.spec_only).count(),
        rows.iter().filter(|r| r.spec_only).count()
    ));
    emit(&out)?;
    Ok(EXIT_OK)
}
