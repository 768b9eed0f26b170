//! Damaged input never panics and always gets a one-line error: every
//! bundled spec, template, bindings and examples file cut short at many places and
//! with bytes changed at many places (a fixed pseudo-random sequence, so a
//! failure reproduces).

use midcall::{bindings, catalog, examples, openapi};

/// A small deterministic generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Damaged copies of `text`: cut at 40 places, and 60 copies with 1–4
/// bytes replaced by characters that matter to YAML and JSON.
fn damaged(text: &str, seed: u64) -> Vec<String> {
    let mut rng = Rng(seed);
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    for _ in 0..40 {
        let cut = rng.below(bytes.len());
        out.push(String::from_utf8_lossy(&bytes[..cut]).into_owned());
    }
    const NASTY: &[u8] = b"{}[]:,'\"\n\t -#&*!|>%@`$\\";
    for _ in 0..60 {
        let mut b = bytes.to_vec();
        for _ in 0..=rng.below(4) {
            let at = rng.below(b.len());
            b[at] = NASTY[rng.below(NASTY.len())];
        }
        out.push(String::from_utf8_lossy(&b).into_owned());
    }
    out
}

fn one_line(e: &dyn std::fmt::Display, what: &str) {
    let msg = e.to_string();
    assert_eq!(msg.lines().count(), 1, "{what}: multi-line error: {msg}");
    assert!(
        msg.starts_with("damaged"),
        "{what}: error does not name the file: {msg}"
    );
}

#[test]
fn damaged_specs_never_panic() {
    let text = include_str!("../specs/hubspot/openapi.yaml");
    for (i, d) in damaged(text, 0x5EED_0001).iter().enumerate() {
        if let Err(e) = openapi::load_str(d, "damaged.yaml") {
            one_line(&e, &format!("spec copy {i}"));
        }
    }
}

#[test]
fn damaged_templates_never_panic() {
    let text = include_str!("../templates/appointment-book/template.yaml");
    for (i, d) in damaged(text, 0x5EED_0002).iter().enumerate() {
        if let Err(e) = catalog::parse(d, "damaged.yaml", Some("appointment-book")) {
            one_line(&e, &format!("template copy {i}"));
        }
    }
}

#[test]
fn damaged_bindings_never_panic() {
    let text = include_str!("../specs/hubspot/bindings.yaml");
    let midcall = midcall::Midcall::bundled().unwrap();
    let api = midcall.load_spec("hubspot").unwrap();
    let template = catalog::load(&midcall.sources, "contact-lookup").unwrap();
    for (i, d) in damaged(text, 0x5EED_0003).iter().enumerate() {
        match bindings::parse(d, "damaged.yaml") {
            Err(e) => one_line(&e, &format!("bindings copy {i}")),
            Ok(b) => {
                if let Err(e) = midcall::call::bind("hubspot", &b, "damaged.yaml", &api, &template)
                {
                    // The binding check reports every problem it finds,
                    // one line each: each line names the file.
                    for line in e.to_string().lines() {
                        one_line(&line, &format!("bindings copy {i} (resolve)"));
                    }
                }
            }
        }
    }
}

#[test]
fn damaged_examples_never_panic() {
    let text = include_str!("../specs/hubspot/examples/contact-create.yaml");
    let midcall = midcall::Midcall::bundled().unwrap();
    let template = catalog::load(&midcall.sources, "contact-create").unwrap();
    for (i, d) in damaged(text, 0x5EED_0004).iter().enumerate() {
        match examples::parse(d, "damaged.yaml") {
            Err(e) => one_line(&e, &format!("examples copy {i}")),
            Ok(cases) => {
                if let Err(e) = examples::check_against(&cases, "damaged.yaml", &template) {
                    one_line(&e, &format!("examples copy {i} (check)"));
                }
            }
        }
    }
}

/// 10,000 levels: far past every parser's recursion limit. (YAML's scanner
/// is quadratic in unclosed flow levels: 100,000 take seconds, not a crash.)
#[test]
fn deeply_nested_input_is_an_error_not_a_crash() {
    let deep_yaml = format!("openapi: 3.0.3\ninfo: {}\n", "[".repeat(10_000));
    assert!(openapi::load_str(&deep_yaml, "damaged.yaml").is_err());
    let deep_json = format!("{{\"openapi\": \"3.0.3\", \"info\": {}", "[".repeat(10_000));
    assert!(openapi::load_str(&deep_json, "damaged.json").is_err());
    let deep_template = format!("id: {}", "[".repeat(10_000));
    assert!(catalog::parse(&deep_template, "damaged.yaml", None).is_err());
}
