//! `gen validate`: checks tool-definition files against each platform's
//! rules: the platform's published schema when one is available, and
//! always the rules no schema states ([`rules`]).

pub mod platform;
pub mod rules;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::error::{Error, Result};
use platform::PlatformSchema;

/// One violation in one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// The file.
    pub file: PathBuf,
    /// JSON pointer of the offending value (empty for the whole document).
    pub pointer: String,
    /// What is wrong.
    pub message: String,
    /// Which check found it: `rules` or the platform schema's location.
    pub by: String,
}

/// The outcome of checking one file.
#[derive(Debug, Clone)]
pub struct FileReport {
    /// The file.
    pub file: PathBuf,
    /// The target its name says it is (`vapi.json` → `vapi`).
    pub target: String,
    /// What it was checked against.
    pub checked_against: Vec<String>,
    /// What is wrong.
    pub violations: Vec<Violation>,
}

/// Checks documents per target; platform schemas are compiled once.
pub struct Validator {
    platforms: BTreeMap<String, PlatformSchema>,
}

impl Validator {
    /// Rules only, or rules plus the published schemas found in `platforms`.
    pub fn new(platforms: Option<&Path>) -> Result<Self> {
        let mut map = BTreeMap::new();
        if let Some(dir) = platforms {
            if !dir.is_dir() {
                return Err(Error::Io {
                    path: dir.to_path_buf(),
                    message: "platform schema folder not found".to_string(),
                });
            }
            for target in crate::platforms::PLATFORMS.iter().map(|p| p.target) {
                if let Some(schema) = PlatformSchema::load(dir, target)? {
                    map.insert(target.to_string(), schema);
                }
            }
            // A mistyped folder must not pass as "checked against the
            // platforms" when nothing was loaded.
            if map.is_empty() {
                let mut expected: Vec<String> = crate::platforms::PLATFORMS
                    .iter()
                    .filter_map(|p| p.schema)
                    .map(|s| format!("{}/{}*", s.folder, s.prefix))
                    .collect();
                expected.dedup();
                return Err(Error::Io {
                    path: dir.to_path_buf(),
                    message: format!(
                        "holds no platform schema (looked for {}); check the path",
                        expected.join(", ")
                    ),
                });
            }
        }
        Ok(Validator { platforms: map })
    }

    /// Targets with a published schema loaded.
    pub fn platform_targets(&self) -> Vec<&str> {
        self.platforms.keys().map(String::as_str).collect()
    }

    /// Whether there is anything to check a `target` file against.
    pub fn knows(&self, target: &str) -> bool {
        crate::platforms::get(target).is_some() || self.platforms.contains_key(target)
    }

    /// Checks one document as a `target` file.
    pub fn check(&self, file: &Path, target: &str, doc: &Value) -> FileReport {
        let mut violations = Vec::new();
        let mut checked_against = Vec::new();
        if let Some(schema) = self.platforms.get(target) {
            checked_against.push(schema.source.clone());
            for (pointer, message) in schema.check(doc) {
                violations.push(Violation {
                    file: file.to_path_buf(),
                    pointer,
                    message,
                    by: schema.source.clone(),
                });
            }
        }
        if crate::platforms::get(target).is_some() {
            checked_against.push("rules".to_string());
            for f in rules::check(target, doc) {
                violations.push(Violation {
                    file: file.to_path_buf(),
                    pointer: f.pointer,
                    message: f.message,
                    by: "rules".to_string(),
                });
            }
        }
        FileReport {
            file: file.to_path_buf(),
            target: target.to_string(),
            checked_against,
            violations,
        }
    }

    /// Checks one file; its target is its name (`vapi.json` → `vapi`).
    /// `Ok(None)` when nothing knows that target.
    pub fn check_file(&self, file: &Path) -> Result<Option<FileReport>> {
        let Some(target) = target_of(file) else {
            return Ok(None);
        };
        if !self.knows(&target) {
            return Ok(None);
        }
        let text = crate::input::read_text(file).map_err(|e| Error::io(file, &e))?;
        let report = match serde_json::from_str::<Value>(&text) {
            Ok(doc) => self.check(file, &target, &doc),
            Err(e) => FileReport {
                file: file.to_path_buf(),
                target: target.clone(),
                checked_against: vec!["JSON".to_string()],
                violations: vec![Violation {
                    file: file.to_path_buf(),
                    pointer: String::new(),
                    message: format!("not JSON: line {} column {}: {e}", e.line(), e.column()),
                    by: "JSON".to_string(),
                }],
            },
        };
        Ok(Some(report))
    }
}

/// The target a file's name says it is: `openai-chat.json` → `openai-chat`.
pub fn target_of(file: &Path) -> Option<String> {
    let name = file.file_name()?.to_str()?;
    name.strip_suffix(".json").map(str::to_string)
}

/// Every `.json` file under the paths (files as given, folders walked),
/// sorted, each once.
pub fn collect_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for path in paths {
        if path.is_dir() {
            walk(path, &mut out)?;
        } else if path.exists() {
            out.push(path.clone());
        } else {
            return Err(Error::Io {
                path: path.clone(),
                message: "no such file or folder".to_string(),
            });
        }
    }
    out.sort();
    out.dedup();
    Ok(out)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    for entry in fs::read_dir(dir).map_err(|e| Error::io(dir, &e))? {
        let path = entry.map_err(|e| Error::io(dir, &e))?.path();
        if path.is_dir() {
            walk(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "json") {
            out.push(path);
        }
    }
    Ok(())
}
