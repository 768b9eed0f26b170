//! The server's logs (captured with the runtime's `capture_logs`) say what
//! happened to each call, and hold no secret, token, body, email address or
//! phone number: refused credentials, refused arguments, CRM failures and
//! successes alike. In a file of its own: the capture is per thread.

mod common;

use std::time::Duration;

use common::*;
use midcall_server::retell_signature;
use serde_json::json;

#[tokio::test]
async fn logs_hold_no_secret_and_no_caller_data() {
    let (logs, _guard) = midcall_runtime::testing::capture_logs();
    let crm = wiremock::MockServer::start().await;
    // Contacts are found; tickets fail with a body that echoes an email.
    wiremock::Mock::given(wiremock::matchers::path(CONTACT_SEARCH))
        .respond_with(wiremock::ResponseTemplate::new(200).set_body_json(contact_found()))
        .mount(&crm)
        .await;
    wiremock::Mock::given(wiremock::matchers::path(TICKET_SEARCH))
        .respond_with(wiremock::ResponseTemplate::new(400).set_body_json(
            json!({"status":"error","message":"bad filter for jane.doe@example.com +14155550123"}),
        ))
        .mount(&crm)
        .await;
    let server = start(&crm.uri()).await;
    let base = server.url();
    let c = http();
    let email = json!({ "email": "jane.doe@example.com" });
    c.post(format!("{base}/call/hubspot/lookup_contact"))
        .bearer_auth(TOKEN)
        .json(&email)
        .send()
        .await
        .unwrap();
    c.post(format!("{base}/call/hubspot/lookup_contact"))
        .bearer_auth(TOKEN)
        .json(&json!({ "phone": "14155550123" }))
        .send()
        .await
        .unwrap();
    c.post(format!("{base}/call/hubspot/get_ticket_status"))
        .bearer_auth(TOKEN)
        .json(&json!({ "ticket_number": "48213" }))
        .send()
        .await
        .unwrap();
    c.post(format!("{base}/call/hubspot/lookup_contact"))
        .bearer_auth(format!("{TOKEN}-wrong"))
        .json(&email)
        .send()
        .await
        .unwrap();
    c.get(format!(
        "{base}/elevenlabs/hubspot/lookup_contact?email=jane.doe%40example.com"
    ))
    .header("x-midcall-secret", ELEVENLABS_SECRET)
    .send()
    .await
    .unwrap();
    let body = serde_json::to_vec(&email).unwrap();
    c.post(format!("{base}/retell/hubspot/lookup_contact"))
        .header("x-retell-signature", retell_signature(RETELL_KEY, &body, 1))
        .body(body)
        .send()
        .await
        .unwrap();
    server.shutdown();
    tokio::time::timeout(Duration::from_secs(10), server.wait())
        .await
        .unwrap()
        .unwrap();

    let text = logs.text();
    for expected in [
        "tool call ok",
        "tool call failed",
        "arguments refused",
        "request refused",
        "invalid_input",
    ] {
        assert!(
            text.contains(expected),
            "no `{expected}` in the logs:\n{text}"
        );
    }
    for secret in [
        TOKEN,
        VAPI_SECRET,
        RETELL_KEY,
        ELEVENLABS_SECRET,
        HUBSPOT_TOKEN,
        "jane.doe@example.com",
        "jane.doe%40example.com",
        "14155550123",
        "4155550123",
    ] {
        assert!(!text.contains(secret), "`{secret}` is in the logs:\n{text}");
    }
}

#[tokio::test]
async fn a_misconfigured_call_logs_the_missing_variables_by_name() {
    let (logs, _guard) = midcall_runtime::testing::capture_logs();
    let crm = wiremock::MockServer::start().await;
    let settings = midcall_server::Settings::new(
        loopback(),
        false,
        env(&[("MIDCALL_TOKEN", TOKEN), ("HUBSPOT_BASE_URL", &crm.uri())]),
    )
    .unwrap();
    let server = start_with(&connectors(), settings).await;
    let r: serde_json::Value = http()
        .post(format!("{}/call/hubspot/lookup_contact", server.url()))
        .bearer_auth(TOKEN)
        .json(&json!({ "email": "jane.doe@example.com" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(r["error"], "misconfigured");
    server.shutdown();
    tokio::time::timeout(Duration::from_secs(10), server.wait())
        .await
        .unwrap()
        .unwrap();
    let text = logs.text();
    let line = text
        .lines()
        .find(|l| l.contains("tool call failed"))
        .unwrap_or_else(|| panic!("no `tool call failed` line:\n{text}"));
    assert!(
        line.contains("HUBSPOT_ACCESS_TOKEN") && line.contains("missing_env"),
        "the failure line does not name the missing variable:\n{line}"
    );
    assert!(!text.contains("jane.doe@example.com"), "{text}");
    assert_eq!(crm.received_requests().await.unwrap_or_default().len(), 0);
}
