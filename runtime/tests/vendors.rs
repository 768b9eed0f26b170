//! What real vendors need, against a wiremock server that counts every
//! request: settings in the URL, path, headers, query and body; the auth
//! kinds (basic in a vendor's user form, a prefixed header, fixed headers,
//! OAuth client credentials with its token cache); form and GraphQL
//! bodies; and chained steps under one deadline.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use midcall_runtime::{
    AuthKind, Client, Config, CredentialsIn, ErrorKind, Method, Request, Setting, SettingKind,
    Vendor,
};
use serde_json::{json, Value};
use wiremock::matchers::{
    basic_auth, bearer_token, body_json, body_string, header, method, path, query_param,
};
use wiremock::{Mock, MockServer, ResponseTemplate};

const CLIENT_ID: &str = "cid.st-4471";
const CLIENT_SECRET: &str = "cs-very-secret-9931";

async fn requests(server: &MockServer) -> usize {
    server.received_requests().await.map_or(0, |r| r.len())
}

async fn requests_to(server: &MockServer, to: &str) -> usize {
    server
        .received_requests()
        .await
        .map_or(0, |r| r.iter().filter(|r| r.url.path() == to).count())
}

fn lookup(pairs: &[(&str, String)]) -> impl Fn(&str) -> Option<String> {
    let map: HashMap<String, String> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect();
    move |name| map.get(name).cloned()
}

// ---------------------------------------------------------------- settings

const LOCAL: Vendor = Vendor {
    name: "Acme Desk",
    base_url: "http://{host}:{port}/api/v2",
    base_url_env: "ACME_BASE_URL",
    settings: &[
        Setting {
            name: "host",
            env: "ACME_HOST",
            kind: SettingKind::Host,
        },
        Setting {
            name: "port",
            env: "ACME_PORT",
            kind: SettingKind::Text,
        },
        Setting {
            name: "tenant",
            env: "ACME_TENANT",
            kind: SettingKind::Text,
        },
        Setting {
            name: "pipeline",
            env: "ACME_PIPELINE",
            kind: SettingKind::Text,
        },
    ],
    auth: AuthKind::Header {
        name: "Authorization",
        value: "Zoho-oauthtoken {secret}",
        env: "ACME_TOKEN",
    },
    headers: &[
        ("ST-App-Key", "app-{tenant}"),
        ("cal-api-version", "2024-08-13"),
    ],
};

fn local_env(server: &MockServer) -> Vec<(&'static str, String)> {
    let port = server.address().port().to_string();
    vec![
        ("ACME_HOST", "127.0.0.1".to_string()),
        ("ACME_PORT", port),
        ("ACME_TENANT", "4471".to_string()),
        ("ACME_PIPELINE", "support pipe".to_string()),
        ("ACME_TOKEN", "1000.zoho-token".to_string()),
    ]
}

#[tokio::test]
async fn settings_reach_the_url_path_headers_query_and_body() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v2/tenant/4471/tickets"))
        .and(query_param("pipeline", "support pipe"))
        .and(header("authorization", "Zoho-oauthtoken 1000.zoho-token"))
        .and(header("st-app-key", "app-4471"))
        .and(header("cal-api-version", "2024-08-13"))
        .and(body_json(
            json!({"pipeline": "support pipe", "subject": "Boiler"}),
        ))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"id": 9})))
        .expect(1)
        .mount(&server)
        .await;
    let config = Config::from_vendor_lookup(&LOCAL, lookup(&local_env(&server))).unwrap();
    assert_eq!(
        config.base_url,
        format!("http://127.0.0.1:{}/api/v2", server.address().port())
    );
    let client = Client::new(config).unwrap();
    let s = client.config().settings.clone();
    let request = Request::new(
        Method::Post,
        s.fill_path("/tenant/{tenant}/tickets").unwrap(),
    )
    .query("pipeline", client.setting("pipeline").unwrap())
    .json(json!({"pipeline": client.setting("pipeline").unwrap(), "subject": "Boiler"}));
    assert_eq!(client.send(request).await.unwrap(), json!({"id": 9}));
    assert_eq!(requests(&server).await, 1);
}

#[tokio::test]
async fn a_missing_or_bad_setting_is_misconfigured_before_any_call() {
    let server = MockServer::start().await;
    let mut env = local_env(&server);
    env.retain(|(k, _)| *k != "ACME_TENANT");
    let err = Config::from_vendor_lookup(&LOCAL, lookup(&env)).unwrap_err();
    assert_eq!(err.kind, ErrorKind::Misconfigured);
    assert_eq!(
        err.detail,
        "Acme Desk: environment variable ACME_TENANT is not set"
    );
    let mut env = local_env(&server);
    env.push(("ACME_HOST", "evil.test/x?".to_string()));
    env.swap_remove(0);
    let err = Config::from_vendor_lookup(&LOCAL, lookup(&env)).unwrap_err();
    assert_eq!(err.kind, ErrorKind::Misconfigured);
    assert!(err.detail.contains("ACME_HOST"), "{}", err.detail);
    // The secret is checked the same way.
    let mut env = local_env(&server);
    env.retain(|(k, _)| *k != "ACME_TOKEN");
    let err = Config::from_vendor_lookup(&LOCAL, lookup(&env)).unwrap_err();
    assert!(err.detail.contains("ACME_TOKEN"), "{}", err.detail);
    env.push(("ACME_TOKEN", "t\nX-Injected: 1".to_string()));
    let err = Config::from_vendor_lookup(&LOCAL, lookup(&env)).unwrap_err();
    assert_eq!(err.kind, ErrorKind::Misconfigured);
    assert!(err.detail.contains("ACME_TOKEN"), "{}", err.detail);
    assert_eq!(requests(&server).await, 0);
}

#[test]
fn a_subdomain_fills_the_production_url_and_a_bad_template_is_named() {
    const ZENDESK: Vendor = Vendor {
        name: "Zendesk",
        base_url: "https://{subdomain}.zendesk.com",
        base_url_env: "ZENDESK_BASE_URL",
        settings: &[
            Setting {
                name: "subdomain",
                env: "ZENDESK_SUBDOMAIN",
                kind: SettingKind::Host,
            },
            Setting {
                name: "email",
                env: "ZENDESK_EMAIL",
                kind: SettingKind::Text,
            },
        ],
        auth: AuthKind::Basic {
            user: "{email}/token",
            password: "{secret}",
            env: "ZENDESK_API_TOKEN",
        },
        headers: &[],
    };
    let env = [
        ("ZENDESK_SUBDOMAIN", "acme".to_string()),
        ("ZENDESK_EMAIL", "agent@acme.test".to_string()),
        ("ZENDESK_API_TOKEN", "zd-token-77".to_string()),
    ];
    let config = Config::from_vendor_lookup(&ZENDESK, lookup(&env)).unwrap();
    assert_eq!(config.base_url, "https://acme.zendesk.com");
    let shown = format!("{config:?}");
    assert!(!shown.contains("zd-token-77"), "{shown}");
    let broken = Vendor {
        base_url: "https://{subdomian}.zendesk.com",
        ..ZENDESK
    };
    let err = Config::from_vendor_lookup(&broken, lookup(&env)).unwrap_err();
    assert_eq!(err.kind, ErrorKind::Misconfigured);
    assert!(err.detail.contains("subdomian"), "{}", err.detail);
}

// ------------------------------------------------------------- basic forms

#[tokio::test]
async fn basic_auth_in_the_vendors_user_forms() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/zendesk"))
        .and(basic_auth("agent@acme.test/token", "zd-token-77"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"ok": true})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/freshdesk"))
        .and(basic_auth("fd-key-55", "X"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"ok": true})))
        .expect(1)
        .mount(&server)
        .await;
    let zendesk = Vendor {
        name: "Zendesk",
        base_url: "https://{subdomain}.zendesk.com",
        base_url_env: "ZENDESK_BASE_URL",
        settings: &[
            Setting {
                name: "subdomain",
                env: "ZENDESK_SUBDOMAIN",
                kind: SettingKind::Host,
            },
            Setting {
                name: "email",
                env: "ZENDESK_EMAIL",
                kind: SettingKind::Text,
            },
        ],
        auth: AuthKind::Basic {
            user: "{email}/token",
            password: "{secret}",
            env: "ZENDESK_API_TOKEN",
        },
        headers: &[],
    };
    let freshdesk = Vendor {
        name: "Freshdesk",
        base_url: "https://{subdomain}.freshdesk.com/api/v2",
        base_url_env: "FRESHDESK_BASE_URL",
        settings: &[Setting {
            name: "subdomain",
            env: "FRESHDESK_SUBDOMAIN",
            kind: SettingKind::Host,
        }],
        auth: AuthKind::Basic {
            user: "{secret}",
            password: "X",
            env: "FRESHDESK_API_KEY",
        },
        headers: &[],
    };
    let env = [
        ("ZENDESK_BASE_URL", server.uri()),
        ("ZENDESK_SUBDOMAIN", "acme".to_string()),
        ("ZENDESK_EMAIL", "agent@acme.test".to_string()),
        ("ZENDESK_API_TOKEN", "zd-token-77".to_string()),
        ("FRESHDESK_BASE_URL", server.uri()),
        ("FRESHDESK_SUBDOMAIN", "acme".to_string()),
        ("FRESHDESK_API_KEY", "fd-key-55".to_string()),
    ];
    for (vendor, at) in [(zendesk, "/zendesk"), (freshdesk, "/freshdesk")] {
        let client =
            Client::new(Config::from_vendor_lookup(&vendor, lookup(&env)).unwrap()).unwrap();
        client.send(Request::new(Method::Get, at)).await.unwrap();
    }
    assert_eq!(requests(&server).await, 2);
}

// ------------------------------------------------------ client credentials

const TOKEN_PATH: &str = "/connect/token";
const API_PATH: &str = "/crm/v2/tenant/4471/customers";

const SERVICETITAN: Vendor = Vendor {
    name: "ServiceTitan",
    base_url: "https://api.servicetitan.io",
    base_url_env: "ST_BASE_URL",
    settings: &[
        Setting {
            name: "tenant",
            env: "ST_TENANT_ID",
            kind: SettingKind::Text,
        },
        Setting {
            name: "app_key",
            env: "ST_APP_KEY",
            kind: SettingKind::Text,
        },
    ],
    auth: AuthKind::ClientCredentials {
        token_url: "https://auth.servicetitan.io/connect/token",
        token_url_env: "ST_TOKEN_URL",
        client_id_env: "ST_CLIENT_ID",
        client_secret_env: "ST_CLIENT_SECRET",
        scope: None,
        send: CredentialsIn::Body,
    },
    headers: &[("ST-App-Key", "{app_key}")],
};

fn servicetitan(server: &MockServer, timeout: Duration) -> Client {
    let env = [
        ("ST_BASE_URL", server.uri()),
        ("ST_TOKEN_URL", format!("{}{TOKEN_PATH}", server.uri())),
        ("ST_TENANT_ID", "4471".to_string()),
        ("ST_APP_KEY", "ak1.app-key".to_string()),
        ("ST_CLIENT_ID", CLIENT_ID.to_string()),
        ("ST_CLIENT_SECRET", CLIENT_SECRET.to_string()),
    ];
    let config = Config::from_vendor_lookup(&SERVICETITAN, lookup(&env))
        .unwrap()
        .with_timeout(timeout);
    Client::new(config).unwrap()
}

fn customers(client: &Client) -> Request {
    let path = client
        .settings()
        .fill_path("/crm/v2/tenant/{tenant}/customers")
        .unwrap();
    Request::new(Method::Get, path).query("name", "Jane")
}

async fn token_endpoint(server: &MockServer, token: &str, expires_in: u64, times: Option<u64>) {
    let mock = Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .and(header("content-type", "application/x-www-form-urlencoded"))
        .and(body_string(format!(
            "grant_type=client_credentials&client_id={CLIENT_ID}&client_secret={CLIENT_SECRET}"
        )))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"access_token": token, "expires_in": expires_in,
                                      "token_type": "Bearer"}))
                .set_delay(Duration::from_millis(150)),
        );
    match times {
        Some(n) => mock.up_to_n_times(n).with_priority(1).mount(server).await,
        None => mock.with_priority(2).mount(server).await,
    }
}

async fn api_accepting(server: &MockServer, token: &str) {
    Mock::given(method("GET"))
        .and(path(API_PATH))
        .and(bearer_token(token))
        .and(header("st-app-key", "ak1.app-key"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": [{"id": 1}]})))
        .mount(server)
        .await;
}

#[tokio::test]
async fn the_token_is_fetched_once_and_reused_across_calls() {
    let server = MockServer::start().await;
    token_endpoint(&server, "tok-1", 900, None).await;
    api_accepting(&server, "tok-1").await;
    let client = servicetitan(&server, Duration::from_secs(3));
    for _ in 0..3 {
        let answer = client.send(customers(&client)).await.unwrap();
        assert_eq!(answer["data"][0]["id"], 1);
    }
    // A clone shares the cache.
    let clone = client.clone();
    clone.send(customers(&clone)).await.unwrap();
    assert_eq!(requests_to(&server, TOKEN_PATH).await, 1);
    assert_eq!(requests_to(&server, API_PATH).await, 4);
}

#[tokio::test]
async fn the_token_is_refreshed_shortly_before_it_expires() {
    let server = MockServer::start().await;
    // The first token lives 1 s: refreshed from 0.9 s on.
    token_endpoint(&server, "tok-1", 1, Some(1)).await;
    token_endpoint(&server, "tok-2", 900, None).await;
    api_accepting(&server, "tok-1").await;
    api_accepting(&server, "tok-2").await;
    let client = servicetitan(&server, Duration::from_secs(3));
    client.send(customers(&client)).await.unwrap();
    client.send(customers(&client)).await.unwrap();
    assert_eq!(requests_to(&server, TOKEN_PATH).await, 1);
    tokio::time::sleep(Duration::from_millis(1000)).await;
    client.send(customers(&client)).await.unwrap();
    client.send(customers(&client)).await.unwrap();
    assert_eq!(requests_to(&server, TOKEN_PATH).await, 2);
    let tokens: Vec<String> = server
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
        .collect();
    assert_eq!(
        tokens,
        [
            "Bearer tok-1",
            "Bearer tok-1",
            "Bearer tok-2",
            "Bearer tok-2"
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twenty_concurrent_calls_fetch_one_token() {
    let server = MockServer::start().await;
    token_endpoint(&server, "tok-1", 900, None).await;
    api_accepting(&server, "tok-1").await;
    let client = servicetitan(&server, Duration::from_secs(3));
    let calls: Vec<_> = (0..20)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.send(customers(&client)).await })
        })
        .collect();
    for call in calls {
        call.await.unwrap().unwrap();
    }
    assert_eq!(requests_to(&server, TOKEN_PATH).await, 1);
    assert_eq!(requests_to(&server, API_PATH).await, 20);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_client_is_unauthorized_once_for_twenty_calls() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(
            ResponseTemplate::new(400)
                .set_body_json(json!({"error": "invalid_client"}))
                .set_delay(Duration::from_millis(150)),
        )
        .mount(&server)
        .await;
    api_accepting(&server, "never").await;
    let client = servicetitan(&server, Duration::from_secs(3));
    let calls: Vec<_> = (0..20)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.send(customers(&client)).await })
        })
        .collect();
    for call in calls {
        let err = call.await.unwrap().unwrap_err();
        assert_eq!(err.kind, ErrorKind::Unauthorized);
        assert!(err.detail.contains("invalid_client"), "{}", err.detail);
        assert!(!err.detail.contains(CLIENT_SECRET));
    }
    assert_eq!(requests_to(&server, TOKEN_PATH).await, 1);
    assert_eq!(requests_to(&server, API_PATH).await, 0);
    // A later call tries again.
    client.send(customers(&client)).await.unwrap_err();
    assert_eq!(requests_to(&server, TOKEN_PATH).await, 2);
}

#[tokio::test]
async fn a_failing_token_endpoint_is_unavailable_after_one_retry() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let client = servicetitan(&server, Duration::from_secs(3));
    let err = client.send(customers(&client)).await.unwrap_err();
    assert_eq!(err.kind, ErrorKind::Unavailable);
    assert_eq!(err.detail, "token endpoint: status 503");
    assert_eq!(requests_to(&server, TOKEN_PATH).await, 2);
    assert_eq!(requests_to(&server, API_PATH).await, 0);
    // An answer without a token is unusable, not retried.
    server.reset().await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"token_type": "Bearer"})))
        .mount(&server)
        .await;
    let err = client.send(customers(&client)).await.unwrap_err();
    assert_eq!(err.kind, ErrorKind::Unavailable);
    assert!(err.detail.contains("no access_token"), "{}", err.detail);
    assert_eq!(requests(&server).await, 1);
}

#[tokio::test]
async fn a_slow_token_endpoint_is_a_timeout_within_the_call_deadline() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"access_token": "late", "expires_in": 900}))
                .set_delay(Duration::from_secs(10)),
        )
        .mount(&server)
        .await;
    api_accepting(&server, "late").await;
    let client = servicetitan(&server, Duration::from_millis(400));
    let started = Instant::now();
    let err = client.send(customers(&client)).await.unwrap_err();
    assert_eq!(err.kind, ErrorKind::Timeout);
    // Far below the server's 10 s: the fetch ran inside the deadline.
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(requests_to(&server, TOKEN_PATH).await, 1);
    assert_eq!(requests_to(&server, API_PATH).await, 0);
}

#[tokio::test]
async fn a_cached_token_the_api_refuses_is_fetched_again_once() {
    let server = MockServer::start().await;
    token_endpoint(&server, "tok-1", 900, Some(1)).await;
    token_endpoint(&server, "tok-2", 900, None).await;
    api_accepting(&server, "tok-1").await;
    let client = servicetitan(&server, Duration::from_secs(3));
    client.send(customers(&client)).await.unwrap();
    // tok-1 is revoked early: the API now accepts tok-2 only.
    server.reset().await;
    token_endpoint(&server, "tok-2", 900, None).await;
    api_accepting(&server, "tok-2").await;
    Mock::given(method("GET"))
        .and(path(API_PATH))
        .and(bearer_token("tok-1"))
        .respond_with(ResponseTemplate::new(401))
        .mount(&server)
        .await;
    client.send(customers(&client)).await.unwrap();
    assert_eq!(requests_to(&server, API_PATH).await, 2);
    assert_eq!(requests_to(&server, TOKEN_PATH).await, 1);
    // A fresh token refused too is the answer: no loop.
    server.reset().await;
    token_endpoint(&server, "tok-3", 900, None).await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(401))
        .mount(&server)
        .await;
    let client = servicetitan(&server, Duration::from_secs(3));
    let err = client.send(customers(&client)).await.unwrap_err();
    assert_eq!(err.kind, ErrorKind::Unauthorized);
    assert_eq!(requests_to(&server, API_PATH).await, 1);
    assert_eq!(requests_to(&server, TOKEN_PATH).await, 1);
}

#[test]
fn debug_never_shows_a_client_secret() {
    let env = [
        ("ST_TENANT_ID", "4471".to_string()),
        ("ST_APP_KEY", "ak1.app-key".to_string()),
        ("ST_CLIENT_ID", CLIENT_ID.to_string()),
        ("ST_CLIENT_SECRET", CLIENT_SECRET.to_string()),
    ];
    let config = Config::from_vendor_lookup(&SERVICETITAN, lookup(&env)).unwrap();
    assert_eq!(
        SERVICETITAN.variables(),
        [
            "ST_TENANT_ID",
            "ST_APP_KEY",
            "ST_CLIENT_ID",
            "ST_CLIENT_SECRET",
            "ST_BASE_URL",
            "ST_TOKEN_URL"
        ]
    );
    let shown = format!("{config:?} {:?}", Client::new(config.clone()).unwrap());
    assert!(shown.contains("auth.servicetitan.io"), "{shown}");
    assert!(!shown.contains(CLIENT_SECRET), "{shown}");
    assert!(!shown.contains(CLIENT_ID), "{shown}");
}

// ------------------------------------------------------------------ bodies

#[tokio::test]
async fn a_form_body_is_sent_byte_for_byte() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/payment_links"))
        .and(header("content-type", "application/x-www-form-urlencoded"))
        .and(body_string(
            "line_items[0][price]=price_1MoC3TLkdIwHu7ixWxVHsKKZ&line_items[0][quantity]=1\
             &metadata[source]=voice&metadata[caller]=j%40example.com",
        ))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"url": "https://buy.stripe.com/x"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let client = Client::new(Config::new(
        server.uri(),
        midcall_runtime::Auth::Bearer("sk_test_1".into()),
    ))
    .unwrap();
    let request = Request::new(Method::Post, "/v1/payment_links").form(json!({
        "line_items": [{"price": "price_1MoC3TLkdIwHu7ixWxVHsKKZ", "quantity": 1}],
        "metadata": {"source": "voice", "caller": "j@example.com", "note": null},
    }));
    let answer = client.send(request).await.unwrap();
    assert_eq!(answer["url"], "https://buy.stripe.com/x");
    assert_eq!(requests(&server).await, 1);
}

const ORDER_QUERY: &str = "query Order($q: String!) { orders(first: 1, query: $q) { edges { node { name displayFulfillmentStatus } } } }";

fn shopify(server: &MockServer) -> Client {
    Client::new(Config::new(
        server.uri(),
        midcall_runtime::Auth::Header("X-Shopify-Access-Token".into(), "shpat_1".into()),
    ))
    .unwrap()
}

#[tokio::test]
async fn a_graphql_query_sends_its_variables_and_returns_data() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/admin/api/2025-01/graphql.json"))
        .and(header("x-shopify-access-token", "shpat_1"))
        .and(body_json(json!({"query": ORDER_QUERY, "variables": {"q": "name:#1001"}})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "data": {"orders": {"edges": [{"node": {"name": "#1001", "displayFulfillmentStatus": "FULFILLED"}}]}},
            "extensions": {"cost": {"requestedQueryCost": 4, "actualQueryCost": 4}}
        })))
        .expect(1)
        .mount(&server)
        .await;
    let request = Request::graphql(
        "/admin/api/2025-01/graphql.json",
        ORDER_QUERY,
        json!({"q": "name:#1001"}),
    );
    assert!(request.retry_safe);
    let data = shopify(&server).send(request).await.unwrap();
    assert_eq!(
        midcall_runtime::project::text(&data, "/orders/edges/0/node/displayFulfillmentStatus"),
        Some("FULFILLED".to_string())
    );
}

#[tokio::test]
async fn graphql_user_errors_are_invalid_input_and_not_retried() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "data": {"customerCreate": {"customer": null, "userErrors": [
                {"field": ["input", "phone"], "message": "Phone is invalid", "code": "INVALID"}
            ]}}
        })))
        .expect(1)
        .mount(&server)
        .await;
    let request = Request::graphql(
        "/admin/api/2025-01/graphql.json",
        "mutation C($input: CustomerInput!) { customerCreate(input: $input) { customer { id } userErrors { field message } } }",
        json!({"input": {"phone": "12"}}),
    );
    assert!(!request.retry_safe);
    let err = shopify(&server).send(request).await.unwrap_err();
    assert_eq!(err.kind, ErrorKind::InvalidInput);
    assert!(err.detail.contains("input.phone"), "{}", err.detail);
    assert_eq!(requests(&server).await, 1);
}

fn throttled() -> Value {
    json!({
        "errors": [{"message": "Throttled", "extensions": {"code": "THROTTLED"}}],
        "extensions": {"cost": {"requestedQueryCost": 60, "actualQueryCost": null,
            "throttleStatus": {"maximumAvailable": 2000.0, "currentlyAvailable": 50, "restoreRate": 100.0}}}
    })
}

#[tokio::test]
async fn graphql_throttling_is_rate_limited_and_a_query_waits_its_cost_once() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(throttled()))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"data": {"orders": {"edges": []}}})),
        )
        .mount(&server)
        .await;
    let query = || Request::graphql("/graphql.json", ORDER_QUERY, json!({"q": "x"}));
    let data = shopify(&server).send(query()).await.unwrap();
    assert_eq!(data, json!({"orders": {"edges": []}}));
    assert_eq!(requests(&server).await, 2);
    // Throttled twice: rate_limited after exactly two requests.
    server.reset().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(throttled()))
        .mount(&server)
        .await;
    let err = shopify(&server).send(query()).await.unwrap_err();
    assert_eq!(err.kind, ErrorKind::RateLimited);
    assert_eq!(requests(&server).await, 2);
}

// ------------------------------------------------------------------- steps

fn stripe(server: &MockServer, timeout: Duration) -> Client {
    Client::new(
        Config::new(
            server.uri(),
            midcall_runtime::Auth::Bearer("sk_test_1".into()),
        )
        .with_timeout(timeout),
    )
    .unwrap()
}

async fn invoice_by_email(
    client: &Client,
    email: &str,
) -> Result<Value, midcall_runtime::ActionError> {
    let mut steps = client.steps();
    let customers = steps
        .send(
            Request::new(Method::Get, "/v1/customers")
                .query("email", email)
                .query("limit", 1),
        )
        .await?;
    let customer = steps.text(&customers, "/data/0/id")?;
    let invoices = steps
        .send(
            Request::new(Method::Get, "/v1/invoices")
                .query("customer", customer)
                .query("limit", 1),
        )
        .await?;
    steps.record(&invoices, "/data/0").cloned()
}

#[tokio::test]
async fn the_second_step_is_built_from_the_first_answer() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/customers"))
        .and(query_param("email", "jane@example.com"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"data": [{"id": "cus_Nf1"}]})),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/invoices"))
        .and(query_param("customer", "cus_Nf1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"data": [{"id": "in_1", "amount_due": 4990, "currency": "eur"}]}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let invoice = invoice_by_email(&stripe(&server, Duration::from_secs(3)), "jane@example.com")
        .await
        .unwrap();
    assert_eq!(
        midcall_runtime::transform::money(&invoice, "/amount_due", "/currency").as_deref(),
        Some("49.90 EUR")
    );
    assert_eq!(requests(&server).await, 2);
}

#[tokio::test]
async fn a_first_step_that_finds_nothing_is_not_found_without_a_second_request() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/customers"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"object": "list", "data": []})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let err = invoice_by_email(&stripe(&server, Duration::from_secs(3)), "jane@example.com")
        .await
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::NotFound);
    assert_eq!(
        err.detail,
        "step 1 (GET /v1/customers): nothing at `/data/0/id` of the answer"
    );
    assert_eq!(requests(&server).await, 1);
}

#[tokio::test]
async fn a_slow_first_step_is_a_timeout_and_no_second_request_follows() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/customers"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"data": [{"id": "cus_Nf1"}]}))
                .set_delay(Duration::from_secs(10)),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/invoices"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"data": []})))
        .expect(0)
        .mount(&server)
        .await;
    let started = Instant::now();
    let err = invoice_by_email(
        &stripe(&server, Duration::from_millis(500)),
        "jane@example.com",
    )
    .await
    .unwrap_err();
    assert_eq!(err.kind, ErrorKind::Timeout);
    // Nowhere near the server's 10 s: the deadline, not the server, ended it.
    assert!(started.elapsed() < Duration::from_secs(5));
    // Past the deadline, nothing more is sent.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(requests_to(&server, "/v1/customers").await, 1);
    assert_eq!(requests_to(&server, "/v1/invoices").await, 0);
}
