//! The `gen` command line: parses arguments, calls the library, prints.
//!
//! Exit codes: 0 success, 1 a check found a difference or violation,
//! 2 bad usage or bad input. One file per command family: the enum below
//! dispatches, each module prints.

mod assess;
mod catalog;
/// `println!` with control characters escaped, that ignores a closed
/// standard output (`gen … | head`: the reader has seen enough) and returns
/// any other write error (a full disk) from the enclosing function.
macro_rules! say {
    ($($arg:tt)*) => {
        $crate::cli::emit(&format!("{}\n", format_args!($($arg)*)))?
    };
}

mod crms;
mod derive;
mod generate;
mod matcher;
mod ops;
mod terminal;
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
    /// Largest input file read, in MiB (specs, templates, bindings, tool definitions); default 64.
    #[arg(long, global = true, value_name = "MIB", env = "MIDCALL_MAX_INPUT_MB", value_parser = clap::value_parser!(u64).range(1..))]
    max_input_mb: Option<u64>,
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
    #[arg(long, value_delimiter = ',', value_name = "NAME[,NAME]", value_parser = target_name)]
    pub(crate) target: Vec<String>,
    /// Print to standard output instead of writing files.
    #[arg(long)]
    pub(crate) stdout: bool,
    /// Output folder (also of `gen all` and `gen check`).
    #[arg(long, global = true, value_name = "DIR", default_value = "generated")]
    pub(crate) out: PathBuf,
    /// URL of your tool server, written into targets that call one (Vapi, Retell, ElevenLabs).
    #[arg(long, value_name = "URL", value_parser = server_url)]
    pub(crate) server_url: Option<String>,
    /// A spec we do not bundle: generate from it (with --bindings, or the top match of `gen match`).
    #[arg(long, value_name = "FILE")]
    pub(crate) spec: Option<PathBuf>,
    /// Bindings for --spec (e.g. a reviewed `gen match --write-bindings` draft).
    #[arg(long, value_name = "FILE", requires = "spec")]
    pub(crate) bindings: Option<PathBuf>,
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
            (self.spec.is_some(), "--spec"),
            (self.bindings.is_some(), "--bindings"),
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
    /// The bundled CRMs: base URL, the environment variables they need, the templates they bind or cannot serve (a matrix).
    Crms(crms::CrmsArgs),
    /// One use case explained, with an example tool definition.
    Show(catalog::ShowArgs),
    /// Rate a use case against the brief's evaluation matrix (exit 0 whatever the verdict).
    Assess(assess::AssessArgs),
    /// Rank a spec's operations for a template, explain why, draft bindings.
    Match(matcher::MatchArgs),
    /// Cut each bundled spec (`specs/<crm>/openapi.yaml`) from the vendor's own files, as its `derive.yaml` says.
    Derive(derive::DeriveArgs),
    /// List the operations of an OpenAPI spec (to write bindings for it).
    Ops {
        /// The spec: one file, or several that make one API (YAML or JSON; OpenAPI 3.0, 3.1 or Swagger 2.0).
        #[arg(long, value_name = "FILE", num_args = 1.., required = true)]
        spec: Vec<PathBuf>,
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
            Command::Match(_) => "match",
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
    use clap::{CommandFactory, FromArgMatches};
    let parsed = Cli::command()
        .try_get_matches_from(args)
        .and_then(|m| Cli::from_arg_matches(&m).map(|cli| (cli, m)));
    let (cli, matches) = match parsed {
        Ok(parsed) => parsed,
        Err(e) => {
            if let Some(line) = one_line(&e) {
                eprintln!("{}", terminal::safe(&line, false));
                return EXIT_USAGE;
            }
            let _ = e.print();
            return if e.use_stderr() { EXIT_USAGE } else { EXIT_OK };
        }
    };
    if let Some(command) = &cli.command {
        if let Some(flag) = unused_global_flag(command, &matches) {
            eprintln!(
                "error: `gen {}` does not use `{flag}`; remove it",
                command.name()
            );
            return EXIT_USAGE;
        }
    }
    if let Some(mb) = cli.sources.max_input_mb {
        crate::input::set_max_bytes(mb.saturating_mul(1024 * 1024));
    }
    match dispatch(cli) {
        Ok(code) => code,
        Err(e) => {
            // A check's problems are one line each.
            for line in e.to_string().lines() {
                eprintln!("error: {}", terminal::safe(line, false));
            }
            EXIT_USAGE
        }
    }
}

/// The first global flag given on the command line that `command` does not
/// use: `--out` means something only to generating, `gen all` and `gen
/// check`; `--templates` and `--specs` nothing to `ops` and `validate`.
fn unused_global_flag(command: &Command, matches: &clap::ArgMatches) -> Option<&'static str> {
    use clap::parser::ValueSource;
    let given = |id: &str| {
        let here = |m: &clap::ArgMatches| {
            m.try_get_raw(id).ok().flatten().is_some()
                && m.value_source(id) == Some(ValueSource::CommandLine)
        };
        here(matches) || matches.subcommand().is_some_and(|(_, sub)| here(sub))
    };
    let unused: &[(&str, &'static str)] = match command {
        Command::All | Command::Check => &[],
        Command::Ops { .. } | Command::Validate { .. } => &[
            ("out", "--out"),
            ("templates", "--templates"),
            ("specs", "--specs"),
        ],
        Command::Derive(_) => &[("out", "--out"), ("templates", "--templates")],
        _ => &[("out", "--out")],
    };
    unused
        .iter()
        .find(|(id, _)| given(id))
        .map(|(_, flag)| *flag)
}

/// `--target` names: none empty (`vapi,,mcp` is a typo, not a target).
fn target_name(value: &str) -> Result<String, String> {
    if value.trim().is_empty() {
        return Err("a target name is empty (two commas, or a comma at an end)".to_string());
    }
    Ok(value.to_string())
}

/// `--server-url`: an absolute `http://` or `https://` URL with a host, no
/// user name or password (it is written into files people commit), no
/// query or fragment (routes are appended), no white space or quotes.
fn server_url(value: &str) -> Result<String, String> {
    let problem = |why: &str| Err(format!("`{value}` is not a usable server URL: {why}"));
    let Some(rest) = value
        .strip_prefix("https://")
        .or_else(|| value.strip_prefix("http://"))
    else {
        return problem("it must start with https:// (or http://)");
    };
    if value
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '"' | '\\' | '<' | '>' | '`'))
    {
        return problem("it holds white space, a quote or a control character");
    }
    if value.contains(['?', '#']) {
        // Each target appends its route (`/retell/<crm>/<tool>`), which
        // would land inside a query or fragment.
        return problem(
            "it holds a query or fragment; the tool server's routes are appended to it",
        );
    }
    let authority = rest.split('/').next().unwrap_or("");
    if authority.contains('@') {
        return problem("it holds a user name or password; keep secrets out of tool definitions");
    }
    let (host, port) = match authority.strip_prefix('[') {
        Some(v6) => match v6.split_once(']') {
            Some((ip, after))
                if !ip.is_empty()
                    && ip
                        .chars()
                        .all(|c| c.is_ascii_hexdigit() || c == ':' || c == '.') =>
            {
                ("[v6]", after.strip_prefix(':'))
            }
            _ => return problem("its IPv6 address is malformed"),
        },
        None => match authority.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        },
    };
    if port.is_some_and(|p| p.parse::<u16>().is_err()) {
        return problem("its port is not a number from 0 to 65535");
    }
    let host_ok = host == "[v6]"
        || (!host.is_empty()
            && !host.starts_with(['.', '-'])
            && !host.ends_with('-')
            && !host.contains("..")
            && host
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-'));
    if !host_ok {
        return problem("it has no valid host name");
    }
    Ok(value.to_string())
}

fn dispatch(cli: Cli) -> Result<i32, Error> {
    // `gen ops`, `gen derive` and `gen validate` read no template or CRM
    // spec: the bundled files are not copied for them (a `--templates` or
    // `--specs` folder is still read, so its errors are the same).
    let mut sources = match cli.command {
        Some(Command::Ops { .. } | Command::Derive(_) | Command::Validate { .. }) => {
            Sources::empty()
        }
        _ => Sources::bundled(),
    };
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
        Some(Command::Match(args)) => matcher::run(&Midcall::new(sources)?, &args),
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
        None if cli.generate.spec.is_some() => {
            matcher::generate(&Midcall::new(sources)?, cli.generate)
        }
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
        ErrorKind::DisplayHelp
        | ErrorKind::DisplayVersion
        | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => None,
        // Every other usage error: clap's lines before `Usage:` joined into
        // one, and where to read more.
        _ => {
            let rendered = e.render().to_string();
            let parts: Vec<&str> = rendered
                .lines()
                .take_while(|l| !l.starts_with("Usage:"))
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .collect();
            (!parts.is_empty()).then(|| format!("{}; see `gen --help`", parts.join(" ")))
        }
    }
}

/// Prints pretty JSON and a newline.
pub(crate) fn print_json(value: &impl serde::Serialize) -> Result<(), Error> {
    let text = serde_json::to_string_pretty(value).map_err(|e| Error::Serialize {
        what: "JSON on standard output".into(),
        message: e.to_string(),
    })?;
    emit(&format!("{text}\n"))
}

/// Writes `text` to standard output with control characters escaped (see
/// [`terminal::safe`]). A closed pipe (`| head`) is not an error worth a
/// message; any other write error (a full disk) is.
pub(crate) fn emit(text: &str) -> Result<(), Error> {
    write_stdout(&terminal::safe(text, true))
}

/// Writes a generated file's contents to standard output: as they are into
/// a pipe or a file, escaped on a terminal.
pub(crate) fn emit_file(text: &str) -> Result<(), Error> {
    use std::io::IsTerminal;
    if std::io::stdout().is_terminal() {
        emit(text)
    } else {
        write_stdout(text)
    }
}

fn write_stdout(text: &str) -> Result<(), Error> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(Error::Io {
            path: "standard output".into(),
            message: e.to_string(),
        }),
        _ => Ok(()),
    }
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
