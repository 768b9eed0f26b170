//! Square's, Calendly's and Google Calendar's bindings and the binding
//! features they brought: a precheck found only when a field holds one of
//! some values (`found_when`), a time plus an argument's minutes in UTC
//! (`{start|utc+duration_minutes}`), and a `number` setting sent as a JSON
//! number when it is a whole body value. Each misuse is one line naming
//! file and place.

use midcall::source::Sources;
use midcall::Midcall;

const SQUARE: &str = include_str!("../specs/square/bindings.yaml");
const GOOGLE: &str = include_str!("../specs/google-calendar/bindings.yaml");

fn with(crm: &str, text: &str) -> Midcall {
    let mut sources = Sources::bundled();
    sources.insert(&format!("specs/{crm}/bindings.yaml"), "b.yaml", text);
    Midcall::new(sources).unwrap()
}

fn error(crm: &str, text: &str, template: &str) -> String {
    let msg = match with(crm, text).action(crm, template) {
        Ok(_) => panic!("bindings were accepted:\n{text}"),
        Err(e) => e.to_string(),
    };
    assert!(msg.starts_with("b.yaml"), "{msg}");
    msg
}

fn replaced(bindings: &str, from: &str, to: &str) -> String {
    assert!(bindings.contains(from), "`{from}` is not in the bindings");
    bindings.replacen(from, to, 1)
}

fn connector(crm: &str, template: &str) -> String {
    let files = Midcall::bundled()
        .unwrap()
        .generate(crm, template, &["connector".into()], &Default::default())
        .unwrap();
    // Compared without whitespace: the generated code is formatted.
    files[0].contents.split_whitespace().collect()
}

fn squeezed(s: &str) -> String {
    s.split_whitespace().collect()
}

#[test]
fn every_bound_pair_resolves() {
    let m = Midcall::bundled().unwrap();
    for (crm, templates) in [
        (
            "square",
            &[
                "account-verify",
                "contact-lookup",
                "contact-create",
                "order-status",
                "invoice-lookup",
                "payment-status",
                "appointment-availability",
                "appointment-book",
                "appointment-cancel",
                "appointment-reschedule",
                "inventory-check",
            ][..],
        ),
        (
            "calendly",
            &["appointment-availability", "appointment-cancel"][..],
        ),
        (
            "google-calendar",
            &["appointment-book", "appointment-cancel"][..],
        ),
    ] {
        for t in templates {
            m.action(crm, t)
                .unwrap_or_else(|e| panic!("{crm} {t}: {e}"));
        }
    }
    let cancel = m.action("google-calendar", "appointment-cancel").unwrap();
    let midcall::call::Flow::WriteUnlessFound {
        found_when: Some(when),
        same_time: None,
        ..
    } = &cancel.flow
    else {
        panic!("a precheck with found_when: {:?}", cancel.flow);
    };
    assert_eq!(when.pointer.as_str(), "/status");
    assert_eq!(when.values, ["cancelled"]);
}

#[test]
fn connectors_check_the_found_value_the_instant_and_send_an_end() {
    let cancel = connector("google-calendar", "appointment-cancel");
    for snippet in [
        ".write_unless_found_where(",
        "project::text(record, \"/status\")",
        "[\"cancelled\"].contains(&value.as_str())",
    ] {
        assert!(
            cancel.contains(&squeezed(snippet)),
            "{snippet} missing:\n{cancel}"
        );
    }
    let book = connector("google-calendar", "appointment-book");
    for snippet in [
        "time::to_utc_plus_minutes(",
        "args.duration_minutes",
        "\"duration_minutes\"",
        "time::same_instant(record, \"/start/dateTime\", args.start.as_str(), business,",
    ] {
        assert!(
            book.contains(&squeezed(snippet)),
            "{snippet} missing:\n{book}"
        );
    }
    // Square's availability: a fixed day past the latest time.
    let slots = connector("square", "appointment-availability");
    let wanted = squeezed("time::to_utc_plus_minutes(args.latest.as_str(), 1440i64,");
    assert!(slots.contains(&wanted), "{slots}");
    // Square's book: both conditions, and the version as a number.
    let square = connector("square", "appointment-book");
    for snippet in [
        "time::same_instant(record, \"/start_at\", args.start.as_str(), business)",
        "[\"PENDING\", \"ACCEPTED\"].contains(&value.as_str())",
        "client.setting_number(\"service_variation_version\")?",
    ] {
        assert!(
            square.contains(&squeezed(snippet)),
            "{snippet} missing:\n{square}"
        );
    }
}

#[test]
fn found_when_names_a_pointer_the_lookup_has_and_some_values() {
    let msg = error(
        "google-calendar",
        &replaced(
            GOOGLE,
            "found_when: {pointer: /status, values: [cancelled]}",
            "found_when: {pointer: /state, values: [cancelled]}",
        ),
        "appointment-cancel",
    );
    assert!(
        msg.contains("actions.appointment-cancel.precheck.found_when.pointer")
            && msg.contains("`/state` is not a pointer"),
        "{msg}"
    );
    let msg = error(
        "google-calendar",
        &replaced(
            GOOGLE,
            "found_when: {pointer: /status, values: [cancelled]}",
            "found_when: {pointer: /status, values: []}",
        ),
        "appointment-cancel",
    );
    assert!(
        msg.contains("actions.appointment-cancel.precheck.found_when.values"),
        "{msg}"
    );
}

#[test]
fn a_time_plus_minutes_takes_a_time_and_a_required_integer() {
    for (to, wanted) in [
        (
            "{start|utc+topic}",
            "`topic` must be a required integer parameter",
        ),
        ("{start|utc+0}", "a number of minutes from 1 to 527040"),
        (
            "{topic|utc+duration_minutes}",
            "`topic` must be a time parameter",
        ),
        ("{start|utc+}", "a time plus a length in UTC is"),
    ] {
        let text = GOOGLE.replace("{start|utc+duration_minutes}", to);
        let msg = error("google-calendar", &text, "appointment-book");
        assert!(
            msg.contains("actions.appointment-book.requests[0].body.end.dateTime")
                && msg.contains(wanted),
            "{to}: {msg}"
        );
    }
}

#[test]
fn a_text_setting_stays_text_in_a_body() {
    // Square's location id is text: a whole value, but a string.
    let book = connector("square", "appointment-book");
    assert!(
        book.contains(&squeezed(
            "\"location_id\" : client.setting(\"location_id\") ?"
        )),
        "{book}"
    );
    // A `digits` setting stays text in a body (Intercom's ticket type id,
    // a string in its spec); a `number` one is a JSON number.
    let intercom = connector("intercom", "ticket-create");
    assert!(
        intercom.contains(&squeezed("client.setting(\"ticket_type_id\")")),
        "{intercom}"
    );
    let text = replaced(
        SQUARE,
        "  team_member_id: {env: SQUARE_TEAM_MEMBER_ID}",
        "  team_member_id: {env: SQUARE_TEAM_MEMBER_ID, kind: number}",
    );
    let m = with("square", &text);
    m.action("square", "appointment-book").unwrap();
}
