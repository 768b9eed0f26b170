//! HighLevel's bindings and the binding features they brought: a time
//! argument sent as Unix milliseconds (`{arg|unix_millis}`), a list read
//! below each member of an object (`each: /*/slots`), an `each` item that
//! is the element itself (`""`), and a precheck found only when a value
//! is a given text (`found_when`). Each misuse is one line naming file
//! and place.

use midcall::source::Sources;
use midcall::Midcall;

const BINDINGS: &str = include_str!("../specs/gohighlevel/bindings.yaml");

fn with(text: &str) -> Midcall {
    let mut sources = Sources::bundled();
    sources.insert("specs/gohighlevel/bindings.yaml", "b.yaml", text);
    Midcall::new(sources).unwrap()
}

fn error(text: &str, template: &str) -> String {
    let msg = match with(text).action("gohighlevel", template) {
        Ok(_) => panic!("bindings were accepted:\n{text}"),
        Err(e) => e.to_string(),
    };
    assert!(msg.starts_with("b.yaml"), "{msg}");
    msg
}

fn replaced(from: &str, to: &str) -> String {
    assert!(BINDINGS.contains(from), "`{from}` is not in the bindings");
    BINDINGS.replacen(from, to, 1)
}

fn connector(template: &str) -> String {
    let files = Midcall::bundled()
        .unwrap()
        .generate(
            "gohighlevel",
            template,
            &["connector".into()],
            &Default::default(),
        )
        .unwrap();
    files[0].contents.clone()
}

#[test]
fn the_bundled_cancel_is_found_only_when_already_cancelled() {
    let m = Midcall::bundled().unwrap();
    let cancel = m.action("gohighlevel", "appointment-cancel").unwrap();
    let midcall::call::Flow::WriteUnlessFound {
        found_when: Some(when),
        same_time: None,
        ..
    } = &cancel.flow
    else {
        panic!("a precheck with found_when: {:?}", cancel.flow);
    };
    assert_eq!(when.pointer.as_str(), "/appointmentStatus");
    assert_eq!(when.values, ["cancelled"]);
    let code = connector("appointment-cancel");
    assert!(code.contains("write_unless_found_where"), "{code}");
    assert!(code.contains("\"/appointmentStatus\""), "{code}");
}

#[test]
fn found_when_names_a_pointer_the_lookup_has_and_a_value() {
    let from = "found_when: {pointer: /appointmentStatus, values: [cancelled]}";
    let msg = error(
        &replaced(from, "found_when: {pointer: /state, values: [cancelled]}"),
        "appointment-cancel",
    );
    assert!(
        msg.contains("actions.appointment-cancel.precheck.found_when.pointer")
            && msg.contains("`/state` is not a pointer"),
        "{msg}"
    );
    let msg = error(
        &replaced(
            from,
            "found_when: {pointer: /appointmentStatus, values: [\"\"]}",
        ),
        "appointment-cancel",
    );
    assert!(
        msg.contains("actions.appointment-cancel.precheck.found_when.values"),
        "{msg}"
    );
}

#[test]
fn the_free_slots_window_is_sent_as_unix_millis_and_read_below_each_date() {
    let code = connector("appointment-availability");
    assert!(code.contains("time::to_unix_millis("), "{code}");
    assert!(code.contains("\"/*/slots\""), "{code}");
    // Only a time argument, and one that is sure to be there, can be sent so.
    let msg = error(
        &replaced(
            "startDate: \"{earliest|unix_millis}\"",
            "startDate: \"{duration_minutes|unix_millis}\"",
        ),
        "appointment-availability",
    );
    assert!(
        msg.contains("actions.appointment-availability.requests[0].query.startDate")
            && msg.contains(
                "`{duration_minutes|unix_millis}`: parameter `duration_minutes` is not a time"
            ),
        "{msg}"
    );
    let msg = error(
        &replaced(
            "startDate: \"{earliest|unix_millis}\"",
            "startDate: \"{topic|unix_millis}\"",
        ),
        "appointment-availability",
    );
    assert!(msg.contains("`topic` is not a time"), "{msg}");
    // `/*/rest` must be declared below each member.
    let msg = error(
        &replaced(
            "slot_count: {count: /*/slots}",
            "slot_count: {count: /*/times}",
        ),
        "appointment-availability",
    );
    assert!(
        msg.contains("actions.appointment-availability.response.fields.slot_count.count"),
        "{msg}"
    );
}
