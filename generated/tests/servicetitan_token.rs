//! The generated ServiceTitan connector's OAuth 2.0 client credentials,
//! against a mock API and a mock token endpoint that counts its tokens:
//! one token serves many calls, it is fetched again once it is due for
//! refresh, twenty calls arriving together fetch it once, a refused grant
//! is `unauthorized` with no API call, a slow token endpoint is the call's
//! `timeout` inside its 3 s deadline, and a token the API refuses is
//! replaced once.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use midcall_generated::servicetitan::contact_lookup;
use midcall_runtime::{Client, Config, ErrorKind, Value};
use serde_json::json;
use wiremock::matchers::{body_string_contains, header, method, path, query_param};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const TENANT: &str = "1234567";
const CUSTOMERS: &str = "/crm/v2/tenant/1234567/customers";
const TOKEN_PATH: &str = "/connect/token";
const CLIENT_ID: &str = "cid.st-test";
const CLIENT_SECRET: &str = "cs.st-test-secret";
const APP_KEY: &str = "ak1.st-test-app-key";

/// A token endpoint that issues `tok-1`, `tok-2`, … and counts them.
struct Tokens {
    issued: Arc<AtomicUsize>,
    expires_in: u64,
    delay: Duration,
}

impl Respond for Tokens {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let n = self.issued.fetch_add(1, Ordering::SeqCst) + 1;
        ResponseTemplate::new(200)
            .set_body_json(json!({
                "access_token": format!("tok-{n}"),
                "token_type": "Bearer",
                "expires_in": self.expires_in,
            }))
            .set_delay(self.delay)
    }
}

/// The token endpoint, answering only the grant's form with our id and
/// secret; the count of tokens it issued.
async fn token_server(expires_in: u64, delay: Duration) -> (MockServer, Arc<AtomicUsize>) {
    let server = MockServer::start().await;
    let issued = Arc::new(AtomicUsize::new(0));
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .and(body_string_contains("grant_type=client_credentials"))
        .and(body_string_contains(format!("client_id={CLIENT_ID}")))
        .and(body_string_contains(format!(
            "client_secret={CLIENT_SECRET}"
        )))
        .respond_with(Tokens {
            issued: issued.clone(),
            expires_in,
            delay,
        })
        .mount(&server)
        .await;
    (server, issued)
}

/// The customer search ServiceTitan answers with one customer.
async fn api_server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(CUSTOMERS))
        .and(query_param("phone", "+14155550123"))
        .and(header("st-app-key", APP_KEY))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "page": 1, "pageSize": 1, "hasMore": false, "totalCount": null,
            "data": [{"id": 8675309, "active": true, "name": "Jane Doe", "type": "Residential"}]
        })))
        .mount(&server)
        .await;
    server
}

/// The generated connector's client, configured from its `VENDOR` with
/// both mocks.
fn client(api: &MockServer, token: &MockServer) -> Client {
    let vars = [
        ("SERVICETITAN_TENANT_ID", TENANT.to_string()),
        ("SERVICETITAN_APP_KEY", APP_KEY.to_string()),
        ("SERVICETITAN_CLIENT_ID", CLIENT_ID.to_string()),
        ("SERVICETITAN_CLIENT_SECRET", CLIENT_SECRET.to_string()),
        ("SERVICETITAN_BASE_URL", api.uri()),
        (
            "SERVICETITAN_TOKEN_URL",
            format!("{}{TOKEN_PATH}", token.uri()),
        ),
    ];
    let config = Config::from_vendor_lookup(&contact_lookup::VENDOR, |name| {
        vars.iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.clone())
    })
    .expect("the test configuration is complete")
    .with_timeout(contact_lookup::TIMEOUT);
    Client::new(config).expect("client builds")
}

async fn lookup(client: &Client) -> Value {
    contact_lookup::call_json(client, json!({"phone": "+14155550123"})).await
}

/// The bearer tokens the API saw, in order.
async fn bearers(api: &MockServer) -> Vec<String> {
    api.received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .map(|r| {
            r.headers
                .get("authorization")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("none")
                .to_string()
        })
        .collect()
}

fn found() -> Value {
    json!({"ok": true, "result": {"contact_id": "8675309"}})
}

#[tokio::test]
async fn one_token_serves_many_calls() {
    let (token, issued) = token_server(900, Duration::ZERO).await;
    let api = api_server().await;
    let client = client(&api, &token);
    for _ in 0..3 {
        assert_eq!(lookup(&client).await, found());
    }
    // A clone shares the cache.
    assert_eq!(lookup(&client.clone()).await, found());
    assert_eq!(issued.load(Ordering::SeqCst), 1);
    assert_eq!(bearers(&api).await, vec!["Bearer tok-1"; 4]);
}

#[tokio::test]
async fn a_token_due_for_refresh_is_fetched_again() {
    // A 1 s token is refreshed a tenth of its lifetime early: after 0.9 s.
    let (token, issued) = token_server(1, Duration::ZERO).await;
    let api = api_server().await;
    let client = client(&api, &token);
    assert_eq!(lookup(&client).await, found());
    assert_eq!(lookup(&client).await, found());
    assert_eq!(issued.load(Ordering::SeqCst), 1);
    tokio::time::sleep(Duration::from_millis(950)).await;
    assert_eq!(lookup(&client).await, found());
    assert_eq!(lookup(&client).await, found());
    assert_eq!(issued.load(Ordering::SeqCst), 2);
    assert_eq!(
        bearers(&api).await,
        [
            "Bearer tok-1",
            "Bearer tok-1",
            "Bearer tok-2",
            "Bearer tok-2"
        ]
    );
}

#[tokio::test]
async fn twenty_calls_at_once_fetch_one_token() {
    // A slow token endpoint, so that all twenty wait for the same fetch.
    let (token, issued) = token_server(900, Duration::from_millis(300)).await;
    let api = api_server().await;
    let client = client(&api, &token);
    let mut calls = tokio::task::JoinSet::new();
    for _ in 0..20 {
        let client = client.clone();
        calls.spawn(async move { lookup(&client).await });
    }
    while let Some(answer) = calls.join_next().await {
        assert_eq!(answer.expect("the call ran"), found());
    }
    assert_eq!(issued.load(Ordering::SeqCst), 1);
    let seen = bearers(&api).await;
    assert_eq!(seen.len(), 20);
    assert!(seen.iter().all(|b| b == "Bearer tok-1"), "{seen:?}");
}

#[tokio::test]
async fn a_refused_grant_is_unauthorized_without_calling_the_api() {
    let token = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({
            "error": "invalid_client",
            "error_description": "Client authentication failed"
        })))
        .mount(&token)
        .await;
    let api = api_server().await;
    let client = client(&api, &token);
    let answer = lookup(&client).await;
    assert_eq!(answer["ok"], json!(false));
    assert_eq!(answer["error"], json!("unauthorized"), "{answer}");
    let typed = contact_lookup::call(
        &client,
        &contact_lookup::Args {
            phone: Some("+14155550123".into()),
        },
    )
    .await
    .unwrap_err();
    assert_eq!(typed.kind, ErrorKind::Unauthorized);
    assert!(typed.detail.contains("invalid_client"), "{}", typed.detail);
    // One fetch per call (a 401 is not tried twice), and no API call.
    assert_eq!(token.received_requests().await.unwrap_or_default().len(), 2);
    assert!(api.received_requests().await.unwrap_or_default().is_empty());
}

#[tokio::test]
async fn a_slow_token_endpoint_is_the_calls_timeout_on_time() {
    let (token, issued) = token_server(900, Duration::from_secs(10)).await;
    let api = api_server().await;
    let client = client(&api, &token);
    let started = Instant::now();
    let answer = lookup(&client).await;
    let took = started.elapsed();
    assert_eq!(answer["error"], json!("timeout"), "{answer}");
    assert!(
        took >= Duration::from_millis(2900) && took < Duration::from_millis(3500),
        "the 3 s deadline covers the token fetch; took {took:?}"
    );
    assert_eq!(issued.load(Ordering::SeqCst), 1);
    assert!(api.received_requests().await.unwrap_or_default().is_empty());
}

#[tokio::test]
async fn a_cached_token_the_api_refuses_is_replaced_once() {
    let (token, issued) = token_server(900, Duration::ZERO).await;
    let api = MockServer::start().await;
    // tok-1 is revoked after the first call; tok-2 works.
    Mock::given(method("GET"))
        .and(path(CUSTOMERS))
        .and(header("authorization", "Bearer tok-1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": [{"id": 1}]})))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&api)
        .await;
    Mock::given(method("GET"))
        .and(path(CUSTOMERS))
        .and(header("authorization", "Bearer tok-1"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({
            "type": "https://tools.ietf.org/html/rfc7235#section-3.1",
            "title": "Unauthorized", "status": 401, "traceId": "00-1", "errors": {}, "data": {}
        })))
        .with_priority(2)
        .mount(&api)
        .await;
    Mock::given(method("GET"))
        .and(path(CUSTOMERS))
        .and(header("authorization", "Bearer tok-2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": [{"id": 2}]})))
        .mount(&api)
        .await;
    let client = client(&api, &token);
    assert_eq!(lookup(&client).await["result"]["contact_id"], json!("1"));
    assert_eq!(lookup(&client).await["result"]["contact_id"], json!("2"));
    assert_eq!(issued.load(Ordering::SeqCst), 2);
    assert_eq!(
        bearers(&api).await,
        ["Bearer tok-1", "Bearer tok-1", "Bearer tok-2"]
    );
}

#[tokio::test]
async fn a_tenant_that_is_not_a_number_is_misconfigured_before_any_call() {
    let err = Config::from_vendor_lookup(&contact_lookup::VENDOR, |name| match name {
        "SERVICETITAN_TENANT_ID" => Some("acme".into()),
        _ => Some("x".into()),
    })
    .unwrap_err();
    assert_eq!(err.kind, ErrorKind::Misconfigured);
    assert!(
        err.detail.contains("SERVICETITAN_TENANT_ID"),
        "{}",
        err.detail
    );
    // Settings given, no client id: the default endpoints, then the id.
    let err = Config::from_vendor_lookup(&contact_lookup::VENDOR, |name| {
        matches!(name, "SERVICETITAN_TENANT_ID" | "SERVICETITAN_APP_KEY").then(|| "1".to_string())
    })
    .unwrap_err();
    assert_eq!(err.kind, ErrorKind::Misconfigured);
    assert!(
        err.detail.contains("SERVICETITAN_CLIENT_ID"),
        "{}",
        err.detail
    );
}
