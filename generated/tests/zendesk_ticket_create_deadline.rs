//! The deadline through a generated connector of several steps: Zendesk's
//! ticket-create reads the requester (`GET /api/v2/users/{id}`), then
//! writes the ticket (`POST /api/v2/tickets`). A first step slower than
//! the whole deadline ends the call with `timeout`, on time, and the
//! ticket is never written.
//!
//! The connector's deadline is the template's 3 s (`TIMEOUT`); the tests
//! configure the same connector with a tenth of it (`Config::with_timeout`,
//! which is what `config_from_env` sets too), so that they stay quick while
//! the mock's delays stay well past the deadline.

use std::time::{Duration, Instant};

use midcall_generated::zendesk::ticket_create;
use midcall_runtime::{Client, Config};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const DEADLINE: Duration = Duration::from_millis(300);
/// What the call may take beyond its deadline: the runtime's own work and
/// a loaded test machine, far below any step's delay.
const MARGIN: Duration = Duration::from_millis(250);

fn client(server: &MockServer) -> Client {
    let vars = [
        ("ZENDESK_SUBDOMAIN", "acme".to_string()),
        ("ZENDESK_EMAIL", "agent@example.com".to_string()),
        ("ZENDESK_API_TOKEN", "test-token".to_string()),
        ("ZENDESK_BASE_URL", server.uri()),
    ];
    let config = Config::from_vendor_lookup(&ticket_create::VENDOR, |name| {
        vars.iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.clone())
    })
    .expect("configured")
    .with_timeout(DEADLINE);
    Client::new(config).expect("client builds")
}

fn args() -> serde_json::Value {
    json!({
        "contact_id": "4711",
        "subject": "No internet since firmware update",
        "description": "Router X200 lost its connection after updating.",
        "priority": "high"
    })
}

fn requester() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({
        "user": {"id": 4711, "name": "Jane Doe", "email": "jane.doe@example.com", "role": "end-user"}
    }))
}

fn ticket() -> ResponseTemplate {
    ResponseTemplate::new(201).set_body_json(json!({
        "ticket": {"id": 35442, "status": "new", "subject": "No internet since firmware update"}
    }))
}

/// Calls the connector; the answer and how long it took.
async fn timed_call(server: &MockServer) -> (serde_json::Value, Duration) {
    let client = client(server);
    let started = Instant::now();
    let answer = ticket_create::call_json(&client, args()).await;
    (answer, started.elapsed())
}

async fn count(server: &MockServer, verb: &str) -> usize {
    server
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .filter(|r| r.method.as_str() == verb)
        .count()
}

#[test]
fn the_connector_deadline_is_the_templates_three_seconds() {
    // The tests below shorten it; the connector itself waits 3 s.
    assert_eq!(ticket_create::TIMEOUT, Duration::from_secs(3));
    assert!(DEADLINE * 10 <= ticket_create::TIMEOUT);
}

#[tokio::test]
async fn a_first_step_slower_than_the_deadline_times_out_on_time_and_writes_nothing() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v2/users/4711"))
        .respond_with(requester().set_delay(DEADLINE * 10))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/v2/tickets"))
        .respond_with(ticket())
        .mount(&server)
        .await;
    let (answer, took) = timed_call(&server).await;
    assert_eq!(answer["ok"], json!(false), "{answer}");
    assert_eq!(answer["error"], json!("timeout"), "{answer}");
    assert!(
        took >= DEADLINE && took <= DEADLINE + MARGIN,
        "took {took:?} for a {DEADLINE:?} deadline"
    );
    // The step was asked once (no retry: the deadline was spent), and the
    // ticket never written, not even later.
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(count(&server, "GET").await, 1);
    assert_eq!(count(&server, "POST").await, 0);
}

#[tokio::test]
async fn a_slow_write_after_a_quick_first_step_times_out_on_time_and_is_sent_once() {
    // The second step shares the first one's deadline: a write slower
    // than what is left is a timeout on time, and a write is never
    // repeated.
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v2/users/4711"))
        .respond_with(requester().set_delay(DEADLINE / 2))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/v2/tickets"))
        .respond_with(ticket().set_delay(DEADLINE * 10))
        .mount(&server)
        .await;
    let (answer, took) = timed_call(&server).await;
    assert_eq!(answer["error"], json!("timeout"), "{answer}");
    assert!(
        took >= DEADLINE && took <= DEADLINE + MARGIN,
        "took {took:?} for a {DEADLINE:?} deadline"
    );
    assert_eq!(count(&server, "GET").await, 1);
    assert_eq!(count(&server, "POST").await, 1);
}

#[tokio::test]
async fn both_steps_within_the_deadline_create_the_ticket() {
    // The control: the same mock without delays answers with the ticket.
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v2/users/4711"))
        .respond_with(requester())
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/v2/tickets"))
        .respond_with(ticket())
        .mount(&server)
        .await;
    let (answer, _) = timed_call(&server).await;
    assert_eq!(
        answer,
        json!({"ok": true, "result": {"ticket_number": "35442", "status": "new"}})
    );
}
