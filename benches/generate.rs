//! How fast the generator is: loading real vendor specs, rendering every
//! target of every template, and `gen all`: the whole systems × templates
//! matrix (every bound pair of every system under `specs/`, every target,
//! and `lib.rs`). Run with `cargo bench --bench generate` (optionally the
//! number of rounds, default 5); prints the median and the fastest round
//! of each step. Uses `../shared/realspecs` when present.

use std::path::Path;
use std::time::{Duration, Instant};

use midcall::render::RenderOptions;
use midcall::Midcall;

fn median(mut v: Vec<Duration>) -> (Duration, Duration) {
    v.sort();
    (v[v.len() / 2], v[0])
}

fn time(rounds: usize, mut f: impl FnMut()) -> (Duration, Duration) {
    let runs = (0..rounds)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    median(runs)
}

fn main() {
    let rounds: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(5);
    println!("{:<44} {:>12} {:>12}", "step", "median", "fastest");
    let real = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/realspecs");
    let specs = [
        "stripe/spec3.yaml",
        "zendesk/openapi-src.yaml",
        "pipedrive/v1.yaml",
        "intercom/api.intercom.io.yaml",
        "hubspot/crm/contacts.json",
    ];
    if real.is_dir() {
        for spec in specs {
            let path = real.join(spec);
            let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
            let (m, f) = time(rounds, || {
                midcall::openapi::load_file(&path).expect("loads");
            });
            println!(
                "{:<44} {:>12.1?} {:>12.1?}",
                format!("load {spec} ({} KB)", size / 1024),
                m,
                f
            );
        }
    } else {
        println!(
            "notice: {} is absent; skipping the real specs",
            real.display()
        );
    }
    let midcall = Midcall::bundled().expect("bundled inputs load");
    let ours = Path::new(env!("CARGO_MANIFEST_DIR")).join("specs/hubspot/openapi.yaml");
    let (m, f) = time(rounds, || {
        midcall::openapi::load_file(&ours).expect("loads");
    });
    println!(
        "{:<44} {:>12.1?} {:>12.1?}",
        "load specs/hubspot/openapi.yaml", m, f
    );
    let options = RenderOptions::default();
    let ids = midcall.template_ids();
    let (m, f) = time(rounds, || {
        for id in &ids {
            midcall
                .generate_generic(id, &[], &options)
                .expect("renders");
        }
    });
    println!(
        "{:<44} {:>12.1?} {:>12.1?}",
        format!("render {} templates × every target", ids.len()),
        m,
        f
    );
    let (m, f) = time(rounds, || {
        midcall
            .generate("hubspot", "contact-lookup", &[], &options)
            .expect("renders");
    });
    println!(
        "{:<44} {:>12.1?} {:>12.1?}",
        "hubspot × contact-lookup (bind + render all; spec cached)", m, f
    );
    // `gen all`: every system with a `specs/<id>/bindings.yaml` (found, not
    // listed here), each bound pair checked against its spec and rendered
    // for every target, plus `lib.rs`. A fresh `Midcall` per round, so each
    // spec is parsed once per round as in one `gen all` run.
    let fresh = || Midcall::bundled().expect("bundled inputs load");
    let once = fresh();
    let systems = once.crm_ids().len();
    let pairs = once.bound_pairs().expect("every binding checks").len();
    let files = once
        .plan(&options)
        .expect("the whole matrix renders")
        .files()
        .len();
    let (m, f) = time(rounds, || {
        fresh().plan(&options).expect("the whole matrix renders");
    });
    println!(
        "{:<44} {:>12.1?} {:>12.1?}",
        format!("gen all: {systems} systems, {pairs} bound pairs, {files} files"),
        m,
        f
    );
}
