//! Logs of a natural-key write through the generated HubSpot contact-create
//! connector name the path it took and hold neither the token nor the
//! caller's email. In a file of its own: tracing's callsite cache is
//! process-wide and other tests would race it.

use midcall_generated::hubspot::contact_create::{self, Args};
use midcall_runtime::{Auth, Client, Config, ErrorKind};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "pat-na1-0f3c2d1e-secret";
const EMAIL: &str = "jane.doe@example.com";

#[tokio::test]
async fn a_conflict_logs_its_path_but_no_token_and_no_email() {
    let (logs, _guard) = midcall_runtime::testing::capture_logs();

    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/crm/v3/objects/contacts/search"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"total": 0, "results": []})))
        .expect(2)
        .mount(&server)
        .await;
    // HubSpot's conflict, echoing the caller's address.
    Mock::given(method("POST"))
        .and(path("/crm/v3/objects/contacts"))
        .respond_with(ResponseTemplate::new(409).set_body_json(json!({
            "status": "error",
            "message": format!("A contact with email {EMAIL} already exists. Existing ID: 101"),
            "correlationId": "4a5c0b2e-0000-4000-8000-000000000000",
            "category": "OBJECT_ALREADY_EXISTS"
        })))
        .expect(1)
        .mount(&server)
        .await;
    let config = Config::new(server.uri(), Auth::Bearer(TOKEN.to_string()))
        .with_timeout(contact_create::TIMEOUT);
    let client = Client::new(config).unwrap();
    let args = Args {
        first_name: "Jane".into(),
        last_name: "Doe".into(),
        email: Some(EMAIL.to_string()),
        phone: None,
        company: None,
    };
    let err = contact_create::call(&client, &args).await.unwrap_err();
    assert_eq!(err.kind, ErrorKind::Conflict);
    assert_eq!(server.received_requests().await.unwrap().len(), 3);

    let text = logs.text();
    assert!(
        text.contains("conflict, not found on second look"),
        "the path is not logged: {text}"
    );
    assert!(text.contains("j***@example.com"), "{text}");
    for secret in [TOKEN, EMAIL] {
        assert!(!text.contains(secret), "`{secret}` is in the logs: {text}");
        assert!(!err.detail.contains(secret));
        assert!(!err.to_tool_result().to_string().contains(secret));
    }
}
