//! The plan: every file a run writes under the output folder, with its
//! contents, decided before anything is written. `gen all` writes it,
//! `gen check` compares it with the folder (changed, missing and extra
//! files are all differences).
//!
//! The plan owns `<out>/lib.rs` and every top-level folder of `<out>`
//! named like a CRM id (`<out>/<crm>/…`); everything else in `<out>` is
//! the user's (`Cargo.toml`, `tests/`, `target/`, `_generic/`) and is
//! neither compared nor touched.

use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::names::{crm_id_problem, folder};
use crate::output::write_atomic;
use crate::render::Rendered;

/// The output crate's index, relative to the output folder.
pub const INDEX: &str = "lib.rs";

/// One file to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedFile {
    /// Relative to the output folder, `/`-separated
    /// (`hubspot/contact-lookup/vapi.json`, `lib.rs`).
    pub path: String,
    /// Its full contents.
    pub contents: String,
}

/// Every file to write, sorted by path, each once.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    files: Vec<PlannedFile>,
}

/// How the output folder differs from the plan at one path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// The file is there with other contents.
    Changed,
    /// The plan has it; the folder does not.
    Missing,
    /// The folder has it in a folder the plan owns; the plan does not
    /// (a removed binding, target or CRM).
    Extra,
}

/// One difference between the plan and the output folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    /// The file, under the output folder.
    pub path: PathBuf,
    /// What differs.
    pub change: Change,
}

impl fmt::Display for Difference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.change {
            Change::Changed => "differs from what gen writes",
            Change::Missing => "missing",
            Change::Extra => "no longer written by gen (no binding produces it); delete it",
        };
        write!(f, "{}: {what}", self.path.display())
    }
}

/// What [`Plan::write`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Written {
    /// Files written because they were new or different, in plan order.
    pub changed: Vec<PathBuf>,
    /// Files left untouched because they already held the planned bytes.
    pub unchanged: usize,
}

impl Plan {
    /// An empty plan.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a file, replacing one planned at the same path.
    pub fn add(&mut self, path: impl Into<String>, contents: impl Into<String>) {
        let file = PlannedFile {
            path: path.into(),
            contents: contents.into(),
        };
        match self.files.binary_search_by(|f| f.path.cmp(&file.path)) {
            Ok(i) => self.files[i] = file,
            Err(i) => self.files.insert(i, file),
        }
    }

    /// Adds one action's rendered files under `<crm>/<template>/`.
    pub fn add_action(&mut self, crm: &str, template: &str, files: &[Rendered]) {
        for file in files {
            self.add(action_path(crm, template, &file.file_name), &file.contents);
        }
    }

    /// The planned files, sorted by path.
    pub fn files(&self) -> &[PlannedFile] {
        &self.files
    }

    /// The file planned at `path`, if any.
    pub fn get(&self, path: &str) -> Option<&PlannedFile> {
        self.files
            .binary_search_by(|f| f.path.as_str().cmp(path))
            .ok()
            .map(|i| &self.files[i])
    }

    /// Writes every file under `out`, each through a temporary file and a
    /// rename; a file that already holds the planned bytes is not touched.
    pub fn write(&self, out: &Path) -> Result<Written> {
        let mut written = Written::default();
        for file in &self.files {
            let path = out.join(&file.path);
            if write_atomic(&path, &file.contents)? {
                written.changed.push(path);
            } else {
                written.unchanged += 1;
            }
        }
        Ok(written)
    }

    /// How `out` differs from the plan: changed and missing planned files,
    /// then extra files in the folders the plan owns (`<out>/<crm>/…` for
    /// any folder named like a CRM id), all sorted by path.
    pub fn diff(&self, out: &Path) -> Result<Vec<Difference>> {
        let mut diffs = Vec::new();
        for file in &self.files {
            let path = out.join(&file.path);
            match fs::read(&path) {
                Ok(old) if old == file.contents.as_bytes() => {}
                Ok(_) => diffs.push(Difference {
                    path,
                    change: Change::Changed,
                }),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => diffs.push(Difference {
                    path,
                    change: Change::Missing,
                }),
                Err(e) => return Err(Error::io(&path, &e)),
            }
        }
        for path in self.extra(out)? {
            diffs.push(Difference {
                path,
                change: Change::Extra,
            });
        }
        diffs.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(diffs)
    }

    /// Files in the folders the plan owns that it does not write, sorted:
    /// what a removed binding, target or CRM left behind. Symbolic links
    /// are listed, never followed.
    pub fn extra(&self, out: &Path) -> Result<Vec<PathBuf>> {
        let mut found = Vec::new();
        for entry in read_dir(out)? {
            let is_dir = entry.file_type().map_err(|e| Error::io(entry.path(), &e))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if is_dir.is_dir() && crm_id_problem(&name).is_none() {
                walk(&entry.path(), &name, &mut found)?;
            }
        }
        let mut extra: Vec<PathBuf> = found
            .into_iter()
            .filter(|rel| self.get(rel).is_none())
            .map(|rel| out.join(rel))
            .collect();
        extra.sort();
        Ok(extra)
    }
}

/// Where one action's file goes, relative to the output folder:
/// `<crm folder>/<template folder>/<file>`.
pub fn action_path(crm: &str, template: &str, file: &str) -> String {
    format!("{}/{}/{file}", folder(crm), folder(template))
}

fn read_dir(dir: &Path) -> Result<Vec<fs::DirEntry>> {
    let entries = match fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(Error::io(dir, &e)),
    };
    entries.map(|e| e.map_err(|e| Error::io(dir, &e))).collect()
}

/// Every non-folder under `dir` as a `/`-separated path starting `rel`.
fn walk(dir: &Path, rel: &str, found: &mut Vec<String>) -> Result<()> {
    for entry in read_dir(dir)? {
        let kind = entry.file_type().map_err(|e| Error::io(entry.path(), &e))?;
        let name = format!("{rel}/{}", entry.file_name().to_string_lossy());
        if kind.is_dir() {
            walk(&entry.path(), &name, found)?;
        } else {
            found.push(name);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diff_finds_changed_missing_and_extra_files_only_where_the_plan_owns() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path();
        let mut plan = Plan::new();
        plan.add("crm/t/a.json", "{}\n");
        plan.add("crm/t/b.json", "[]\n");
        plan.add(INDEX, "//! x\n");
        let written = plan.write(out).unwrap();
        assert_eq!(written.changed.len(), 3);
        assert!(plan.diff(out).unwrap().is_empty());
        assert_eq!(plan.write(out).unwrap().unchanged, 3);

        fs::write(out.join("crm/t/a.json"), "{ }\n").unwrap();
        fs::remove_file(out.join("crm/t/b.json")).unwrap();
        fs::create_dir_all(out.join("old-crm/t")).unwrap();
        fs::write(out.join("old-crm/t/a.json"), "{}").unwrap();
        // The user's: never compared.
        for mine in ["tests", "target", "_generic", "Upper"] {
            fs::create_dir_all(out.join(mine)).unwrap();
            fs::write(out.join(mine).join("x.rs"), "").unwrap();
        }
        fs::write(out.join("Cargo.toml"), "").unwrap();
        let diffs = plan.diff(out).unwrap();
        let text: Vec<String> = diffs.iter().map(|d| d.to_string()).collect();
        assert_eq!(diffs.len(), 3, "{text:?}");
        assert_eq!(diffs[0].change, Change::Changed);
        assert_eq!(diffs[1].change, Change::Missing);
        assert_eq!(diffs[2].change, Change::Extra);
        assert!(
            text[2].contains("old-crm/t/a.json: no longer written"),
            "{text:?}"
        );
    }

    #[test]
    fn add_keeps_paths_sorted_and_unique() {
        let mut plan = Plan::new();
        plan.add("b", "1");
        plan.add("a", "2");
        plan.add("b", "3");
        let paths: Vec<&str> = plan.files().iter().map(|f| f.path.as_str()).collect();
        assert_eq!(paths, ["a", "b"]);
        assert_eq!(plan.get("b").unwrap().contents, "3");
    }
}
