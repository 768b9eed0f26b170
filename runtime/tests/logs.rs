//! Logs of a failing call: no credential, no email address, no phone
//! number. In a file of its own: tracing's callsite cache is process-wide,
//! and tests running beside this one would race its subscriber.

use midcall_runtime::{Auth, Client, Config, ErrorKind, Method, Request};
use serde_json::json;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "pat-na1-secret-token-1234";
const CALLER_EMAIL: &str = "jane.doe@example.com";
const CALLER_PHONE: &str = "+14155550123";

#[tokio::test]
async fn logs_of_a_failing_call_hold_no_token_email_or_phone() {
    let (logs, _guard) = midcall_runtime::testing::capture_logs();

    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(500).set_body_json(json!({
            "status": "error",
            "message": format!("Contact {CALLER_EMAIL} ({CALLER_PHONE}) is locked"),
        })))
        .expect(2)
        .mount(&server)
        .await;
    // The caller's data is in the path, the query and the answer.
    let request = Request::new(
        Method::Get,
        format!(
            "/contacts/{}",
            midcall_runtime::encode_path_segment(CALLER_EMAIL)
        ),
    )
    .query("phone", CALLER_PHONE);
    let err = Client::new(Config::new(server.uri(), Auth::Bearer(TOKEN.to_string())))
        .unwrap()
        .send(request)
        .await
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::Unavailable);
    assert_eq!(server.received_requests().await.unwrap().len(), 2);

    let text = logs.text();
    assert!(
        text.contains("crm request failed"),
        "nothing logged: {text}"
    );
    assert!(text.contains("j***@example.com"), "{text}");
    assert!(text.contains("+1******0123"), "{text}");
    for secret in [
        TOKEN,
        CALLER_EMAIL,
        "jane.doe%40example.com",
        CALLER_PHONE,
        "4155550123",
    ] {
        assert!(
            !text.contains(secret),
            "`{secret}` leaked into the logs: {text}"
        );
        assert!(
            !err.detail.contains(secret),
            "`{secret}` leaked into the error"
        );
    }
}
