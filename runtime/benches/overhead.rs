//! The connector's own overhead per call, against a bare reqwest call doing
//! the same request, both to a minimal keep-alive HTTP server on loopback.
//!
//! `cargo bench -p midcall-runtime --bench overhead` (optional argument:
//! the number of measured calls per variant, default 5000).
//!
//! Three variants are interleaved call by call, so that noise from other
//! processes falls on all of them alike:
//! - `bare`: reqwest POST with bearer auth and a JSON body, body read and
//!   parsed as JSON;
//! - `send`: the runtime's `Client::send` with the same request (deadline,
//!   retry bookkeeping, tracing span, masking, capped read, error-shape
//!   check);
//! - `connector`: `send` plus what a generated connector adds (projection
//!   to the template's fields and `tool_result` with the size bound).

use std::time::{Duration, Instant};

use midcall_runtime::{project, tool_result, Auth, Client, Config, Method, Request};
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

fn search_body() -> Value {
    json!({
        "filterGroups": [{"filters": [{"propertyName": "email", "operator": "EQ", "value": "jane.doe@example.com"}]}],
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

async fn bare(http: &reqwest::Client, url: &str, body: &Value) -> Value {
    let response = http
        .post(url)
        .bearer_auth(TOKEN)
        .header(reqwest::header::ACCEPT, "application/json")
        .json(body)
        .send()
        .await
        .expect("bare request");
    let bytes = response.bytes().await.expect("bare body");
    serde_json::from_slice(&bytes).expect("bare JSON")
}

fn request(body: &Value) -> Request {
    Request::new(Method::Post, PATH)
        .retry_safe(true)
        .json(body.clone())
}

async fn connector(client: &Client, body: &Value) -> Value {
    let result = client.send(request(body)).await.and_then(|response| {
        let record = project::at(&response, "/results/0")
            .ok_or_else(|| midcall_runtime::ActionError::not_found("none"))?;
        Ok(json!({
            "contact_id": project::text(record, "/id"),
            "first_name": project::text(record, "/properties/firstname"),
            "last_name": project::text(record, "/properties/lastname"),
            "email": project::text(record, "/properties/email"),
            "phone": project::text(record, "/properties/phone"),
            "company": project::text(record, "/properties/company"),
        }))
    });
    tool_result(&result, 1024)
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
    let body = search_body();

    // Both must give the same answer.
    let expected = bare(&http, &url, &body).await;
    assert_eq!(client.send(request(&body)).await.ok(), Some(expected));
    assert_eq!(connector(&client, &body).await["ok"], json!(true));

    for _ in 0..500 {
        bare(&http, &url, &body).await;
        let _ = client.send(request(&body)).await;
        connector(&client, &body).await;
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
                    bare(&http, &url, &body).await;
                    t_bare.push(t.elapsed());
                }
                1 => {
                    let t = Instant::now();
                    let _ = client.send(request(&body)).await;
                    t_send.push(t.elapsed());
                }
                _ => {
                    let t = Instant::now();
                    connector(&client, &body).await;
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
}
