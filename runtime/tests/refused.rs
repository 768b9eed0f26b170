//! A 4xx the connector's own request caused is `refused`, with a sentence
//! that does not ask the caller to repeat anything; a 4xx about the
//! caller's values stays `invalid_input`. Against a wiremock CRM, each
//! test asserting one request (a 4xx is never retried).

use std::time::Duration;

use midcall_runtime::{tool_result, Auth, Client, Config, ErrorKind, Method, Request, Value};
use serde_json::json;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

const CALLER_EMAIL: &str = "jane.doe@example.com";

async fn answer(status: u16, body: Value, request: Request) -> midcall_runtime::ActionError {
    let server = MockServer::start().await;
    Mock::given(method(request.method.as_str()))
        .respond_with(ResponseTemplate::new(status).set_body_json(body))
        .expect(1)
        .mount(&server)
        .await;
    let config =
        Config::new(server.uri(), Auth::Bearer("t".into())).with_timeout(Duration::from_secs(3));
    let err = Client::new(config)
        .unwrap()
        .send(request)
        .await
        .expect_err("a 4xx is an error");
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
    err
}

/// HubSpot's create, as a connector builds it: the caller gave the email,
/// the connector set the lifecycle stage.
fn create() -> Request {
    Request::new(Method::Post, "/crm/v3/objects/contacts").json(json!({
        "properties": {"email": CALLER_EMAIL, "lifecyclestage": "customer"}
    }))
}

fn hubspot_invalid(name: &str, code: &str, message: &str) -> Value {
    json!({
        "status": "error",
        "message": format!(
            "Property values were not valid: [{{\"isValid\":false,\"message\":\"{message}\",\"error\":\"{code}\",\"name\":\"{name}\"}}]"
        ),
        "correlationId": "11061cd3-cf3b-45f7-98d4-27f10a99ece6",
        "category": "VALIDATION_ERROR"
    })
}

fn says_nothing_to_repeat(err: &midcall_runtime::ActionError) {
    assert_eq!(err.kind, ErrorKind::Refused, "{err}");
    let spoken = tool_result::<Value>(&Err(err.clone()), 512);
    assert_eq!(spoken["error"], json!("refused"));
    let message = spoken["message"].as_str().unwrap();
    assert!(!message.contains("repeat"), "{message}");
    assert!(
        message.contains("isn't anything in the details you gave"),
        "{message}"
    );
}

#[tokio::test]
async fn an_unknown_parameter_is_refused_with_the_vendors_reason() {
    let err = answer(
        400,
        json!({"error": {"type": "invalid_request_error", "code": "parameter_unknown",
            "param": "metadata[source]", "message": "Received unknown parameter: metadata[source]"}}),
        Request::new(Method::Post, "/v1/customers").json(json!({"email": CALLER_EMAIL, "metadata": {"source": "voice"}})),
    )
    .await;
    says_nothing_to_repeat(&err);
    assert_eq!(err.status, Some(400));
    assert!(
        err.detail
            .contains("Received unknown parameter: metadata[source]")
            && err.detail.contains("parameter_unknown"),
        "{}",
        err.detail
    );
}

#[tokio::test]
async fn a_422_about_a_field_the_request_does_not_hold_is_refused() {
    // The vendor wants a last name; the connector never sends one (the
    // tool does not ask for it), so repeating the email cannot help.
    let err = answer(
        422,
        json!([{"message": "Required fields are missing: [LastName]", "errorCode": "REQUIRED_FIELD_MISSING", "fields": ["LastName"]}]),
        create(),
    )
    .await;
    says_nothing_to_repeat(&err);
    assert!(err.detail.contains("LastName"), "{}", err.detail);
}

#[tokio::test]
async fn a_property_that_does_not_exist_is_refused() {
    let err = answer(
        400,
        hubspot_invalid(
            "lifecyclestage",
            "PROPERTY_DOESNT_EXIST",
            "Property \\\"lifecyclestage\\\" does not exist",
        ),
        create(),
    )
    .await;
    says_nothing_to_repeat(&err);
}

#[tokio::test]
async fn the_callers_bad_email_is_still_invalid_input() {
    let err = answer(
        400,
        hubspot_invalid(
            "email",
            "INVALID_EMAIL",
            &format!("Email address {CALLER_EMAIL}x is invalid"),
        ),
        create().caller_fields(["properties.email"]),
    )
    .await;
    assert_eq!(err.kind, ErrorKind::InvalidInput);
    assert_eq!(
        err.message,
        "Some of the details didn't work. Could you repeat them?"
    );
    // Masked, as every detail is.
    assert!(!err.detail.contains(CALLER_EMAIL), "{}", err.detail);
}

#[tokio::test]
async fn a_marked_request_blames_a_field_the_connector_set_on_itself() {
    let err = answer(
        400,
        hubspot_invalid(
            "lifecyclestage",
            "INVALID_OPTION",
            "customerx was not one of the allowed options",
        ),
        create().caller_fields(["properties.email"]),
    )
    .await;
    says_nothing_to_repeat(&err);
    assert!(err.detail.contains("lifecyclestage"), "{}", err.detail);
    // Unmarked, the same answer cannot be told from the caller's: the
    // request holds the field, so the caller is asked again.
    let err = answer(
        400,
        hubspot_invalid(
            "lifecyclestage",
            "INVALID_OPTION",
            "customerx was not one of the allowed options",
        ),
        create(),
    )
    .await;
    assert_eq!(err.kind, ErrorKind::InvalidInput);
}

#[tokio::test]
async fn a_request_without_the_callers_values_is_refused_whatever_the_400_says() {
    let err = answer(
        400,
        json!({"status": "error", "message": "There was a problem with the request.", "category": "VALIDATION_ERROR"}),
        Request::new(Method::Get, "/crm/v3/pipelines/tickets").caller_fields(Vec::<String>::new()),
    )
    .await;
    says_nothing_to_repeat(&err);
}

#[tokio::test]
async fn an_unsupported_media_type_is_refused() {
    let err = answer(
        415,
        json!({"message": "Content type not supported"}),
        create(),
    )
    .await;
    says_nothing_to_repeat(&err);
}

#[tokio::test]
async fn an_error_in_a_200_body_about_an_unknown_field_is_refused() {
    let err = answer(
        200,
        json!({"success": false, "error": "Unknown field: nickname", "error_info": "See the API docs"}),
        create(),
    )
    .await;
    says_nothing_to_repeat(&err);
}

#[tokio::test]
async fn a_400_that_names_nothing_stays_invalid_input() {
    let err = answer(
        400,
        json!({"status": "error", "message": "There was a problem with the request.", "category": "VALIDATION_ERROR"}),
        create(),
    )
    .await;
    assert_eq!(err.kind, ErrorKind::InvalidInput);
}
