//! Logs of calls with OAuth client credentials, an OAuth refresh token
//! (rotated by the vendor, the access token revoked once) and a vendor's
//! basic user form: no client id or secret, no refresh token, no access
//! token, no API token. In a file
//! of its own: tracing's callsite cache is process-wide, and tests running
//! beside this one would race its subscriber.

use midcall_runtime::{
    AuthKind, Client, Config, CredentialsIn, ErrorKind, Method, Request, Setting, SettingKind,
    Vendor,
};
use serde_json::json;
use wiremock::matchers::{body_string_contains, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const CLIENT_ID: &str = "cid.st-4471";
const CLIENT_SECRET: &str = "cs-very-secret-9931";
const ACCESS_TOKEN: &str = "eyJhbGciOi.access-token-55";
const API_TOKEN: &str = "zd-api-token-8812";
const REFRESH_TOKEN: &str = "1000.refresh-token-7723";
const ROTATED: &str = "1000.rotated-refresh-5511";
const ZOHO_CLIENT_ID: &str = "1000.zoho-client-6612";
const ZOHO_SECRET: &str = "zoho-secret-3390";
const ZOHO_ACCESS: &str = "1000.zoho-access-4432";
const ZOHO_ACCESS_2: &str = "1000.zoho-access-9981";

const ZOHO: Vendor = Vendor {
    name: "Zoho CRM",
    base_url: "https://www.zohoapis.com",
    base_url_env: "Z_BASE_URL",
    settings: &[],
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

const SERVICETITAN: Vendor = Vendor {
    name: "ServiceTitan",
    base_url: "https://api.servicetitan.io",
    base_url_env: "ST_BASE_URL",
    settings: &[Setting {
        name: "tenant",
        env: "ST_TENANT_ID",
        kind: SettingKind::Text,
    }],
    auth: AuthKind::ClientCredentials {
        token_url: "https://auth.servicetitan.io/connect/token",
        token_url_env: "ST_TOKEN_URL",
        client_id_env: "ST_CLIENT_ID",
        client_secret_env: "ST_CLIENT_SECRET",
        scope: None,
        send: CredentialsIn::Basic,
    },
    headers: &[],
};

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

#[tokio::test]
async fn logs_hold_no_client_secret_token_or_api_token() {
    let (logs, _guard) = midcall_runtime::testing::capture_logs();
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/connect/token"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"access_token": ACCESS_TOKEN, "expires_in": 900})),
        )
        .expect(1)
        .mount(&server)
        .await;
    // Zoho's: a token and a rotated refresh token, then (for the rotated
    // one) a second token after the API refused the first.
    Mock::given(method("POST"))
        .and(path("/oauth/v2/token"))
        .and(body_string_contains(format!(
            "refresh_token={REFRESH_TOKEN}"
        )))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"access_token": ZOHO_ACCESS, "refresh_token": ROTATED, "expires_in": 3600}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/oauth/v2/token"))
        .and(body_string_contains(format!("refresh_token={ROTATED}")))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"access_token": ZOHO_ACCESS_2, "expires_in": 3600})),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/crm/v8/Contacts/search"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({"code": "INVALID_TOKEN"})))
        .up_to_n_times(3)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(500).set_body_json(json!({"title": "boom"})))
        .mount(&server)
        .await;
    let uri = server.uri();
    let env = move |name: &str| match name {
        "ST_BASE_URL" | "ZENDESK_BASE_URL" => Some(uri.clone()),
        "ST_TOKEN_URL" => Some(format!("{uri}/connect/token")),
        "ST_TENANT_ID" => Some("4471".to_string()),
        "ST_CLIENT_ID" => Some(CLIENT_ID.to_string()),
        "ST_CLIENT_SECRET" => Some(CLIENT_SECRET.to_string()),
        "ZENDESK_SUBDOMAIN" => Some("acme".to_string()),
        "ZENDESK_EMAIL" => Some("agent@acme.test".to_string()),
        "ZENDESK_API_TOKEN" => Some(API_TOKEN.to_string()),
        "Z_BASE_URL" => Some(uri.clone()),
        "Z_TOKEN_URL" => Some(format!("{uri}/oauth/v2/token")),
        "Z_CLIENT_ID" => Some(ZOHO_CLIENT_ID.to_string()),
        "Z_CLIENT_SECRET" => Some(ZOHO_SECRET.to_string()),
        "Z_REFRESH_TOKEN" => Some(REFRESH_TOKEN.to_string()),
        _ => None,
    };
    let mut errors = Vec::new();
    for vendor in [SERVICETITAN, ZENDESK] {
        let config = Config::from_vendor_lookup(&vendor, &env).unwrap();
        tracing::info!(config = ?config, "configured");
        let client = Client::new(config).unwrap();
        let err = client
            .send(Request::new(Method::Get, "/crm/v2/tenant/4471/customers"))
            .await
            .unwrap_err();
        assert_eq!(err.kind, ErrorKind::Unavailable);
        errors.push(format!("{err:?}"));
    }
    // The fresh token refused: unauthorized. Refused again when cached:
    // the rotated refresh token fetches a second one, refused too.
    let config = Config::from_vendor_lookup(&ZOHO, &env).unwrap();
    tracing::info!(config = ?config, "configured");
    let client = Client::new(config).unwrap();
    let request = || Request::new(Method::Get, "/crm/v8/Contacts/search");
    let err = client.send(request()).await.unwrap_err();
    assert_eq!(err.kind, ErrorKind::Unauthorized);
    errors.push(format!("{err:?}"));
    let err = client.send(request()).await.unwrap_err();
    assert_eq!(err.kind, ErrorKind::Unauthorized);
    errors.push(format!("{err:?}"));
    let text = logs.text();
    assert!(text.contains("token endpoint answered"), "{text}");
    assert!(text.contains("crm request failed"), "{text}");
    assert!(text.contains("rotated the refresh token"), "{text}");
    for secret in [
        CLIENT_ID,
        CLIENT_SECRET,
        ACCESS_TOKEN,
        API_TOKEN,
        REFRESH_TOKEN,
        ROTATED,
        ZOHO_CLIENT_ID,
        ZOHO_SECRET,
        ZOHO_ACCESS,
        ZOHO_ACCESS_2,
    ] {
        assert!(
            !text.contains(secret),
            "`{secret}` leaked into the logs: {text}"
        );
        for e in &errors {
            assert!(!e.contains(secret), "`{secret}` leaked into an error: {e}");
        }
    }
}
