//! The runtime's client against a local mock that misbehaves the ways a CRM
//! does on a live call. Every test asserts how many requests the mock got:
//! a retry too many (or a write sent twice) is a failure here.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use midcall_runtime::{
    Auth, AuthSpec, Client, Config, CrmEnv, Deadline, ErrorKind, Method, Request,
};
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use wiremock::matchers::{header, header_exists, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "pat-na1-secret-token-1234";
const CALLER_EMAIL: &str = "jane.doe@example.com";

fn client_for(uri: &str, timeout: Duration) -> Client {
    let config = Config::new(uri, Auth::Bearer(TOKEN.to_string())).with_timeout(timeout);
    Client::new(config).expect("client builds")
}

fn client(server: &MockServer) -> Client {
    client_for(&server.uri(), Duration::from_secs(3))
}

async fn requests(server: &MockServer) -> usize {
    server.received_requests().await.map_or(0, |r| r.len())
}

fn get_contact() -> Request {
    Request::new(Method::Get, "/crm/v3/objects/contacts/51")
}

fn create_contact() -> Request {
    Request::new(Method::Post, "/crm/v3/objects/contacts")
        .json(json!({"properties": {"email": CALLER_EMAIL}}))
}

#[tokio::test]
async fn success_returns_the_parsed_body_after_one_request() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/crm/v3/objects/contacts/51"))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .and(header("accept", "application/json"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "51"})))
        .expect(1)
        .mount(&server)
        .await;
    let body = client(&server).send(get_contact()).await.unwrap();
    assert_eq!(body, json!({"id": "51"}));
    assert_eq!(requests(&server).await, 1);
}

#[tokio::test]
async fn status_404_is_not_found_without_a_retry() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({
            "status": "error", "message": "resource not found", "category": "OBJECT_NOT_FOUND"
        })))
        .expect(1)
        .mount(&server)
        .await;
    let err = client(&server).send(get_contact()).await.unwrap_err();
    assert_eq!(err.kind, ErrorKind::NotFound);
    assert_eq!(err.status, Some(404));
    assert!(err.detail.contains("resource not found"), "{}", err.detail);
    assert_eq!(requests(&server).await, 1);
}

#[tokio::test]
async fn status_401_is_unauthorized_without_a_retry() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({
            "status": "error", "message": "Authentication credentials not found.",
            "category": "INVALID_AUTHENTICATION"
        })))
        .expect(1)
        .mount(&server)
        .await;
    let err = client(&server).send(get_contact()).await.unwrap_err();
    assert_eq!(err.kind, ErrorKind::Unauthorized);
    assert_eq!(err.message, "I can't access our records right now.");
    assert!(!err.detail.contains(TOKEN));
    assert_eq!(requests(&server).await, 1);
}

#[tokio::test]
async fn a_read_retries_a_429_after_retry_after_then_succeeds() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "1"))
        .up_to_n_times(1)
        .with_priority(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "51"})))
        .expect(1)
        .mount(&server)
        .await;
    let body = client(&server).send(get_contact()).await.unwrap();
    assert_eq!(body["id"], "51");
    assert_eq!(requests(&server).await, 2);
}

#[tokio::test]
async fn a_retry_after_beyond_the_deadline_is_not_waited_for() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "30"))
        .expect(1)
        .mount(&server)
        .await;
    let err = client(&server).send(get_contact()).await.unwrap_err();
    // Rate limited, not a timeout: the error came back without sleeping.
    assert_eq!(err.kind, ErrorKind::RateLimited);
    assert_eq!(requests(&server).await, 1);
}

#[tokio::test]
async fn a_read_that_fails_twice_is_unavailable_after_exactly_two_requests() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(500).set_body_string("internal error"))
        .expect(2)
        .mount(&server)
        .await;
    let err = client(&server).send(get_contact()).await.unwrap_err();
    assert_eq!(err.kind, ErrorKind::Unavailable);
    assert_eq!(err.status, Some(500));
    assert_eq!(requests(&server).await, 2);
}

#[tokio::test]
async fn a_search_post_marked_retry_safe_is_retried() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"results": []})))
        .mount(&server)
        .await;
    let search = Request::new(Method::Post, "/crm/v3/objects/contacts/search")
        .retry_safe(true)
        .json(json!({"limit": 1}));
    client(&server).send(search).await.unwrap();
    assert_eq!(requests(&server).await, 2);
}

#[tokio::test]
async fn a_write_that_gets_500_is_sent_once() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(500))
        .expect(1)
        .mount(&server)
        .await;
    let err = client(&server).send(create_contact()).await.unwrap_err();
    assert_eq!(err.kind, ErrorKind::Unavailable);
    assert_eq!(requests(&server).await, 1);
}

#[tokio::test]
async fn a_write_with_an_idempotency_key_is_retried_with_the_same_key() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(header_exists("idempotency-key"))
        .respond_with(ResponseTemplate::new(500))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(header_exists("idempotency-key"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "cus_1"})))
        .mount(&server)
        .await;
    let request = create_contact().idempotency_key("Idempotency-Key");
    client(&server).send(request).await.unwrap();
    let received = server.received_requests().await.unwrap();
    assert_eq!(received.len(), 2);
    let keys: Vec<_> = received
        .iter()
        .map(|r| r.headers.get("idempotency-key").cloned())
        .collect();
    assert!(keys[0].is_some());
    assert_eq!(keys[0], keys[1], "a retry reuses the key");

    // A new logical call gets a new key.
    let again = create_contact().idempotency_key("Idempotency-Key");
    client(&server).send(again).await.unwrap();
    let received = server.received_requests().await.unwrap();
    assert_eq!(received.len(), 3);
    assert_ne!(received[2].headers.get("idempotency-key").cloned(), keys[0]);
}

#[tokio::test]
async fn a_server_that_never_answers_is_a_timeout() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(60)))
        .mount(&server)
        .await;
    let client = client_for(&server.uri(), Duration::from_millis(300));
    let err = client.send(get_contact()).await.unwrap_err();
    assert_eq!(err.kind, ErrorKind::Timeout);
    assert!(err.detail.contains("300 ms"), "{}", err.detail);
    assert_eq!(requests(&server).await, 1);
}

#[tokio::test]
async fn a_listener_that_accepts_and_stays_silent_is_a_timeout() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let accepted = Arc::new(AtomicUsize::new(0));
    let count = accepted.clone();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            count.fetch_add(1, Ordering::SeqCst);
            held.push(socket); // never read, never answered
        }
    });
    let client = client_for(&format!("http://{addr}"), Duration::from_millis(300));
    let err = client.send(get_contact()).await.unwrap_err();
    assert_eq!(err.kind, ErrorKind::Timeout);
    assert_eq!(accepted.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn the_deadline_covers_every_step_of_a_chained_action() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"id": "51"}))
                .set_delay(Duration::from_millis(1200)),
        )
        .mount(&server)
        .await;
    // Wide margins (800 ms either way) so a loaded machine cannot flip it.
    let client = client_for(&server.uri(), Duration::from_millis(2000));
    let deadline = client.deadline();
    client.send_by(get_contact(), deadline).await.unwrap();
    // The second step alone would fit in 2 s; both together do not.
    let err = client.send_by(get_contact(), deadline).await.unwrap_err();
    assert_eq!(err.kind, ErrorKind::Timeout);
    assert_eq!(requests(&server).await, 2);
    // A spent deadline sends nothing more.
    let spent = Deadline::after(Duration::ZERO);
    let err = client.send_by(get_contact(), spent).await.unwrap_err();
    assert_eq!(err.kind, ErrorKind::Timeout);
    assert_eq!(requests(&server).await, 2);
}

#[tokio::test]
async fn invalid_json_is_unavailable_and_not_retried() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw("{\"id\": \"51\", \"propert", "application/json"),
        )
        .expect(1)
        .mount(&server)
        .await;
    let err = client(&server).send(get_contact()).await.unwrap_err();
    assert_eq!(err.kind, ErrorKind::Unavailable);
    assert!(err.detail.contains("not JSON"), "{}", err.detail);
    assert_eq!(requests(&server).await, 1);
}

#[tokio::test]
async fn an_html_page_with_status_200_is_unavailable() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw("<html><body>Maintenance</body></html>", "text/html"),
        )
        .expect(1)
        .mount(&server)
        .await;
    let err = client(&server).send(get_contact()).await.unwrap_err();
    assert_eq!(err.kind, ErrorKind::Unavailable);
    assert!(err.detail.contains("text/html"), "{}", err.detail);
    assert_eq!(requests(&server).await, 1);
}

#[tokio::test]
async fn an_empty_success_is_null() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    let body = client(&server).send(get_contact()).await.unwrap();
    assert_eq!(body, Value::Null);
    assert_eq!(requests(&server).await, 1);
}

#[tokio::test]
async fn a_200_with_an_error_body_is_an_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "status": "error",
            "message": "Property values were not valid",
            "category": "VALIDATION_ERROR"
        })))
        .expect(1)
        .mount(&server)
        .await;
    let err = client(&server).send(get_contact()).await.unwrap_err();
    assert_eq!(err.kind, ErrorKind::InvalidInput);
    assert!(err.detail.contains("Property values were not valid"));
    assert_eq!(requests(&server).await, 1);
}

#[tokio::test]
async fn a_10_mb_body_is_refused_at_the_cap() {
    let server = MockServer::start().await;
    let big = format!("{{\"blob\": \"{}\"}}", "x".repeat(10 * 1024 * 1024));
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(big, "application/json"))
        .expect(1)
        .mount(&server)
        .await;
    let err = client(&server).send(get_contact()).await.unwrap_err();
    assert_eq!(err.kind, ErrorKind::Unavailable);
    assert!(err.detail.contains("cap"), "{}", err.detail);
    assert_eq!(requests(&server).await, 1);
}

/// A server that streams an endless body without a length: the cap, not
/// the end of the body, stops the read.
#[tokio::test]
async fn a_streamed_body_without_a_length_is_cut_at_the_cap() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let served = Arc::new(AtomicUsize::new(0));
    let count = served.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            count.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(async move {
                let mut buf = [0u8; 4096];
                let _ = socket.read(&mut buf).await;
                let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nconnection: close\r\n\r\n[";
                if socket.write_all(head.as_bytes()).await.is_err() {
                    return;
                }
                let chunk = "1,".repeat(32 * 1024);
                for _ in 0..160 {
                    if socket.write_all(chunk.as_bytes()).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    let config = Config {
        max_body_bytes: 64 * 1024,
        ..Config::new(format!("http://{addr}"), Auth::None)
    };
    let client = Client::new(config).unwrap();
    let err = client.send(get_contact()).await.unwrap_err();
    assert_eq!(err.kind, ErrorKind::Unavailable);
    assert!(err.detail.contains("65536-byte cap"), "{}", err.detail);
    assert_eq!(served.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_missing_variable_is_named_and_nothing_is_sent() {
    let server = MockServer::start().await;
    let crm = CrmEnv {
        name: "Acme CRM",
        base_url: "https://api.acme.test",
        base_url_env: "ACME_BASE_URL",
        auth: AuthSpec::Basic {
            user_env: "ACME_USER",
            password_env: "ACME_PASSWORD",
        },
    };
    let uri = server.uri();
    let lookup = |name: &str| match name {
        "ACME_BASE_URL" => Some(uri.clone()),
        "ACME_USER" => Some("bot".to_string()),
        _ => None,
    };
    let err = Config::from_lookup(&crm, lookup).unwrap_err();
    assert_eq!(err.kind, ErrorKind::Misconfigured);
    assert!(err.detail.contains("ACME_PASSWORD"), "{}", err.detail);

    // A base URL override that is not a URL is named too.
    let err = Config::from_lookup(&crm, |name| match name {
        "ACME_BASE_URL" => Some("api.acme.test".to_string()),
        _ => Some("x".to_string()),
    })
    .unwrap_err();
    assert_eq!(err.kind, ErrorKind::Misconfigured);
    assert!(err.detail.contains("ACME_BASE_URL"), "{}", err.detail);
    assert_eq!(requests(&server).await, 0);
}

#[tokio::test]
async fn auth_from_the_environment_reaches_the_server() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(wiremock::matchers::query_param("hapikey", "k-123"))
        .and(header("x-api-key", "h-456"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .expect(1)
        .mount(&server)
        .await;
    let query = Client::new(Config::new(
        server.uri(),
        Auth::Query("hapikey".into(), "k-123".into()),
    ))
    .unwrap();
    let err = query.send(get_contact()).await.unwrap_err();
    // The header is missing, so the mock answers 404: the key is in the
    // query but never in the error.
    assert!(!err.detail.contains("k-123"), "{}", err.detail);
    let both = Client::new(Config::new(
        server.uri(),
        Auth::Query("hapikey".into(), "k-123".into()),
    ))
    .unwrap();
    both.send(get_contact().header("x-api-key", "h-456"))
        .await
        .unwrap();
    assert_eq!(requests(&server).await, 2);
}

#[tokio::test]
async fn a_refused_connection_never_shows_a_query_key() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener); // nothing listens there now
    let client = Client::new(Config::new(
        format!("http://{addr}"),
        Auth::Query("api_key".into(), "sk_live_abcdef".into()),
    ))
    .unwrap();
    let err = client.send(get_contact()).await.unwrap_err();
    assert_eq!(err.kind, ErrorKind::Unavailable);
    assert!(err.detail.contains("could not connect"), "{}", err.detail);
    assert!(!err.detail.contains("sk_live_abcdef"), "{}", err.detail);
    assert!(!err.to_string().contains("sk_live_abcdef"));
}
