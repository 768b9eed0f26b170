//! The matcher's answer key and its accuracy: a YAML list of (vendor spec,
//! template, the operation(s) that fulfil it, why), and top-1 / top-3 over
//! it, per vendor and overall (`gen match --accuracy LABELS`).

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::{top, Index};
use crate::catalog::Template;
use crate::error::{Error, Result};
use crate::openapi::{self, Api};

/// One labelled case.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Label {
    /// The vendor, for the per-vendor figures (`stripe`).
    pub vendor: String,
    /// The spec file(s), relative to the specs folder; several are matched
    /// as one API.
    pub spec: SpecFiles,
    /// The template id.
    pub template: String,
    /// The operations that fulfil it (`GET /v1/invoices/{invoice}`); the
    /// top match must be one of them.
    pub expect: Vec<String>,
    /// Where the answer comes from: the spec's own words or the vendor's
    /// documentation, one line.
    pub why: String,
}

/// One spec file or several.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
#[serde(untagged)]
pub enum SpecFiles {
    /// One file.
    One(String),
    /// Several files, matched together.
    Many(Vec<String>),
}

impl SpecFiles {
    /// The files, in order.
    pub fn files(&self) -> Vec<&str> {
        match self {
            SpecFiles::One(f) => vec![f.as_str()],
            SpecFiles::Many(fs) => fs.iter().map(String::as_str).collect(),
        }
    }
}

/// The outcome of one case.
#[derive(Debug, Clone, Serialize)]
pub struct Outcome {
    /// The label.
    pub label: Label,
    /// The top three operations, as `METHOD /path`, best first.
    pub got: Vec<String>,
    /// Whether the first is expected.
    pub top1: bool,
    /// Whether one of the first three is.
    pub top3: bool,
}

/// A spec that did not load, so its cases were not scored.
#[derive(Debug, Clone, Serialize)]
pub struct Skipped {
    /// The spec file(s).
    pub spec: String,
    /// How many cases it has.
    pub cases: usize,
    /// The loader's message.
    pub error: String,
}

/// The accuracy over a label file.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Accuracy {
    /// Every scored case.
    pub outcomes: Vec<Outcome>,
    /// Specs that did not load.
    pub skipped: Vec<Skipped>,
}

/// Counts for one vendor (or all).
#[derive(Debug, Clone, Copy, Serialize, Default, PartialEq, Eq)]
pub struct Tally {
    /// Cases scored.
    pub cases: usize,
    /// Cases whose first candidate is expected.
    pub top1: usize,
    /// Cases with an expected operation among the first three.
    pub top3: usize,
}

impl Accuracy {
    /// Per vendor, sorted by name.
    pub fn by_vendor(&self) -> BTreeMap<String, Tally> {
        let mut out: BTreeMap<String, Tally> = BTreeMap::new();
        for o in &self.outcomes {
            let t = out.entry(o.label.vendor.clone()).or_default();
            t.cases += 1;
            t.top1 += usize::from(o.top1);
            t.top3 += usize::from(o.top3);
        }
        out
    }

    /// Over every case.
    pub fn overall(&self) -> Tally {
        self.by_vendor()
            .values()
            .fold(Tally::default(), |a, t| Tally {
                cases: a.cases + t.cases,
                top1: a.top1 + t.top1,
                top3: a.top3 + t.top3,
            })
    }
}

/// Parses a label file.
pub fn parse(text: &str, origin: &str) -> Result<Vec<Label>> {
    let labels: Vec<Label> = serde_yaml::from_str(text).map_err(|e| Error::yaml(origin, &e))?;
    for (i, l) in labels.iter().enumerate() {
        if l.expect.is_empty() {
            return Err(Error::invalid(
                origin,
                format!("[{i}].expect"),
                "lists no operation",
            ));
        }
        for (j, e) in l.expect.iter().enumerate() {
            if e.split_once(' ').is_none() {
                return Err(Error::invalid(
                    origin,
                    format!("[{i}].expect[{j}]"),
                    format!("`{e}` is not `METHOD /path`"),
                ));
            }
        }
    }
    Ok(labels)
}

/// Scores every label whose spec loads from `dir`; `template` finds a
/// template by id. Each spec is loaded and indexed once for all its cases.
pub fn measure(
    labels: &[Label],
    dir: &Path,
    template: &dyn Fn(&str) -> Result<Template>,
) -> Result<Accuracy> {
    let mut by_spec: BTreeMap<SpecFiles, Vec<&Label>> = BTreeMap::new();
    for l in labels {
        by_spec.entry(l.spec.clone()).or_default().push(l);
    }
    let mut acc = Accuracy::default();
    for (spec, cases) in by_spec {
        let files: Vec<std::path::PathBuf> = spec.files().iter().map(|f| dir.join(f)).collect();
        let loaded: std::result::Result<Vec<Api>, String> = openapi::load_files(&files)
            .map(|api| vec![api])
            .map_err(|e| e.to_string());
        let apis = match loaded {
            Ok(apis) => apis,
            Err(error) => {
                acc.skipped.push(Skipped {
                    spec: spec.files().join(" + "),
                    cases: cases.len(),
                    error,
                });
                continue;
            }
        };
        let refs: Vec<&Api> = apis.iter().collect();
        let index = Index::new(&refs);
        for label in cases {
            let t = template(&label.template)?;
            let got: Vec<String> = top(&index, &t, 3)
                .iter()
                .map(|c| format!("{} {}", c.method, c.path))
                .collect();
            let hit = |g: &String| label.expect.iter().any(|e| same_op(e, g));
            acc.outcomes.push(Outcome {
                top1: got.first().is_some_and(hit),
                top3: got.iter().any(hit),
                got,
                label: label.clone(),
            });
        }
    }
    Ok(acc)
}

/// `GET /a/{b}` equals `get /a/{b}`.
fn same_op(a: &str, b: &str) -> bool {
    let split = |s: &str| {
        s.trim()
            .split_once(' ')
            .map(|(m, p)| (m.to_ascii_uppercase(), p.trim().to_string()))
    };
    split(a).is_some() && split(a) == split(b)
}
