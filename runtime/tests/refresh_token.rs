//! The OAuth 2.0 refresh-token grant (Salesforce, Zoho CRM, Google
//! Calendar) against a wiremock token endpoint and API: the access token
//! is fetched once and reused (by every client of the account), refreshed
//! before it expires, fetched once under concurrent calls, replaced once
//! when the API revokes it; a refused grant is `unauthorized` with no API
//! call; a slow endpoint is a `timeout` within the call's deadline; a
//! rotated refresh token is used next. Configuration: the refresh
//! variables, or the static access token alone (the quick start), and the
//! variables readiness names either way.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use midcall_runtime::{
    AuthKind, Client, Config, CredentialsIn, ErrorKind, Method, Request, Setting, SettingKind,
    Vendor,
};
use serde_json::{json, Value};
use wiremock::matchers::{body_string, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const CLIENT_ID: &str = "1000.client-id-4471";
const CLIENT_SECRET: &str = "cs-very-secret-9931";
const REFRESH_TOKEN: &str = "1000.refresh-token-7723";
const TOKEN_PATH: &str = "/oauth/v2/token";
const API_PATH: &str = "/crm/v8/Contacts/search";

/// Zoho CRM's shape: a data-centre setting, the vendor's prefix.
const ZOHO: Vendor = Vendor {
    name: "Zoho CRM",
    base_url: "https://{api_domain}",
    base_url_env: "Z_BASE_URL",
    settings: &[Setting {
        name: "api_domain",
        env: "Z_API_DOMAIN",
        kind: SettingKind::Host,
    }],
    auth: AuthKind::RefreshToken {
        token_url: "https://accounts.zoho.com/oauth/v2/token",
        token_url_env: "Z_TOKEN_URL",
        client_id_env: "Z_CLIENT_ID",
        client_secret_env: "Z_CLIENT_SECRET",
        refresh_token_env: "Z_REFRESH_TOKEN",
        access_token_env: Some("Z_ACCESS_TOKEN"),
        prefix: "Zoho-oauthtoken",
        send: CredentialsIn::Body,
    },
    headers: &[],
};

fn lookup(pairs: Vec<(&'static str, String)>) -> impl Fn(&str) -> Option<String> {
    let map: HashMap<&str, String> = pairs.into_iter().collect();
    move |name| map.get(name).cloned()
}

fn env(server: &MockServer, refresh_token: &str) -> Vec<(&'static str, String)> {
    vec![
        ("Z_API_DOMAIN", "www.zohoapis.eu".to_string()),
        ("Z_BASE_URL", server.uri()),
        ("Z_TOKEN_URL", format!("{}{TOKEN_PATH}", server.uri())),
        ("Z_CLIENT_ID", CLIENT_ID.to_string()),
        ("Z_CLIENT_SECRET", CLIENT_SECRET.to_string()),
        ("Z_REFRESH_TOKEN", refresh_token.to_string()),
    ]
}

fn client_with(server: &MockServer, refresh_token: &str, timeout: Duration) -> Client {
    let config = Config::from_vendor_lookup(&ZOHO, lookup(env(server, refresh_token)))
        .unwrap()
        .with_timeout(timeout);
    Client::new(config).unwrap()
}

fn zoho(server: &MockServer) -> Client {
    client_with(server, REFRESH_TOKEN, Duration::from_secs(3))
}

fn search() -> Request {
    Request::new(Method::Get, API_PATH).query("email", "jane@example.com")
}

fn form(refresh_token: &str) -> String {
    format!(
        "grant_type=refresh_token&refresh_token={refresh_token}&client_id={CLIENT_ID}&client_secret={CLIENT_SECRET}"
    )
}

/// A token endpoint answering `answer` to the grant's exact form, with a
/// short delay (so that concurrent calls overlap the fetch).
async fn token_endpoint(
    server: &MockServer,
    refresh_token: &str,
    answer: Value,
    times: Option<u64>,
) {
    let mock = Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .and(header("content-type", "application/x-www-form-urlencoded"))
        .and(body_string(form(refresh_token)))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(answer)
                .set_delay(Duration::from_millis(150)),
        );
    match times {
        Some(n) => mock.up_to_n_times(n).with_priority(1).mount(server).await,
        None => mock.with_priority(2).mount(server).await,
    }
}

fn issued(token: &str, expires_in: u64) -> Value {
    json!({"access_token": token, "expires_in": expires_in,
           "api_domain": "https://www.zohoapis.eu", "token_type": "Bearer"})
}

async fn api_accepting(server: &MockServer, token: &str) {
    Mock::given(method("GET"))
        .and(path(API_PATH))
        .and(header(
            "authorization",
            format!("Zoho-oauthtoken {token}").as_str(),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": [{"id": "1"}]})))
        .mount(server)
        .await;
}

async fn requests_to(server: &MockServer, to: &str) -> usize {
    server
        .received_requests()
        .await
        .map_or(0, |r| r.iter().filter(|r| r.url.path() == to).count())
}

/// The `Authorization` headers of the API requests, in order.
async fn api_auth(server: &MockServer) -> Vec<String> {
    server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| r.url.path() == API_PATH)
        .filter_map(|r| {
            r.headers
                .get("authorization")
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        })
        .collect()
}

#[tokio::test]
async fn the_token_is_fetched_once_and_reused_by_every_client_of_the_account() {
    let server = MockServer::start().await;
    token_endpoint(&server, REFRESH_TOKEN, issued("tok-1", 3600), None).await;
    api_accepting(&server, "tok-1").await;
    let client = zoho(&server);
    for _ in 0..3 {
        let answer = client.send(search()).await.unwrap();
        assert_eq!(answer["data"][0]["id"], "1");
    }
    // Another client of the same account (another tool of the server)
    // uses the same token: Zoho allows ten per ten minutes.
    let other = zoho(&server);
    other.send(search()).await.unwrap();
    assert_eq!(requests_to(&server, TOKEN_PATH).await, 1);
    assert_eq!(requests_to(&server, API_PATH).await, 4);
}

#[tokio::test]
async fn the_token_is_refreshed_shortly_before_it_expires() {
    let server = MockServer::start().await;
    // Zoho's older form: `expires_in` in milliseconds beside
    // `expires_in_sec`, which wins: the token lives 1 s, not 1000 s.
    let short = json!({"access_token": "tok-1", "expires_in_sec": 1, "expires_in": 1000});
    token_endpoint(&server, REFRESH_TOKEN, short, Some(1)).await;
    token_endpoint(&server, REFRESH_TOKEN, issued("tok-2", 3600), None).await;
    api_accepting(&server, "tok-1").await;
    api_accepting(&server, "tok-2").await;
    let client = zoho(&server);
    client.send(search()).await.unwrap();
    client.send(search()).await.unwrap();
    assert_eq!(requests_to(&server, TOKEN_PATH).await, 1);
    tokio::time::sleep(Duration::from_millis(1000)).await;
    client.send(search()).await.unwrap();
    client.send(search()).await.unwrap();
    assert_eq!(requests_to(&server, TOKEN_PATH).await, 2);
    assert_eq!(
        api_auth(&server).await,
        [
            "Zoho-oauthtoken tok-1",
            "Zoho-oauthtoken tok-1",
            "Zoho-oauthtoken tok-2",
            "Zoho-oauthtoken tok-2"
        ]
    );
}

#[tokio::test]
async fn an_answer_without_a_lifetime_is_reused_and_a_rotated_refresh_token_used_next() {
    let server = MockServer::start().await;
    // Salesforce's answer: no `expires_in`; with rotation on, a new
    // refresh token that replaces the configured one.
    let rotated = json!({"access_token": "tok-1", "refresh_token": "1000.rotated-5511",
                         "instance_url": "https://acme.my.salesforce.com", "token_type": "Bearer"});
    token_endpoint(&server, REFRESH_TOKEN, rotated, Some(1)).await;
    token_endpoint(&server, "1000.rotated-5511", issued("tok-2", 3600), None).await;
    api_accepting(&server, "tok-1").await;
    api_accepting(&server, "tok-2").await;
    let client = zoho(&server);
    for _ in 0..3 {
        client.send(search()).await.unwrap();
    }
    assert_eq!(requests_to(&server, TOKEN_PATH).await, 1);
    // tok-1 is revoked: the next fetch sends the rotated refresh token
    // (the configured one would now match no mock and fail).
    server.reset().await;
    token_endpoint(&server, "1000.rotated-5511", issued("tok-2", 3600), None).await;
    api_accepting(&server, "tok-2").await;
    Mock::given(method("GET"))
        .and(path(API_PATH))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({"code": "INVALID_TOKEN"})))
        .with_priority(10)
        .mount(&server)
        .await;
    client.send(search()).await.unwrap();
    assert_eq!(requests_to(&server, TOKEN_PATH).await, 1);
    assert_eq!(
        api_auth(&server).await,
        ["Zoho-oauthtoken tok-1", "Zoho-oauthtoken tok-2"]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twenty_concurrent_calls_fetch_one_token() {
    let server = MockServer::start().await;
    token_endpoint(&server, REFRESH_TOKEN, issued("tok-1", 3600), None).await;
    api_accepting(&server, "tok-1").await;
    let client = zoho(&server);
    let calls: Vec<_> = (0..20)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.send(search()).await })
        })
        .collect();
    for call in calls {
        call.await.unwrap().unwrap();
    }
    assert_eq!(requests_to(&server, TOKEN_PATH).await, 1);
    assert_eq!(requests_to(&server, API_PATH).await, 20);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_grant_is_unauthorized_with_no_api_call() {
    let server = MockServer::start().await;
    // Salesforce and Google: 400 invalid_grant.
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(
            ResponseTemplate::new(400)
                .set_body_json(json!({"error": "invalid_grant",
                                      "error_description": "expired access/refresh token"}))
                .set_delay(Duration::from_millis(150)),
        )
        .mount(&server)
        .await;
    api_accepting(&server, "never").await;
    let client = zoho(&server);
    let calls: Vec<_> = (0..20)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.send(search()).await })
        })
        .collect();
    for call in calls {
        let err = call.await.unwrap().unwrap_err();
        assert_eq!(err.kind, ErrorKind::Unauthorized);
        assert_eq!(
            err.detail,
            "token endpoint: status 400: invalid_grant: expired access/refresh token"
        );
    }
    assert_eq!(requests_to(&server, TOKEN_PATH).await, 1);
    assert_eq!(requests_to(&server, API_PATH).await, 0);

    // Zoho: 200 with {"error": "invalid_code"}, not retried.
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"error": "invalid_code"})))
        .mount(&server)
        .await;
    let client = zoho(&server);
    let err = client.send(search()).await.unwrap_err();
    assert_eq!(err.kind, ErrorKind::Unauthorized);
    assert_eq!(err.detail, "token endpoint: status 200: invalid_code");
    assert_eq!(requests_to(&server, TOKEN_PATH).await, 1);
    assert_eq!(requests_to(&server, API_PATH).await, 0);
}

#[tokio::test]
async fn a_slow_token_endpoint_is_a_timeout_within_the_call_deadline() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(issued("late", 3600))
                .set_delay(Duration::from_secs(10)),
        )
        .mount(&server)
        .await;
    api_accepting(&server, "late").await;
    let client = client_with(&server, REFRESH_TOKEN, Duration::from_millis(400));
    let started = Instant::now();
    let err = client.send(search()).await.unwrap_err();
    assert_eq!(err.kind, ErrorKind::Timeout);
    // Far below the server's 10 s: the fetch ran inside the deadline.
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(requests_to(&server, TOKEN_PATH).await, 1);
    assert_eq!(requests_to(&server, API_PATH).await, 0);
}

#[tokio::test]
async fn a_revoked_access_token_is_replaced_once() {
    let server = MockServer::start().await;
    token_endpoint(&server, REFRESH_TOKEN, issued("tok-1", 3600), Some(1)).await;
    api_accepting(&server, "tok-1").await;
    let client = zoho(&server);
    client.send(search()).await.unwrap();
    // tok-1 is revoked before it expires: the API now accepts tok-2 only.
    server.reset().await;
    token_endpoint(&server, REFRESH_TOKEN, issued("tok-2", 3600), None).await;
    api_accepting(&server, "tok-2").await;
    Mock::given(method("GET"))
        .and(path(API_PATH))
        .respond_with(ResponseTemplate::new(401))
        .with_priority(10)
        .mount(&server)
        .await;
    client.send(search()).await.unwrap();
    assert_eq!(requests_to(&server, API_PATH).await, 2);
    assert_eq!(requests_to(&server, TOKEN_PATH).await, 1);
    // A fresh token refused too is the answer: no loop.
    let server = MockServer::start().await;
    token_endpoint(&server, REFRESH_TOKEN, issued("tok-3", 3600), None).await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(401))
        .mount(&server)
        .await;
    let client = zoho(&server);
    let err = client.send(search()).await.unwrap_err();
    assert_eq!(err.kind, ErrorKind::Unauthorized);
    assert_eq!(requests_to(&server, API_PATH).await, 1);
    assert_eq!(requests_to(&server, TOKEN_PATH).await, 1);
}

#[tokio::test]
async fn the_static_access_token_is_the_quick_start() {
    let server = MockServer::start().await;
    api_accepting(&server, "static-tok").await;
    let vars = vec![
        ("Z_API_DOMAIN", "www.zohoapis.eu".to_string()),
        ("Z_BASE_URL", server.uri()),
        ("Z_ACCESS_TOKEN", "static-tok".to_string()),
    ];
    assert!(ZOHO.missing_variables(lookup(vars.clone())).is_empty());
    let config = Config::from_vendor_lookup(&ZOHO, lookup(vars)).unwrap();
    let client = Client::new(config).unwrap();
    client.send(search()).await.unwrap();
    assert_eq!(requests_to(&server, TOKEN_PATH).await, 0);
    assert_eq!(api_auth(&server).await, ["Zoho-oauthtoken static-tok"]);
}

#[test]
fn readiness_and_errors_name_the_variables_to_set() {
    let base = || vec![("Z_API_DOMAIN", "www.zohoapis.eu".to_string())];
    let misconfigured = |vars: Vec<(&'static str, String)>| {
        let err = Config::from_vendor_lookup(&ZOHO, lookup(vars)).unwrap_err();
        assert_eq!(err.kind, ErrorKind::Misconfigured);
        err.detail
    };
    // Nothing set: the refresh variables (the durable way); the error
    // also names the static alternative.
    assert_eq!(
        ZOHO.missing_variables(lookup(base())),
        ["Z_CLIENT_ID", "Z_CLIENT_SECRET", "Z_REFRESH_TOKEN"]
    );
    assert_eq!(
        misconfigured(base()),
        "Zoho CRM: environment variables Z_CLIENT_ID, Z_CLIENT_SECRET and Z_REFRESH_TOKEN \
         are not set (or set Z_ACCESS_TOKEN to one access token, which expires)"
    );
    // Part of the refresh variables: the rest, even beside a static
    // token (a half-done switch is not silently ignored).
    let mut part = base();
    part.push(("Z_CLIENT_ID", CLIENT_ID.to_string()));
    part.push(("Z_ACCESS_TOKEN", "static-tok".to_string()));
    assert_eq!(
        ZOHO.missing_variables(lookup(part.clone())),
        ["Z_CLIENT_SECRET", "Z_REFRESH_TOKEN"]
    );
    assert_eq!(
        misconfigured(part),
        "Zoho CRM: environment variable Z_CLIENT_SECRET is not set"
    );
    // A setting missing is named whichever way the auth goes.
    assert_eq!(
        ZOHO.missing_variables(lookup(vec![("Z_ACCESS_TOKEN", "t".to_string())])),
        ["Z_API_DOMAIN"]
    );
    assert_eq!(
        ZOHO.variables(),
        [
            "Z_API_DOMAIN",
            "Z_CLIENT_ID",
            "Z_CLIENT_SECRET",
            "Z_REFRESH_TOKEN",
            "Z_ACCESS_TOKEN",
            "Z_BASE_URL",
            "Z_TOKEN_URL"
        ]
    );
    // The token endpoint: the override, else the binding's.
    let mut vars = base();
    vars.extend([
        ("Z_CLIENT_ID", CLIENT_ID.to_string()),
        ("Z_CLIENT_SECRET", CLIENT_SECRET.to_string()),
        ("Z_REFRESH_TOKEN", REFRESH_TOKEN.to_string()),
    ]);
    let config = Config::from_vendor_lookup(&ZOHO, lookup(vars.clone())).unwrap();
    let shown = format!("{config:?} {:?}", Client::new(config.clone()).unwrap());
    assert!(
        shown.contains("https://accounts.zoho.com/oauth/v2/token"),
        "{shown}"
    );
    for secret in [CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN] {
        assert!(!shown.contains(secret), "{shown}");
    }
    vars.push((
        "Z_TOKEN_URL",
        "https://accounts.zoho.eu/oauth/v2/token".to_string(),
    ));
    let config = Config::from_vendor_lookup(&ZOHO, lookup(vars.clone())).unwrap();
    assert!(format!("{config:?}").contains("accounts.zoho.eu"));
    vars.push(("Z_TOKEN_URL", "accounts.zoho.eu".to_string()));
    assert_eq!(
        misconfigured(vars),
        "Zoho CRM: Z_TOKEN_URL does not give an http(s) URL"
    );
}
