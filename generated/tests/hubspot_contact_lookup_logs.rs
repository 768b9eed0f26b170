//! Logs of a failing call through the generated HubSpot connector hold
//! neither the token nor the caller's email or phone. In a file of its own:
//! tracing's callsite cache is process-wide and other tests would race it.

use midcall_generated::hubspot::contact_lookup::{self, Args};
use midcall_runtime::{Auth, Client, Config, ErrorKind};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "pat-na1-0f3c2d1e-secret";
const EMAIL: &str = "jane.doe@example.com";

#[tokio::test]
async fn a_failing_lookup_logs_no_token_and_no_email() {
    let (logs, _guard) = midcall_runtime::testing::capture_logs();

    let server = MockServer::start().await;
    // HubSpot's error shape, echoing the caller's address.
    Mock::given(method("POST"))
        .and(path("/crm/v3/objects/contacts/search"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({
            "status": "error",
            "message": format!("There was a problem with the request: {EMAIL} is not a valid filter value"),
            "correlationId": "4a5c0b2e-0000-4000-8000-000000000000",
            "category": "VALIDATION_ERROR"
        })))
        .expect(1)
        .mount(&server)
        .await;
    let config = Config::new(server.uri(), Auth::Bearer(TOKEN.to_string()))
        .with_timeout(contact_lookup::TIMEOUT);
    let client = Client::new(config).unwrap();
    let args = Args {
        email: Some(EMAIL.to_string()),
        phone: None,
    };
    let err = contact_lookup::call(&client, &args).await.unwrap_err();
    assert_eq!(err.kind, ErrorKind::InvalidInput);
    assert_eq!(server.received_requests().await.unwrap().len(), 1);

    let text = logs.text();
    assert!(
        text.contains("crm request failed"),
        "nothing logged: {text}"
    );
    assert!(text.contains("j***@example.com"), "{text}");
    for secret in [TOKEN, EMAIL] {
        assert!(!text.contains(secret), "`{secret}` is in the logs: {text}");
        assert!(!err.detail.contains(secret));
        assert!(!err.to_tool_result().to_string().contains(secret));
    }
}
