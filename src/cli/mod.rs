//! The `gen` command line: parses arguments, calls the library, prints.
//!
//! Exit codes: 0 success, 1 a check found a difference or violation,
//! 2 bad usage or bad input. One file per command family: the enum below
//! dispatches, each module prints.

mod assess;
mod catalog;
/// `println!` that ignores a closed standard output (`gen … | head`): the
/// reader has seen enough, which is no reason to panic.
macro_rules! say {
    ($($arg:tt)*) => {
        $crate::cli::emit(&format!("{}\n", format_args!($($arg)*)))
    };
}

mod crms;
mod derive;
mod generate;
mod ops;
mod validate;

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::error::Error;
use crate::source::Sources;
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
    after_help = "Examples:\n  gen --crm hubspot --template contact-lookup\n  gen --crm hubspot --template contact-lookup --target vapi --stdout\n  gen list --category billing\n  gen show appointment-book\n  gen assess --template order-status\n  gen ops --spec ./openapi.yaml\n  gen check"
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
pub(crate) struct GenerateArgs {
    /// CRM id (see `specs/`), e.g. `hubspot`.
    #[arg(long)]
    pub(crate) crm: Option<String>,
    /// Template id (see `templates/`), e.g. `contact-lookup`.
    #[arg(long)]
    pub(crate) template: Option<String>,
    /// Targets to write, comma-separated (default: all).
    #[arg(long, value_delimiter = ',', value_name = "NAME[,NAME]")]
    pub(crate) target: Vec<String>,
    /// Print to standard output instead of writing files.
    #[arg(long)]
    pub(crate) stdout: bool,
    /// Output folder (also of `gen all` and `gen check`).
    #[arg(long, global = true, value_name = "DIR", default_value = "generated")]
    pub(crate) out: PathBuf,
    /// URL of your tool server, written into targets that call one (Vapi, Retell, ElevenLabs).
    #[arg(long, value_name = "URL")]
    pub(crate) server_url: Option<String>,
}

impl GenerateArgs {
    /// The first generating flag given, if any (they mean nothing to a
    /// subcommand, and silently ignoring one would mislead).
    fn given_flag(&self) -> Option<&'static str> {
        [
            (self.crm.is_some(), "--crm"),
            (self.template.is_some(), "--template"),
            (!self.target.is_empty(), "--target"),
            (self.stdout, "--stdout"),
            (self.server_url.is_some(), "--server-url"),
        ]
        .into_iter()
        .find_map(|(given, flag)| given.then_some(flag))
    }
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Regenerate every bound CRM × template into the output folder.
    All,
    /// Exit 1 and name the files when the output folder is stale (for CI).
    Check,
    /// Check tool-definition files against each platform's rules (exit 1 on a violation).
    Validate {
        /// Files or folders (default: generated).
        #[arg(value_name = "PATH")]
        paths: Vec<PathBuf>,
        /// A folder of the platforms' published schemas (`vapi/openapi.json`, `mcp/schema-*.json`, …).
        #[arg(long, value_name = "DIR", env = "MIDCALL_PLATFORMS")]
        platforms: Option<PathBuf>,
    },
    /// The use-case catalogue: id, category, read/write, summary, bundled CRMs.
    List(catalog::ListArgs),
    /// The bundled CRMs: base URL, the environment variables they need, the templates they bind.
    Crms(crms::CrmsArgs),
    /// One use case explained, with an example tool definition.
    Show(catalog::ShowArgs),
    /// Rate a use case against the brief's evaluation matrix (exit 0 whatever the verdict).
    Assess(assess::AssessArgs),
    /// Cut each bundled spec (`specs/<crm>/openapi.yaml`) from the vendor's own files, as its `derive.yaml` says.
    Derive(derive::DeriveArgs),
    /// List the operations of an OpenAPI spec (to write bindings for it).
    Ops {
        /// The spec file (YAML or JSON, OpenAPI 3.0).
        #[arg(long, value_name = "FILE")]
        spec: PathBuf,
    },
}

impl Command {
    /// The subcommand's name, for messages.
    fn name(&self) -> &'static str {
        match self {
            Command::All => "all",
            Command::Check => "check",
            Command::Validate { .. } => "validate",
            Command::List(_) => "list",
            Command::Crms(_) => "crms",
            Command::Show(_) => "show",
            Command::Assess(_) => "assess",
            Command::Ops { .. } => "ops",
            Command::Derive(_) => "derive",
        }
    }
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
            if let Some(line) = one_line(&e) {
                eprintln!("{line}");
                return EXIT_USAGE;
            }
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
    if let Some(command) = &cli.command {
        if let Some(flag) = cli.generate.given_flag() {
            eprintln!(
                "error: `{flag}` is for generating (`gen --crm C --template T`), not for `gen {}`",
                command.name()
            );
            return Ok(EXIT_USAGE);
        }
    }
    match cli.command {
        Some(Command::Ops { spec }) => ops::run(&spec),
        Some(Command::Derive(args)) => derive::run(
            cli.sources
                .specs
                .as_deref()
                .unwrap_or(std::path::Path::new("specs")),
            &args,
        ),
        Some(Command::Validate { paths, platforms }) => {
            let paths = if paths.is_empty() {
                vec![PathBuf::from("generated")]
            } else {
                paths
            };
            validate::run(&paths, platforms.as_deref())
        }
        Some(Command::List(args)) => catalog::list(&Midcall::new(sources)?, &args),
        Some(Command::Crms(args)) => crms::run(&Midcall::new(sources)?, &args),
        Some(Command::Show(args)) => catalog::show(&Midcall::new(sources)?, &args),
        Some(Command::Assess(args)) => assess::run(&Midcall::new(sources)?, &args),
        Some(Command::All) => generate::all(&Midcall::new(sources)?, &cli.generate.out),
        Some(Command::Check) => generate::check(&Midcall::new(sources)?, &cli.generate.out),
        None => generate::one(&Midcall::new(sources)?, cli.generate),
    }
}

/// A bad flag value as one line with the valid choices (clap spreads it
/// over several); `None` for other errors, which clap prints itself.
fn one_line(e: &clap::Error) -> Option<String> {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    let text = |kind| match e.get(kind) {
        Some(ContextValue::String(s)) => Some(s.clone()),
        _ => None,
    };
    match e.kind() {
        ErrorKind::InvalidValue => {
            let arg = text(ContextKind::InvalidArg)?;
            let value = text(ContextKind::InvalidValue)?;
            let Some(ContextValue::Strings(valid)) = e.get(ContextKind::ValidValue) else {
                return None;
            };
            let suggestion = text(ContextKind::SuggestedValue)
                .map(|s| format!(" (did you mean `{s}`?)"))
                .unwrap_or_default();
            Some(format!(
                "error: invalid value `{value}` for `{arg}`{suggestion}; valid: {}",
                valid.join(", ")
            ))
        }
        ErrorKind::ValueValidation | ErrorKind::ArgumentConflict => {
            e.render().to_string().lines().next().map(str::to_string)
        }
        _ => None,
    }
}

/// Prints pretty JSON and a newline.
pub(crate) fn print_json(value: &impl serde::Serialize) -> Result<(), Error> {
    let text = serde_json::to_string_pretty(value).map_err(|e| Error::Io {
        path: "stdout".into(),
        message: format!("could not print JSON: {e}"),
    })?;
    emit(&format!("{text}\n"));
    Ok(())
}

/// Writes `text` to standard output; a closed pipe (`| head`) is not an
/// error worth a message.
pub(crate) fn emit(text: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
}

/// Greedy word wrap of `text` to `width` columns, each line prefixed.
pub(crate) fn wrap(text: &str, width: usize, prefix: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::from(prefix);
    for word in text.split_whitespace() {
        if line.len() > prefix.len() && line.len() + 1 + word.len() > width {
            lines.push(std::mem::replace(&mut line, String::from(prefix)));
        }
        if line.len() > prefix.len() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if line.len() > prefix.len() {
        lines.push(line);
    }
    lines
}
