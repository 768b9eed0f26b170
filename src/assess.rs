//! The product brief's decision aid: is a mid-call action the right tool?
//!
//! The brief's evaluation matrix rates six criteria as highly, moderately
//! or not suitable:
//!
//! | criterion | highly | moderately | not |
//! |---|---|---|---|
//! | data freshness | seconds, minutes | hours, daily | weeks, months |
//! | API response time | < 3 s | 3–7 s | > 7 s |
//! | API reliability | > 99 % uptime | 95–99 % | < 95 % |
//! | data volume | < 1 MB | 1–5 MB | > 5 MB |
//! | usage frequency | daily | weekly | monthly |
//! | business criticality | high | medium | low |
//!
//! The verdict ([`assess`]) follows four rules, in order:
//!
//! 1. A "not suitable" on response time, reliability or volume makes the
//!    action **not suitable**: a caller cannot wait for it, or it fails
//!    too often to be spoken to. The answer says what to do instead.
//! 2. Two or more "not suitable" among freshness, frequency and
//!    criticality make it **not suitable** too: the data is static, rarely
//!    asked for or unimportant, so a cheaper alternative does the job.
//! 3. Every criterion "highly suitable" makes it **highly suitable**.
//! 4. Anything else is **moderately suitable**, naming the criteria below
//!    "highly".

use serde::{Deserialize, Serialize};

/// How fresh the data the caller asks about must be (how fast it changes).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, clap::ValueEnum,
)]
#[serde(rename_all = "lowercase")]
pub enum Freshness {
    /// Changes within seconds (a payment just made).
    Seconds,
    /// Changes within minutes (a parcel scan, a free slot).
    Minutes,
    /// Changes within hours.
    Hours,
    /// Changes about daily.
    Daily,
    /// Changes about weekly.
    Weeks,
    /// Changes about monthly or less often.
    Months,
}

/// How often callers need the action.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, clap::ValueEnum,
)]
#[serde(rename_all = "lowercase")]
pub enum Frequency {
    /// Every day.
    Daily,
    /// About every week.
    Weekly,
    /// About every month or less.
    Monthly,
}

/// How much the business depends on the answer.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, clap::ValueEnum,
)]
#[serde(rename_all = "lowercase")]
pub enum Criticality {
    /// A wrong or missing answer loses a customer or money.
    High,
    /// It matters, but a follow-up repairs it.
    Medium,
    /// Nice to have.
    Low,
}

/// The brief's evaluation profile of one action: the inputs of the matrix.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// How fast the data changes.
    pub freshness: Freshness,
    /// The API's typical (p50) response time, in milliseconds.
    pub latency_ms: u64,
    /// The API's availability, in percent (0 to 100).
    pub uptime: f64,
    /// The size of the API's response, in kilobytes (1 MB = 1024 KB).
    pub payload_kb: f64,
    /// How often callers need it.
    pub frequency: Frequency,
    /// How much the business depends on it.
    pub criticality: Criticality,
}

impl Profile {
    /// Why the numbers cannot be assessed (negative, not a number, uptime
    /// above 100), or `None` when they can.
    pub fn problem(&self) -> Option<String> {
        if !(self.uptime.is_finite() && (0.0..=100.0).contains(&self.uptime)) {
            return Some(format!(
                "uptime {} is not a percentage 0..=100",
                self.uptime
            ));
        }
        if !(self.payload_kb.is_finite() && self.payload_kb >= 0.0) {
            return Some(format!(
                "payload_kb {} must be 0 or more kilobytes",
                self.payload_kb
            ));
        }
        None
    }
}

/// One cell of the matrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Suitability {
    /// The matrix's left column.
    HighlySuitable,
    /// The middle column.
    ModeratelySuitable,
    /// The right column.
    NotSuitable,
}

impl Suitability {
    /// "highly suitable", "moderately suitable", "not suitable".
    pub fn label(self) -> &'static str {
        match self {
            Suitability::HighlySuitable => "highly suitable",
            Suitability::ModeratelySuitable => "moderately suitable",
            Suitability::NotSuitable => "not suitable",
        }
    }
}

/// The six criteria, in the brief's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Criterion {
    /// Data freshness.
    Freshness,
    /// API response time.
    Latency,
    /// API reliability (uptime).
    Uptime,
    /// Data volume.
    Volume,
    /// Usage frequency.
    Frequency,
    /// Business criticality.
    Criticality,
}

impl Criterion {
    /// The brief's name for it.
    pub fn label(self) -> &'static str {
        match self {
            Criterion::Freshness => "data freshness",
            Criterion::Latency => "API response time",
            Criterion::Uptime => "API reliability",
            Criterion::Volume => "data volume",
            Criterion::Frequency => "usage frequency",
            Criterion::Criticality => "business criticality",
        }
    }

    /// Whether a "not suitable" here alone rules the action out (rule 1).
    pub fn is_hard(self) -> bool {
        matches!(
            self,
            Criterion::Latency | Criterion::Uptime | Criterion::Volume
        )
    }

    /// The brief's thresholds, as one line.
    pub fn thresholds(self) -> &'static str {
        match self {
            Criterion::Freshness => {
                "highly: seconds/minutes; moderately: hours/daily; not: weeks/months"
            }
            Criterion::Latency => "highly: < 3 s; moderately: 3-7 s; not: > 7 s",
            Criterion::Uptime => "highly: > 99 %; moderately: 95-99 %; not: < 95 %",
            Criterion::Volume => "highly: < 1 MB; moderately: 1-5 MB; not: > 5 MB",
            Criterion::Frequency => "highly: daily; moderately: weekly; not: monthly",
            Criterion::Criticality => "highly: high; moderately: medium; not: low",
        }
    }

    /// What to do instead when this criterion is "not suitable".
    pub fn instead(self) -> &'static str {
        match self {
            Criterion::Freshness => {
                "the data changes weekly or less: put it in the assistant's prompt or knowledge base before the call instead of fetching it live"
            }
            Criterion::Latency => {
                "a caller cannot wait over 7 s: speed up the API (a cache, a narrower query), pre-load the data before the call, or promise a post-call follow-up (SMS, email, callback)"
            }
            Criterion::Uptime => {
                "an API below 95 % uptime fails callers: fix its reliability (an SLA, a replica) first, and until then take the request down and follow up after the call"
            }
            Criterion::Volume => {
                "over 5 MB cannot be fetched and spoken mid-call: aggregate or filter on the server so the action returns a small answer, or pre-load the data"
            }
            Criterion::Frequency => {
                "callers need it monthly or less: a human follow-up or an FAQ answer costs less than an integration"
            }
            Criterion::Criticality => {
                "little depends on the answer: a general FAQ answer or a post-call follow-up is enough"
            }
        }
    }
}

/// One row of an assessment.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rating {
    /// Which criterion.
    pub criterion: Criterion,
    /// The brief's name for it.
    pub label: &'static str,
    /// The value assessed, for people ("9000 ms", "99.9 %", "seconds").
    pub value: String,
    /// The cell of the matrix it falls in.
    pub suitability: Suitability,
    /// The brief's thresholds.
    pub thresholds: &'static str,
}

/// The whole answer: one rating per criterion and the verdict.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Assessment {
    /// What was assessed.
    pub profile: Profile,
    /// The six ratings, in the brief's order.
    pub ratings: Vec<Rating>,
    /// The overall verdict.
    pub verdict: Suitability,
    /// Why, in one sentence.
    pub reason: String,
    /// What to do instead (empty unless something is "not suitable").
    pub instead: Vec<String>,
}

/// Rates data freshness.
pub fn rate_freshness(f: Freshness) -> Suitability {
    match f {
        Freshness::Seconds | Freshness::Minutes => Suitability::HighlySuitable,
        Freshness::Hours | Freshness::Daily => Suitability::ModeratelySuitable,
        Freshness::Weeks | Freshness::Months => Suitability::NotSuitable,
    }
}

/// Rates API response time: under 3000 ms highly, up to 7000 ms moderately.
pub fn rate_latency(ms: u64) -> Suitability {
    match ms {
        0..=2999 => Suitability::HighlySuitable,
        3000..=7000 => Suitability::ModeratelySuitable,
        _ => Suitability::NotSuitable,
    }
}

/// Rates API reliability: above 99 % highly, 95 % to 99 % moderately.
pub fn rate_uptime(percent: f64) -> Suitability {
    if percent > 99.0 {
        Suitability::HighlySuitable
    } else if percent >= 95.0 {
        Suitability::ModeratelySuitable
    } else {
        Suitability::NotSuitable
    }
}

/// Rates data volume: under 1 MB (1024 KB) highly, up to 5 MB moderately.
pub fn rate_volume(kb: f64) -> Suitability {
    if kb < 1024.0 {
        Suitability::HighlySuitable
    } else if kb <= 5.0 * 1024.0 {
        Suitability::ModeratelySuitable
    } else {
        Suitability::NotSuitable
    }
}

/// Rates usage frequency.
pub fn rate_frequency(f: Frequency) -> Suitability {
    match f {
        Frequency::Daily => Suitability::HighlySuitable,
        Frequency::Weekly => Suitability::ModeratelySuitable,
        Frequency::Monthly => Suitability::NotSuitable,
    }
}

/// Rates business criticality.
pub fn rate_criticality(c: Criticality) -> Suitability {
    match c {
        Criticality::High => Suitability::HighlySuitable,
        Criticality::Medium => Suitability::ModeratelySuitable,
        Criticality::Low => Suitability::NotSuitable,
    }
}

fn enum_name<T: Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// Rates every criterion of `profile` and decides the verdict (see the
/// module documentation for the rules).
pub fn assess(profile: &Profile) -> Assessment {
    let rating = |criterion: Criterion, value: String, suitability: Suitability| Rating {
        criterion,
        label: criterion.label(),
        value,
        suitability,
        thresholds: criterion.thresholds(),
    };
    let ratings = vec![
        rating(
            Criterion::Freshness,
            enum_name(&profile.freshness),
            rate_freshness(profile.freshness),
        ),
        rating(
            Criterion::Latency,
            format!("{} ms", profile.latency_ms),
            rate_latency(profile.latency_ms),
        ),
        rating(
            Criterion::Uptime,
            format!("{} %", profile.uptime),
            rate_uptime(profile.uptime),
        ),
        rating(
            Criterion::Volume,
            format!("{} KB", profile.payload_kb),
            rate_volume(profile.payload_kb),
        ),
        rating(
            Criterion::Frequency,
            enum_name(&profile.frequency),
            rate_frequency(profile.frequency),
        ),
        rating(
            Criterion::Criticality,
            enum_name(&profile.criticality),
            rate_criticality(profile.criticality),
        ),
    ];
    let describe = |rs: &[&Rating]| {
        rs.iter()
            .map(|r| format!("{} ({})", r.label, r.value))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let not: Vec<&Rating> = ratings
        .iter()
        .filter(|r| r.suitability == Suitability::NotSuitable)
        .collect();
    let hard: Vec<&Rating> = not
        .iter()
        .copied()
        .filter(|r| r.criterion.is_hard())
        .collect();
    let below: Vec<&Rating> = ratings
        .iter()
        .filter(|r| r.suitability != Suitability::HighlySuitable)
        .collect();
    let instead = not
        .iter()
        .map(|r| r.criterion.instead().to_string())
        .collect();
    let is = |rs: &[&Rating]| if rs.len() == 1 { "is" } else { "are" };
    let (verdict, reason) = if !hard.is_empty() {
        (
            Suitability::NotSuitable,
            format!(
                "{} {} not suitable, and one \"not suitable\" on response time, reliability or volume rules a mid-call action out",
                describe(&hard),
                is(&hard)
            ),
        )
    } else if not.len() >= 2 {
        (
            Suitability::NotSuitable,
            format!(
                "{} are not suitable: the data is static, rarely needed or of little weight, so an alternative does the job",
                describe(&not)
            ),
        )
    } else if below.is_empty() {
        (
            Suitability::HighlySuitable,
            "every criterion is highly suitable".to_string(),
        )
    } else {
        (
            Suitability::ModeratelySuitable,
            format!(
                "{} {} below highly suitable, and nothing rules it out",
                describe(&below),
                is(&below)
            ),
        )
    };
    Assessment {
        profile: *profile,
        ratings,
        verdict,
        reason,
        instead,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn good() -> Profile {
        Profile {
            freshness: Freshness::Seconds,
            latency_ms: 800,
            uptime: 99.9,
            payload_kb: 4.0,
            frequency: Frequency::Daily,
            criticality: Criticality::High,
        }
    }

    #[test]
    fn thresholds_sit_where_the_brief_puts_them() {
        assert_eq!(rate_latency(2999), Suitability::HighlySuitable);
        assert_eq!(rate_latency(3000), Suitability::ModeratelySuitable);
        assert_eq!(rate_latency(7000), Suitability::ModeratelySuitable);
        assert_eq!(rate_latency(7001), Suitability::NotSuitable);
        assert_eq!(rate_uptime(99.01), Suitability::HighlySuitable);
        assert_eq!(rate_uptime(99.0), Suitability::ModeratelySuitable);
        assert_eq!(rate_uptime(95.0), Suitability::ModeratelySuitable);
        assert_eq!(rate_uptime(94.9), Suitability::NotSuitable);
        assert_eq!(rate_volume(1023.0), Suitability::HighlySuitable);
        assert_eq!(rate_volume(5120.0), Suitability::ModeratelySuitable);
        assert_eq!(rate_volume(5121.0), Suitability::NotSuitable);
        assert_eq!(
            rate_freshness(Freshness::Daily),
            Suitability::ModeratelySuitable
        );
        assert_eq!(rate_freshness(Freshness::Weeks), Suitability::NotSuitable);
    }

    #[test]
    fn verdict_rules() {
        let a = assess(&good());
        assert_eq!(a.verdict, Suitability::HighlySuitable);
        assert!(a.instead.is_empty());

        let a = assess(&Profile {
            latency_ms: 9000,
            ..good()
        });
        assert_eq!(a.verdict, Suitability::NotSuitable);
        assert!(a.reason.contains("API response time"), "{}", a.reason);
        assert_eq!(a.instead.len(), 1);

        // One soft "not" only lowers the verdict to moderately.
        let a = assess(&Profile {
            criticality: Criticality::Low,
            ..good()
        });
        assert_eq!(a.verdict, Suitability::ModeratelySuitable);

        // Two soft "not"s rule it out.
        let a = assess(&Profile {
            criticality: Criticality::Low,
            frequency: Frequency::Monthly,
            ..good()
        });
        assert_eq!(a.verdict, Suitability::NotSuitable);
    }

    #[test]
    fn bad_numbers_are_named() {
        assert!(Profile {
            uptime: 101.0,
            ..good()
        }
        .problem()
        .is_some());
        assert!(good().problem().is_none());
    }
}
