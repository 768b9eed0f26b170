//! What the real-vendor features cost per call: `Client::send` with a
//! bearer token against the same send with an OAuth client-credentials
//! token from the cache, a form body and a GraphQL request, all to one
//! minimal keep-alive HTTP server on loopback; and the pure helpers (form
//! encoding, money, times) per operation.
//!
//! `cargo bench -p midcall-runtime --bench vendor_features` (optional
//! argument: the number of measured calls per variant, default 3000).
//!
//! The variants are interleaved call by call, so that noise from other
//! processes falls on all of them alike.

use std::hint::black_box;
use std::time::{Duration, Instant};

use midcall_runtime::time::Offset;
use midcall_runtime::{
    form, time, transform, Auth, Client, ClientCredentials, Config, CredentialsIn, Method, Request,
};
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// One answer for every request: a record, a token, and GraphQL `data`.
fn answer() -> String {
    json!({
        "id": "cus_NffrFeUfNV2Hib", "email": "jane.doe@example.com", "name": "Jane Doe",
        "access_token": "bench-access-token", "expires_in": 3600, "token_type": "Bearer",
        "data": {"orders": {"edges": [{"node": {"name": "#1001", "displayFulfillmentStatus": "FULFILLED"}}]}}
    })
    .to_string()
}

fn stripe_body() -> Value {
    json!({
        "customer": "cus_NffrFeUfNV2Hib",
        "line_items": [{"price": "price_1MoBy5LkdIwHu7ixZhnattbh", "quantity": 1}],
        "metadata": {"source": "voice", "call_id": "c-8812"}
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
                let request_end = loop {
                    if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
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

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort_unstable();
    v[v.len() / 2]
}

fn micros(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

/// Nanoseconds per call of `f`, median of 5 rounds of `n` calls.
fn per_op(n: u32, mut f: impl FnMut()) -> f64 {
    let mut rounds: Vec<Duration> = (0..5)
        .map(|_| {
            let t = Instant::now();
            for _ in 0..n {
                f();
            }
            t.elapsed()
        })
        .collect();
    rounds.sort_unstable();
    rounds[2].as_secs_f64() * 1e9 / f64::from(n)
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let n: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(3000);
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
    let bearer = Client::new(Config::new(
        &base,
        Auth::Bearer("bench-access-token".into()),
    ))
    .expect("client");
    let oauth = Client::new(Config::new(
        &base,
        Auth::ClientCredentials(ClientCredentials {
            token_url: format!("{base}/token"),
            client_id: "bench-id".into(),
            client_secret: "bench-secret".into(),
            scope: None,
            send: CredentialsIn::Body,
        }),
    ))
    .expect("client");
    let get = || Request::new(Method::Get, "/v1/customers/cus_NffrFeUfNV2Hib");
    let form_request = || Request::new(Method::Post, "/v1/payment_links").form(stripe_body());
    let json_request = || Request::new(Method::Post, "/v1/payment_links").json(stripe_body());
    let graphql = || {
        Request::graphql(
            "/graphql.json",
            "query O($q: String!) { orders(first: 1, query: $q) { edges { node { name } } } }",
            json!({"q": "name:#1001"}),
        )
    };
    // Every variant must work before it is timed.
    let expected = bearer.send(get()).await.expect("bearer");
    assert_eq!(oauth.send(get()).await.expect("oauth"), expected);
    bearer.send(form_request()).await.expect("form");
    let data = bearer.send(graphql()).await.expect("graphql");
    assert_eq!(data["orders"]["edges"][0]["node"]["name"], "#1001");

    const NAMES: [&str; 5] = [
        "bearer GET",
        "client-credentials GET (cached token)",
        "JSON POST",
        "form POST",
        "GraphQL POST",
    ];
    let mut times: Vec<Vec<Duration>> = vec![Vec::with_capacity(n); NAMES.len()];
    for i in 0..(n + 300) {
        for k in 0..NAMES.len() {
            let v = (i + k) % NAMES.len();
            let t = Instant::now();
            let ok = match v {
                0 => bearer.send(get()).await.is_ok(),
                1 => oauth.send(get()).await.is_ok(),
                2 => bearer.send(json_request()).await.is_ok(),
                3 => bearer.send(form_request()).await.is_ok(),
                _ => bearer.send(graphql()).await.is_ok(),
            };
            let elapsed = t.elapsed();
            assert!(ok, "{} failed", NAMES[v]);
            if i >= 300 {
                times[v].push(elapsed);
            }
        }
    }
    println!("calls per variant: {n} (loopback, keep-alive), medians");
    let medians: Vec<Duration> = times.into_iter().map(median).collect();
    for (name, m) in NAMES.iter().zip(&medians) {
        println!(
            "{name:<40} {:8.1} µs  ratio to bearer GET {:.3}",
            micros(*m),
            m.as_secs_f64() / medians[0].as_secs_f64()
        );
    }

    let body = stripe_body();
    let offset = Offset::parse("+02:00").expect("offset");
    let invoice = json!({"amount_due": 4990, "currency": "eur", "created": 1_785_240_000});
    println!("pure helpers, per operation (median of 5 rounds)");
    println!(
        "form::encode (Stripe payment link)       {:8.0} ns",
        per_op(100_000, || {
            black_box(form::encode(black_box(&body)));
        })
    );
    println!(
        "transform::money                         {:8.0} ns",
        per_op(100_000, || {
            black_box(transform::money(
                black_box(&invoice),
                "/amount_due",
                "/currency",
            ));
        })
    );
    println!(
        "transform::unix_time                     {:8.0} ns",
        per_op(100_000, || {
            black_box(transform::unix_time(
                black_box(&invoice),
                "/created",
                offset,
            ));
        })
    );
    println!(
        "time::to_utc                             {:8.0} ns",
        per_op(100_000, || {
            black_box(time::to_utc(black_box("2026-07-28T14:00:00+02:00"), offset, "start").ok());
        })
    );
}
