//! `gen match`: rank a spec's operations for a template, explain why,
//! propose the mapping and write a draft bindings file; and
//! `gen --spec FILE --template T`: generate for a spec we do not bundle.

use std::path::{Path, PathBuf};

use clap::Args;

use super::{print_json, GenerateArgs, EXIT_OK, EXIT_USAGE};
use crate::catalog::{self, Template};
use crate::error::Error;
use crate::matcher::{self, draft, Index};
use crate::openapi::{self, Api};
use crate::render::RenderOptions;
use crate::{names, output, Midcall};

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

/// Loads the spec file(s) given as one API (several files: one spec split
/// over them, external `$ref`s resolved).
fn load_all(paths: &[PathBuf]) -> Result<Vec<Api>, Error> {
    Ok(vec![openapi::load_files(paths)?])
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
                print_ranked(&index, &template, &ranked)?;
            }
            if let Some(file) = &args.write_bindings {
                let crm = draft::crm_id(index.apis[0], &args.spec[0]);
                let d = draft::draft(&index, &template, &crm)?;
                let command = format!(
                    "gen match --spec {} --template {} --write-bindings {}",
                    args.spec[0].display(),
                    template.id,
                    file.display()
                );
                let text = draft::to_yaml(&d, &template, &command)?;
                output::write_atomic(file, &text)?;
                eprintln!(
                    "wrote draft bindings for `{}` (`{} {}`) to {}; review them, then: gen --spec {} --bindings {} --template {}",
                    template.id,
                    d.chosen.method,
                    d.chosen.path,
                    file.display(),
                    index.apis[d.spec].origin,
                    file.display(),
                    template.id
                );
            } else if !args.json {
                if let Some(c) = ranked.first() {
                    print_mapping(&index, &template, c)?;
                }
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

fn print_ranked(
    index: &Index,
    template: &Template,
    ranked: &[matcher::Candidate],
) -> Result<(), Error> {
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
    Ok(())
}

/// The proposed mapping of the top candidate.
fn print_mapping(index: &Index, template: &Template, c: &matcher::Candidate) -> Result<(), Error> {
    let entry = &index.entries[c.entry];
    let m = matcher::mapping::propose(
        index,
        entry,
        template,
        (template.access == catalog::Access::Write).then_some(true),
    );
    say!("\nMapping proposed for `{} {}`:", c.method, c.path);
    for (arg, place) in &m.inputs {
        say!("  argument {arg:<18} -> {place}");
    }
    for arg in &m.unmapped_inputs {
        say!("  argument {arg:<18} -> (nothing found: not sent)");
    }
    for what in &m.unfilled {
        say!("  unfilled: {what} (no argument gives it)");
    }
    let record = if m.response.record.is_empty() {
        "the whole answer".to_string()
    } else {
        format!("`{}`", m.response.record)
    };
    say!("  record: {record}");
    for (field, source) in &m.response.fields {
        let text = match source {
            Some(crate::bindings::FieldBinding::Pointer(p)) => p.clone(),
            Some(crate::bindings::FieldBinding::Const(k)) => format!("always {}", k.value),
            Some(crate::bindings::FieldBinding::Mapped(k)) => k.pointer.clone(),
            Some(crate::bindings::FieldBinding::Transform(t)) => t.0.to_string(),
            None => "(not in the response: null)".to_string(),
        };
        say!("  result   {field:<18} <- {text}");
    }
    say!("Draft bindings from this: add --write-bindings FILE");
    Ok(())
}

/// `gen --spec FILE --template T [--bindings FILE]`: an in-memory CRM (the
/// spec plus the given or drafted bindings) through the normal pipeline.
pub(super) fn generate(midcall: &Midcall, args: GenerateArgs) -> Result<i32, Error> {
    let Some(spec) = args.spec.as_deref() else {
        return Ok(EXIT_USAGE);
    };
    let Some(template_id) = args.template.as_deref() else {
        eprintln!(
            "error: --spec needs --template; templates: {}",
            midcall.template_ids().join(", ")
        );
        return Ok(EXIT_USAGE);
    };
    let template = catalog::load(&midcall.sources, template_id)?;
    let api = openapi::load_files(&[spec])?;
    let crm = match &args.crm {
        Some(id) => {
            if let Some(problem) = names::id_problem(id) {
                eprintln!("error: --crm `{id}`: a CRM id {problem}");
                return Ok(EXIT_USAGE);
            }
            id.clone()
        }
        None => draft::crm_id(&api, spec),
    };
    let (text, origin) = match &args.bindings {
        Some(path) => (
            std::fs::read_to_string(path).map_err(|e| Error::io(path, &e))?,
            path.display().to_string(),
        ),
        None => {
            let index = Index::new(&[&api]);
            // Generating from a poor match would write a connector that
            // calls the wrong operation under the template's name (Zendesk
            // has no invoices: its best `invoice-lookup` match is "Show
            // Deleted User"). Below the score `gen match` needs to name a
            // template, nothing is written without bindings.
            if let Some(best) = matcher::top(&index, &template, 1).first() {
                if best.score < matcher::WORTH {
                    return Err(Error::invalid(
                        &spec.display().to_string(),
                        "paths",
                        format!(
                            "no operation fulfils `{}` well enough to generate without bindings: the best, `{} {}`, scores {} (at least {} is needed); see `gen match --spec {} --template {}`, and give --bindings FILE to bind an operation yourself",
                            template.id,
                            best.method,
                            best.path,
                            best.score,
                            matcher::WORTH,
                            spec.display(),
                            template.id
                        ),
                    ));
                }
            }
            let d = draft::draft(&index, &template, &crm)?;
            eprintln!(
                "note: no --bindings given: using the top match `{} {}` (score {}) for `{}`; review it with `gen match --spec {} --template {} --write-bindings FILE`",
                d.chosen.method,
                d.chosen.path,
                d.chosen.score,
                template.id,
                spec.display(),
                template.id
            );
            let command = format!("gen --spec {} --template {}", spec.display(), template.id);
            (
                draft::to_yaml(&d, &template, &command)?,
                format!("draft bindings from {}", spec.display()),
            )
        }
    };
    let mut sources = midcall.sources.clone();
    sources.insert(&format!("specs/{crm}/bindings.yaml"), &origin, &text);
    let local = Midcall::new(sources)?;
    local.insert_spec(&crm, std::sync::Arc::new(api));
    let options = RenderOptions {
        server_url: args.server_url.clone(),
    };
    let files = local.generate(&crm, template_id, &args.target, &options)?;
    if args.stdout {
        let single = files.len() == 1;
        for file in &files {
            if single {
                super::emit_file(&file.contents)?;
            } else {
                super::emit_file(&format!("==== {} ====\n{}", file.file_name, file.contents))?;
            }
        }
        return Ok(EXIT_OK);
    }
    let mut plan = crate::plan::Plan::new();
    plan.add_action(&crm, template_id, &files);
    if let Some(index) = local.index_for(&args.out, &plan)? {
        plan.add(crate::plan::INDEX, index);
    }
    plan.write(&args.out)?;
    let dir = args.out.join(output::action_dir(&crm, template_id));
    say!(
        "{crm}/{template_id}: wrote {} file{} to {}",
        files.len(),
        if files.len() == 1 { "" } else { "s" },
        dir.display()
    );
    Ok(EXIT_OK)
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
    let pct = |n: usize, d: usize| {
        if d == 0 {
            0.0
        } else {
            100.0 * n as f64 / d as f64
        }
    };
    say!(
        "{:<16} {:>5} {:>14} {:>14}",
        "VENDOR",
        "CASES",
        "TOP-1",
        "TOP-3"
    );
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
        say!(
            "skipped: {} ({} case(s)): {}",
            s.spec,
            s.cases,
            matcher::one_line(&s.error, 160)
        );
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
