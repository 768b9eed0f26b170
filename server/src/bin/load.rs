//! The tool server's load benchmark, on loopback, for a bounded time.
//!
//! `cargo run --release -p midcall-server --bin midcall-server-load -- [SECONDS] [CALLERS]`
//! (default 5 s, 200 callers). A mock HubSpot answers every contact search
//! after 50 ms. Three phases, each with CALLERS concurrent callers looping
//! for SECONDS: the bare connector call (`call_json` in process), the same
//! call through the server's plain JSON route, and through its Vapi route.
//! Reported: calls per second, p50/p99 latency and what the server adds
//! over the bare call, errors (any answer but `ok`), and the process's peak
//! resident memory (server, callers and mock together: one process).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use midcall_runtime::{Client, Config};
use serde_json::{json, Value};

const TOKEN: &str = "load-bench-token-0123456789";
const VAPI_SECRET: &str = "load-bench-vapi-0123456789";
const CRM_DELAY: Duration = Duration::from_millis(50);

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let seconds: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(5);
    let callers: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(200);
    let duration = Duration::from_secs(seconds.clamp(1, 120));

    let crm = mock_crm().await;
    let env: midcall_server::EnvLookup = Arc::new(move |name| match name {
        "MIDCALL_TOKEN" => Some(TOKEN.to_string()),
        "MIDCALL_VAPI_SECRET" => Some(VAPI_SECRET.to_string()),
        "HUBSPOT_ACCESS_TOKEN" => Some("bench-hubspot-token".to_string()),
        "HUBSPOT_BASE_URL" => Some(format!("http://{crm}")),
        _ => None,
    });
    let loopback: SocketAddr = ([127, 0, 0, 1], 0).into();
    let settings = match midcall_server::Settings::new(loopback, false, env.clone()) {
        Ok(s) => s,
        Err(e) => return eprintln!("error: {e}"),
    };
    let connectors = midcall_server::connectors!(midcall_generated);
    let server = match midcall_server::bind(&connectors, settings).await {
        Ok(s) => s,
        Err(e) => return eprintln!("error: {e}"),
    };
    let base = server.url();
    let crm_env = midcall_generated::hubspot::contact_lookup::CRM;
    let config = match Config::from_lookup(&crm_env, |n| env(n)) {
        Ok(c) => c.with_timeout(midcall_generated::hubspot::contact_lookup::TIMEOUT),
        Err(e) => return eprintln!("error: {e}"),
    };
    let bare_client = match Client::new(config) {
        Ok(c) => c,
        Err(e) => return eprintln!("error: {e}"),
    };
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(callers)
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap_or_default();

    println!("{callers} callers, {seconds} s per phase, mock CRM delay {CRM_DELAY:?}, loopback");
    let args = json!({ "email": "jane.doe@example.com" });
    let bare = {
        let (client, args) = (bare_client.clone(), args.clone());
        phase("bare connector call", callers, duration, move || {
            let (client, args) = (client.clone(), args.clone());
            async move {
                let v =
                    midcall_generated::call_json("hubspot", "contact-lookup", &client, args).await;
                v.is_some_and(|v| v["ok"] == json!(true))
            }
        })
        .await
    };
    let plain = {
        let (http, url, args) = (
            http.clone(),
            format!("{base}/call/hubspot/lookup_contact"),
            args.clone(),
        );
        phase("server: POST /call", callers, duration, move || {
            let req = http.post(&url).bearer_auth(TOKEN).json(&args);
            async move {
                match req.send().await {
                    Ok(r) => r
                        .json::<Value>()
                        .await
                        .is_ok_and(|v| v["ok"] == json!(true)),
                    Err(_) => false,
                }
            }
        })
        .await
    };
    let vapi = {
        let message = json!({ "message": { "type": "tool-calls", "toolCallList": [
            { "id": "c1", "type": "function", "function": { "name": "lookup_contact", "arguments": args.to_string() } }
        ], "toolWithToolCallList": [] } });
        let (http, url) = (http.clone(), format!("{base}/vapi/hubspot"));
        phase("server: POST /vapi", callers, duration, move || {
            let req = http
                .post(&url)
                .header("x-vapi-secret", VAPI_SECRET)
                .json(&message);
            async move {
                match req.send().await {
                    Ok(r) => r
                        .json::<Value>()
                        .await
                        .is_ok_and(|v| v["results"][0].get("result").is_some()),
                    Err(_) => false,
                }
            }
        })
        .await
    };
    server.shutdown();
    let _ = server.wait().await;

    println!();
    println!("| phase | calls/s | p50 | p99 | added p50 | added p99 | errors |");
    println!("|---|---|---|---|---|---|---|");
    for s in [&bare, &plain, &vapi] {
        println!(
            "| {} | {:.0} | {:.1} ms | {:.1} ms | {} | {} | {} of {} |",
            s.name,
            s.throughput,
            ms(s.p50),
            ms(s.p99),
            added(s.p50, bare.p50),
            added(s.p99, bare.p99),
            s.errors,
            s.calls
        );
    }
    match peak_rss_kib() {
        Some(kib) => println!(
            "\npeak resident memory of the process: {:.1} MiB",
            kib as f64 / 1024.0
        ),
        None => println!("\npeak resident memory: not available on this system"),
    }
}

struct Stats {
    name: &'static str,
    calls: usize,
    errors: usize,
    throughput: f64,
    p50: Duration,
    p99: Duration,
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn added(d: Duration, bare: Duration) -> String {
    let diff = ms(d) - ms(bare);
    format!("{diff:+.2} ms")
}

/// `callers` tasks calling `call` in a loop until `duration` has passed.
async fn phase<F, Fut>(name: &'static str, callers: usize, duration: Duration, call: F) -> Stats
where
    F: Fn() -> Fut + Clone + Send + 'static,
    Fut: std::future::Future<Output = bool> + Send,
{
    let started = Instant::now();
    let end = started + duration;
    let mut tasks = Vec::with_capacity(callers);
    for _ in 0..callers {
        let call = call.clone();
        tasks.push(tokio::spawn(async move {
            let (mut latencies, mut errors) = (Vec::new(), 0usize);
            while Instant::now() < end {
                let t = Instant::now();
                if !call().await {
                    errors += 1;
                }
                latencies.push(t.elapsed());
            }
            (latencies, errors)
        }));
    }
    let (mut all, mut errors) = (Vec::new(), 0);
    for t in tasks {
        if let Ok((l, e)) = t.await {
            all.extend(l);
            errors += e;
        }
    }
    let elapsed = started.elapsed();
    all.sort();
    let pct = |p: f64| {
        all.get(((all.len() as f64 * p) as usize).min(all.len().saturating_sub(1)))
            .copied()
            .unwrap_or_default()
    };
    let stats = Stats {
        name,
        calls: all.len(),
        errors,
        throughput: all.len() as f64 / elapsed.as_secs_f64(),
        p50: pct(0.50),
        p99: pct(0.99),
    };
    eprintln!("{name}: {} calls, {} errors", stats.calls, stats.errors);
    stats
}

/// A HubSpot contact search that answers after [`CRM_DELAY`].
async fn mock_crm() -> SocketAddr {
    let app = axum::Router::new().route(
        "/crm/v3/objects/contacts/search",
        axum::routing::post(|| async {
            tokio::time::sleep(CRM_DELAY).await;
            axum::Json(
                json!({ "total": 1, "results": [{ "id": "51", "properties": {
                "firstname": "Jane", "lastname": "Doe", "email": "jane.doe@example.com",
                "phone": "+14155550123", "company": "Acme Corp" } }] }),
            )
        }),
    );
    let listener = match tokio::net::TcpListener::bind(("127.0.0.1", 0)).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("error: mock CRM: {e}");
            std::process::exit(2);
        }
    };
    let addr = listener
        .local_addr()
        .unwrap_or_else(|_| ([127, 0, 0, 1], 0).into());
    tokio::spawn(async move { axum::serve(listener, app).await });
    addr
}

/// Peak resident set size (`VmHWM`), in KiB, on Linux.
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}
