//! The `gen` command line: parses arguments, calls the library, prints.
//!
//! Exit codes: 0 success, 1 a check found a difference or violation,
//! 2 bad usage or bad input.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{Args, Parser, Subcommand};

use crate::error::Error;
use crate::output;
use crate::render::RenderOptions;
use crate::source::Sources;
use crate::spec;
use crate::Midcall;

/// Exit code: success.
pub const EXIT_OK: i32 = 0;
/// Exit code: a check found a difference or violation.
pub const EXIT_CHECK_FAILED: i32 = 1;
/// Exit code: bad usage or bad input.
pub const EXIT_USAGE: i32 = 2;

/// Generate voice-assistant tool definitions and Rust connectors for CRMs.
#[derive(Debug, Parser)]
#[command(
    name = "gen",
    version,
    args_conflicts_with_subcommands = true,
    after_help = "Examples:\n  gen --crm hubspot --template contact-lookup\n  gen --crm hubspot --template contact-lookup --target vapi --stdout\n  gen ops --spec ./openapi.yaml\n  gen check"
)]
pub struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    generate: GenerateArgs,
    #[command(flatten)]
    sources: SourceArgs,
}

/// Where templates and specs come from besides the bundled ones.
#[derive(Debug, Args)]
struct SourceArgs {
    /// A folder of templates (`<id>/template.yaml`, `targets/*.tera`) that adds to or overrides the bundled ones.
    #[arg(long, global = true, value_name = "DIR")]
    templates: Option<PathBuf>,
    /// A folder of CRM specs (`<crm>/openapi.yaml`, `<crm>/bindings.yaml`) that adds to or overrides the bundled ones.
    #[arg(long, global = true, value_name = "DIR")]
    specs: Option<PathBuf>,
}

/// Generating one CRM × template.
#[derive(Debug, Args)]
struct GenerateArgs {
    /// CRM id (see `specs/`), e.g. `hubspot`.
    #[arg(long)]
    crm: Option<String>,
    /// Template id (see `templates/`), e.g. `contact-lookup`.
    #[arg(long)]
    template: Option<String>,
    /// Targets to write, comma-separated (default: all).
    #[arg(long, value_delimiter = ',', value_name = "NAME[,NAME]")]
    target: Vec<String>,
    /// Print to standard output instead of writing files.
    #[arg(long)]
    stdout: bool,
    /// Output folder.
    #[arg(long, value_name = "DIR", default_value = "generated")]
    out: PathBuf,
    /// URL of your tool server, written into targets that call one (Vapi).
    #[arg(long, value_name = "URL")]
    server_url: Option<String>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Regenerate every bound CRM × template into the output folder.
    All {
        /// Output folder.
        #[arg(long, value_name = "DIR", default_value = "generated")]
        out: PathBuf,
    },
    /// Exit 1 and name the files when the output folder is stale (for CI).
    Check {
        /// Output folder.
        #[arg(long, value_name = "DIR", default_value = "generated")]
        out: PathBuf,
    },
    /// List the operations of an OpenAPI spec (to write bindings for it).
    Ops {
        /// The spec file (YAML or JSON, OpenAPI 3.0).
        #[arg(long, value_name = "FILE")]
        spec: PathBuf,
    },
}

/// Runs `gen` with the given arguments (including the program name) and
/// returns the exit code.
pub fn run<I, T>(args: I) -> i32
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { EXIT_USAGE } else { EXIT_OK };
        }
    };
    match dispatch(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            EXIT_USAGE
        }
    }
}

fn dispatch(cli: Cli) -> Result<i32, Error> {
    let mut sources = Sources::bundled();
    if let Some(dir) = &cli.sources.templates {
        sources.overlay("templates", dir)?;
    }
    if let Some(dir) = &cli.sources.specs {
        sources.overlay("specs", dir)?;
    }
    match cli.command {
        Some(Command::Ops { spec }) => ops(&spec),
        Some(Command::All { out }) => {
            let midcall = Midcall::new(sources)?;
            all(&midcall, &out)
        }
        Some(Command::Check { out }) => {
            let midcall = Midcall::new(sources)?;
            check(&midcall, &out)
        }
        None => {
            let midcall = Midcall::new(sources)?;
            generate(&midcall, cli.generate)
        }
    }
}

fn generate(midcall: &Midcall, args: GenerateArgs) -> Result<i32, Error> {
    let (Some(crm), Some(template)) = (args.crm.as_deref(), args.template.as_deref()) else {
        eprintln!(
            "error: give --crm and --template (CRMs: {}; templates: {}), or a command; see `gen --help`",
            midcall.crm_ids().join(", "),
            midcall.template_ids().join(", ")
        );
        return Ok(EXIT_USAGE);
    };
    let options = RenderOptions {
        server_url: args.server_url,
    };
    let files = midcall.generate(crm, template, &args.target, &options)?;
    if args.stdout {
        let mut out = std::io::stdout().lock();
        let single = files.len() == 1;
        for file in &files {
            let result = if single {
                out.write_all(file.contents.as_bytes())
            } else {
                write!(out, "==== {} ====\n{}", file.file_name, file.contents)
            };
            if result.is_err() {
                // A closed pipe (`| head`) is not an error worth a message.
                return Ok(EXIT_OK);
            }
        }
        return Ok(EXIT_OK);
    }
    write_files(&args.out, crm, template, &files)?;
    output::write_index(&args.out)?;
    Ok(EXIT_OK)
}

fn write_files(
    out: &Path,
    crm: &str,
    template: &str,
    files: &[crate::render::Rendered],
) -> Result<(), Error> {
    let paths = output::write_action(out, crm, template, files)?;
    let names: Vec<&str> = files.iter().map(|f| f.file_name.as_str()).collect();
    let dir = out.join(output::action_dir(crm, template));
    println!(
        "{crm}/{template}: wrote {} file{} to {}: {}",
        paths.len(),
        if paths.len() == 1 { "" } else { "s" },
        dir.display(),
        names.join(", ")
    );
    Ok(())
}

/// Every (crm, template) pair with a binding, sorted.
fn bound_pairs(midcall: &Midcall) -> Result<Vec<(String, String)>, Error> {
    let mut pairs = Vec::new();
    for crm in midcall.crm_ids() {
        let (bindings, _) = crate::bindings::load(&midcall.sources, &crm)?;
        for template in bindings.actions.keys() {
            pairs.push((crm.clone(), template.clone()));
        }
    }
    Ok(pairs)
}

fn all(midcall: &Midcall, out: &Path) -> Result<i32, Error> {
    let options = RenderOptions::default();
    let mut rendered = Vec::new();
    for (crm, template) in bound_pairs(midcall)? {
        let files = midcall.generate(&crm, &template, &[], &options)?;
        rendered.push((crm, template, files));
    }
    // Everything rendered before anything is written: no half-updated folder.
    for (crm, template, files) in &rendered {
        write_files(out, crm, template, files)?;
    }
    output::write_index(out)?;
    Ok(EXIT_OK)
}

fn check(midcall: &Midcall, out: &Path) -> Result<i32, Error> {
    let options = RenderOptions::default();
    let mut stale = Vec::new();
    for (crm, template) in bound_pairs(midcall)? {
        let dir = out.join(output::action_dir(&crm, &template));
        for file in midcall.generate(&crm, &template, &[], &options)? {
            let path = dir.join(&file.file_name);
            match std::fs::read_to_string(&path) {
                Ok(old) if old == file.contents => {}
                Ok(_) => stale.push(format!("{}: differs from what gen writes", path.display())),
                Err(_) => stale.push(format!("{}: missing", path.display())),
            }
        }
    }
    if let Some(index) = output::index(out)? {
        let path = out.join("lib.rs");
        if std::fs::read_to_string(&path).ok().as_deref() != Some(index.as_str()) {
            stale.push(format!("{}: differs from what gen writes", path.display()));
        }
    }
    if stale.is_empty() {
        println!("{} is up to date", out.display());
        Ok(EXIT_OK)
    } else {
        for line in &stale {
            eprintln!("stale: {line}");
        }
        eprintln!(
            "{} file(s) stale; run `gen all --out {}` and commit the result",
            stale.len(),
            out.display()
        );
        Ok(EXIT_CHECK_FAILED)
    }
}

fn ops(path: &Path) -> Result<i32, Error> {
    let api = spec::load_file(path)?;
    println!(
        "{} {} (OpenAPI {}): {} operations",
        api.title,
        api.version,
        api.openapi,
        api.operations.len()
    );
    for op in &api.operations {
        println!(
            "{:<7} {}  {}{}",
            op.method,
            op.path,
            op.operation_id.as_deref().unwrap_or("-"),
            op.summary
                .as_deref()
                .map(|s| format!("  {}", s.lines().next().unwrap_or("")))
                .unwrap_or_default()
        );
    }
    Ok(EXIT_OK)
}
