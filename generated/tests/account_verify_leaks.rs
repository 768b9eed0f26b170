//! The stored second factor never leaves an account-verify connector.
//!
//! For EVERY `specs/*/bindings.yaml` that binds `account-verify` (a system
//! added later is covered without touching this file), every example case
//! is replayed through the compiled connector exactly as
//! `tests/examples.rs` does (its harness is included below), with the
//! runtime's logs captured. Every value the mock's answers hold at the
//! binding's stored-factor pointers (`response.verify.stored`, read in
//! every object of every answer, so a second record's value counts too)
//! must then be absent from the tool result (its `result`, `error` and
//! `message`) and from every log line written while the case ran: as
//! given, without spaces and dashes, and as its digits. A system that
//! binds account-verify must also have at least one verified case and one
//! mismatch case (a record was there, the factor did not match): a leak
//! shows on those paths first. In a file of its own: tracing's callsite
//! cache is process-wide and other tests would race the captured logs.

#[path = "examples.rs"]
#[allow(dead_code)]
mod replay;

use std::path::Path;

use midcall::examples;
use serde_json::Value;

const TEMPLATE: &str = "account-verify";

/// Every text value at one of `pointers` below any object or array in
/// `value` (a number as written), not empty.
fn stored_values(value: &Value, pointers: &[String], out: &mut Vec<String>) {
    for pointer in pointers {
        match value.pointer(pointer) {
            Some(Value::String(s)) if !s.trim().is_empty() => out.push(s.clone()),
            Some(Value::Number(n)) => out.push(n.to_string()),
            _ => {}
        }
    }
    match value {
        Value::Object(map) => map.values().for_each(|v| stored_values(v, pointers, out)),
        Value::Array(list) => list.iter().for_each(|v| stored_values(v, pointers, out)),
        _ => {}
    }
}

/// The forms of a stored value that must not appear: as given, without
/// spaces and dashes, and its digits (when there are five or more, so
/// that a short run of digits in an id or a status is not mistaken).
fn forms(stored: &str) -> Vec<String> {
    let mut out = vec![stored.to_string()];
    let squeezed: String = stored.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
    let digits: String = stored.chars().filter(char::is_ascii_digit).collect();
    if squeezed.len() >= 3 {
        out.push(squeezed.clone());
        out.push(squeezed.to_uppercase());
    }
    if digits.len() >= 5 {
        out.push(digits);
    }
    out.sort();
    out.dedup();
    out
}

/// Whether the case's answers hold a record at the binding's record
/// pointer that has a stored factor (so `verified: false` is a mismatch,
/// not "nothing there").
fn has_record_with_factor(case: &examples::ExampleCase, record: &str, pointers: &[String]) -> bool {
    case.requests.iter().any(|r| {
        r.response
            .body
            .as_ref()
            // A GraphQL answer's record is read inside its `data`.
            .and_then(|b| {
                b.pointer(record)
                    .or_else(|| b.pointer(&format!("/data{record}")))
            })
            .is_some_and(|rec| {
                pointers
                    .iter()
                    .any(|p| rec.pointer(p).is_some_and(|v| !v.is_null()))
            })
    })
}

#[tokio::test]
async fn no_stored_factor_reaches_a_result_an_error_or_a_log_line() {
    let (logs, _guard) = midcall_runtime::testing::capture_logs();
    let specs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs");
    let mut crms: Vec<String> = std::fs::read_dir(&specs)
        .expect("specs/ is readable")
        .flatten()
        .filter(|e| e.path().join("bindings.yaml").is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    crms.sort();
    let mut failures = Vec::new();
    let mut bound = 0;
    let mut cases_run = 0;
    for crm in &crms {
        let origin = format!("specs/{crm}/bindings.yaml");
        let text = std::fs::read_to_string(specs.join(crm).join("bindings.yaml"))
            .expect("bindings are readable");
        let bindings = match midcall::bindings::parse(&text, &origin) {
            Ok(b) => b,
            Err(e) => {
                failures.push(e.to_string());
                continue;
            }
        };
        let Some(action) = bindings.actions.get(TEMPLATE) else {
            continue;
        };
        bound += 1;
        let Some(verify) = &action.response.verify else {
            failures.push(format!(
                "{origin}: actions.{TEMPLATE} has no `response.verify`"
            ));
            continue;
        };
        let pointers: Vec<String> = verify
            .stored
            .values()
            .flatten()
            .flat_map(|s| s.pointers())
            .map(str::to_string)
            .collect();
        let record = action.response.record.as_str();
        let file = format!("specs/{crm}/examples/{TEMPLATE}.yaml");
        let cases = match std::fs::read_to_string(
            specs
                .join(crm)
                .join("examples")
                .join(format!("{TEMPLATE}.yaml")),
        )
        .map_err(|e| format!("{file}: {e}"))
        .and_then(|text| examples::parse(&text, &file).map_err(|e| e.to_string()))
        {
            Ok(cases) => cases,
            Err(e) => {
                failures.push(e);
                continue;
            }
        };
        let verified = |c: &examples::ExampleCase| c.result.pointer("/result/verified").cloned();
        if !cases.iter().any(|c| verified(c) == Some(Value::Bool(true))) {
            failures.push(format!("{file}: no case answers `verified: true`"));
        }
        if !cases.iter().any(|c| {
            verified(c) == Some(Value::Bool(false)) && has_record_with_factor(c, record, &pointers)
        }) {
            failures.push(format!(
                "{file}: no mismatch case (a record with a stored factor, `verified: false`)"
            ));
        }
        for case in &cases {
            cases_run += 1;
            let mut stored = Vec::new();
            for r in &case.requests {
                if let Some(body) = &r.response.body {
                    stored_values(body, &pointers, &mut stored);
                }
            }
            let before = logs.text().len();
            // The case's own checks (tests/examples.rs) are reported
            // here too, but the leak check runs whatever they say: a
            // case edited to expect the leak must still fail.
            let mut answer = Value::Null;
            if let Err(e) = replay::run_case(crm, TEMPLATE, &file, case, &mut answer).await {
                failures.push(e);
            }
            let logged = logs.text().get(before..).unwrap_or_default().to_string();
            let answered = answer.to_string();
            for value in &stored {
                for form in forms(value) {
                    if answered.contains(&form) {
                        failures.push(format!(
                            "{file}: case `{}`: the stored factor `{value}` is in the tool result: {answered}",
                            case.name
                        ));
                    }
                    if let Some(line) = logged.lines().find(|l| l.contains(&form)) {
                        failures.push(format!(
                            "{file}: case `{}`: the stored factor `{value}` is in a log line: {line}",
                            case.name
                        ));
                    }
                }
            }
        }
    }
    assert!(
        bound > 0,
        "no system binds {TEMPLATE}; this test proves nothing"
    );
    assert!(
        failures.is_empty(),
        "{} problem(s) over {cases_run} case(s) of {bound} system(s):\n{}",
        failures.len(),
        failures.join("\n")
    );
}
