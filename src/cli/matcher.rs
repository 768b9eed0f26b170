//! `gen match`: rank a spec's operations for a template, explain why,
//! propose the mapping and write a draft bindings file; and
//! `gen --spec FILE --template T`: generate for a spec we do not bundle.

use std::path::{Path, PathBuf};

use clap::Args;

use super::{print_json, EXIT_OK};
use crate::catalog::{self, Template};
use crate::error::Error;
use crate::matcher::{self, Index};
use crate::openapi::{self, Api};
use crate::Midcall;

/// `gen match --spec FILE... [--template T] [--top N] [--json]`.
#[derive(Debug, Args)]
pub(crate) struct MatchArgs {
    /// The spec file(s) (YAML or JSON); several are matched as one API.
    #[arg(long, value_name = "FILE", num_args = 1.., required_unless_present = "accuracy")]
    spec: Vec<PathBuf>,
    /// Rank the operations for this template (without it: the best templates for each operation).
    #[arg(long, value_name = "ID")]
    template: Option<String>,
    /// How many candidates to show.
    #[arg(long, value_name = "N", default_value_t = 5)]
    top: usize,
    /// Print JSON for scripts.
    #[arg(long)]
    json: bool,
    /// Write a draft bindings file for `--template` from the top match (review it before use).
    #[arg(long, value_name = "FILE", requires = "template")]
    write_bindings: Option<PathBuf>,
    /// Score the matcher against a labelled answer key (top-1 and top-3 per vendor).
    #[arg(long, value_name = "LABELS", conflicts_with_all = ["spec", "template", "write_bindings"])]
    accuracy: Option<PathBuf>,
    /// Where the labels' spec files are (with `--accuracy`).
    #[arg(long, value_name = "DIR", default_value = "../shared/realspecs")]
    realspecs: PathBuf,
}

/// Loads every spec file given.
fn load_all(paths: &[PathBuf]) -> Result<Vec<Api>, Error> {
    paths
        .iter()
        .map(|p| openapi::load_file(p).map_err(Error::from))
        .collect()
}

/// `gen match`.
pub(super) fn run(midcall: &Midcall, args: &MatchArgs) -> Result<i32, Error> {
    if let Some(labels) = &args.accuracy {
        return accuracy(midcall, labels, &args.realspecs, args.json);
    }
    let apis = load_all(&args.spec)?;
    let refs: Vec<&Api> = apis.iter().collect();
    let index = Index::new(&refs);
    match &args.template {
        Some(id) => {
            let template = catalog::load(&midcall.sources, id)?;
            let ranked = matcher::top(&index, &template, args.top.max(1));
            if args.json {
                print_json(&ranked)?;
            } else {
                print_ranked(&index, &template, &ranked);
            }
        }
        None => {
            let templates = all_templates(midcall)?;
            let best = matcher::best_templates(&index, &templates);
            if args.json {
                let list: Vec<serde_json::Value> = best
                    .iter()
                    .map(|(i, ts)| {
                        let e = &index.entries[*i];
                        serde_json::json!({
                            "method": e.method,
                            "path": e.path,
                            "operationId": e.operation_id,
                            "templates": ts.iter().map(|(t, s)| serde_json::json!({"template": t.id, "score": s})).collect::<Vec<_>>(),
                        })
                    })
                    .collect();
                print_json(&list)?;
            } else {
                for (i, ts) in &best {
                    let e = &index.entries[*i];
                    let names: Vec<String> =
                        ts.iter().map(|(t, s)| format!("{} ({s})", t.id)).collect();
                    say!(
                        "{:<7} {}  {}  → {}",
                        e.method,
                        e.path,
                        e.operation_id.as_deref().unwrap_or("-"),
                        names.join(", ")
                    );
                }
                say!(
                    "\n{} of {} operations fulfil a template (score ≥ {}). Details: gen match --spec … --template ID",
                    best.len(),
                    index.entries.len(),
                    matcher::WORTH
                );
            }
        }
    }
    Ok(EXIT_OK)
}

fn all_templates(midcall: &Midcall) -> Result<Vec<Template>, Error> {
    midcall
        .template_ids()
        .iter()
        .map(|id| catalog::load(&midcall.sources, id))
        .collect()
}

fn print_ranked(index: &Index, template: &Template, ranked: &[matcher::Candidate]) {
    let titles: Vec<String> = index
        .apis
        .iter()
        .map(|a| format!("{} {}", a.title, a.version))
        .collect();
    say!(
        "{}: the {} best of {} operations for `{}` ({} {}, inputs: {})",
        titles.join(" + "),
        ranked.len(),
        index.entries.len(),
        template.id,
        template.intent.action,
        template.intent.entities.join("/"),
        template.intent.inputs.join(", ")
    );
    for (n, c) in ranked.iter().enumerate() {
        say!(
            "\n{:>2}. {:>4}  {} {}  {}{}",
            n + 1,
            c.score,
            c.method,
            c.path,
            c.operation_id.as_deref().unwrap_or("-"),
            c.summary
                .as_deref()
                .map(|s| format!("  ({})", matcher::one_line(s, 80)))
                .unwrap_or_default()
        );
        for r in &c.reasons {
            say!("        {:+4}  {}", r.points, r.text);
        }
    }
}

/// `gen match --accuracy LABELS`: top-1 and top-3 per vendor and overall,
/// then every miss.
fn accuracy(midcall: &Midcall, labels: &Path, dir: &Path, json: bool) -> Result<i32, Error> {
    let text = std::fs::read_to_string(labels).map_err(|e| Error::io(labels, &e))?;
    let labels = matcher::labels::parse(&text, &labels.display().to_string())?;
    if !dir.is_dir() {
        return Err(Error::Io {
            path: dir.to_path_buf(),
            message: "not a folder; give the labels' specs with --realspecs DIR".to_string(),
        });
    }
    let acc = matcher::labels::measure(&labels, dir, &|id| catalog::load(&midcall.sources, id))?;
    if json {
        print_json(&serde_json::json!({
            "by_vendor": acc.by_vendor(),
            "overall": acc.overall(),
            "outcomes": acc.outcomes,
            "skipped": acc.skipped,
        }))?;
        return Ok(EXIT_OK);
    }
    let pct = |n: usize, d: usize| if d == 0 { 0.0 } else { 100.0 * n as f64 / d as f64 };
    say!("{:<16} {:>5} {:>14} {:>14}", "VENDOR", "CASES", "TOP-1", "TOP-3");
    let mut rows: Vec<(String, matcher::labels::Tally)> = acc.by_vendor().into_iter().collect();
    rows.push(("overall".to_string(), acc.overall()));
    for (vendor, t) in rows {
        say!(
            "{:<16} {:>5} {:>5} ({:>5.1}%) {:>5} ({:>5.1}%)",
            vendor,
            t.cases,
            t.top1,
            pct(t.top1, t.cases),
            t.top3,
            pct(t.top3, t.cases)
        );
    }
    for s in &acc.skipped {
        say!("skipped: {} ({} case(s)): {}", s.spec, s.cases, matcher::one_line(&s.error, 160));
    }
    for o in acc.outcomes.iter().filter(|o| !o.top1) {
        say!(
            "miss{}: {} {}: expected {}; got {}",
            if o.top3 { " (in top 3)" } else { "" },
            o.label.vendor,
            o.label.template,
            o.label.expect.join(" | "),
            o.got.join(", ")
        );
    }
    Ok(EXIT_OK)
}
