//! The connector's own overhead per call, against a bare reqwest call doing
//! the same request, both to a minimal keep-alive HTTP server on loopback.
//!
//! `cargo bench -p midcall-runtime --bench overhead` (optional argument:
//! the number of measured calls per variant, default 5000).
//!
//! Three variants are interleaved call by call, so that noise from other
//! processes falls on all of them alike. Each builds its JSON body from the
//! caller's email per call, as any connector (generated or hand-written)
//! must:
//! - `bare`: reqwest POST with bearer auth and a JSON body, body read and
//!   parsed as JSON;
//! - `send`: the runtime's `Client::send` with the same request (deadline,
//!   retry bookkeeping, tracing span, capped read, answer classification);
//! - `connector`: `send` plus what a generated connector adds: projection
//!   onto the template's fields in a typed `Output` (as `gen` writes it)
//!   and `tool_result` with the size bound.
//!
//! Then a breakdown of the runtime's CPU-only steps, without the network:
//! building the request, parsing the answer, projecting, bounding.

use std::time::{Duration, Instant};

use midcall_runtime::{project, tool_result, ActionError, Auth, Client, Config, Method, Request};
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const TOKEN: &str = "pat-na1-bench-token";
const PATH: &str = "/crm/v3/objects/contacts/search";

/// A HubSpot-shaped search answer.
fn answer() -> String {
    json!({
        "total": 1,
        "results": [{
            "id": "51",
            "properties": {
                "company": "Acme Corp", "email": "jane.doe@example.com",
                "firstname": "Jane", "lastname": "Doe", "phone": "+14155550123",
                "createdate": "2024-02-20T18:30:29.012Z",
                "lastmodifieddate": "2026-11-02T09:12:44.310Z"
            },
            "archived": false
        }]
    })
    .to_string()
}

const EMAIL: &str = "jane.doe@example.com";

/// The search body, built from the caller's email (per call, in every
/// variant).
fn search_body(email: &str) -> Value {
    json!({
        "filterGroups": [{"filters": [{"propertyName": "email", "operator": "EQ", "value": email}]}],
        "properties": ["firstname", "lastname", "email", "phone", "company"],
        "limit": 1
    })
}

/// A keep-alive HTTP/1.1 server that answers every request with `body`.
async fn serve(listener: TcpListener, body: String) {
    let response = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{}",
        body.len(),
        body
    );
    while let Ok((mut socket, _)) = listener.accept().await {
        let response = response.clone();
        tokio::spawn(async move {
            let _ = socket.set_nodelay(true);
            let mut buf: Vec<u8> = Vec::with_capacity(8192);
            let mut chunk = [0u8; 8192];
            loop {
                // One request: headers, then content-length bytes of body.
                let request_end = loop {
                    if let Some(end) = find(&buf, b"\r\n\r\n") {
                        let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
                        let len = head
                            .lines()
                            .find_map(|l| l.strip_prefix("content-length:"))
                            .and_then(|v| v.trim().parse::<usize>().ok())
                            .unwrap_or(0);
                        if buf.len() >= end + 4 + len {
                            break end + 4 + len;
                        }
                    }
                    match socket.read(&mut chunk).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => buf.extend_from_slice(&chunk[..n]),
                    }
                };
                buf.drain(..request_end);
                if socket.write_all(response.as_bytes()).await.is_err() {
                    return;
                }
            }
        });
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

async fn bare(http: &reqwest::Client, url: &str, email: &str) -> Value {
    let response = http
        .post(url)
        .bearer_auth(TOKEN)
        .header(reqwest::header::ACCEPT, "application/json")
        .json(&search_body(email))
        .send()
        .await
        .expect("bare request");
    let bytes = response.bytes().await.expect("bare body");
    serde_json::from_slice(&bytes).expect("bare JSON")
}

fn request(email: &str) -> Request {
    Request::new(Method::Post, PATH)
        .retry_safe(true)
        .json(search_body(email))
}

/// What `gen` writes for contact-lookup's result.
#[derive(Debug, Default, PartialEq, serde::Serialize)]
struct Output {
    #[serde(skip_serializing_if = "Option::is_none")]
    contact_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    first_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    phone: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    company: Option<String>,
}

/// The projection a generated connector does.
fn project_output(response: &Value) -> Result<Output, ActionError> {
    let record = project::at(response, "/results/0")
        .ok_or_else(|| ActionError::not_found("no contact matched"))?;
    Ok(Output {
        contact_id: project::text(record, "/id"),
        first_name: project::text(record, "/properties/firstname"),
        last_name: project::text(record, "/properties/lastname"),
        email: project::text(record, "/properties/email"),
        phone: project::text(record, "/properties/phone"),
        company: project::text(record, "/properties/company"),
    })
}

async fn connector(client: &Client, email: &str) -> Value {
    let result = client
        .send(request(email))
        .await
        .and_then(|response| project_output(&response));
    tool_result(&result, 1024)
}

/// Median time of one call of `f`, over batches of `per_batch` calls.
fn per_call(batches: usize, per_batch: usize, mut f: impl FnMut()) -> Duration {
    let mut times = Vec::with_capacity(batches);
    for _ in 0..batches {
        let t = Instant::now();
        for _ in 0..per_batch {
            f();
        }
        times.push(t.elapsed() / per_batch as u32);
    }
    median(times)
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort_unstable();
    v[v.len() / 2]
}

fn micros(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let n: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(5000);
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("address");
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("server runtime");
        rt.block_on(serve(listener, answer()));
    });
    let base = format!("http://{addr}");
    let url = format!("{base}{PATH}");
    let http = reqwest::Client::builder()
        .tcp_nodelay(true)
        .build()
        .expect("bare client");
    let client = Client::new(Config::new(&base, Auth::Bearer(TOKEN.to_string()))).expect("client");

    // Both must give the same answer.
    let expected = bare(&http, &url, EMAIL).await;
    assert_eq!(client.send(request(EMAIL)).await.ok(), Some(expected));
    assert_eq!(
        connector(&client, EMAIL).await["result"]["email"],
        json!(EMAIL)
    );

    for _ in 0..500 {
        bare(&http, &url, EMAIL).await;
        let _ = client.send(request(EMAIL)).await;
        connector(&client, EMAIL).await;
    }
    let (mut t_bare, mut t_send, mut t_conn) = (
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
    );
    for i in 0..n {
        // Rotate the order so that none always runs first.
        for k in 0..3 {
            match (i + k) % 3 {
                0 => {
                    let t = Instant::now();
                    bare(&http, &url, EMAIL).await;
                    t_bare.push(t.elapsed());
                }
                1 => {
                    let t = Instant::now();
                    let _ = client.send(request(EMAIL)).await;
                    t_send.push(t.elapsed());
                }
                _ => {
                    let t = Instant::now();
                    connector(&client, EMAIL).await;
                    t_conn.push(t.elapsed());
                }
            }
        }
    }
    let (b, s, c) = (median(t_bare), median(t_send), median(t_conn));
    println!("calls per variant: {n} (loopback, keep-alive, one connection each)");
    println!("bare reqwest      median {:8.1} µs", micros(b));
    println!(
        "Client::send      median {:8.1} µs  ratio {:.3}  overhead {:+.1} µs",
        micros(s),
        s.as_secs_f64() / b.as_secs_f64(),
        micros(s) - micros(b)
    );
    println!(
        "connector call    median {:8.1} µs  ratio {:.3}  overhead {:+.1} µs",
        micros(c),
        c.as_secs_f64() / b.as_secs_f64(),
        micros(c) - micros(b)
    );

    // Where the runtime's own time goes, without the network.
    let bytes = answer().into_bytes();
    let parsed: Value = serde_json::from_slice(&bytes).expect("answer");
    let ok = Ok(project_output(&parsed).expect("projection"));
    let before_projection = || {
        let record = parsed.pointer("/results/0").expect("record");
        let text = |p: &str| {
            record
                .pointer(p)
                .and_then(Value::as_str)
                .map(str::to_string)
        };
        Output {
            contact_id: text("/id"),
            first_name: text("/properties/firstname"),
            last_name: text("/properties/lastname"),
            email: text("/properties/email"),
            phone: text("/properties/phone"),
            company: text("/properties/company"),
        }
    };
    let steps: [(&str, Duration); 6] = [
        (
            "build the request (body from the email)",
            per_call(301, 200, || drop(std::hint::black_box(request(EMAIL)))),
        ),
        (
            "parse the answer (bare does it too)",
            per_call(301, 200, || {
                drop(std::hint::black_box(
                    serde_json::from_slice::<Value>(&bytes).expect("answer"),
                ))
            }),
        ),
        (
            "project onto Output",
            per_call(301, 200, || {
                drop(std::hint::black_box(project_output(&parsed)))
            }),
        ),
        (
            "  the same with serde_json's Value::pointer",
            per_call(301, 200, || drop(std::hint::black_box(before_projection()))),
        ),
        (
            "tool_result (convert and size in one pass, wrap)",
            per_call(301, 200, || {
                drop(std::hint::black_box(tool_result(&ok, 1024)))
            }),
        ),
        (
            "  the same as to_value, then to_vec to size",
            per_call(301, 200, || {
                let output = ok.as_ref().expect("output");
                let v = serde_json::to_value(output).expect("value");
                let size = serde_json::to_vec(&v).expect("bytes").len();
                drop(std::hint::black_box(
                    json!({"ok": size <= 1024, "result": v}),
                ))
            }),
        ),
    ];
    println!("CPU-only steps, median per call:");
    for (step, d) in steps {
        println!("  {step:<50} {:6.2} µs", micros(d));
    }
}
