//! The files midcall reads: the bundled `templates/` and `specs/`, embedded
//! at build time, overlaid by user folders (`--templates`, `--specs`).

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

mod bundled {
    include!(concat!(env!("OUT_DIR"), "/bundled.rs"));
}

/// One file: the name used in messages and its text.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Where it came from: a real path, or `templates/… (bundled)`.
    pub origin: String,
    /// Contents.
    pub text: String,
}

/// A virtual tree of files keyed by path relative to the project root
/// (`templates/contact-lookup/template.yaml`, `specs/hubspot/openapi.yaml`).
#[derive(Debug, Clone, Default)]
pub struct Sources {
    files: BTreeMap<String, SourceFile>,
}

impl Sources {
    /// The files bundled in the binary.
    pub fn bundled() -> Self {
        let files = bundled::BUNDLED
            .iter()
            .map(|(rel, text)| {
                let file = SourceFile {
                    origin: format!("{rel} (bundled)"),
                    text: (*text).to_string(),
                };
                (rel.to_string(), file)
            })
            .collect();
        Sources { files }
    }

    /// An empty tree (tests build their own).
    pub fn empty() -> Self {
        Sources::default()
    }

    /// Adds or replaces one file.
    pub fn insert(&mut self, rel: &str, origin: &str, text: &str) {
        self.files.insert(
            rel.to_string(),
            SourceFile {
                origin: origin.to_string(),
                text: text.to_string(),
            },
        );
    }

    /// Overlays every file under `dir` as if it sat under `prefix`
    /// (`templates` or `specs`): same relative path replaces, new adds.
    pub fn overlay(&mut self, prefix: &str, dir: &Path) -> Result<()> {
        if !dir.is_dir() {
            return Err(Error::Io {
                path: dir.to_path_buf(),
                message: "not a folder".to_string(),
            });
        }
        let mut found = Vec::new();
        walk(dir, &mut found)?;
        for path in found {
            let rel = path
                .strip_prefix(dir)
                .map_err(|_| Error::Io {
                    path: path.clone(),
                    message: "outside the overlay folder".to_string(),
                })?
                .to_string_lossy()
                .replace('\\', "/");
            let text = crate::input::read_text(&path).map_err(|e| Error::io(&path, &e))?;
            self.insert(
                &format!("{prefix}/{rel}"),
                &path.display().to_string(),
                &text,
            );
        }
        Ok(())
    }

    /// The file at `rel`, if present.
    pub fn get(&self, rel: &str) -> Option<&SourceFile> {
        self.files.get(rel)
    }

    /// Names of the direct subfolders of `prefix` that hold `file`
    /// (e.g. templates that have a `template.yaml`), sorted.
    pub fn folders_with(&self, prefix: &str, file: &str) -> Vec<String> {
        let start = format!("{prefix}/");
        self.files
            .keys()
            .filter_map(|k| k.strip_prefix(&start))
            .filter_map(|rest| rest.split_once('/'))
            .filter(|(_, f)| *f == file)
            .map(|(d, _)| d.to_string())
            .collect()
    }

    /// Files directly in `prefix` whose name ends with `suffix`, as
    /// (name, file), sorted by name.
    pub fn files_in(&self, prefix: &str, suffix: &str) -> Vec<(String, &SourceFile)> {
        let start = format!("{prefix}/");
        self.files
            .iter()
            .filter_map(|(k, f)| k.strip_prefix(&start).map(|n| (n, f)))
            .filter(|(n, _)| !n.contains('/') && n.ends_with(suffix))
            .map(|(n, f)| (n.to_string(), f))
            .collect()
    }
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    let entries = fs::read_dir(dir).map_err(|e| Error::io(dir, &e))?;
    let mut paths = Vec::new();
    for entry in entries {
        paths.push(entry.map_err(|e| Error::io(dir, &e))?.path());
    }
    paths.sort();
    for path in paths {
        if path.is_dir() {
            walk(&path, out)?;
        } else if path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| matches!(e, "yaml" | "yml" | "json" | "tera"))
        {
            // Only what midcall reads (as build.rs bundles): a README or an
            // editor's backup beside the files is not an error.
            out.push(path);
        }
    }
    Ok(())
}
