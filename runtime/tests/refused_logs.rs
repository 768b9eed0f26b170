//! A refused request is logged as an error with the vendor's reason,
//! masked. In a file of its own: tracing's callsite cache is
//! process-wide, and tests running beside this one would race its
//! subscriber.

use midcall_runtime::{Auth, Client, Config, ErrorKind, Method, Request};
use serde_json::json;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

const CALLER_EMAIL: &str = "jane.doe@example.com";

#[tokio::test]
async fn a_refused_request_logs_the_vendors_reason_masked() {
    let (logs, _guard) = midcall_runtime::testing::capture_logs();
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({
            "error": {"type": "invalid_request_error", "code": "parameter_unknown", "param": "nickname",
                "message": format!("Received unknown parameter: nickname (for {CALLER_EMAIL})")}
        })))
        .expect(1)
        .mount(&server)
        .await;
    let request = Request::new(Method::Post, "/v1/customers")
        .json(json!({"email": CALLER_EMAIL, "nickname": "J"}));
    let err = Client::new(Config::new(server.uri(), Auth::Bearer("t".into())))
        .unwrap()
        .send(request)
        .await
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::Refused);

    let text = logs.text();
    assert!(
        text.contains("ERROR") && text.contains("the crm refused the request the connector built"),
        "{text}"
    );
    assert!(
        text.contains("Received unknown parameter: nickname (for j***@example.com)"),
        "{text}"
    );
    assert!(!text.contains(CALLER_EMAIL), "{text}");
}
