//! The matcher: which operation of an unknown spec fulfils a template.
//!
//! A spec is indexed once ([`Index`]), then every template is scored
//! against every operation ([`rank`]); each [`Candidate`] carries its score
//! and the [`Reason`]s that added or removed points. From the chosen
//! operation, [`mapping`] proposes how the tool's arguments fill the request
//! and where the result fields are in the response, and [`draft`] writes a
//! bindings file from it. [`labels`] measures the ranking against a
//! hand-written answer key.
//!
//! Files: `tokens` (words, singulars, synonyms), `vocab` (words as
//! numbers), `index` (the operations reduced to words), `score` (points
//! and reasons), `mapping`, `draft`, `labels`.

pub mod draft;
pub mod index;
pub mod labels;
pub mod mapping;
pub mod score;
pub mod tokens;
pub mod vocab;

use serde::Serialize;

pub use index::{Index, OpEntry, OpKind};
pub use score::Reason;

use crate::catalog::Template;

/// One operation ranked for one template.
#[derive(Debug, Clone, Serialize)]
pub struct Candidate {
    /// The spec file the operation is in.
    pub spec: String,
    /// Upper-case method.
    pub method: String,
    /// Path template as in the spec.
    pub path: String,
    /// `operationId`, when the spec gives one.
    #[serde(rename = "operationId")]
    pub operation_id: Option<String>,
    /// The summary, when the spec gives one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// The sum of the reasons' points.
    pub score: i32,
    /// Why: every addition and deduction.
    pub reasons: Vec<Reason>,
    /// Position of the operation in [`Index::entries`].
    #[serde(skip)]
    pub entry: usize,
}

/// Every operation of the index scored for `template`, best first (ties in
/// document order, so the ranking is deterministic).
pub fn rank(index: &Index, template: &Template) -> Vec<Candidate> {
    let prepared = score::Prepared::new(&index.vocab, template);
    let mut scored: Vec<(i32, usize, Vec<Reason>)> = index
        .entries
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let (s, r) = score::score_prepared(e, &prepared);
            (s, i, r)
        })
        .collect();
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    scored
        .into_iter()
        .map(|(score, i, reasons)| candidate(index, i, score, reasons))
        .collect()
}

/// The best `top` candidates only, without building the others' reasons
/// twice: scores everything (points only, no reasons written), keeps the
/// head.
pub fn top(index: &Index, template: &Template, top: usize) -> Vec<Candidate> {
    let prepared = score::Prepared::new(&index.vocab, template);
    let mut scores: Vec<(i32, usize)> = index
        .entries
        .iter()
        .enumerate()
        .map(|(i, e)| (score::points(e, &prepared), i))
        .collect();
    scores.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    scores
        .into_iter()
        .take(top)
        .map(|(_, i)| {
            let (s, r) = score::score_prepared(&index.entries[i], &prepared);
            candidate(index, i, s, r)
        })
        .collect()
}

fn candidate(index: &Index, i: usize, score: i32, reasons: Vec<Reason>) -> Candidate {
    let e = &index.entries[i];
    let op = index.operation(e);
    Candidate {
        spec: index.apis[e.spec].origin.clone(),
        method: e.method.clone(),
        path: e.path.clone(),
        operation_id: e.operation_id.clone(),
        summary: op.summary.as_ref().map(|s| one_line(s, 160)),
        score,
        reasons,
        entry: i,
    }
}

/// The score an operation needs before `gen match` without `--template`
/// names a template for it.
pub const WORTH: i32 = 60;

/// For each operation, the templates it fulfils best (score at least
/// [`WORTH`], and within 10 points of the operation's best), best first.
pub fn best_templates<'t>(
    index: &Index,
    templates: &'t [Template],
) -> Vec<(usize, Vec<(&'t Template, i32)>)> {
    let prepared: Vec<score::Prepared<'t, '_>> = templates
        .iter()
        .map(|t| score::Prepared::new(&index.vocab, t))
        .collect();
    let mut out = Vec::new();
    for (i, e) in index.entries.iter().enumerate() {
        let mut scored: Vec<(&Template, i32)> = prepared
            .iter()
            .map(|p| (p.template(), score::points(e, p)))
            .filter(|(_, s)| *s >= WORTH)
            .collect();
        scored.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.id.cmp(&b.0.id)));
        if let Some(best) = scored.first().map(|(_, s)| *s) {
            scored.retain(|(_, s)| *s + 10 >= best);
            out.push((i, scored));
        }
    }
    out
}

/// `text` on one line, at most `max` characters (an ellipsis marks a cut).
pub fn one_line(text: &str, max: usize) -> String {
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= max {
        flat
    } else {
        let mut cut: String = flat.chars().take(max.saturating_sub(1)).collect();
        cut.push('…');
        cut
    }
}
