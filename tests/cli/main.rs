//! The `gen` binary as a user runs it: one test target for every command,
//! with a small builder in the style of just's `tests/test.rs`:
//!
//! ```ignore
//! Gen::new().args(["list", "--out", "x"]).code(2).stderr_contains("--out").run();
//! ```
//!
//! A case states what it gives (arguments, folder, environment, where
//! standard output goes) and what it expects (exit code, text on either
//! stream, one error line); `run` runs the real binary, checks every
//! expectation, and returns the output for anything more.

mod catalog;
mod generate;
mod inputs;
mod installed;
mod matrix;

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::Value;

/// Every CRM under `specs/` with a `bindings.yaml`, and the templates it
/// binds (the keys under `actions`, in file order), read straight from the
/// files: what `gen list`, `gen show` and `gen crms` must report, however
/// many systems get bound, with no count kept by hand in a test.
pub fn bound_actions() -> std::collections::BTreeMap<String, Vec<String>> {
    let mut crms = std::collections::BTreeMap::new();
    for entry in std::fs::read_dir(root().join("specs")).expect("specs/") {
        let dir = entry.expect("a specs/ entry").path();
        let Ok(text) = std::fs::read_to_string(dir.join("bindings.yaml")) else {
            continue;
        };
        let doc: serde_yaml::Value = serde_yaml::from_str(&text).expect("bindings YAML");
        let templates = doc["actions"]
            .as_mapping()
            .map(|m| {
                m.keys()
                    .filter_map(|k| k.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        crms.insert(
            dir.file_name().unwrap().to_string_lossy().into_owned(),
            templates,
        );
    }
    crms
}

/// One run of `gen`, with what it should do.
#[must_use = "a case does nothing until `.run()`"]
pub struct Gen {
    args: Vec<OsString>,
    dir: Option<PathBuf>,
    env: Vec<(OsString, Option<OsString>)>,
    stdout: Option<Stdio>,
    code: i32,
    stdout_contains: Vec<String>,
    stdout_lacks: Vec<String>,
    stderr_contains: Vec<String>,
    one_line_error: bool,
}

/// What a run printed and how it exited.
pub struct Ran {
    /// Standard output, lossily decoded.
    pub stdout: String,
    /// Standard error, lossily decoded.
    pub stderr: String,
}

impl Default for Gen {
    fn default() -> Self {
        Self::new()
    }
}

impl Gen {
    /// `gen` with no arguments, in the repository root, expecting exit 0.
    pub fn new() -> Self {
        Gen {
            args: Vec::new(),
            dir: Some(root()),
            env: Vec::new(),
            stdout: None,
            code: 0,
            stdout_contains: Vec::new(),
            stdout_lacks: Vec::new(),
            stderr_contains: Vec::new(),
            one_line_error: false,
        }
    }

    /// Adds arguments.
    pub fn args<I, S>(mut self, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<OsString>,
    {
        self.args.extend(args.into_iter().map(Into::into));
        self
    }

    /// Adds one argument.
    pub fn arg(self, arg: impl Into<OsString>) -> Self {
        self.args([arg])
    }

    /// Runs in `dir` instead of the repository root.
    pub fn current_dir(mut self, dir: impl AsRef<Path>) -> Self {
        self.dir = Some(dir.as_ref().to_path_buf());
        self
    }

    /// Sets an environment variable for the run.
    pub fn env(mut self, key: &str, value: impl Into<OsString>) -> Self {
        self.env.push((key.into(), Some(value.into())));
        self
    }

    /// Sends standard output somewhere else (a file, `/dev/full`).
    pub fn stdout_to(mut self, to: Stdio) -> Self {
        self.stdout = Some(to);
        self
    }

    /// The exit code expected (default 0).
    pub fn code(mut self, code: i32) -> Self {
        self.code = code;
        self
    }

    /// Standard output must hold `text`.
    pub fn stdout_contains(mut self, text: impl Into<String>) -> Self {
        self.stdout_contains.push(text.into());
        self
    }

    /// Standard output must not hold `text`.
    pub fn stdout_lacks(mut self, text: impl Into<String>) -> Self {
        self.stdout_lacks.push(text.into());
        self
    }

    /// Standard error must hold `text`.
    pub fn stderr_contains(mut self, text: impl Into<String>) -> Self {
        self.stderr_contains.push(text.into());
        self
    }

    /// A usage or input error: exit 2, exactly one line on standard error
    /// holding every needle, nothing on standard output, no panic.
    pub fn one_line_error<I, S>(mut self, needles: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.code = 2;
        self.one_line_error = true;
        self.stderr_contains
            .extend(needles.into_iter().map(Into::into));
        self
    }

    /// Runs `gen` and checks every expectation.
    pub fn run(self) -> Ran {
        let mut command = Command::new(env!("CARGO_BIN_EXE_gen"));
        command.args(&self.args).env_remove("MIDCALL_PLATFORMS");
        command.env_remove("MIDCALL_MAX_INPUT_MB");
        if let Some(dir) = &self.dir {
            command.current_dir(dir);
        }
        for (key, value) in &self.env {
            match value {
                Some(v) => command.env(key, v),
                None => command.env_remove(key),
            };
        }
        let redirected = self.stdout.is_some();
        command.stdout(self.stdout.unwrap_or_else(Stdio::piped));
        command.stderr(Stdio::piped());
        let output = command
            .spawn()
            .and_then(|c| c.wait_with_output())
            .expect("gen runs");
        let ran = Ran {
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        };
        let what = format!("gen {:?}", self.args);
        assert!(!ran.stderr.contains("panicked"), "{what}: {}", ran.stderr);
        assert_eq!(
            output.status.code(),
            Some(self.code),
            "{what}: exit code\nstdout: {}\nstderr: {}",
            ran.stdout,
            ran.stderr
        );
        for text in &self.stdout_contains {
            assert!(
                ran.stdout.contains(text),
                "{what}: `{text}` not in stdout:\n{}",
                ran.stdout
            );
        }
        for text in &self.stdout_lacks {
            assert!(
                !ran.stdout.contains(text),
                "{what}: `{text}` in stdout:\n{}",
                ran.stdout
            );
        }
        for text in &self.stderr_contains {
            assert!(
                ran.stderr.contains(text),
                "{what}: `{text}` not in stderr:\n{}",
                ran.stderr
            );
        }
        if self.one_line_error {
            assert_eq!(
                ran.stderr.trim_end().lines().count(),
                1,
                "{what}: not one line: {}",
                ran.stderr
            );
            assert!(ran.stderr.starts_with("error: "), "{what}: {}", ran.stderr);
            if !redirected {
                assert!(ran.stdout.is_empty(), "{what}: stdout: {}", ran.stdout);
            }
        }
        ran
    }
}

impl Ran {
    /// Standard output as one JSON document.
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not one JSON document ({e}):\n{}", self.stdout))
    }
}

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A file under `tests/fixtures/cli/`.
pub fn fixture(name: &str) -> String {
    root()
        .join("tests/fixtures/cli")
        .join(name)
        .display()
        .to_string()
}

/// `gen --crm hubspot --template contact-lookup --target T --stdout`, as JSON.
pub fn json_target(target: &str) -> Value {
    Gen::new()
        .args([
            "--crm",
            "hubspot",
            "--template",
            "contact-lookup",
            "--target",
            target,
            "--stdout",
        ])
        .run()
        .json()
}
