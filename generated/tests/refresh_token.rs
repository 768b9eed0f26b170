//! The generated connectors' OAuth 2.0 refresh-token grant, against a mock
//! API and a mock token endpoint that counts its tokens: Zoho CRM (its
//! `Zoho-oauthtoken` prefix, `expires_in` answers, a refused refresh token
//! answered 200) and Salesforce (answers without `expires_in`, a session
//! that ends early). One token serves many calls, it is fetched again once
//! due, twenty calls arriving together fetch it once, a refused grant is
//! `unauthorized` with no API call, a slow token endpoint is the call's
//! `timeout` inside its deadline, a revoked access token is replaced once;
//! and the static access token alone still works (the quick start).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use midcall_generated::salesforce::contact_lookup as salesforce;
use midcall_generated::zoho::contact_lookup as zoho;
use midcall_runtime::{Client, Config, Value, Vendor};
use serde_json::json;
use wiremock::matchers::{body_string, header, method, path, query_param};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const TOKEN_PATH: &str = "/oauth/v2/token";
const CLIENT_ID: &str = "1000.test-client-id";
const CLIENT_SECRET: &str = "test-client-secret-8812";
const REFRESH_TOKEN: &str = "1000.test-refresh-token-4471";
const SEARCH: &str = "/crm/v8/Contacts/search";

/// A token endpoint that issues `tok-1`, `tok-2`, … (with `expires_in`
/// when given, as Zoho and Google do; without, as Salesforce does) and
/// counts them.
struct Tokens {
    issued: Arc<AtomicUsize>,
    expires_in: Option<u64>,
    delay: Duration,
}

impl Respond for Tokens {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let n = self.issued.fetch_add(1, Ordering::SeqCst) + 1;
        let mut body = json!({"access_token": format!("tok-{n}"), "token_type": "Bearer"});
        if let Some(s) = self.expires_in {
            body["expires_in"] = json!(s);
        }
        ResponseTemplate::new(200)
            .set_body_json(body)
            .set_delay(self.delay)
    }
}

/// The token endpoint, answering only the grant's exact form; the count
/// of tokens it issued.
async fn token_server(expires_in: Option<u64>, delay: Duration) -> (MockServer, Arc<AtomicUsize>) {
    let server = MockServer::start().await;
    let issued = Arc::new(AtomicUsize::new(0));
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .and(header("content-type", "application/x-www-form-urlencoded"))
        .and(body_string(format!(
            "grant_type=refresh_token&refresh_token={REFRESH_TOKEN}\
             &client_id={CLIENT_ID}&client_secret={CLIENT_SECRET}"
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

fn zoho_contact() -> Value {
    json!({"data": [{"id": "4876876000000333001", "First_Name": "Jane", "Last_Name": "Doe",
                     "Email": "jane.doe@example.com", "Phone": "+14155550123"}],
           "info": {"per_page": 1, "count": 1, "page": 1, "more_records": false}})
}

/// Zoho's contact search, answering `token`'s holder.
async fn zoho_api_accepting(api: &MockServer, token: &str) {
    Mock::given(method("GET"))
        .and(path(SEARCH))
        .and(query_param("email", "jane.doe@example.com"))
        .and(header(
            "authorization",
            format!("Zoho-oauthtoken {token}").as_str(),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(zoho_contact()))
        .mount(api)
        .await;
}

/// A connector's client from its `VENDOR`: the settings, the base URL at
/// `api`, and `auth` (the refresh variables or the static token).
fn configured(vendor: &Vendor, timeout: Duration, vars: Vec<(&str, String)>) -> Client {
    let config = Config::from_vendor_lookup(vendor, |name| {
        vars.iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.clone())
    })
    .expect("the test configuration is complete")
    .with_timeout(timeout);
    Client::new(config).expect("client builds")
}

fn zoho_client(api: &MockServer, token: &MockServer) -> Client {
    configured(
        &zoho::VENDOR,
        zoho::TIMEOUT,
        vec![
            ("ZOHO_API_DOMAIN", "www.zohoapis.eu".to_string()),
            ("ZOHO_BASE_URL", api.uri()),
            ("ZOHO_TOKEN_URL", format!("{}{TOKEN_PATH}", token.uri())),
            ("ZOHO_CLIENT_ID", CLIENT_ID.to_string()),
            ("ZOHO_CLIENT_SECRET", CLIENT_SECRET.to_string()),
            ("ZOHO_REFRESH_TOKEN", REFRESH_TOKEN.to_string()),
        ],
    )
}

async fn zoho_lookup(client: &Client) -> Value {
    zoho::call_json(client, json!({"email": "jane.doe@example.com"})).await
}

fn zoho_found() -> Value {
    json!({"ok": true, "result": {"contact_id": "4876876000000333001", "first_name": "Jane",
           "last_name": "Doe", "email": "jane.doe@example.com", "phone": "+14155550123"}})
}

/// The `Authorization` headers the API saw, in order.
async fn auths(api: &MockServer) -> Vec<String> {
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

#[tokio::test]
async fn one_token_serves_many_calls_and_every_tool_of_the_account() {
    let (token, issued) = token_server(Some(3600), Duration::ZERO).await;
    let api = MockServer::start().await;
    zoho_api_accepting(&api, "tok-1").await;
    let client = zoho_client(&api, &token);
    for _ in 0..3 {
        assert_eq!(zoho_lookup(&client).await, zoho_found());
    }
    // A second client of the same account (another tool) shares it.
    assert_eq!(zoho_lookup(&zoho_client(&api, &token)).await, zoho_found());
    assert_eq!(issued.load(Ordering::SeqCst), 1);
    assert_eq!(auths(&api).await, vec!["Zoho-oauthtoken tok-1"; 4]);
}

#[tokio::test]
async fn a_token_due_for_refresh_is_fetched_again() {
    // A 1 s token is refreshed a tenth of its lifetime early: after 0.9 s.
    let (token, issued) = token_server(Some(1), Duration::ZERO).await;
    let api = MockServer::start().await;
    zoho_api_accepting(&api, "tok-1").await;
    zoho_api_accepting(&api, "tok-2").await;
    let client = zoho_client(&api, &token);
    assert_eq!(zoho_lookup(&client).await, zoho_found());
    assert_eq!(zoho_lookup(&client).await, zoho_found());
    assert_eq!(issued.load(Ordering::SeqCst), 1);
    tokio::time::sleep(Duration::from_millis(950)).await;
    assert_eq!(zoho_lookup(&client).await, zoho_found());
    assert_eq!(issued.load(Ordering::SeqCst), 2);
    assert_eq!(
        auths(&api).await,
        [
            "Zoho-oauthtoken tok-1",
            "Zoho-oauthtoken tok-1",
            "Zoho-oauthtoken tok-2"
        ]
    );
}

#[tokio::test]
async fn twenty_calls_at_once_fetch_one_token() {
    // A slow token endpoint, so that all twenty wait for the same fetch.
    let (token, issued) = token_server(Some(3600), Duration::from_millis(300)).await;
    let api = MockServer::start().await;
    zoho_api_accepting(&api, "tok-1").await;
    let client = zoho_client(&api, &token);
    let mut calls = tokio::task::JoinSet::new();
    for _ in 0..20 {
        let client = client.clone();
        calls.spawn(async move { zoho_lookup(&client).await });
    }
    while let Some(answer) = calls.join_next().await {
        assert_eq!(answer.expect("the call ran"), zoho_found());
    }
    assert_eq!(issued.load(Ordering::SeqCst), 1);
    assert_eq!(auths(&api).await, vec!["Zoho-oauthtoken tok-1"; 20]);
}

#[tokio::test]
async fn a_refused_refresh_token_is_unauthorized_without_calling_the_api() {
    // Zoho answers a revoked refresh token with 200 and an error member;
    // Google and Salesforce with 400 invalid_grant.
    for (status, body) in [
        (200, json!({"error": "invalid_code"})),
        (
            400,
            json!({"error": "invalid_grant", "error_description": "Token has been expired or revoked."}),
        ),
    ] {
        let token = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path(TOKEN_PATH))
            .respond_with(ResponseTemplate::new(status).set_body_json(body))
            .mount(&token)
            .await;
        let api = MockServer::start().await;
        zoho_api_accepting(&api, "tok-1").await;
        let client = zoho_client(&api, &token);
        let answer = zoho_lookup(&client).await;
        assert_eq!(answer["ok"], json!(false));
        assert_eq!(answer["error"], json!("unauthorized"), "{answer}");
        // One fetch (a refusal is not tried twice), and no API call.
        assert_eq!(token.received_requests().await.unwrap_or_default().len(), 1);
        assert!(api.received_requests().await.unwrap_or_default().is_empty());
        let shown = answer.to_string();
        for secret in [CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN] {
            assert!(!shown.contains(secret), "{shown}");
        }
    }
}

#[tokio::test]
async fn a_slow_token_endpoint_is_the_calls_timeout_within_its_deadline() {
    let (token, issued) = token_server(Some(3600), Duration::from_secs(10)).await;
    let api = MockServer::start().await;
    zoho_api_accepting(&api, "tok-1").await;
    let client = zoho_client(&api, &token);
    let started = Instant::now();
    let answer = zoho_lookup(&client).await;
    assert_eq!(answer["error"], json!("timeout"), "{answer}");
    // Well before the endpoint's 10 s: the fetch ran inside the deadline.
    assert!(started.elapsed() < zoho::TIMEOUT + Duration::from_secs(2));
    assert_eq!(issued.load(Ordering::SeqCst), 1);
    assert!(api.received_requests().await.unwrap_or_default().is_empty());
}

fn salesforce_client(api: &MockServer, token: &MockServer) -> Client {
    configured(
        &salesforce::VENDOR,
        salesforce::TIMEOUT,
        vec![
            ("SALESFORCE_INSTANCE", "acme".to_string()),
            ("SALESFORCE_BASE_URL", api.uri()),
            (
                "SALESFORCE_TOKEN_URL",
                format!("{}{TOKEN_PATH}", token.uri()),
            ),
            ("SALESFORCE_CLIENT_ID", CLIENT_ID.to_string()),
            ("SALESFORCE_CLIENT_SECRET", CLIENT_SECRET.to_string()),
            ("SALESFORCE_REFRESH_TOKEN", REFRESH_TOKEN.to_string()),
        ],
    )
}

fn salesforce_contact(id: &str) -> Value {
    json!({"totalSize": 1, "done": true, "records": [{
        "attributes": {"type": "Contact"}, "Id": id, "FirstName": "Jane", "LastName": "Doe",
        "Email": "jane.doe@example.com", "Phone": "+14155550123"}]})
}

async fn salesforce_lookup(client: &Client) -> Value {
    salesforce::call_json(client, json!({"email": "jane.doe@example.com"})).await
}

#[tokio::test]
async fn a_salesforce_session_that_ends_early_is_replaced_once() {
    // Salesforce's answers carry no `expires_in`: the token is kept for
    // ten minutes, and a session the org ends sooner is a 401.
    let (token, issued) = token_server(None, Duration::ZERO).await;
    let api = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/query"))
        .and(header("authorization", "Bearer tok-1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(salesforce_contact("003A")))
        .up_to_n_times(2)
        .with_priority(1)
        .mount(&api)
        .await;
    Mock::given(method("GET"))
        .and(path("/query"))
        .and(header("authorization", "Bearer tok-1"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!([
            {"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}
        ])))
        .with_priority(2)
        .mount(&api)
        .await;
    Mock::given(method("GET"))
        .and(path("/query"))
        .and(header("authorization", "Bearer tok-2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(salesforce_contact("003B")))
        .mount(&api)
        .await;
    let client = salesforce_client(&api, &token);
    assert_eq!(
        salesforce_lookup(&client).await["result"]["contact_id"],
        json!("003A")
    );
    assert_eq!(
        salesforce_lookup(&client).await["result"]["contact_id"],
        json!("003A")
    );
    assert_eq!(issued.load(Ordering::SeqCst), 1);
    assert_eq!(
        salesforce_lookup(&client).await["result"]["contact_id"],
        json!("003B")
    );
    assert_eq!(issued.load(Ordering::SeqCst), 2);
    assert_eq!(
        auths(&api).await,
        [
            "Bearer tok-1",
            "Bearer tok-1",
            "Bearer tok-1",
            "Bearer tok-2"
        ]
    );
    // A fresh token refused too is the answer: no loop.
    let api = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!([
            {"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}
        ])))
        .mount(&api)
        .await;
    let (token, issued) = token_server(None, Duration::ZERO).await;
    let answer = salesforce_lookup(&salesforce_client(&api, &token)).await;
    assert_eq!(answer["error"], json!("unauthorized"), "{answer}");
    assert_eq!(issued.load(Ordering::SeqCst), 1);
    assert_eq!(api.received_requests().await.unwrap_or_default().len(), 1);
}

#[tokio::test]
async fn the_static_access_token_alone_still_works() {
    let api = MockServer::start().await;
    zoho_api_accepting(&api, "static-zoho-token").await;
    let client = configured(
        &zoho::VENDOR,
        zoho::TIMEOUT,
        vec![
            ("ZOHO_API_DOMAIN", "www.zohoapis.eu".to_string()),
            ("ZOHO_BASE_URL", api.uri()),
            ("ZOHO_ACCESS_TOKEN", "static-zoho-token".to_string()),
        ],
    );
    assert_eq!(zoho_lookup(&client).await, zoho_found());
    let sf = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/query"))
        .and(header("authorization", "Bearer static-sf-token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(salesforce_contact("003A")))
        .mount(&sf)
        .await;
    let client = configured(
        &salesforce::VENDOR,
        salesforce::TIMEOUT,
        vec![
            ("SALESFORCE_INSTANCE", "acme".to_string()),
            ("SALESFORCE_BASE_URL", sf.uri()),
            ("SALESFORCE_ACCESS_TOKEN", "static-sf-token".to_string()),
        ],
    );
    assert_eq!(
        salesforce_lookup(&client).await["result"]["contact_id"],
        json!("003A")
    );
}
