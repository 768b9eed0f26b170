//! The generated HubSpot contact-lookup connector against a local mock of
//! HubSpot's search API: exact method, path, auth header and body, and a
//! realistic response whose extra fields must not leak into the result.

use midcall_generated::hubspot::contact_lookup::{self, Args, Output};
use midcall_runtime::{Auth, Client, Config, ErrorKind};
use serde_json::{json, Value};
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "pat-na1-test-token";
const SEARCH: &str = "/crm/v3/objects/contacts/search";

fn client(server: &MockServer) -> Client {
    let config = Config::new(server.uri(), Auth::Bearer(TOKEN.to_string()))
        .with_timeout(contact_lookup::TIMEOUT);
    Client::new(config).expect("client builds")
}

fn email_body(email: &str) -> Value {
    json!({
        "filterGroups": [{"filters": [{"propertyName": "email", "operator": "EQ", "value": email}]}],
        "properties": ["firstname", "lastname", "email", "phone", "company"],
        "sorts": [{"propertyName": "lastmodifieddate", "direction": "DESCENDING"}],
        "limit": 1
    })
}

/// A search answer shaped like HubSpot's, with fields the template does
/// not ask for (they must not reach the assistant).
fn hubspot_answer() -> Value {
    json!({
        "total": 1,
        "results": [{
            "id": "51",
            "properties": {
                "company": "Acme Corp",
                "createdate": "2024-02-20T18:30:29.012Z",
                "email": "jane.doe@example.com",
                "firstname": "Jane",
                "hs_object_id": "51",
                "lastmodifieddate": "2026-11-02T09:12:44.310Z",
                "lastname": "Doe",
                "phone": "+14155550123",
                "lifecyclestage": "customer",
                "hs_analytics_source": "DIRECT_TRAFFIC"
            },
            "createdAt": "2024-02-20T18:30:29.012Z",
            "updatedAt": "2026-11-02T09:12:44.310Z",
            "archived": false
        }],
        "paging": {"next": {"after": "1", "link": "?after=1"}}
    })
}

#[tokio::test]
async fn finds_a_contact_by_email_with_the_exact_request() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(SEARCH))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .and(header("content-type", "application/json"))
        .and(body_json(email_body("jane.doe@example.com")))
        .respond_with(ResponseTemplate::new(200).set_body_json(hubspot_answer()))
        .expect(1)
        .mount(&server)
        .await;

    let args = Args {
        email: Some("jane.doe@example.com".into()),
        phone: None,
    };
    let out = contact_lookup::call(&client(&server), &args)
        .await
        .expect("the contact is found");
    assert_eq!(
        out,
        Output {
            contact_id: Some("51".into()),
            first_name: Some("Jane".into()),
            last_name: Some("Doe".into()),
            email: Some("jane.doe@example.com".into()),
            phone: Some("+14155550123".into()),
            company: Some("Acme Corp".into()),
        }
    );
    // Only the template's fields reach the assistant.
    let spoken = serde_json::to_value(&out).unwrap();
    let keys: Vec<&str> = spoken
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "contact_id",
            "first_name",
            "last_name",
            "email",
            "phone",
            "company"
        ]
    );
    assert!(!spoken.to_string().contains("lifecyclestage"));
    assert!(!spoken.to_string().contains("DIRECT_TRAFFIC"));
}

#[tokio::test]
async fn finds_a_contact_by_phone_on_phone_or_mobile() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(SEARCH))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .and(body_json(json!({
            "filterGroups": [
                {"filters": [{"propertyName": "phone", "operator": "EQ", "value": "+14155550123"}]},
                {"filters": [{"propertyName": "mobilephone", "operator": "EQ", "value": "+14155550123"}]}
            ],
            "properties": ["firstname", "lastname", "email", "phone", "company"],
            "sorts": [{"propertyName": "lastmodifieddate", "direction": "DESCENDING"}],
            "limit": 1
        })))
        .respond_with(ResponseTemplate::new(200).set_body_json(hubspot_answer()))
        .expect(1)
        .mount(&server)
        .await;

    let args = Args {
        email: None,
        phone: Some("+14155550123".into()),
    };
    let out = contact_lookup::call(&client(&server), &args).await.unwrap();
    assert_eq!(out.first_name.as_deref(), Some("Jane"));
}

#[tokio::test]
async fn email_wins_when_both_are_given() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(SEARCH))
        .and(body_json(email_body("jane.doe@example.com")))
        .respond_with(ResponseTemplate::new(200).set_body_json(hubspot_answer()))
        .expect(1)
        .mount(&server)
        .await;
    let args = Args {
        email: Some("jane.doe@example.com".into()),
        phone: Some("+14155550123".into()),
    };
    contact_lookup::call(&client(&server), &args).await.unwrap();
}

#[tokio::test]
async fn no_match_is_not_found() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(SEARCH))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"total": 0, "results": []})))
        .expect(1)
        .mount(&server)
        .await;
    let args = Args {
        email: Some("nobody@example.com".into()),
        phone: None,
    };
    let err = contact_lookup::call(&client(&server), &args)
        .await
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::NotFound);
}

#[tokio::test]
async fn neither_email_nor_phone_is_invalid_input_without_a_request() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200))
        .expect(0)
        .mount(&server)
        .await;
    let err = contact_lookup::call(&client(&server), &Args::default())
        .await
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::InvalidInput);
    assert!(err.message.contains("email or phone"), "{}", err.message);
}

#[tokio::test]
async fn a_rejected_token_is_unauthorized() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(SEARCH))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({
            "status": "error",
            "message": "Authentication credentials not found.",
            "correlationId": "4a5c0b2e-0000-4000-8000-000000000000",
            "category": "INVALID_AUTHENTICATION"
        })))
        .expect(1)
        .mount(&server)
        .await;
    let args = Args {
        email: Some("jane.doe@example.com".into()),
        phone: None,
    };
    let err = contact_lookup::call(&client(&server), &args)
        .await
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::Unauthorized);
    assert_eq!(err.status, Some(401));
    assert!(err.detail.contains("Authentication credentials not found"));
    assert!(!err.detail.contains(TOKEN));
}

#[test]
fn configuration_comes_from_the_named_variables() {
    let vars = |name: &str| match name {
        "HUBSPOT_ACCESS_TOKEN" => Some(TOKEN.to_string()),
        "HUBSPOT_BASE_URL" => Some("http://127.0.0.1:9".to_string()),
        _ => None,
    };
    let config = Config::from_lookup(&contact_lookup::CRM, vars).unwrap();
    assert_eq!(config.base_url, "http://127.0.0.1:9");
    assert_eq!(config.auth, Auth::Bearer(TOKEN.to_string()));
    assert!(!format!("{config:?}").contains(TOKEN));

    let err = Config::from_lookup(&contact_lookup::CRM, |_| None).unwrap_err();
    assert_eq!(err.kind, ErrorKind::Misconfigured);
    assert!(
        err.detail.contains("HUBSPOT_ACCESS_TOKEN"),
        "{}",
        err.detail
    );

    let default = Config::from_lookup(&contact_lookup::CRM, |n| {
        (n == "HUBSPOT_ACCESS_TOKEN").then(|| TOKEN.to_string())
    })
    .unwrap();
    assert_eq!(default.base_url, "https://api.hubapi.com");
}

#[tokio::test]
async fn call_json_answers_a_tool_call_within_the_size_limit() {
    let server = MockServer::start().await;
    let mut answer = hubspot_answer();
    // A CRM field far longer than the assistant may get.
    answer["results"][0]["properties"]["company"] = json!("Acme ".repeat(1000));
    Mock::given(method("POST"))
        .and(path(SEARCH))
        .respond_with(ResponseTemplate::new(200).set_body_json(answer))
        .expect(1)
        .mount(&server)
        .await;
    let result = contact_lookup::call_json(
        &client(&server),
        json!({"email": "jane.doe@example.com", "phone": null}),
    )
    .await;
    assert_eq!(result["ok"], json!(true), "{result}");
    let spoken = &result["result"];
    assert!(serde_json::to_vec(spoken).unwrap().len() <= contact_lookup::MAX_RESULT_BYTES);
    assert_eq!(spoken["first_name"], json!("Jane"));
    let company = spoken["company"].as_str().unwrap();
    assert!(
        company.starts_with("Acme Acme") && company.ends_with('…'),
        "{company}"
    );
    assert!(!result.to_string().contains("lifecyclestage"));
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn call_json_maps_bad_arguments_and_failures_to_a_tool_error() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(SEARCH))
        .respond_with(ResponseTemplate::new(502))
        .expect(2)
        .mount(&server)
        .await;
    let client = client(&server);

    let bad = contact_lookup::call_json(&client, json!({"email": 42})).await;
    assert_eq!(
        bad,
        json!({"ok": false, "error": "invalid_input", "message": "Some of the details didn't work. Could you repeat them?"})
    );
    assert_eq!(server.received_requests().await.unwrap().len(), 0);

    // The search is marked retry-safe: one retry, then a speakable error.
    let down = contact_lookup::call_json(&client, json!({"phone": "+14155550123"})).await;
    assert_eq!(down["ok"], json!(false));
    assert_eq!(down["error"], json!("unavailable"));
    assert_eq!(
        down["message"],
        json!("Our records system isn't responding right now.")
    );
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn an_unexpected_null_record_field_is_left_out() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(SEARCH))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "total": 1,
            "results": [{"id": "51", "properties": {"firstname": null, "lastname": "", "email": 7, "company": {"x": 1}}}]
        })))
        .expect(1)
        .mount(&server)
        .await;
    let args = Args {
        email: Some("jane.doe@example.com".into()),
        phone: None,
    };
    let out = contact_lookup::call(&client(&server), &args).await.unwrap();
    assert_eq!(
        out,
        Output {
            contact_id: Some("51".into()),
            email: Some("7".into()),
            ..Output::default()
        }
    );
    // A null where the record should be is "not found", not a panic.
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"results": null})))
        .expect(1)
        .mount(&server)
        .await;
    let err = contact_lookup::call(&client(&server), &args)
        .await
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::NotFound);
}

/// A 400 from HubSpot's search in its v3 error shape, naming `field`.
fn rejected_naming(field: &str) -> ResponseTemplate {
    ResponseTemplate::new(400).set_body_json(json!({
        "status": "error",
        "message": "There was a problem with the request.",
        "correlationId": "4a5c0b2e-0000-4000-8000-000000000000",
        "category": "VALIDATION_ERROR",
        "errors": [{"message": "Invalid filter", "context": {"propertyName": [field]}}]
    }))
}

async fn lookup_by_phone_answered(answer: ResponseTemplate) -> midcall_runtime::ActionError {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(SEARCH))
        .respond_with(answer)
        .expect(1)
        .mount(&server)
        .await;
    let args = Args {
        email: None,
        phone: Some("+14155550123".into()),
    };
    contact_lookup::call(&client(&server), &args)
        .await
        .unwrap_err()
}

#[tokio::test]
async fn a_400_about_a_field_the_connector_chose_is_refused_not_the_callers() {
    // The phone search also filters on `mobilephone`, a property the
    // binding names; an account where it cannot be searched rejects the
    // request. Nothing the caller repeats changes that.
    let err = lookup_by_phone_answered(rejected_naming("mobilephone")).await;
    assert_eq!(err.kind, ErrorKind::Refused, "{err:?}");
    assert!(err.detail.contains("mobilephone"), "{}", err.detail);
    assert!(!err.message.contains("repeat"), "{}", err.message);
}

#[tokio::test]
async fn a_400_about_the_callers_value_asks_them_again() {
    // The filter's `value` holds the caller's phone number.
    let err = lookup_by_phone_answered(rejected_naming("value")).await;
    assert_eq!(err.kind, ErrorKind::InvalidInput, "{err:?}");
    // An error that names nothing keeps the caller's benefit of the doubt.
    let err = lookup_by_phone_answered(ResponseTemplate::new(400).set_body_json(json!({
        "status": "error",
        "message": "There was a problem with the request.",
        "category": "VALIDATION_ERROR"
    })))
    .await;
    assert_eq!(err.kind, ErrorKind::InvalidInput, "{err:?}");
}

/// The typed `call` keeps the tool definition's promises too, not only
/// `call_json`: a phone that breaks the pattern, or an email that is not
/// one, is `invalid_input` naming the argument, and nothing is sent.
#[tokio::test]
async fn the_typed_call_refuses_what_the_tool_definition_rules_out() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(hubspot_answer()))
        .expect(0)
        .mount(&server)
        .await;
    let client = client(&server);
    for (args, name) in [
        (
            Args {
                phone: Some("123; DROP".into()),
                ..Args::default()
            },
            "phone",
        ),
        (
            Args {
                email: Some("jane doe@example.com".into()),
                ..Args::default()
            },
            "email",
        ),
    ] {
        let e = contact_lookup::call(&client, &args).await.unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidInput, "{name}");
        assert!(e.detail.contains(&format!("`{name}`")), "{}", e.detail);
        assert!(e.message.contains(name), "{}", e.message);
        assert!(args.check().is_err());
    }
    assert!(server
        .received_requests()
        .await
        .unwrap_or_default()
        .is_empty());
}
