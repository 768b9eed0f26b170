//! Cal.com's bindings and the binding features they brought: a time
//! argument sent in UTC (`{arg|utc}`), a list read from an object of
//! arrays (`each: /data/*`, `count: /data/*`), an answer's offset from a
//! `utc_offset` setting, and a precheck found only at the argument's
//! instant (`same_time`). Each misuse is one line naming file and place.

use midcall::source::Sources;
use midcall::Midcall;

const BINDINGS: &str = include_str!("../specs/calcom/bindings.yaml");

fn with(text: &str) -> Midcall {
    let mut sources = Sources::bundled();
    sources.insert("specs/calcom/bindings.yaml", "b.yaml", text);
    Midcall::new(sources).unwrap()
}

fn error(text: &str, template: &str) -> String {
    let msg = match with(text).action("calcom", template) {
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
            "calcom",
            template,
            &["connector".into()],
            &Default::default(),
        )
        .unwrap();
    files[0].contents.clone()
}

#[test]
fn the_bundled_bindings_resolve_and_book_is_keyed_on_the_exact_start() {
    let m = Midcall::bundled().unwrap();
    for t in [
        "appointment-availability",
        "appointment-book",
        "appointment-reschedule",
        "appointment-cancel",
    ] {
        m.action("calcom", t).unwrap_or_else(|e| panic!("{t}: {e}"));
    }
    let book = m.action("calcom", "appointment-book").unwrap();
    let midcall::call::Flow::WriteUnlessFound {
        same_time: Some(same),
        ..
    } = &book.flow
    else {
        panic!("a precheck with same_time: {:?}", book.flow);
    };
    assert_eq!(same.pointer.as_str(), "/start");
    assert_eq!(same.arg.name, "start");
    let cancel = m.action("calcom", "appointment-cancel").unwrap();
    assert!(matches!(
        cancel.flow,
        midcall::call::Flow::WriteUnlessFound {
            same_time: None,
            ..
        }
    ));
}

#[test]
fn connectors_send_utc_read_slots_by_date_and_answer_in_the_business_offset() {
    let slots = connector("appointment-availability");
    for snippet in [
        "time::to_utc(",
        "args.earliest.as_str()",
        "client.settings().offset(\"utc_offset\")?",
        "transform::count(record, \"/data/*\")",
        ".header(\"cal-api-version\", \"2024-09-04\")",
        ".unwrap_or(time::Offset::UTC)",
    ] {
        assert!(slots.contains(snippet), "{snippet} missing:\n{slots}");
    }
    let book = connector("appointment-book");
    for snippet in [
        "let business = client.settings().offset(\"utc_offset\")?;",
        ".write_unless_found_where(",
        "time::same_instant(record, \"/start\", args.start.as_str(), business)",
        ".header(\"cal-api-version\", \"2024-08-13\")",
    ] {
        assert!(book.contains(snippet), "{snippet} missing:\n{book}");
    }
}

#[test]
fn utc_placeholders_take_required_time_arguments_only() {
    let msg = error(
        &replaced(
            "bookingFieldsResponses: {notes: \"{topic}: {notes}\"}",
            "bookingFieldsResponses: {notes: \"{topic|utc}\"}",
        ),
        "appointment-book",
    );
    assert!(
        msg.contains("actions.appointment-book.requests[0].body.bookingFieldsResponses.notes")
            && msg.contains("parameter `topic` is not a time"),
        "{msg}"
    );
    let msg = error(
        &replaced("start: \"{earliest|utc}\"", "start: \"{earliest|local}\""),
        "appointment-availability",
    );
    assert!(
        msg.contains("actions.appointment-availability.requests[0].query.start")
            && msg.contains("`local` is not a query language")
            && msg.contains("`{earliest|utc}` for a time in UTC"),
        "{msg}"
    );
    let msg = error(
        &replaced("start: \"{earliest|utc}\"", "start: \"{sooner|utc}\""),
        "appointment-availability",
    );
    assert!(
        msg.contains("`{sooner|utc}` is not a tool parameter"),
        "{msg}"
    );
}

#[test]
fn a_star_reads_an_object_of_lists_only_at_the_end_of_a_list_pointer() {
    let msg = error(
        &replaced(
            "slot_count: {count: /data/*}",
            "slot_count: {count: /status/*}",
        ),
        "appointment-availability",
    );
    assert!(
        msg.contains("actions.appointment-availability.response.fields.slot_count.count")
            && msg.contains("declares no such members at `/status`"),
        "{msg}"
    );
    let msg = error(
        &replaced("host_name: null\n", "host_name: /data/*/0/start\n"),
        "appointment-availability",
    );
    assert!(
        msg.contains("response.fields.host_name")
            && msg.contains("only at the end of an `each` or `count` pointer"),
        "{msg}"
    );
}

#[test]
fn an_offset_setting_must_be_a_declared_utc_offset() {
    let text = replaced(
        "slot_count: {count: /data/*}\n        first_slot: {each: /data/*, item: {date_time: /start, offset: \"{setting.utc_offset}\"}, pick: 0}",
        "slot_count: {count: /data/*}\n        first_slot: {each: /data/*, item: {date_time: /start, offset: \"{setting.time_zone}\"}, pick: 0}",
    );
    let msg = error(&text, "appointment-availability");
    assert!(
        msg.contains("first_slot.item.offset")
            && msg.contains("setting `time_zone` is not of kind `utc_offset`"),
        "{msg}"
    );
    let text = text.replacen("{setting.time_zone}", "{setting.offset}", 1);
    let msg = error(&text, "appointment-availability");
    assert!(
        msg.contains("`{setting.offset}` is not a setting of this CRM"),
        "{msg}"
    );
}

#[test]
fn same_time_names_a_required_time_and_a_pointer_the_lookup_has() {
    let msg = error(
        &replaced(
            "same_time: {pointer: /start, arg: start}",
            "same_time: {pointer: /start, arg: topic}",
        ),
        "appointment-book",
    );
    assert!(
        msg.contains("actions.appointment-book.precheck.same_time.arg")
            && msg.contains("`topic` is not a required time parameter"),
        "{msg}"
    );
    let msg = error(
        &replaced(
            "same_time: {pointer: /start, arg: start}",
            "same_time: {pointer: /begins, arg: start}",
        ),
        "appointment-book",
    );
    assert!(
        msg.contains("actions.appointment-book.precheck.same_time.pointer")
            && msg.contains("`/begins` is not a pointer"),
        "{msg}"
    );
}

#[test]
fn a_required_header_the_request_does_not_send_is_refused() {
    let msg = error(
        &replaced(
            "      - headers: {cal-api-version: \"2024-09-04\"}\n        query:\n          start: \"{earliest|utc}\"",
            "      - query:\n          start: \"{earliest|utc}\"",
        ),
        "appointment-availability",
    );
    assert!(
        msg.contains("actions.appointment-availability.requests[0].headers")
            && msg.contains("required header `cal-api-version` of `GET /v2/slots` is not sent")
            && msg.contains("(the spec's value: `2024-09-04`)"),
        "{msg}"
    );
}
