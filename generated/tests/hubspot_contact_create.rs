//! The generated HubSpot contact-create connector against a local mock of
//! HubSpot: a natural-key write. It searches by email (else phone) before
//! creating, creates at most twice, never after a 409 whose contact the
//! search still misses, and never after the deadline. Every test counts the
//! searches and the creates the mock received.

use std::time::Duration;

use midcall_generated::hubspot::contact_create::{self, Args, Output};
use midcall_runtime::{Auth, Client, Config, ErrorKind};
use serde_json::{json, Value};
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "pat-na1-test-token";
const SEARCH: &str = "/crm/v3/objects/contacts/search";
const CREATE: &str = "/crm/v3/objects/contacts";

fn client(server: &MockServer) -> Client {
    client_with(server, contact_create::TIMEOUT)
}

fn client_with(server: &MockServer, timeout: Duration) -> Client {
    let config = Config::new(server.uri(), Auth::Bearer(TOKEN.to_string())).with_timeout(timeout);
    Client::new(config).expect("client builds")
}

fn jane() -> Args {
    Args {
        first_name: "Jane".into(),
        last_name: "Doe".into(),
        email: Some("jane.doe@example.com".into()),
        phone: None,
        company: None,
    }
}

/// The search the connector sends for Jane's email.
fn search_body() -> Value {
    json!({
        "filterGroups": [{"filters": [
            {"propertyName": "email", "operator": "EQ", "value": "jane.doe@example.com"}
        ]}],
        "properties": ["firstname"],
        "sorts": [{"propertyName": "createdate", "direction": "ASCENDING"}],
        "limit": 1
    })
}

fn found() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({
        "total": 1,
        "results": [{
            "id": "51",
            "properties": {"firstname": "Jane", "hs_object_id": "51", "createdate": "2024-02-20T18:30:29.012Z"},
            "createdAt": "2024-02-20T18:30:29.012Z",
            "updatedAt": "2026-11-02T09:12:44.310Z",
            "archived": false
        }]
    }))
}

fn missing() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({"total": 0, "results": []}))
}

fn created() -> ResponseTemplate {
    ResponseTemplate::new(201).set_body_json(json!({
        "id": "101",
        "properties": {
            "firstname": "Jane",
            "lastname": "Doe",
            "email": "jane.doe@example.com",
            "hs_object_id": "101",
            "createdate": "2026-11-26T10:00:00.000Z",
            "lifecyclestage": "lead"
        },
        "createdAt": "2026-11-26T10:00:00.000Z",
        "updatedAt": "2026-11-26T10:00:00.000Z",
        "archived": false
    }))
}

fn failing(status: u16) -> ResponseTemplate {
    let body = if status == 409 {
        // HubSpot's answer to a second contact with the same email.
        json!({
            "status": "error",
            "message": "Contact already exists. Existing ID: 101",
            "errors": [{"message": "A contact with email jane.doe@example.com already exists. Existing ID: 101", "in": "email"}],
            "correlationId": "9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d",
            "category": "OBJECT_ALREADY_EXISTS"
        })
    } else {
        json!({
            "status": "error",
            "message": "internal error",
            "correlationId": "9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d",
            "category": "INTERNAL_ERROR"
        })
    };
    ResponseTemplate::new(status).set_body_json(body)
}

/// Mounts the search: `first` for the first search, `then` for every later one.
async fn searches(server: &MockServer, first: ResponseTemplate, then: ResponseTemplate) {
    Mock::given(method("POST"))
        .and(path(SEARCH))
        .respond_with(first)
        .up_to_n_times(1)
        .with_priority(1)
        .mount(server)
        .await;
    Mock::given(method("POST"))
        .and(path(SEARCH))
        .respond_with(then)
        .with_priority(2)
        .mount(server)
        .await;
}

/// Mounts the create: `first` for the first create, `then` for every later one.
async fn creates(server: &MockServer, first: ResponseTemplate, then: ResponseTemplate) {
    Mock::given(method("POST"))
        .and(path(CREATE))
        .respond_with(first)
        .up_to_n_times(1)
        .with_priority(1)
        .mount(server)
        .await;
    Mock::given(method("POST"))
        .and(path(CREATE))
        .respond_with(then)
        .with_priority(2)
        .mount(server)
        .await;
}

/// How many requests the mock received at `at`.
async fn count(server: &MockServer, at: &str) -> usize {
    server
        .received_requests()
        .await
        .expect("recording is on")
        .iter()
        .filter(|r| r.url.path() == at)
        .count()
}

#[tokio::test]
async fn an_existing_contact_is_returned_and_nothing_is_written() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(SEARCH))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .and(body_json(search_body()))
        .respond_with(found())
        .expect(1)
        .mount(&server)
        .await;
    creates(&server, created(), created()).await;

    let out = contact_create::call(&client(&server), &jane())
        .await
        .expect("the contact is found");
    assert_eq!(
        out,
        Output {
            contact_id: Some("51".into()),
            created: Some(false),
            first_name: Some("Jane".into()),
        }
    );
    assert_eq!(count(&server, SEARCH).await, 1);
    assert_eq!(count(&server, CREATE).await, 0);
}

#[tokio::test]
async fn a_new_contact_is_created_once_with_the_exact_request() {
    let server = MockServer::start().await;
    searches(&server, missing(), missing()).await;
    // Phone and company were not given: they are left out, not sent as null.
    Mock::given(method("POST"))
        .and(path(CREATE))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .and(header("content-type", "application/json"))
        .and(body_json(json!({
            "properties": {
                "firstname": "Jane",
                "lastname": "Doe",
                "email": "jane.doe@example.com"
            }
        })))
        .respond_with(created())
        .expect(1)
        .mount(&server)
        .await;

    let out = contact_create::call(&client(&server), &jane())
        .await
        .expect("the contact is created");
    assert_eq!(
        out,
        Output {
            contact_id: Some("101".into()),
            created: Some(true),
            first_name: Some("Jane".into()),
        }
    );
    assert_eq!(count(&server, SEARCH).await, 1);
    assert_eq!(count(&server, CREATE).await, 1);
}

#[tokio::test]
async fn call_json_answers_with_the_template_fields_only() {
    let server = MockServer::start().await;
    searches(&server, missing(), missing()).await;
    creates(&server, created(), created()).await;
    let answer = contact_create::call_json(
        &client(&server),
        json!({"first_name": "Jane", "last_name": "Doe", "email": "jane.doe@example.com"}),
    )
    .await;
    assert_eq!(
        answer,
        json!({"ok": true, "result": {"contact_id": "101", "created": true, "first_name": "Jane"}})
    );
    assert_eq!(count(&server, CREATE).await, 1);
}

#[tokio::test]
async fn a_phone_only_caller_is_searched_by_phone_or_mobile() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(SEARCH))
        .and(body_json(json!({
            "filterGroups": [
                {"filters": [{"propertyName": "phone", "operator": "EQ", "value": "+14155550123"}]},
                {"filters": [{"propertyName": "mobilephone", "operator": "EQ", "value": "+14155550123"}]}
            ],
            "properties": ["firstname"],
            "sorts": [{"propertyName": "createdate", "direction": "ASCENDING"}],
            "limit": 1
        })))
        .respond_with(missing())
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(CREATE))
        .and(body_json(json!({
            "properties": {
                "firstname": "Jane",
                "lastname": "Doe",
                "phone": "+14155550123",
                "company": "Acme Corp"
            }
        })))
        .respond_with(created())
        .expect(1)
        .mount(&server)
        .await;
    let args = Args {
        email: None,
        phone: Some("+14155550123".into()),
        company: Some("Acme Corp".into()),
        ..jane()
    };
    let out = contact_create::call(&client(&server), &args).await.unwrap();
    assert_eq!(out.created, Some(true));
}

#[tokio::test]
async fn a_failed_create_whose_contact_the_second_search_finds_is_not_repeated() {
    let server = MockServer::start().await;
    searches(&server, missing(), found()).await;
    creates(&server, failing(500), created()).await;

    let out = contact_create::call(&client(&server), &jane())
        .await
        .expect("the second search finds the contact");
    assert_eq!(out.contact_id.as_deref(), Some("51"));
    assert_eq!(out.created, Some(false));
    assert_eq!(count(&server, SEARCH).await, 2);
    assert_eq!(count(&server, CREATE).await, 1);
}

#[tokio::test]
async fn a_failed_create_the_second_search_misses_is_sent_once_more() {
    let server = MockServer::start().await;
    searches(&server, missing(), missing()).await;
    creates(&server, failing(500), created()).await;

    let out = contact_create::call(&client(&server), &jane())
        .await
        .expect("the second create succeeds");
    assert_eq!(out.contact_id.as_deref(), Some("101"));
    assert_eq!(out.created, Some(true));
    assert_eq!(count(&server, SEARCH).await, 2);
    assert_eq!(count(&server, CREATE).await, 2);
}

#[tokio::test]
async fn two_failed_creates_are_the_most_it_sends() {
    let server = MockServer::start().await;
    searches(&server, missing(), missing()).await;
    creates(&server, failing(503), failing(503)).await;

    let err = contact_create::call(&client(&server), &jane())
        .await
        .expect_err("both creates fail");
    assert_eq!(err.kind, ErrorKind::Unavailable);
    assert_eq!(count(&server, SEARCH).await, 2);
    assert_eq!(count(&server, CREATE).await, 2);
}

#[tokio::test]
async fn a_conflict_the_second_search_misses_is_an_error_not_a_second_create() {
    let server = MockServer::start().await;
    searches(&server, missing(), missing()).await;
    creates(&server, failing(409), created()).await;

    let err = contact_create::call(&client(&server), &jane())
        .await
        .expect_err("a conflict is not written through");
    assert_eq!(err.kind, ErrorKind::Conflict);
    assert_eq!(err.status, Some(409));
    assert!(err.detail.contains("Existing ID: 101"), "{}", err.detail);
    assert_eq!(count(&server, SEARCH).await, 2);
    assert_eq!(count(&server, CREATE).await, 1);
    let answer = midcall_runtime::tool_result::<Output>(&Err(err), 256);
    assert_eq!(answer["ok"], json!(false));
    assert_eq!(answer["error"], json!("conflict"));
}

#[tokio::test]
async fn a_conflict_whose_contact_the_second_search_finds_returns_it() {
    let server = MockServer::start().await;
    searches(&server, missing(), found()).await;
    creates(&server, failing(409), created()).await;

    let out = contact_create::call(&client(&server), &jane())
        .await
        .unwrap();
    assert_eq!(out.contact_id.as_deref(), Some("51"));
    assert_eq!(out.created, Some(false));
    assert_eq!(count(&server, SEARCH).await, 2);
    assert_eq!(count(&server, CREATE).await, 1);
}

#[tokio::test]
async fn a_rejected_create_is_not_repeated() {
    let server = MockServer::start().await;
    searches(&server, missing(), missing()).await;
    creates(&server, failing(400), created()).await;

    let err = contact_create::call(&client(&server), &jane())
        .await
        .expect_err("a 400 is the answer");
    assert_eq!(err.kind, ErrorKind::InvalidInput);
    assert_eq!(count(&server, SEARCH).await, 1);
    assert_eq!(count(&server, CREATE).await, 1);
}

#[tokio::test]
async fn a_search_that_never_answers_times_out_without_a_write() {
    let server = MockServer::start().await;
    let slow = missing().set_delay(Duration::from_secs(5));
    searches(&server, slow.clone(), slow).await;
    creates(&server, created(), created()).await;

    let err = contact_create::call(&client_with(&server, Duration::from_millis(400)), &jane())
        .await
        .expect_err("the deadline passes");
    // The kind, not the wall time: the mock would answer only after 5 s.
    assert_eq!(err.kind, ErrorKind::Timeout);
    // Nothing is written later either.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(count(&server, CREATE).await, 0);
    assert!(count(&server, SEARCH).await >= 1);
}

#[tokio::test]
async fn a_create_that_never_answers_is_not_repeated_after_the_deadline() {
    let server = MockServer::start().await;
    searches(&server, missing(), missing()).await;
    let slow = created().set_delay(Duration::from_secs(5));
    creates(&server, slow.clone(), slow).await;

    let err = contact_create::call(&client_with(&server, Duration::from_millis(400)), &jane())
        .await
        .expect_err("the deadline passes");
    // The kind, not the wall time: the mock would answer only after 5 s.
    assert_eq!(err.kind, ErrorKind::Timeout);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(count(&server, SEARCH).await, 1);
    assert_eq!(count(&server, CREATE).await, 1);
}

#[tokio::test]
async fn without_email_or_phone_nothing_is_sent() {
    let server = MockServer::start().await;
    let args = Args {
        email: None,
        phone: None,
        ..jane()
    };
    let err = contact_create::call(&client(&server), &args)
        .await
        .expect_err("no key to search by");
    assert_eq!(err.kind, ErrorKind::InvalidInput);
    assert_eq!(server.received_requests().await.unwrap().len(), 0);
}
