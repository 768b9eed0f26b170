//! The tool server end to end, on loopback: each platform's route with its
//! credential, the MCP SDK's own client, URLs read out of rendered tool
//! definitions, deadlines against a CRM that never answers, limits,
//! readiness, panics and graceful shutdown. Every test counts the requests
//! the mock CRM received.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::*;
use midcall_server::{retell_signature, Connectors, Settings};
use reqwest::StatusCode;
use rmcp::model::CallToolRequestParams;
use rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig;
use rmcp::transport::StreamableHttpClientTransport;
use rmcp::ServiceExt;
use serde_json::{json, Value};

fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64
}

fn vapi_message(calls: &[(&str, &str, Value)]) -> Value {
    let list: Vec<Value> = calls
        .iter()
        .map(|(id, name, args)| {
            // The published schema has the arguments as a JSON string.
            let args = match args {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            json!({ "id": id, "type": "function", "function": { "name": name, "arguments": args } })
        })
        .collect();
    let with_tool: Vec<Value> = list
        .iter()
        .map(|c| json!({ "type": "function", "toolCall": c }))
        .collect();
    json!({ "message": { "type": "tool-calls", "toolCallList": list, "toolWithToolCallList": with_tool } })
}

#[tokio::test]
async fn mcp_client_lists_every_generated_tool_and_calls_contact_lookup() {
    let crm = hubspot(Duration::ZERO).await;
    let server = start(&crm.uri()).await;
    // Two CRMs share tool names (lookup_contact), so the tools are served
    // per CRM: `/mcp/hubspot` here (`/mcp` is off).
    let config =
        StreamableHttpClientTransportConfig::with_uri(format!("{}/mcp/hubspot", server.url()))
            .auth_header(TOKEN);
    let client = ().serve(StreamableHttpClientTransport::from_config(config)).await.unwrap();

    let tools = client.list_all_tools().await.unwrap();
    let listed: Vec<Value> = tools
        .iter()
        .map(|t| serde_json::to_value(t).unwrap())
        .collect();
    let expected: Vec<Value> = midcall_generated::CONNECTORS
        .iter()
        .filter(|(c, _)| *c == "hubspot")
        .map(|(c, t)| {
            serde_json::from_str(midcall_generated::tool_definition(c, t, "mcp").unwrap()).unwrap()
        })
        .collect();
    assert_eq!(listed.len(), expected.len());
    assert_eq!(
        listed, expected,
        "tools/list must be the mcp target's files"
    );
    assert!(listed
        .iter()
        .all(|t| t.get("outputSchema").is_some() && t.get("annotations").is_some()));

    let args = json!({ "email": "jane.doe@example.com" });
    let result = client
        .call_tool(
            CallToolRequestParams::new("lookup_contact")
                .with_arguments(args.as_object().unwrap().clone()),
        )
        .await
        .unwrap();
    assert_eq!(result.is_error, Some(false));
    assert_eq!(result.structured_content, Some(expected_contact()));
    let text = result.content[0].as_text().unwrap().text.clone();
    assert_eq!(
        serde_json::from_str::<Value>(&text).unwrap(),
        expected_contact()
    );

    // Arguments the schema refuses: an isError result, no CRM request.
    let before = crm_requests(&crm).await;
    let bad = client
        .call_tool(
            CallToolRequestParams::new("lookup_contact").with_arguments(serde_json::Map::new()),
        )
        .await
        .unwrap();
    assert_eq!(bad.is_error, Some(true));
    assert_eq!(
        bad.content[0].as_text().unwrap().text,
        "Some of the details didn't work. Could you repeat them?"
    );
    assert_eq!(crm_requests(&crm).await, before);
    client.cancel().await.unwrap();

    // The other CRM's path lists its own tools.
    let config =
        StreamableHttpClientTransportConfig::with_uri(format!("{}/mcp/zendesk", server.url()))
            .auth_header(TOKEN);
    let client = ().serve(StreamableHttpClientTransport::from_config(config)).await.unwrap();
    let zendesk = midcall_generated::CONNECTORS
        .iter()
        .filter(|(c, _)| *c == "zendesk")
        .count();
    assert_eq!(client.list_all_tools().await.unwrap().len(), zendesk);
    client.cancel().await.unwrap();
    assert_eq!(crm_requests(&crm).await, 1);
}

/// A mock HubSpot that counts the searches in flight at once.
async fn counting_crm(delay: Duration) -> (String, Arc<AtomicUsize>, Arc<AtomicUsize>) {
    let in_flight = Arc::new(AtomicUsize::new(0));
    let peak = Arc::new(AtomicUsize::new(0));
    let (f, p) = (in_flight.clone(), peak.clone());
    let app = axum::Router::new().route(
        "/crm/v3/objects/{object}/search",
        axum::routing::post(
            move |axum::extract::Path(object): axum::extract::Path<String>| {
                let (f, p) = (f.clone(), p.clone());
                async move {
                    let now = f.fetch_add(1, Ordering::SeqCst) + 1;
                    p.fetch_max(now, Ordering::SeqCst);
                    tokio::time::sleep(delay).await;
                    f.fetch_sub(1, Ordering::SeqCst);
                    axum::Json(if object == "contacts" {
                        contact_found()
                    } else {
                        ticket_found()
                    })
                }
            },
        ),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, in_flight, peak)
}

#[tokio::test]
async fn vapi_runs_two_calls_of_one_message_concurrently_and_answers_the_published_shape() {
    let delay = Duration::from_millis(400);
    let (crm, _, peak) = counting_crm(delay).await;
    let server = start(&crm).await;
    let message = vapi_message(&[
        (
            "call_1",
            "lookup_contact",
            json!({ "email": "jane.doe@example.com" }),
        ),
        (
            "call_2",
            "get_ticket_status",
            json!({ "ticket_number": "48213" }),
        ),
    ]);
    let platforms = platforms();
    if let Some(dir) = &platforms {
        let schema = schema_at(
            &dir.join("vapi/openapi.json"),
            "/components/schemas/ServerMessageToolCalls",
        );
        assert_eq!(
            violations(&schema, &message["message"]),
            Vec::<String>::new()
        );
    }
    let started = Instant::now();
    let answer = http()
        .post(format!("{}/vapi/hubspot", server.url()))
        .header("x-vapi-secret", VAPI_SECRET)
        .json(&message)
        .send()
        .await
        .unwrap();
    let elapsed = started.elapsed();
    assert_eq!(answer.status(), StatusCode::OK);
    let answer: Value = answer.json().await.unwrap();
    if let Some(dir) = &platforms {
        let schema = schema_at(
            &dir.join("vapi/openapi.json"),
            "/components/schemas/ServerMessageResponseToolCalls",
        );
        assert_eq!(violations(&schema, &answer), Vec::<String>::new());
    }
    let results = answer["results"].as_array().unwrap();
    assert_eq!(results.len(), 2);
    assert_eq!(results[0]["toolCallId"], "call_1");
    assert_eq!(results[0]["name"], "lookup_contact");
    let first: Value = serde_json::from_str(results[0]["result"].as_str().unwrap()).unwrap();
    assert_eq!(first, expected_contact());
    assert_eq!(results[1]["toolCallId"], "call_2");
    let second: Value = serde_json::from_str(results[1]["result"].as_str().unwrap()).unwrap();
    assert_eq!(second["status"], "closed");
    // Both searches were at the mock at once: concurrent, not one after
    // the other.
    assert_eq!(peak.load(Ordering::SeqCst), 2);
    eprintln!("two calls of {delay:?} each answered in {elapsed:?}");
}

#[tokio::test]
async fn vapi_failure_carries_the_speakable_message() {
    let crm = wiremock::MockServer::start().await; // answers 404 to everything
    let server = start(&crm.uri()).await;
    let message = vapi_message(&[("c1", "lookup_contact", json!("{\"phone\":\"12\"}"))]);
    let answer: Value = http()
        .post(format!("{}/vapi/hubspot", server.url()))
        .header("x-vapi-secret", VAPI_SECRET)
        .json(&message)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let r = &answer["results"][0];
    assert_eq!(r["toolCallId"], "c1");
    assert_eq!(
        r["error"],
        "Some of the details didn't work. Could you repeat them?"
    );
    assert_eq!(r["message"]["type"], "request-failed");
    assert_eq!(r["message"]["content"], r["error"]);
    assert!(r.get("result").is_none());
    assert_eq!(
        crm_requests(&crm).await,
        0,
        "a bad phone number reaches no CRM"
    );
    if let Some(dir) = platforms() {
        let schema = schema_at(
            &dir.join("vapi/openapi.json"),
            "/components/schemas/ServerMessageResponseToolCalls",
        );
        assert_eq!(violations(&schema, &answer), Vec::<String>::new());
    }
}

#[tokio::test]
async fn retell_serves_a_signed_request_and_refuses_others_before_any_crm_request() {
    let crm = hubspot(Duration::ZERO).await;
    let server = start(&crm.uri()).await;
    let url = format!("{}/retell/hubspot/lookup_contact", server.url());
    let body = br#"{"email":"jane.doe@example.com","call":{"call_id":"c_1"}}"#.to_vec();
    let send = |sig: Option<String>, body: Vec<u8>| {
        let mut req = http()
            .post(&url)
            .header("content-type", "application/json")
            .body(body);
        if let Some(sig) = sig {
            req = req.header("x-retell-signature", sig);
        }
        req.send()
    };
    let stale = now_ms() - 6 * 60 * 1000;
    let refused = [
        None,
        Some(retell_signature("key_wrong_0000000000", &body, now_ms())),
        Some(retell_signature(
            RETELL_KEY,
            b"{\"email\":\"other@example.com\"}",
            now_ms(),
        )),
        Some(retell_signature(RETELL_KEY, &body, stale)),
        Some("v=1,d=zz".to_string()),
    ];
    for sig in refused {
        let r = send(sig.clone(), body.clone()).await.unwrap();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "{sig:?}");
        let e: Value = r.json().await.unwrap();
        assert!(e["error"].as_str().unwrap().starts_with("unauthorized"));
    }
    assert_eq!(
        crm_requests(&crm).await,
        0,
        "no refused request reaches the CRM"
    );

    let ok = send(
        Some(retell_signature(RETELL_KEY, &body, now_ms())),
        body.clone(),
    )
    .await
    .unwrap();
    assert_eq!(ok.status(), StatusCode::OK);
    let ok: Value = ok.json().await.unwrap();
    assert_eq!(ok, json!({ "ok": true, "result": expected_contact() }));
    assert_eq!(crm_requests(&crm).await, 1);
}

/// Every tool route, its credential header, and a request to it.
fn route_requests(
    base: &str,
) -> Vec<(
    &'static str,
    reqwest::RequestBuilder,
    (&'static str, String),
)> {
    let c = http();
    let lookup = json!({ "email": "jane.doe@example.com" });
    let vapi = vapi_message(&[("c1", "lookup_contact", lookup.clone())]);
    let mcp = json!({"jsonrpc":"2.0","id":1,"method":"tools/list","params":{}});
    vec![
        (
            "vapi",
            c.post(format!("{base}/vapi/hubspot")).json(&vapi),
            ("x-vapi-secret", VAPI_SECRET.to_string()),
        ),
        (
            "elevenlabs GET",
            c.get(format!(
                "{base}/elevenlabs/hubspot/lookup_contact?email=jane.doe%40example.com"
            )),
            ("x-midcall-secret", ELEVENLABS_SECRET.to_string()),
        ),
        (
            "elevenlabs POST",
            c.post(format!("{base}/elevenlabs/hubspot/create_contact"))
                .json(
                    &json!({"first_name":"Jane","last_name":"Doe","email":"jane.doe@example.com"}),
                ),
            ("x-midcall-secret", ELEVENLABS_SECRET.to_string()),
        ),
        (
            "call",
            c.post(format!("{base}/call/hubspot/lookup_contact"))
                .json(&lookup),
            ("authorization", format!("Bearer {TOKEN}")),
        ),
        (
            "mcp",
            c.post(format!("{base}/mcp/hubspot"))
                .header("accept", "application/json, text/event-stream")
                .json(&mcp),
            ("authorization", format!("Bearer {TOKEN}")),
        ),
    ]
}

#[tokio::test]
async fn every_route_refuses_a_missing_or_wrong_secret_before_any_crm_request() {
    let crm = hubspot(Duration::ZERO).await;
    let server = start(&crm.uri()).await;
    for (name, req, (header, value)) in route_requests(&server.url()) {
        let missing = req.try_clone().unwrap().send().await.unwrap();
        assert_eq!(
            missing.status(),
            StatusCode::UNAUTHORIZED,
            "{name}: no secret"
        );
        let wrong = format!("{value}x");
        let wrong = req
            .try_clone()
            .unwrap()
            .header(header, wrong)
            .send()
            .await
            .unwrap();
        assert_eq!(
            wrong.status(),
            StatusCode::UNAUTHORIZED,
            "{name}: wrong secret"
        );
        let right = req.header(header, value).send().await.unwrap();
        assert_eq!(right.status(), StatusCode::OK, "{name}: right secret");
    }
    // Only the four accepted tool calls reached HubSpot (the MCP request
    // was a tools/list; the create found the contact with one search).
    assert_eq!(crm_requests(&crm).await, 4);
}

#[tokio::test]
async fn a_route_whose_secret_is_not_configured_is_closed() {
    let crm = hubspot(Duration::ZERO).await;
    let env = env(&[
        ("MIDCALL_TOKEN", TOKEN),
        ("HUBSPOT_ACCESS_TOKEN", HUBSPOT_TOKEN),
        ("HUBSPOT_BASE_URL", &crm.uri()),
    ]);
    let server = start_with(
        &connectors(),
        Settings::new(loopback(), false, env).unwrap(),
    )
    .await;
    let r = http()
        .post(format!("{}/vapi/hubspot", server.url()))
        .header("x-vapi-secret", "")
        .json(&vapi_message(&[(
            "c1",
            "lookup_contact",
            json!({"email":"a@b.co"}),
        )]))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let sig = retell_signature("anything", b"{}", now_ms());
    let r = http()
        .post(format!("{}/retell/hubspot/lookup_contact", server.url()))
        .header("x-retell-signature", sig)
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(crm_requests(&crm).await, 0);
}

#[test]
fn the_server_refuses_to_start_without_a_secret_unless_local_dev_on_loopback() {
    let none = env(&[]);
    let e = Settings::new("0.0.0.0:8080".parse().unwrap(), false, none.clone()).unwrap_err();
    assert!(
        e.to_string()
            .starts_with("no secret is configured: set at least one of MIDCALL_VAPI_SECRET"),
        "{e}"
    );
    let dev = Settings::new("0.0.0.0:8080".parse().unwrap(), true, none).unwrap();
    assert!(dev.listen.ip().is_loopback());
    assert_eq!(dev.listen.port(), 8080);
    let short = Settings::new(loopback(), false, env(&[("MIDCALL_TOKEN", "short")])).unwrap_err();
    assert_eq!(
        short.to_string(),
        "MIDCALL_TOKEN: shorter than 16 characters"
    );
    let debug = format!(
        "{:?}",
        Settings::new(loopback(), false, full_env("http://x")).unwrap()
    );
    for secret in [VAPI_SECRET, RETELL_KEY, ELEVENLABS_SECRET, TOKEN] {
        assert!(!debug.contains(secret), "Debug shows a secret: {debug}");
    }
}

#[tokio::test]
async fn the_urls_rendered_with_the_servers_url_are_the_routes_it_serves() {
    let crm = hubspot(Duration::ZERO).await;
    let server = start(&crm.uri()).await;
    let midcall = midcall::Midcall::bundled().unwrap();
    let options = midcall::render::RenderOptions {
        server_url: Some(format!("{}/", server.url())),
    };
    let targets = [
        "vapi".to_string(),
        "retell".to_string(),
        "elevenlabs".to_string(),
    ];
    let mut served = 0;
    // HubSpot's connectors, answered by the mock HubSpot.
    let hubspot: Vec<_> = midcall_generated::CONNECTORS
        .iter()
        .filter(|(c, _)| *c == "hubspot")
        .collect();
    for (crm_id, template) in &hubspot {
        let files = midcall
            .generate(crm_id, template, &targets, &options)
            .unwrap();
        let mcp: Value = serde_json::from_str(
            midcall_generated::tool_definition(crm_id, template, "mcp").unwrap(),
        )
        .unwrap();
        let name = mcp["name"].as_str().unwrap();
        // Arguments the schema accepts, for each tool.
        let args = match *template {
            "contact-lookup" => json!({ "email": "jane.doe@example.com" }),
            "contact-create" => {
                json!({ "first_name": "Jane", "last_name": "Doe", "email": "jane.doe@example.com" })
            }
            "ticket-status" => json!({ "ticket_number": "48213" }),
            // The mock's ticket search finds one: the precheck's answer.
            "ticket-create" => json!({
                "contact_id": "51", "subject": "Router keeps rebooting",
                "description": "It restarts every few minutes.", "priority": "normal"
            }),
            "invoice-lookup" | "payment-status" => json!({ "invoice_number": "INV1042" }),
            "account-verify" => {
                json!({ "email": "jane.doe@example.com", "factor": "postal_code", "factor_value": "SW1A1AA" })
            }
            other => panic!("no arguments for {other}"),
        };
        for file in files {
            let doc: Value = serde_json::from_str(&file.contents).unwrap();
            let (url, method) = match file.target.as_str() {
                "vapi" => (
                    doc["server"]["url"].as_str().unwrap().to_string(),
                    "POST".to_string(),
                ),
                "retell" => (
                    doc["url"].as_str().unwrap().to_string(),
                    doc["method"].as_str().unwrap().to_string(),
                ),
                "elevenlabs" => (
                    doc["api_schema"]["url"].as_str().unwrap().to_string(),
                    doc["api_schema"]["method"].as_str().unwrap().to_string(),
                ),
                other => panic!("unexpected target {other}"),
            };
            assert!(url.starts_with(&server.url()), "{url}");
            let c = http();
            let response = match file.target.as_str() {
                "vapi" => c
                    .post(&url)
                    .header("x-vapi-secret", VAPI_SECRET)
                    .json(&vapi_message(&[("c1", name, args.clone())])),
                "retell" => {
                    let body = serde_json::to_vec(&args).unwrap();
                    c.post(&url)
                        .header(
                            "x-retell-signature",
                            retell_signature(RETELL_KEY, &body, now_ms()),
                        )
                        .body(body)
                }
                _ if method == "GET" => {
                    let query: Vec<(String, String)> = args
                        .as_object()
                        .unwrap()
                        .iter()
                        .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_string()))
                        .collect();
                    c.get(&url)
                        .query(&query)
                        .header("x-midcall-secret", ELEVENLABS_SECRET)
                }
                _ => c
                    .post(&url)
                    .json(&args)
                    .header("x-midcall-secret", ELEVENLABS_SECRET),
            }
            .send()
            .await
            .unwrap();
            assert_eq!(response.status(), StatusCode::OK, "{} {url}", file.target);
            let answer: Value = response.json().await.unwrap();
            let ok = match file.target.as_str() {
                "vapi" => answer["results"][0].get("result").is_some(),
                _ => answer["ok"] == json!(true),
            };
            assert!(ok, "{} {url}: {answer}", file.target);
            served += 1;
        }
    }
    assert_eq!(served, 3 * hubspot.len());
}

#[tokio::test]
async fn a_crm_that_never_answers_gets_each_platforms_error_within_the_deadline_while_others_are_served(
) {
    // Contacts hang; tickets answer at once.
    let crm = wiremock::MockServer::start().await;
    wiremock::Mock::given(wiremock::matchers::path(CONTACT_SEARCH))
        .respond_with(wiremock::ResponseTemplate::new(200).set_delay(Duration::from_secs(60)))
        .mount(&crm)
        .await;
    wiremock::Mock::given(wiremock::matchers::path(TICKET_SEARCH))
        .respond_with(wiremock::ResponseTemplate::new(200).set_body_json(ticket_found()))
        .mount(&crm)
        .await;
    let server = start(&crm.uri()).await;
    let base = server.url();
    let deadline = midcall_generated::timeout("hubspot", "contact-lookup").unwrap();
    let bound = deadline + Duration::from_millis(500);
    let lookup = json!({ "email": "jane.doe@example.com" });

    let timed = |req: reqwest::RequestBuilder| async move {
        let started = Instant::now();
        let answer: Value = req.send().await.unwrap().json().await.unwrap();
        (started.elapsed(), answer, Instant::now())
    };
    let vapi = timed(
        http()
            .post(format!("{base}/vapi/hubspot"))
            .header("x-vapi-secret", VAPI_SECRET)
            .json(&vapi_message(&[("c1", "lookup_contact", lookup.clone())])),
    );
    let body = serde_json::to_vec(&lookup).unwrap();
    let retell = timed(
        http()
            .post(format!("{base}/retell/hubspot/lookup_contact"))
            .header(
                "x-retell-signature",
                retell_signature(RETELL_KEY, &body, now_ms()),
            )
            .body(body),
    );
    let eleven = timed(
        http()
            .get(format!(
                "{base}/elevenlabs/hubspot/lookup_contact?email=jane.doe%40example.com"
            ))
            .header("x-midcall-secret", ELEVENLABS_SECRET),
    );
    let plain = timed(
        http()
            .post(format!("{base}/call/hubspot/lookup_contact"))
            .bearer_auth(TOKEN)
            .json(&lookup),
    );
    let mcp = timed(
        http()
            .post(format!("{base}/mcp/hubspot"))
            .bearer_auth(TOKEN)
            .header("accept", "application/json, text/event-stream")
            .header("mcp-protocol-version", "2026-07-28")
            .header("mcp-method", "tools/call")
            .header("mcp-name", "lookup_contact")
            .json(&json!({"jsonrpc":"2.0","id":7,"method":"tools/call",
                "params":{"name":"lookup_contact","arguments":lookup,
                  "_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28",
                           "io.modelcontextprotocol/clientInfo":{"name":"t","version":"1"},
                           "io.modelcontextprotocol/clientCapabilities":{}}}})),
    );
    // Meanwhile, another connector and the probes are served.
    let others = async {
        tokio::time::sleep(Duration::from_millis(200)).await;
        let ticket = timed(
            http()
                .post(format!("{base}/call/hubspot/get_ticket_status"))
                .bearer_auth(TOKEN)
                .json(&json!({ "ticket_number": "48213" })),
        )
        .await;
        let health = http()
            .get(format!("{base}/healthz"))
            .send()
            .await
            .unwrap()
            .status();
        (ticket, health, Instant::now())
    };
    let (vapi, retell, eleven, plain, mcp, (ticket, health, others_done)) =
        tokio::join!(vapi, retell, eleven, plain, mcp, others);

    eprintln!("mcp answer: {}", mcp.1);
    for (name, (elapsed, _, _)) in [
        ("vapi", &vapi),
        ("retell", &retell),
        ("elevenlabs", &eleven),
        ("call", &plain),
        ("mcp", &mcp),
    ] {
        assert!(
            *elapsed <= bound,
            "{name}: answered after {elapsed:?}, past {bound:?}"
        );
        assert!(
            *elapsed >= deadline - Duration::from_millis(100),
            "{name}: answered before the deadline: {elapsed:?}"
        );
    }
    let timeout_line = "That's taking too long; our records system is slow right now.";
    assert_eq!(vapi.1["results"][0]["error"], timeout_line);
    assert_eq!(vapi.1["results"][0]["message"]["type"], "request-failed");
    for answer in [&retell.1, &eleven.1, &plain.1] {
        assert_eq!(
            answer,
            &json!({ "ok": false, "error": "timeout", "message": timeout_line })
        );
    }
    assert_eq!(mcp.1["result"]["isError"], true, "{}", mcp.1);
    assert_eq!(mcp.1["result"]["content"][0]["text"], timeout_line);
    // The ticket call finished while the contact calls were still waiting.
    assert_eq!(ticket.1["ok"], true, "{}", ticket.1);
    assert_eq!(health, StatusCode::OK);
    assert!(others_done < vapi.2 && others_done < mcp.2);
}

#[tokio::test]
async fn limits_bad_json_unknown_tools_and_bad_arguments_are_refused_before_the_crm() {
    let crm = hubspot(Duration::ZERO).await;
    let server = start(&crm.uri()).await;
    let base = server.url();
    let post = |path: &str, body: Vec<u8>| {
        http()
            .post(format!("{base}{path}"))
            .bearer_auth(TOKEN)
            .header("content-type", "application/json")
            .body(body)
            .send()
    };
    let error_line = |v: Value| v["error"].as_str().unwrap().to_string();

    let r = post("/call/hubspot/lookup_contact", b"{\"email\": ".to_vec())
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let line = error_line(r.json().await.unwrap());
    assert!(
        line.starts_with("malformed JSON body: ") && !line.contains('\n'),
        "{line}"
    );

    let deep = format!("{}{}", "[".repeat(100), "]".repeat(100)).into_bytes();
    let r = post("/call/hubspot/lookup_contact", deep).await.unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(error_line(r.json().await.unwrap()).contains("nested deeper than 32"));

    let big = format!(
        "{{\"email\":\"{}\"}}",
        "a".repeat(Settings::DEFAULT_MAX_BODY_BYTES)
    )
    .into_bytes();
    let r = post("/call/hubspot/lookup_contact", big).await.unwrap();
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);

    let r = post("/call/hubspot/no_such_tool", b"{}".to_vec())
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        error_line(r.json().await.unwrap()),
        "unknown tool `no_such_tool` for CRM `hubspot`"
    );
    let r = post("/call/no-such-crm/lookup_contact", b"{}".to_vec())
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);

    for bad in [
        json!({}),
        json!({"phone": "555"}),
        json!({"email": "a@b.co", "extra": 1}),
        json!([1]),
    ] {
        let r = post(
            "/call/hubspot/lookup_contact",
            serde_json::to_vec(&bad).unwrap(),
        )
        .await
        .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        let v: Value = r.json().await.unwrap();
        assert_eq!(v["error"], "invalid_input", "{bad}: {v}");
    }
    // ElevenLabs: a read is a GET, a write a POST.
    let r = http()
        .post(format!("{base}/elevenlabs/hubspot/lookup_contact"))
        .header("x-midcall-secret", ELEVENLABS_SECRET)
        .json(&json!({"email":"a@b.co"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(crm_requests(&crm).await, 0);
}

#[tokio::test]
async fn readiness_names_the_missing_variables_never_values() {
    let crm = hubspot(Duration::ZERO).await;
    let unready = env(&[("MIDCALL_TOKEN", TOKEN), ("HUBSPOT_BASE_URL", &crm.uri())]);
    let server = start_with(
        &connectors(),
        Settings::new(loopback(), false, unready).unwrap(),
    )
    .await;
    let r = http()
        .get(format!("{}/readyz", server.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
    let v: Value = r.json().await.unwrap();
    assert_eq!(
        v,
        json!({"ready": false, "crms": {
            "calcom": {"ready": false, "missing_env": ["CALCOM_EVENT_TYPE_SLUG", "CALCOM_TIME_ZONE", "CALCOM_USERNAME", "CALCOM_UTC_OFFSET", "CALCOM_API_KEY"]},
            "calendly": {"ready": false, "missing_env": ["CALENDLY_EVENT_TYPE", "CALENDLY_UTC_OFFSET", "CALENDLY_ACCESS_TOKEN"]},
            "google-calendar": {"ready": false, "missing_env": ["GOOGLE_CALENDAR_ID", "GOOGLE_CALENDAR_UTC_OFFSET", "GOOGLE_CALENDAR_ACCESS_TOKEN"]},
            "freshdesk": {"ready": false, "missing_env": ["FRESHDESK_DOMAIN", "FRESHDESK_API_KEY"]},
            "gohighlevel": {"ready": false, "missing_env": ["GHL_CALENDAR_ID", "GHL_LOCATION_ID", "GHL_UTC_OFFSET", "GHL_ACCESS_TOKEN"]},
            "hubspot": {"ready": false, "missing_env": ["HUBSPOT_ACCESS_TOKEN"]},
            "intercom": {"ready": false, "missing_env": ["INTERCOM_TICKET_TYPE_ID", "INTERCOM_ACCESS_TOKEN"]},
            "pipedrive": {"ready": false, "missing_env": ["PIPEDRIVE_API_TOKEN"]},
            "salesforce": {"ready": false, "missing_env": ["SALESFORCE_INSTANCE", "SALESFORCE_ACCESS_TOKEN"]},
            "servicetitan": {"ready": false, "missing_env": ["SERVICETITAN_APP_KEY", "SERVICETITAN_TENANT_ID", "SERVICETITAN_CLIENT_ID", "SERVICETITAN_CLIENT_SECRET"]},
            "shopify": {"ready": false, "missing_env": ["SHOPIFY_SHOP", "SHOPIFY_ACCESS_TOKEN"]},
            "square": {"ready": false, "missing_env": ["SQUARE_LOCATION_ID", "SQUARE_SERVICE_VARIATION_ID", "SQUARE_SERVICE_VARIATION_VERSION", "SQUARE_TEAM_MEMBER_ID", "SQUARE_UTC_OFFSET", "SQUARE_ACCESS_TOKEN"]},
            "stripe": {"ready": false, "missing_env": ["STRIPE_SECRET_KEY"]},
            "zendesk": {"ready": false, "missing_env": ["ZENDESK_EMAIL", "ZENDESK_SUBDOMAIN", "ZENDESK_API_TOKEN"]},
            "zoho": {"ready": false, "missing_env": ["ZOHO_API_DOMAIN", "ZOHO_ACCESS_TOKEN"]}
        }})
    );
    // A call meanwhile is a misconfigured tool error, not a crash.
    let r: Value = http()
        .post(format!("{}/call/hubspot/lookup_contact", server.url()))
        .bearer_auth(TOKEN)
        .json(&json!({"email": "a@b.co"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(r["error"], "misconfigured");

    let ready = start(&crm.uri()).await;
    let r = http()
        .get(format!("{}/readyz", ready.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let text = r.text().await.unwrap();
    assert!(!text.contains(HUBSPOT_TOKEN));
    assert!(!text.contains(ZENDESK_TOKEN));
    assert!(!text.contains(SERVICETITAN_SECRET));
    assert!(!text.contains(SHOPIFY_TOKEN));
    assert!(!text.contains(FRESHDESK_KEY));
    assert!(!text.contains(INTERCOM_TOKEN));
    assert!(!text.contains(ZOHO_TOKEN));
    assert!(!text.contains(GHL_TOKEN));
    assert_eq!(crm_requests(&crm).await, 0);
}

/// The generated connectors, except that ticket-status panics.
fn panicking() -> Connectors {
    Connectors {
        call: |crm, template, client, args| {
            if template == "ticket-status" {
                Box::pin(async { panic!("a connector bug") })
            } else {
                Box::pin(
                    async move { midcall_generated::call_json(crm, template, &client, args).await },
                )
            }
        },
        ..connectors()
    }
}

#[tokio::test]
async fn a_panicking_connector_fails_its_call_and_the_server_goes_on() {
    let crm = hubspot(Duration::ZERO).await;
    let settings = Settings::new(loopback(), false, full_env(&crm.uri())).unwrap();
    let server = start_with(&panicking(), settings).await;
    for _ in 0..2 {
        let r: Value = http()
            .post(format!("{}/call/hubspot/get_ticket_status", server.url()))
            .bearer_auth(TOKEN)
            .json(&json!({"ticket_number": "48213"}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(r["error"], "unavailable");
        let r: Value = http()
            .post(format!("{}/call/hubspot/lookup_contact", server.url()))
            .bearer_auth(TOKEN)
            .json(&json!({"email": "jane.doe@example.com"}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(r["result"], expected_contact());
    }
}

#[tokio::test]
async fn a_full_connector_refuses_more_calls_at_once_instead_of_queueing() {
    let crm = hubspot(Duration::from_millis(800)).await;
    let mut settings = Settings::new(loopback(), false, full_env(&crm.uri())).unwrap();
    settings.max_in_flight = 1;
    let server = start_with(&connectors(), settings).await;
    let call = || {
        http()
            .post(format!("{}/call/hubspot/lookup_contact", server.url()))
            .bearer_auth(TOKEN)
            .json(&json!({"email": "jane.doe@example.com"}))
            .send()
    };
    let first = tokio::spawn(call());
    while crm_requests(&crm).await == 0 {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let second: Value = call().await.unwrap().json().await.unwrap();
    assert_eq!(second["error"], "rate_limited");
    let first: Value = first.await.unwrap().unwrap().json().await.unwrap();
    assert_eq!(first["ok"], true);
    assert_eq!(crm_requests(&crm).await, 1);
}

#[tokio::test]
async fn graceful_shutdown_finishes_the_calls_in_flight() {
    let crm = hubspot(Duration::from_millis(600)).await;
    let server = start(&crm.uri()).await;
    let url = format!("{}/call/hubspot/lookup_contact", server.url());
    let in_flight = tokio::spawn(
        http()
            .post(&url)
            .bearer_auth(TOKEN)
            .json(&json!({"email": "jane.doe@example.com"}))
            .send(),
    );
    while crm_requests(&crm).await == 0 {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    server.shutdown();
    let answer: Value = in_flight.await.unwrap().unwrap().json().await.unwrap();
    assert_eq!(answer["result"], expected_contact());
    tokio::time::timeout(Duration::from_secs(10), server.wait())
        .await
        .expect("the server stops once the call is answered")
        .unwrap();
    assert!(
        http().get(&url).send().await.is_err(),
        "no new connection after shutdown"
    );
}

#[tokio::test]
async fn the_readme_serve_command_starts_the_binary_which_stops_on_sigterm() {
    use tokio::io::AsyncBufReadExt;
    let bin = env!("CARGO_BIN_EXE_midcall-server");
    // Without a secret: one line, exit 2.
    let out = tokio::process::Command::new(bin)
        .args(["--listen", "127.0.0.1:0"])
        .env_remove("MIDCALL_TOKEN")
        .env_remove("MIDCALL_VAPI_SECRET")
        .env_remove("MIDCALL_RETELL_API_KEY")
        .env_remove("MIDCALL_ELEVENLABS_SECRET")
        .output()
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with("error: no secret is configured"),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1, "{stderr}");

    let mut child = tokio::process::Command::new(bin)
        .args(["--listen", "127.0.0.1:0"])
        .env("MIDCALL_TOKEN", TOKEN)
        .env("RUST_LOG", "info")
        .env("NO_COLOR", "1")
        .stdout(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = tokio::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let addr = tokio::time::timeout(Duration::from_secs(30), async {
        while let Some(line) = lines.next_line().await.unwrap() {
            if let Some(rest) = line.split("addr=").nth(1) {
                return rest.split_whitespace().next().unwrap().to_string();
            }
        }
        panic!("the server ended without saying where it listens");
    })
    .await
    .unwrap();
    let health = http()
        .get(format!("http://{addr}/healthz"))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status(), StatusCode::OK);
    let pid = child.id().unwrap().to_string();
    let kill = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap();
    assert!(kill.success());
    let status = tokio::time::timeout(Duration::from_secs(20), child.wait())
        .await
        .unwrap()
        .unwrap();
    assert!(status.success(), "{status:?}");

    // Ctrl-C (SIGINT) as soon as the server says where it listens: the
    // handlers are registered before that line, so this too is a graceful
    // stop (exit 0), not the signal's default action.
    let mut child = tokio::process::Command::new(bin)
        .args(["--listen", "127.0.0.1:0"])
        .env("MIDCALL_TOKEN", TOKEN)
        .env("RUST_LOG", "info")
        .env("NO_COLOR", "1")
        .stdout(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = tokio::io::BufReader::new(child.stdout.take().unwrap()).lines();
    tokio::time::timeout(Duration::from_secs(30), async {
        while let Some(line) = lines.next_line().await.unwrap() {
            if line.contains("addr=") {
                return;
            }
        }
        panic!("the server ended without saying where it listens");
    })
    .await
    .unwrap();
    let pid = child.id().unwrap().to_string();
    let kill = std::process::Command::new("kill")
        .args(["-INT", &pid])
        .status()
        .unwrap();
    assert!(kill.success());
    let status = tokio::time::timeout(Duration::from_secs(20), child.wait())
        .await
        .unwrap()
        .unwrap();
    assert!(status.success(), "{status:?}");
}
