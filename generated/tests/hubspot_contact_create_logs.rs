//! Logs of a natural-key write through the generated HubSpot contact-create
//! connector name the path it took and hold neither the token nor the
//! caller's email. In a file of its own: tracing's callsite cache is
//! process-wide and other tests would race it.

use std::sync::{Arc, Mutex};

use midcall_generated::hubspot::contact_create::{self, Args};
use midcall_runtime::{Auth, Client, Config, ErrorKind};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "pat-na1-0f3c2d1e-secret";
const EMAIL: &str = "jane.doe@example.com";

#[derive(Clone, Default)]
struct Logs(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Logs {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Logs {
    type Writer = Logs;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

#[tokio::test]
async fn a_conflict_logs_its_path_but_no_token_and_no_email() {
    let logs = Logs::default();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(logs.clone())
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

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

    let text = String::from_utf8_lossy(&logs.0.lock().unwrap()).into_owned();
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
