//! Shared by the server's tests: a server on a free loopback port over the
//! committed connectors, with every secret set, and a mock HubSpot.
#![allow(dead_code)]

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use midcall_server::{Connectors, EnvLookup, Running, Settings};
use serde_json::{json, Value};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

pub const VAPI_SECRET: &str = "vapi-secret-0123456789";
pub const RETELL_KEY: &str = "key_retell_0123456789";
pub const ELEVENLABS_SECRET: &str = "eleven-secret-0123456789";
pub const TOKEN: &str = "bearer-token-0123456789";
pub const ZENDESK_TOKEN: &str = "zendesk-test-token-never-shown";
pub const HUBSPOT_TOKEN: &str = "pat-na1-hubspot-secret-token";
pub const STRIPE_KEY: &str = "sk_test_stripe_secret_key";
pub const SERVICETITAN_SECRET: &str = "servicetitan-client-secret-never-shown";
pub const SHOPIFY_TOKEN: &str = "shpat_shopify_test_token_never_shown";
pub const SALESFORCE_TOKEN: &str = "00Dsalesforce-test-token-never-shown";
pub const PIPEDRIVE_TOKEN: &str = "pipedrive-test-token-never-shown";
pub const FRESHDESK_KEY: &str = "freshdesk-api-key-never-shown";
pub const INTERCOM_TOKEN: &str = "intercom-access-token-never-shown";
pub const ZOHO_TOKEN: &str = "zoho-test-token-never-shown";
pub const ZOHO_SECRET: &str = "zoho-client-secret-never-shown";
pub const GHL_TOKEN: &str = "pit-ghl-test-token-never-shown";

pub fn connectors() -> Connectors {
    midcall_server::connectors!(midcall_generated)
}

/// An environment from pairs.
pub fn env(pairs: &[(&str, &str)]) -> EnvLookup {
    let map: HashMap<String, String> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    Arc::new(move |name| map.get(name).cloned())
}

/// Every secret, and HubSpot at `crm_url`.
pub fn full_env(crm_url: &str) -> EnvLookup {
    env(&[
        ("MIDCALL_VAPI_SECRET", VAPI_SECRET),
        ("MIDCALL_RETELL_API_KEY", RETELL_KEY),
        ("MIDCALL_ELEVENLABS_SECRET", ELEVENLABS_SECRET),
        ("MIDCALL_TOKEN", TOKEN),
        ("HUBSPOT_ACCESS_TOKEN", HUBSPOT_TOKEN),
        ("HUBSPOT_BASE_URL", crm_url),
        // Zendesk's settings and token, so that every CRM is ready; its
        // base URL is the same mock (the tests call HubSpot's tools).
        ("ZENDESK_SUBDOMAIN", "acme"),
        ("ZENDESK_EMAIL", "agent@example.com"),
        ("ZENDESK_API_TOKEN", ZENDESK_TOKEN),
        ("ZENDESK_BASE_URL", crm_url),
        // Stripe's key, so that Stripe is ready too (same mock base URL).
        ("STRIPE_SECRET_KEY", STRIPE_KEY),
        ("STRIPE_BASE_URL", crm_url),
        // Cal.com's settings and key, so that Cal.com is ready too.
        ("CALCOM_EVENT_TYPE_SLUG", "intro-call"),
        ("CALCOM_USERNAME", "lena"),
        ("CALCOM_TIME_ZONE", "Europe/Berlin"),
        ("CALCOM_UTC_OFFSET", "+01:00"),
        ("CALCOM_API_KEY", "cal_test_key"),
        ("CALCOM_BASE_URL", crm_url),
        // ServiceTitan's settings and client credentials, so that it is
        // ready too (same mock base URL; no test calls its tools, so its
        // token endpoint is never asked).
        ("SERVICETITAN_TENANT_ID", "1234567"),
        ("SERVICETITAN_APP_KEY", "st-app-key"),
        ("SERVICETITAN_CLIENT_ID", "st-client-id"),
        ("SERVICETITAN_CLIENT_SECRET", SERVICETITAN_SECRET),
        ("SERVICETITAN_BASE_URL", crm_url),
        ("SERVICETITAN_TOKEN_URL", crm_url),
        // Shopify's shop and token, so that Shopify is ready too.
        ("SHOPIFY_SHOP", "acme"),
        ("SHOPIFY_ACCESS_TOKEN", SHOPIFY_TOKEN),
        ("SHOPIFY_BASE_URL", crm_url),
        // Salesforce's instance and token, and Pipedrive's token, so that
        // both are ready too (same mock base URL).
        ("SALESFORCE_INSTANCE", "acme"),
        ("SALESFORCE_ACCESS_TOKEN", SALESFORCE_TOKEN),
        ("SALESFORCE_BASE_URL", crm_url),
        ("PIPEDRIVE_API_TOKEN", PIPEDRIVE_TOKEN),
        ("PIPEDRIVE_BASE_URL", crm_url),
        // Freshdesk's domain and API key, so that Freshdesk is ready too.
        ("FRESHDESK_DOMAIN", "acme"),
        ("FRESHDESK_API_KEY", FRESHDESK_KEY),
        ("FRESHDESK_BASE_URL", crm_url),
        // Intercom's ticket type and token, so that Intercom is ready too.
        ("INTERCOM_TICKET_TYPE_ID", "1234567"),
        ("INTERCOM_ACCESS_TOKEN", INTERCOM_TOKEN),
        ("INTERCOM_BASE_URL", crm_url),
        // Zoho CRM's data centre and refresh-token grant (Salesforce and
        // Google Calendar above and below use the static access token, the
        // quick start), so that Zoho CRM is ready too (no test calls its
        // tools, so its token endpoint is never asked).
        ("ZOHO_API_DOMAIN", "www.zohoapis.eu"),
        ("ZOHO_CLIENT_ID", "1000.zoho-client-id"),
        ("ZOHO_CLIENT_SECRET", ZOHO_SECRET),
        ("ZOHO_REFRESH_TOKEN", ZOHO_TOKEN),
        ("ZOHO_TOKEN_URL", crm_url),
        ("ZOHO_BASE_URL", crm_url),
        // HighLevel's location, calendar, offset and token.
        ("GHL_LOCATION_ID", "ve9EPM428h8vShlRW1KT"),
        ("GHL_CALENDAR_ID", "BqTwX8QFwXzpegMve9EQ"),
        ("GHL_UTC_OFFSET", "+01:00"),
        ("GHL_ACCESS_TOKEN", GHL_TOKEN),
        ("GHL_BASE_URL", crm_url),
        // Square's, Calendly's and Google Calendar's settings and tokens,
        // so that they are ready too (same mock base URL).
        ("SQUARE_LOCATION_ID", "L88917AVBK2S5"),
        ("SQUARE_SERVICE_VARIATION_ID", "GUN7HNQBH7ZRARYZN52E7O4B"),
        ("SQUARE_SERVICE_VARIATION_VERSION", "1599775456731"),
        ("SQUARE_TEAM_MEMBER_ID", "TMXUrsBWWcHTt79t"),
        ("SQUARE_UTC_OFFSET", "+01:00"),
        ("SQUARE_ACCESS_TOKEN", "square-test-token"),
        ("SQUARE_BASE_URL", crm_url),
        (
            "CALENDLY_EVENT_TYPE",
            "https://api.calendly.com/event_types/AAAAAAAAAAAAAAAA",
        ),
        ("CALENDLY_UTC_OFFSET", "+01:00"),
        ("CALENDLY_ACCESS_TOKEN", "calendly-test-token"),
        ("CALENDLY_BASE_URL", crm_url),
        ("GOOGLE_CALENDAR_ID", "primary"),
        ("GOOGLE_CALENDAR_UTC_OFFSET", "+01:00"),
        ("GOOGLE_CALENDAR_ACCESS_TOKEN", "google-test-token"),
        ("GOOGLE_CALENDAR_BASE_URL", crm_url),
    ])
}

pub fn loopback() -> SocketAddr {
    "127.0.0.1:0".parse().unwrap()
}

pub async fn start_with(connectors: &Connectors, settings: Settings) -> Running {
    midcall_server::bind(connectors, settings).await.unwrap()
}

/// A server with every secret over HubSpot at `crm_url`.
pub async fn start(crm_url: &str) -> Running {
    let settings = Settings::new(loopback(), false, full_env(crm_url)).unwrap();
    start_with(&connectors(), settings).await
}

pub fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap()
}

pub const CONTACT_SEARCH: &str = "/crm/v3/objects/contacts/search";
pub const TICKET_SEARCH: &str = "/crm/v3/objects/tickets/search";
pub const INVOICE_SEARCH: &str = "/crm/v3/objects/invoices/search";

pub fn contact_found() -> Value {
    json!({
        "total": 1,
        "results": [{
            "id": "51",
            "properties": {
                "firstname": "Jane", "lastname": "Doe",
                "email": "jane.doe@example.com", "phone": "+14155550123",
                "company": "Acme Corp"
            }
        }]
    })
}

pub fn expected_contact() -> Value {
    json!({
        "contact_id": "51", "first_name": "Jane", "last_name": "Doe",
        "email": "jane.doe@example.com", "phone": "+14155550123", "company": "Acme Corp"
    })
}

pub fn ticket_found() -> Value {
    json!({
        "total": 1,
        "results": [{
            "id": "48213",
            "properties": {
                "subject": "Router keeps rebooting", "hs_pipeline_stage": "4",
                "hs_lastmodifieddate": "2024-05-02T14:21:09.123Z", "hs_object_id": "48213"
            }
        }]
    })
}

pub fn invoice_found() -> Value {
    json!({
        "total": 1,
        "results": [{
            "id": "44446244097",
            "properties": {
                "hs_number": "INV1042", "hs_invoice_status": "open",
                "hs_invoice_date": "2026-03-01T00:00:00Z", "hs_due_date": "2026-03-31T00:00:00Z",
                "hs_amount_billed": "120.00", "hs_balance_due": "70.00", "hs_currency": "EUR"
            }
        }]
    })
}

/// A mock HubSpot answering contact, ticket and invoice searches after
/// `delay`.
pub async fn hubspot(delay: Duration) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(CONTACT_SEARCH))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(contact_found())
                .set_delay(delay),
        )
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(TICKET_SEARCH))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(ticket_found())
                .set_delay(delay),
        )
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(INVOICE_SEARCH))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(invoice_found())
                .set_delay(delay),
        )
        .mount(&server)
        .await;
    // A call note: the contact read first, then the note.
    Mock::given(method("GET"))
        .and(path("/crm/v3/objects/contacts/51"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"id": "51", "properties": {"firstname": "Jane"}}))
                .set_delay(delay),
        )
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/crm/v3/objects/notes"))
        .respond_with(
            ResponseTemplate::new(201)
                .set_body_json(
                    serde_json::json!({"id": "88201", "createdAt": "2026-03-14T10:22:06.120Z"}),
                )
                .set_delay(delay),
        )
        .mount(&server)
        .await;
    server
}

pub async fn crm_requests(server: &MockServer) -> usize {
    server
        .received_requests()
        .await
        .map(|r| r.len())
        .unwrap_or(0)
}

/// The published platform schemas, when `../shared/platforms` is there.
pub fn platforms() -> Option<std::path::PathBuf> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/platforms");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("notice: ../shared/platforms is absent; platform schema checks skipped");
        None
    }
}

/// A validator for the schema at `pointer` of an OpenAPI document, its
/// internal `$ref`s resolved against the whole document.
pub fn schema_at(file: &std::path::Path, pointer: &str) -> jsonschema::Validator {
    let mut doc: Value = serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
    assert!(doc.pointer(pointer).is_some(), "{pointer}");
    let map = doc.as_object_mut().unwrap();
    map.insert("$ref".into(), json!(format!("#{pointer}")));
    map.insert(
        "$schema".into(),
        json!("https://json-schema.org/draft/2020-12/schema"),
    );
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .should_validate_formats(false)
        .build(&doc)
        .unwrap()
}

pub fn violations(v: &jsonschema::Validator, doc: &Value) -> Vec<String> {
    v.iter_errors(doc)
        .map(|e| {
            format!(
                "{}: {}",
                e.instance_path,
                e.to_string().chars().take(200).collect::<String>()
            )
        })
        .collect()
}
