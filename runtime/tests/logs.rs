//! Logs of a failing call: no credential, no email address, no phone
//! number. In a file of its own: tracing's callsite cache is process-wide,
//! and tests running beside this one would race its subscriber.

use std::sync::{Arc, Mutex};

use midcall_runtime::{Auth, Client, Config, ErrorKind, Method, Request};
use serde_json::json;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "pat-na1-secret-token-1234";
const CALLER_EMAIL: &str = "jane.doe@example.com";
const CALLER_PHONE: &str = "+14155550123";

/// Captured log output.
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

impl Logs {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

#[tokio::test]
async fn logs_of_a_failing_call_hold_no_token_email_or_phone() {
    let logs = Logs::default();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(logs.clone())
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

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
