//! `gen crms`: the bundled CRMs, what they need from the environment, and
//! which templates each binds.
//!
//! A CRM folder is a CRM with bindings when it holds `bindings.yaml`;
//! one with a spec (`openapi.yaml`, derived from the vendor's files) and no
//! `bindings.yaml` yet is a CRM with nothing bound: listed here with 0
//! templates and its spec's title and server, and left out of everything
//! that generates (`gen all`, `gen check`, the catalogue's coverage).

use std::collections::BTreeMap;

use clap::Args;
use serde::Serialize;

use super::terminal::one_line;
use super::{emit, print_json, EXIT_OK};
use crate::bindings::AuthBinding;
use crate::error::Error;
use crate::matrix::{self, Cell, Matrix};
use crate::Midcall;

/// `gen crms [--json | --markdown]`.
#[derive(Debug, Args)]
pub(crate) struct CrmsArgs {
    /// Print JSON (an array of objects, one per CRM) for scripts.
    #[arg(long, conflicts_with = "markdown")]
    json: bool,
    /// Print the systems × templates matrix as a Markdown table (the
    /// README's systems table).
    #[arg(long)]
    markdown: bool,
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
        AuthBinding::RefreshToken { .. } => "OAuth 2.0 refresh token",
        AuthBinding::None => "none",
    };
    let env = auth
        .variables()
        .into_iter()
        .map(|(key, v)| match (auth, key) {
            (AuthBinding::Header { header, .. }, _) => format!("{v} (sent as {header})"),
            (AuthBinding::Query { param, .. }, _) => format!("{v} (sent as ?{param}=)"),
            (_, "token_url_env") => format!("{v} (overrides the token endpoint)"),
            (_, "access_token_env") => {
                format!("{v} (instead of the three above: one access token, which expires)")
            }
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
    /// The templates bound, sorted.
    templates: Vec<String>,
    /// Templates the CRM cannot serve, each with its one-line reason.
    unsupported: BTreeMap<String, String>,
    /// Bound templates whose binding needs a licence, plan or add-on, with
    /// what it needs.
    requires: BTreeMap<String, String>,
    /// Templates neither bound nor unsupported, sorted.
    not_yet: Vec<String>,
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
        unsupported: BTreeMap::new(),
        requires: BTreeMap::new(),
        not_yet: midcall.template_ids(),
        spec_only: true,
        id,
    })
}

/// Lists every CRM with bindings: name, base URL and its override, auth,
/// and the templates it binds (of how many).
pub(super) fn run(midcall: &Midcall, args: &CrmsArgs) -> Result<i32, Error> {
    let template_ids = midcall.template_ids();
    let all_templates = template_ids.len();
    let mut rows = Vec::new();
    for id in midcall.crm_ids() {
        let (b, _) = matrix::load_checked(&midcall.sources, &id, &template_ids)?;
        let (auth, env) = auth(&b.auth);
        let requires = matrix::requirements(&b);
        let not_yet = template_ids
            .iter()
            .filter(|t| !b.actions.contains_key(*t) && !b.unsupported.contains_key(*t))
            .cloned()
            .collect();
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
            requires,
            templates: b.actions.into_keys().collect(),
            unsupported: b.unsupported,
            not_yet,
            spec_only: false,
        });
    }
    for id in spec_only_ids(midcall) {
        rows.push(spec_only_row(midcall, id)?);
    }
    let table = Matrix {
        templates: template_ids,
        systems: rows
            .iter()
            .map(|r| matrix::System {
                id: r.id.clone(),
                name: one_line(&r.name),
                bound: r.templates.clone(),
                unsupported: r.unsupported.clone(),
                requires: r.requires.clone(),
                not_yet: r.not_yet.clone(),
                spec_only: r.spec_only,
            })
            .collect(),
    };
    if args.json {
        print_json(&rows)?;
        return Ok(EXIT_OK);
    }
    if args.markdown {
        emit(&markdown(&table))?;
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
        for (t, needs) in &r.requires {
            out.push_str(&format!("  requires   {t}: {}\n", one_line(needs)));
        }
        if !r.unsupported.is_empty() {
            out.push_str(&format!(
                "  cannot     {}: {}\n",
                r.unsupported.len(),
                r.unsupported.keys().cloned().collect::<Vec<_>>().join(", ")
            ));
        }
    }
    for r in rows.iter().filter(|r| r.spec_only) {
        out.push_str(&format!("{} ({})\n", r.id, one_line(&r.name)));
        out.push_str(&format!("  base URL   {}\n", one_line(&r.base_url)));
        out.push_str(&format!(
            "  templates  0 of {all_templates}: spec only, nothing bound yet (add specs/{}/bindings.yaml)\n",
            r.id
        ));
    }
    out.push('\n');
    out.push_str(&text_matrix(&table));
    out.push_str(&format!(
        "{} CRM(s) bound, {} with a spec only. Generate: gen --crm <id> --template <template>; all of them: gen all.\n",
        rows.iter().filter(|r| !r.spec_only).count(),
        rows.iter().filter(|r| r.spec_only).count()
    ));
    emit(&out)?;
    Ok(EXIT_OK)
}

/// A cell's mark: `✓` bound, `–` unsupported (the reason is listed below
/// the matrix), `·` not bound yet.
fn mark(cell: &Cell) -> &'static str {
    match cell {
        Cell::Bound => "✓",
        Cell::Unsupported(_) => "–",
        Cell::NotYet => "·",
    }
}

/// The matrix for a terminal: templates as rows, CRM ids as columns, then
/// each unsupported cell's reason.
fn text_matrix(m: &Matrix) -> String {
    let first = m
        .templates
        .iter()
        .map(String::len)
        .max()
        .unwrap_or(0)
        .max(8);
    let mut out = format!("{:first$}", "TEMPLATE");
    for s in &m.systems {
        out.push_str("  ");
        out.push_str(&s.id);
    }
    out = out.trim_end().to_string();
    out.push('\n');
    for t in &m.templates {
        let mut line = format!("{t:first$}");
        for s in &m.systems {
            // Centre the mark under the id; `✓*`: the binding needs
            // something (listed below).
            let mut m = mark(&s.cell(t)).to_string();
            if s.requires.contains_key(t) {
                m.push('*');
            }
            let w = s.id.chars().count().max(m.chars().count());
            let left = (w - m.chars().count()) / 2;
            line.push_str("  ");
            line.push_str(&" ".repeat(left));
            line.push_str(&m);
            line.push_str(&" ".repeat(w - m.chars().count() - left));
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out.push_str(
        "✓ bound (✓* needs a licence or add-on, below)   – cannot be served (why below)   · not bound yet\n",
    );
    for s in &m.systems {
        for (t, needs) in &s.requires {
            out.push_str(&format!("✓* {} × {t} needs: {}\n", s.id, one_line(needs)));
        }
    }
    for s in &m.systems {
        for (t, reason) in &s.unsupported {
            out.push_str(&format!("– {} × {t}: {}\n", s.id, one_line(reason)));
        }
    }
    out.push('\n');
    out
}

/// Text safe in a Markdown table cell: one line, `|` escaped.
fn md_cell(text: &str) -> String {
    one_line(text).replace('|', "\\|")
}

/// The matrix as Markdown: a table (templates as rows, CRMs as columns)
/// and the reasons of the unsupported cells, numbered in the table.
fn markdown(m: &Matrix) -> String {
    let mut notes: Vec<String> = Vec::new();
    let mut out = String::from("| template |");
    for s in &m.systems {
        if s.spec_only {
            out.push_str(&format!(" `{}` (spec only) |", md_cell(&s.id)));
        } else {
            out.push_str(&format!(" {} |", md_cell(&s.name)));
        }
    }
    out.push_str("\n|---|");
    out.push_str(&":-:|".repeat(m.systems.len()));
    out.push('\n');
    for t in &m.templates {
        out.push_str(&format!("| `{t}` |"));
        for s in &m.systems {
            let cell = s.cell(t);
            if let Cell::Unsupported(reason) = &cell {
                notes.push(format!(
                    "{}. {}, `{t}`: {}",
                    notes.len() + 1,
                    one_line(&s.name),
                    one_line(reason)
                ));
                out.push_str(&format!(" – ({}) |", notes.len()));
            } else if let Some(needs) = s.requires.get(t) {
                notes.push(format!(
                    "{}. {}, `{t}` needs: {}",
                    notes.len() + 1,
                    one_line(&s.name),
                    one_line(needs)
                ));
                out.push_str(&format!(" ✓ ({}) |", notes.len()));
            } else {
                out.push_str(&format!(" {} |", mark(&cell)));
            }
        }
        out.push('\n');
    }
    out.push_str(
        "\n✓ bound (a number: what the binding needs, below), – cannot be served (the reason below), · not bound yet.\n",
    );
    if !notes.is_empty() {
        out.push('\n');
        for n in notes {
            out.push_str(&n);
            out.push('\n');
        }
    }
    out
}
