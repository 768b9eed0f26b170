//! Browsing the use-case catalogue: `gen list` and `gen show <id>`.

use clap::Args;
use serde_json::{json, Value};

use std::fmt::Write as _;

use super::terminal::one_line;
use super::{emit, print_json, wrap, EXIT_OK};
use crate::catalog::{self, Access, Category, Entry};
use crate::error::Error;
use crate::explain;
use crate::Midcall;

/// `gen list`: the catalogue as a table.
#[derive(Debug, Args)]
pub(crate) struct ListArgs {
    /// Only templates of this category.
    #[arg(long, value_enum)]
    category: Option<Category>,
    /// Only templates that read, or only those that write.
    #[arg(long, value_enum)]
    access: Option<Access>,
    /// Print JSON (an array of objects) for scripts.
    #[arg(long)]
    json: bool,
}

/// `gen show <id>`: one template explained.
#[derive(Debug, Args)]
pub(crate) struct ShowArgs {
    /// The template id, e.g. `appointment-book` (see `gen list`).
    id: String,
    /// The target of the example tool definition.
    #[arg(long, value_name = "NAME", default_value = "mcp")]
    target: String,
    /// The CRM the example is rendered for (default: the first that binds the template).
    #[arg(long, value_name = "ID")]
    crm: Option<String>,
    /// Print JSON (the template, its CRMs and what they need, the CRMs that
    /// cannot serve it and why, its assessment and the example).
    #[arg(long)]
    json: bool,
}

/// `gen list [--category C] [--access A] [--json]`.
pub(super) fn list(midcall: &Midcall, args: &ListArgs) -> Result<i32, Error> {
    let rows: Vec<Entry> = catalog::entries(&midcall.sources)?
        .into_iter()
        .filter(|e| !matches!(args.category, Some(c) if c != e.category))
        .filter(|e| !matches!(args.access, Some(a) if a != e.access))
        .collect();
    if args.json {
        let value: Vec<Value> = rows
            .iter()
            .map(|e| {
                json!({
                    "id": e.id,
                    "title": e.title,
                    "category": e.category,
                    "access": e.access,
                    "tool": e.tool,
                    "summary": e.summary,
                    "crm_count": e.crms.len(),
                    "crms": e.crms,
                })
            })
            .collect();
        print_json(&Value::Array(value))?;
        return Ok(EXIT_OK);
    }
    let id_w = rows.iter().map(|e| e.id.len()).max().unwrap_or(2).max(2);
    let tool_w = rows.iter().map(|e| e.tool.len()).max().unwrap_or(4).max(4);
    let cat_w = "technical-support".len();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<id_w$}  {:<cat_w$}  {:<6}  {:>4}  {:<tool_w$}  SUMMARY",
        "ID", "CATEGORY", "ACCESS", "CRMS", "TOOL"
    );
    for e in &rows {
        let _ = writeln!(
            out,
            "{:<id_w$}  {:<cat_w$}  {:<6}  {:>4}  {:<tool_w$}  {}",
            e.id,
            e.category.as_str(),
            e.access.as_str(),
            e.crms.len(),
            e.tool,
            super::terminal::one_line(&e.summary)
        );
    }
    let writes = rows.iter().filter(|e| e.access == Access::Write).count();
    let _ = writeln!(
        out,
        "\n{} template{} ({} read, {} write). Details: gen show <id>. Suitability: gen assess --template <id>.",
        rows.len(),
        if rows.len() == 1 { "" } else { "s" },
        rows.len() - writes,
        writes
    );
    emit(&out)?;
    Ok(EXIT_OK)
}

/// `gen show <id>`: prints the library's [`explain::Explanation`].
pub(super) fn show(midcall: &Midcall, args: &ShowArgs) -> Result<i32, Error> {
    let explained = explain::explain(midcall, &args.id, &args.target, args.crm.as_deref())?;
    if args.json {
        print_json(&explained)?;
    } else {
        emit(&show_text(&explained))?;
    }
    Ok(EXIT_OK)
}

/// The explanation as text for a reader.
fn show_text(x: &explain::Explanation) -> String {
    let (t, crms, assessment) = (&x.template, &x.crms, &x.assessment);
    let mut out = String::new();
    let mut line = |s: String| {
        out.push_str(&s);
        out.push('\n');
    };
    line(format!("{}: {}", t.id, one_line(&t.title)));
    line(format!(
        "category: {}   access: {}   tool: {}",
        t.category.as_str(),
        t.access.as_str(),
        t.tool.name
    ));
    line(String::new());
    for l in wrap(&t.summary, 78, "") {
        line(l);
    }
    line(String::new());
    line(format!(
        "Supported by: {}",
        if crms.is_empty() {
            "no bundled CRM yet (bind it in specs/<crm>/bindings.yaml; the tool definitions below need none)".to_string()
        } else {
            crms.join(", ")
        }
    ));
    for (crm, needs) in &x.requires {
        for l in wrap(&format!("{crm} needs: {needs}"), 76, "  ") {
            line(l);
        }
    }
    if !x.unsupported.is_empty() {
        line("Cannot be served by:".to_string());
        for (crm, reason) in &x.unsupported {
            for l in wrap(&format!("{crm}: {reason}"), 76, "  ") {
                line(l);
            }
        }
    }
    line(String::new());
    line("Tool description (what the assistant reads):".to_string());
    for l in wrap(&t.tool.description, 76, "  ") {
        line(l);
    }
    line(String::new());
    line("Parameters:".to_string());
    if t.tool.parameters.is_empty() {
        line("  (none)".to_string());
    }
    for p in &t.tool.parameters {
        let mut kind = p.ty.as_str().to_string();
        if let Some(f) = &p.format {
            kind.push_str(&format!(", format {f}"));
        }
        if let Some(values) = &p.enum_values {
            kind.push_str(&format!(", one of {}", values.join("|")));
        }
        if let Some(pat) = &p.pattern {
            kind.push_str(&format!(", pattern {pat}"));
        }
        let need = if p.required { "required" } else { "optional" };
        line(format!("  {} ({kind}; {need})", p.name));
        for l in wrap(&p.description, 72, "      ") {
            line(l);
        }
    }
    if !t.tool.at_least_one_of.is_empty() {
        line(format!(
            "  At least one of: {}",
            t.tool.at_least_one_of.join(", ")
        ));
    }
    line(String::new());
    line("Result fields (all the assistant gets):".to_string());
    for f in &t.result {
        line(format!(
            "  {} ({}): {}",
            f.name,
            f.ty.as_str(),
            f.description.trim()
        ));
    }
    line(String::new());
    line("Speech:".to_string());
    line(format!("  start:   {}", t.speech.start.trim()));
    line(format!(
        "  delayed: {} (after {} ms)",
        t.speech.delayed.trim(),
        t.speech.delayed_after_ms
    ));
    line(format!("  failed:  {}", t.speech.failed.trim()));
    line(String::new());
    line(format!(
        "Limits: deadline {} ms, result at most {} bytes",
        t.limits.timeout_ms, t.limits.max_result_bytes
    ));
    match &t.idempotency {
        Some(i) => {
            let key = if i.key.is_empty() {
                String::new()
            } else {
                format!(" on {}", i.key.join(", "))
            };
            line(format!("Idempotency: {}{key}.", i.kind.as_str()));
            for l in wrap(&i.note, 76, "  ") {
                line(l);
            }
        }
        None => line("Idempotency: not needed (read-only, safe to repeat).".to_string()),
    }
    let p = &t.profile;
    line(format!(
        "Profile: freshness {}, latency {} ms, uptime {} %, payload {} KB, frequency {}, criticality {}",
        value_name(p.freshness),
        p.latency_ms,
        p.uptime,
        p.payload_kb,
        value_name(p.frequency),
        value_name(p.criticality)
    ));
    line(format!(
        "  The brief rates it {}: {}. (gen assess --template {})",
        assessment.verdict.label(),
        assessment.reason,
        t.id
    ));
    line(String::new());
    let e = &x.example;
    match &e.crm {
        Some(crm) => line(format!(
            "Example: {} for {crm} (gen --crm {crm} --template {} --target {} --stdout)",
            e.file_name, t.id, e.target
        )),
        None => line(format!(
            "Example: {}, generic, no CRM (gen --template {} --target {} --stdout)",
            e.file_name, t.id, e.target
        )),
    }
    out.push_str(&e.contents);
    out
}

/// The command-line spelling of an enum value (`seconds`, `daily`, `high`).
fn value_name(v: impl clap::ValueEnum) -> String {
    v.to_possible_value()
        .map(|p| p.get_name().to_string())
        .unwrap_or_default()
}
