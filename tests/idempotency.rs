//! `idempotency: {header: …}` in a binding: checked, and rendered as a
//! fresh key per call that makes the request safe to retry.

use midcall::source::Sources;
use midcall::Midcall;

const BINDINGS: &str = include_str!("../specs/hubspot/bindings.yaml");

fn with(text: &str) -> Midcall {
    let mut sources = Sources::bundled();
    sources.insert("specs/hubspot/bindings.yaml", "b.yaml", text);
    Midcall::new(sources).unwrap()
}

#[test]
fn an_idempotency_header_renders_a_key_per_call() {
    let text = BINDINGS.replacen(
        "retry_safe: true",
        "idempotency: {header: Idempotency-Key}",
        1,
    );
    let files = with(&text)
        .generate(
            "hubspot",
            "contact-lookup",
            &["connector".into()],
            &Default::default(),
        )
        .unwrap();
    let code = &files[0].contents;
    assert!(
        code.contains(r#".idempotency_key("Idempotency-Key")"#),
        "{code}"
    );
    assert!(!code.contains(".retry_safe("), "{code}");
}

#[test]
fn a_bad_idempotency_binding_names_the_place() {
    let error = |text: &str| {
        let msg = match with(text).action("hubspot", "contact-lookup") {
            Ok(_) => panic!("bindings were accepted:\n{text}"),
            Err(e) => e.to_string(),
        };
        assert_eq!(msg.lines().count(), 1, "{msg}");
        assert!(msg.starts_with("b.yaml"), "{msg}");
        msg
    };
    let msg = error(&BINDINGS.replacen(
        "retry_safe: true",
        "idempotency: {header: \"Idempotency Key\"}",
        1,
    ));
    assert!(
        msg.contains("actions.contact-lookup.idempotency.header")
            && msg.contains("not an HTTP header name"),
        "{msg}"
    );
    let msg = error(&BINDINGS.replacen(
        "retry_safe: true",
        "idempotency: {header: Idempotency-Key, key: x}",
        1,
    ));
    assert!(msg.contains("unknown field `key`"), "{msg}");
}
