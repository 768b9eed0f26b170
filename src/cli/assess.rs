//! `gen assess`: the brief's decision aid. Prints a rating per criterion
//! and the verdict. "Not suitable" is an answer, not an error: exit 0.

use clap::Args;

use std::fmt::Write as _;

use super::{emit, print_json, EXIT_OK};
use crate::assess::{self, Criticality, Frequency, Freshness, Profile};
use crate::catalog;
use crate::error::Error;
use crate::Midcall;

const CRITERIA: [&str; 6] = [
    "freshness",
    "latency_ms",
    "uptime",
    "payload_kb",
    "frequency",
    "criticality",
];

/// The evaluation matrix's inputs, or a template whose profile to use.
#[derive(Debug, Args)]
pub(crate) struct AssessArgs {
    /// Assess this template's own profile instead of the flags.
    #[arg(long, value_name = "ID", conflicts_with_all = CRITERIA)]
    template: Option<String>,
    /// How fast the data changes.
    #[arg(long, value_enum, required_unless_present = "template")]
    freshness: Option<Freshness>,
    /// The API's typical response time in milliseconds.
    #[arg(long, value_name = "MS", required_unless_present = "template")]
    latency_ms: Option<u64>,
    /// The API's uptime in percent, 0 to 100.
    #[arg(long, value_name = "PERCENT", value_parser = percent, required_unless_present = "template")]
    uptime: Option<f64>,
    /// The response's size in kilobytes (1 MB = 1024 KB).
    #[arg(long, value_name = "KB", value_parser = kilobytes, required_unless_present = "template")]
    payload_kb: Option<f64>,
    /// How often callers need it.
    #[arg(long, value_enum, required_unless_present = "template")]
    frequency: Option<Frequency>,
    /// How much the business depends on it.
    #[arg(long, value_enum, required_unless_present = "template")]
    criticality: Option<Criticality>,
    /// Print JSON for scripts.
    #[arg(long)]
    json: bool,
}

fn percent(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() && (0.0..=100.0).contains(&v) => Ok(v),
        _ => Err("must be a percentage from 0 to 100, e.g. 99.9".to_string()),
    }
}

fn kilobytes(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() && v >= 0.0 => Ok(v),
        _ => Err("must be 0 or more kilobytes, e.g. 20".to_string()),
    }
}

/// `gen assess …`.
pub(super) fn run(midcall: &Midcall, args: &AssessArgs) -> Result<i32, Error> {
    let (profile, subject) = match &args.template {
        Some(id) => {
            let t = catalog::load(&midcall.sources, id)?;
            (t.profile, Some(t.id))
        }
        None => match (
            args.freshness,
            args.latency_ms,
            args.uptime,
            args.payload_kb,
            args.frequency,
            args.criticality,
        ) {
            (
                Some(freshness),
                Some(latency_ms),
                Some(uptime),
                Some(payload_kb),
                Some(frequency),
                Some(criticality),
            ) => (
                Profile {
                    freshness,
                    latency_ms,
                    uptime,
                    payload_kb,
                    frequency,
                    criticality,
                },
                None,
            ),
            // clap requires all six without --template; kept for safety.
            _ => {
                return Err(Error::invalid(
                    "command line",
                    "gen assess",
                    "give --template ID or all of --freshness, --latency-ms, --uptime, --payload-kb, --frequency, --criticality",
                ))
            }
        },
    };
    let a = assess::assess(&profile);
    if args.json {
        let mut value = serde_json::to_value(&a)
            .map_err(|e| Error::invalid("gen assess", "json", e.to_string()))?;
        if let (Some(id), Some(obj)) = (&subject, value.as_object_mut()) {
            obj.insert("template".into(), serde_json::json!(id));
        }
        print_json(&value)?;
        return Ok(EXIT_OK);
    }
    let mut out = String::new();
    if let Some(id) = &subject {
        let _ = writeln!(out, "Template {id}: its evaluation profile\n");
    }
    let label_w = a.ratings.iter().map(|r| r.label.len()).max().unwrap_or(9);
    let value_w = a
        .ratings
        .iter()
        .map(|r| r.value.len())
        .max()
        .unwrap_or(5)
        .max(5);
    let rating_w = "moderately suitable".len();
    let _ = writeln!(
        out,
        "{:<label_w$}  {:<value_w$}  {:<rating_w$}  THRESHOLDS (brief)",
        "CRITERION", "VALUE", "RATING"
    );
    for r in &a.ratings {
        let _ = writeln!(
            out,
            "{:<label_w$}  {:<value_w$}  {:<rating_w$}  {}",
            r.label,
            r.value,
            r.suitability.label(),
            r.thresholds
        );
    }
    let _ = writeln!(
        out,
        "\nVerdict: {}. Reason: {}.",
        a.verdict.label(),
        a.reason
    );
    for i in &a.instead {
        let _ = writeln!(out, "Instead: {i}.");
    }
    emit(&out)?;
    Ok(EXIT_OK)
}
