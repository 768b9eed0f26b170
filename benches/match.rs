//! How fast the matcher is on the largest real specs: load + index + rank
//! every template, next to the floor of merely parsing the same file into a
//! `serde_json::Value` in the same run. Run with `cargo bench --bench match`
//! (optionally the number of rounds, default 3). Uses `../shared/realspecs`;
//! says so and exits when it is absent.

use std::path::Path;
use std::time::{Duration, Instant};

use midcall::matcher::{top, Index};
use midcall::openapi;

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn time(rounds: usize, mut f: impl FnMut()) -> Duration {
    median(
        (0..rounds)
            .map(|_| {
                let t = Instant::now();
                f();
                t.elapsed()
            })
            .collect(),
    )
}

fn main() {
    let rounds: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(3);
    let real = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/realspecs");
    if !real.is_dir() {
        println!("notice: {} is absent; nothing to measure", real.display());
        return;
    }
    let midcall = midcall::Midcall::bundled().expect("bundled files load");
    let templates: Vec<_> = midcall
        .template_ids()
        .iter()
        .map(|id| midcall::catalog::load(&midcall.sources, id).expect("template loads"))
        .collect();
    println!(
        "{:<40} {:>6} {:>11} {:>11} {:>11} {:>11} {:>7}",
        "spec", "ops", "parse→Value", "load", "index", "match all", "ratio"
    );
    for spec in [
        "stripe/spec3.yaml",
        "pipedrive/v1.yaml",
        "pipedrive/v2.yaml",
        "calcom/openapi.json",
        "salesforce/sobjects-59.0.min.json",
    ] {
        let path = real.join(spec);
        let Ok(text) = std::fs::read_to_string(&path) else {
            println!("{spec}: not readable; skipped");
            continue;
        };
        let yaml = spec.ends_with(".yaml");
        // The floor: the text into a generic value, nothing else.
        let floor = time(rounds, || {
            let v: serde_json::Value = if yaml {
                serde_yaml::from_str(&text).expect("YAML")
            } else {
                serde_json::from_str(&text).expect("JSON")
            };
            std::hint::black_box(v);
        });
        // What `gen match --spec` runs: the widened loader.
        let load = time(rounds, || {
            std::hint::black_box(openapi::load_files(&[&path]).expect("loads"));
        });
        let api = openapi::load_files(&[&path]).expect("loads");
        let index_t = time(rounds, || {
            std::hint::black_box(Index::new(&[&api]));
        });
        let index = Index::new(&[&api]);
        let match_t = time(rounds, || {
            for t in &templates {
                std::hint::black_box(top(&index, t, 5));
            }
        });
        let total = load + index_t + match_t;
        println!(
            "{:<40} {:>6} {:>11.1?} {:>11.1?} {:>11.1?} {:>11.1?} {:>6.2}x",
            format!("{spec} ({} KB)", text.len() / 1024),
            api.operations.len(),
            floor,
            load,
            index_t,
            match_t,
            total.as_secs_f64() / floor.as_secs_f64()
        );
    }
    println!(
        "(ratio = (load + index + match all {} templates) / parse into serde_json::Value; median of {rounds} rounds)",
        templates.len()
    );
}
