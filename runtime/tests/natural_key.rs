//! `Client::write_unless_found` on its own, with a GET look-up and a
//! generic write: the cases the HubSpot connector's tests do not reach.
//! Every test counts the look-ups and the writes the mock received.

use std::time::Duration;

use midcall_runtime::{Auth, Client, Config, ErrorKind, Method, Request, Written};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const LOOKUP: &str = "/customers/by-email/jane%40example.com";
const CREATE: &str = "/customers";

fn client(server: &MockServer, timeout: Duration) -> Client {
    let config = Config::new(server.uri(), Auth::Bearer("t".into())).with_timeout(timeout);
    Client::new(config).expect("client builds")
}

fn lookup() -> Request {
    Request::new(Method::Get, LOOKUP)
}

fn create() -> Request {
    Request::new(Method::Post, CREATE).json(json!({"email": "jane@example.com"}))
}

async fn count(server: &MockServer, at: &str) -> usize {
    server
        .received_requests()
        .await
        .map_or(0, |r| r.iter().filter(|r| r.url.path() == at).count())
}

async fn mount(server: &MockServer, at: &str, http: &str, answer: ResponseTemplate) {
    Mock::given(method(http))
        .and(path(at))
        .respond_with(answer)
        .mount(server)
        .await;
}

#[tokio::test]
async fn a_404_look_up_means_write_and_the_record_is_the_write_answer() {
    let server = MockServer::start().await;
    mount(&server, LOOKUP, "GET", ResponseTemplate::new(404)).await;
    mount(
        &server,
        CREATE,
        "POST",
        ResponseTemplate::new(201).set_body_json(json!({"customer": {"id": "c1"}})),
    )
    .await;
    let written = client(&server, Duration::from_secs(3))
        .write_unless_found(lookup(), "/customer", create(), "/customer")
        .await
        .unwrap();
    assert_eq!(written, Written::Created(json!({"id": "c1"})));
    assert_eq!(count(&server, LOOKUP).await, 1);
    assert_eq!(count(&server, CREATE).await, 1);
}

#[tokio::test]
async fn a_write_answer_without_the_record_is_still_created() {
    let server = MockServer::start().await;
    mount(&server, LOOKUP, "GET", ResponseTemplate::new(404)).await;
    mount(&server, CREATE, "POST", ResponseTemplate::new(204)).await;
    let written = client(&server, Duration::from_secs(3))
        .write_unless_found(lookup(), "", create(), "/customer")
        .await
        .unwrap();
    assert_eq!(written, Written::Created(serde_json::Value::Null));
    assert_eq!(count(&server, CREATE).await, 1);
}

#[tokio::test]
async fn an_idempotency_key_on_the_write_does_not_add_client_retries() {
    let server = MockServer::start().await;
    mount(&server, LOOKUP, "GET", ResponseTemplate::new(404)).await;
    mount(&server, CREATE, "POST", ResponseTemplate::new(500)).await;
    let write = create().idempotency_key("Idempotency-Key");
    let err = client(&server, Duration::from_secs(3))
        .write_unless_found(lookup(), "", write, "")
        .await
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::Unavailable);
    // Two writes in all (one per round), never the client's own retry.
    assert_eq!(count(&server, CREATE).await, 2);
    assert_eq!(count(&server, LOOKUP).await, 2);
}

#[tokio::test]
async fn a_failing_look_up_writes_nothing() {
    let server = MockServer::start().await;
    mount(&server, LOOKUP, "GET", ResponseTemplate::new(500)).await;
    mount(&server, CREATE, "POST", ResponseTemplate::new(201)).await;
    let err = client(&server, Duration::from_secs(3))
        .write_unless_found(lookup(), "", create(), "")
        .await
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::Unavailable);
    // A read is retried once; no write without a clear "not found".
    assert_eq!(count(&server, LOOKUP).await, 2);
    assert_eq!(count(&server, CREATE).await, 0);
}

#[tokio::test]
async fn a_slow_failed_write_is_not_sent_again_when_the_deadline_is_near() {
    let server = MockServer::start().await;
    mount(&server, LOOKUP, "GET", ResponseTemplate::new(404)).await;
    // The first write fails just before the deadline: the second look-up
    // (or the second write) has no time, so there is no second write.
    mount(
        &server,
        CREATE,
        "POST",
        ResponseTemplate::new(503).set_delay(Duration::from_millis(380)),
    )
    .await;
    let err = client(&server, Duration::from_millis(400))
        .write_unless_found(lookup(), "", create(), "")
        .await
        .unwrap_err();
    assert!(
        matches!(err.kind, ErrorKind::Unavailable | ErrorKind::Timeout),
        "{err}"
    );
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(count(&server, CREATE).await, 1);
}
