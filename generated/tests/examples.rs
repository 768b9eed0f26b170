//! Every example case (`specs/<crm>/examples/<template>.yaml`) replayed
//! against a local mock of its CRM, through the index's `call_json`.
//!
//! Per case: a fresh mock server answers exactly the listed requests, in
//! order (method, path, query, exact JSON body; each expected once), and
//! anything else with a 599 that must never be asked for. The test then
//! checks the requests the connector made (same sequence, same query and
//! body, a form byte for byte, the headers a case names, the auth the
//! CRM's `AuthSpec` implies on every one) and the tool result (`ok`,
//! `error` and `result` exactly; `message` when the case gives one). A
//! header given as `{any: key}` (an idempotency key) must hold the same
//! value on every request of the case that names the same key, and a
//! header one request names must be absent from the others.
//!
//! A connector with a `Vendor` (settings, fixed headers, a vendor auth
//! kind) is configured through `Config::from_vendor_lookup` with test
//! values: each setting a fake of its kind (`acme` for a host, an address
//! for a setting named like an email), the secret `test-token`, and the
//! base URL variable pointing at the mock. Every request must then carry
//! the auth the kind's templates give with those values (Zendesk's basic
//! `agent@example.com/token:test-token`) and every fixed header. A case's
//! `unset` variables are left out: configuring must fail, that error is
//! the case's result, and no request may be sent.
//!
//! A connector whose auth kind is OAuth 2.0 client credentials
//! (ServiceTitan) gets a second mock, its token endpoint (the kind's
//! `*_TOKEN_URL` variable points at it): it answers one token only to a
//! form with `grant_type=client_credentials` (and the kind's scope) and
//! the test client id and secret (in the form, or as basic auth), and
//! must be asked exactly once when the case lists requests
//! (a fresh client's first call fetches the token, later requests of the
//! same call reuse it), never when it lists none. Every API request must
//! then carry that token as a bearer token, beside the fixed headers.

use std::path::{Path, PathBuf};

use midcall::examples::{self, ExampleCase, ExpectedHeader};
use midcall_runtime::{
    Auth, AuthKind, AuthSpec, Client, Config, CredentialsIn, SettingKind, Value, Vendor,
};
use wiremock::matchers::{any, body_json, body_string, method, path, query_param};
use wiremock::{Match, Mock, MockServer, Request, ResponseTemplate};

const TOKEN: &str = "test-token";
const USER: &str = "test-user";
/// The client-credentials test values and the token the mock issues.
const CLIENT_ID: &str = "test-client-id";
const CLIENT_SECRET: &str = "test-client-secret";
const ACCESS_TOKEN: &str = "test-access-token";
/// Where the mock token endpoint answers.
const TOKEN_PATH: &str = "/connect/token";

/// `(crm, template, file)` for every examples file, sorted.
fn example_files() -> Vec<(String, String, PathBuf)> {
    let specs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs");
    let mut found = Vec::new();
    for crm in std::fs::read_dir(&specs)
        .expect("specs/ is readable")
        .flatten()
    {
        let Ok(files) = std::fs::read_dir(crm.path().join("examples")) else {
            continue;
        };
        for file in files.flatten() {
            let path = file.path();
            if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
                let crm = crm.file_name().to_string_lossy().into_owned();
                let template = path
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_default();
                found.push((crm, template, path));
            }
        }
    }
    found.sort();
    found
}

/// The credential the test client sends for a CRM's auth scheme.
fn test_auth(spec: AuthSpec) -> Auth {
    match spec {
        AuthSpec::Bearer { .. } => Auth::Bearer(TOKEN.into()),
        AuthSpec::Header { name, .. } => Auth::Header(name.into(), TOKEN.into()),
        AuthSpec::Query { name, .. } => Auth::Query(name.into(), TOKEN.into()),
        AuthSpec::Basic { .. } => Auth::Basic(USER.into(), TOKEN.into()),
        AuthSpec::None => Auth::None,
    }
}

/// How a connector reaches its CRM: a `CrmEnv`'s auth, or a `Vendor`.
#[derive(Clone, Copy)]
enum Conn {
    Crm(AuthSpec),
    Vendor(Vendor),
}

/// The test value of a vendor setting, by its kind.
fn fake_setting(name: &str, kind: SettingKind) -> String {
    match kind {
        SettingKind::Host => "acme".to_string(),
        SettingKind::UtcOffset => "+01:00".to_string(),
        SettingKind::Digits => "1234567".to_string(),
        SettingKind::Text if name.contains("email") => "agent@example.com".to_string(),
        SettingKind::Text => format!("test-{name}"),
    }
}

/// The test environment of a vendor connector, minus `unset`.
fn vendor_vars(
    vendor: &Vendor,
    base_url: &str,
    token_url: &str,
    unset: &[String],
) -> std::collections::HashMap<String, String> {
    let mut vars = std::collections::HashMap::new();
    for s in vendor.settings {
        vars.insert(s.env.to_string(), fake_setting(s.name, s.kind));
    }
    match vendor.auth {
        AuthKind::Bearer { env }
        | AuthKind::Header { env, .. }
        | AuthKind::Query { env, .. }
        | AuthKind::Basic { env, .. } => {
            vars.insert(env.to_string(), TOKEN.to_string());
        }
        AuthKind::ClientCredentials {
            token_url_env,
            client_id_env,
            client_secret_env,
            ..
        } => {
            vars.insert(client_id_env.to_string(), CLIENT_ID.to_string());
            vars.insert(client_secret_env.to_string(), CLIENT_SECRET.to_string());
            vars.insert(token_url_env.to_string(), token_url.to_string());
        }
        AuthKind::None => {}
    }
    vars.insert(vendor.base_url_env.to_string(), base_url.to_string());
    for name in unset {
        vars.remove(name);
    }
    vars
}

/// A vendor template (`{email}/token`, `{secret}`) filled with the test
/// values, independently of the runtime's own filling.
fn fill_test(vendor: &Vendor, template: &str) -> String {
    let mut out = template.replace("{secret}", TOKEN);
    for s in vendor.settings {
        out = out.replace(&format!("{{{}}}", s.name), &fake_setting(s.name, s.kind));
    }
    out
}

/// Standard base64 with padding (for the expected basic auth header).
fn base64(bytes: &[u8]) -> String {
    const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ABC[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Whether a request carries the auth and fixed headers a vendor's
/// templates give with the test values; the auth query parameter, if any.
fn check_vendor_auth(vendor: &Vendor, request: &Request) -> Result<Option<&'static str>, String> {
    let header = |name: &str| {
        request
            .headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let mut wanted: Vec<(String, String)> = vendor
        .headers
        .iter()
        .map(|(name, value)| (name.to_string(), fill_test(vendor, value)))
        .collect();
    let mut param = None;
    match vendor.auth {
        AuthKind::Bearer { .. } => {
            wanted.push(("authorization".into(), format!("Bearer {TOKEN}")));
        }
        AuthKind::Header { name, value, .. } => {
            wanted.push((name.to_string(), fill_test(vendor, value)));
        }
        AuthKind::Basic { user, password, .. } => {
            let pair = format!(
                "{}:{}",
                fill_test(vendor, user),
                fill_test(vendor, password)
            );
            wanted.push((
                "authorization".into(),
                format!("Basic {}", base64(pair.as_bytes())),
            ));
        }
        AuthKind::Query { name, .. } => {
            let got = request.url.query_pairs().find(|(k, _)| k == name);
            if got.as_ref().map(|(_, v)| v.as_ref()) != Some(TOKEN) {
                return Err(format!("auth: expected `?{name}={TOKEN}`, got {got:?}"));
            }
            param = Some(name);
        }
        AuthKind::ClientCredentials { .. } => {
            wanted.push(("authorization".into(), format!("Bearer {ACCESS_TOKEN}")));
        }
        AuthKind::None => {}
    }
    for (name, value) in wanted {
        let got = header(&name);
        if got.as_deref() != Some(value.as_str()) {
            return Err(format!("header `{name}`: expected `{value}`, got {got:?}"));
        }
    }
    Ok(param)
}

/// Whether a request carries what the connector's auth implies.
fn check_conn_auth(conn: Conn, request: &Request) -> Result<Option<&'static str>, String> {
    match conn {
        Conn::Crm(spec) => check_auth(spec, request),
        Conn::Vendor(vendor) => check_vendor_auth(&vendor, request),
    }
}

/// Whether a request carries the auth `spec` implies; the query parameter
/// that carries a key, if any, to leave out of the query comparison.
fn check_auth(spec: AuthSpec, request: &Request) -> Result<Option<&'static str>, String> {
    let header = |name: &str| {
        request
            .headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let (want, got, param) = match spec {
        AuthSpec::Bearer { .. } => (
            format!("authorization: Bearer {TOKEN}"),
            header("authorization").map(|v| format!("authorization: {v}")),
            None,
        ),
        AuthSpec::Header { name, .. } => (
            format!("{name}: {TOKEN}"),
            header(name).map(|v| format!("{name}: {v}")),
            None,
        ),
        AuthSpec::Query { name, .. } => (
            format!("?{name}={TOKEN}"),
            request
                .url
                .query_pairs()
                .find(|(k, _)| k == name)
                .map(|(k, v)| format!("?{k}={v}")),
            Some(name),
        ),
        AuthSpec::Basic { .. } => (
            // base64("test-user:test-token")
            "authorization: Basic dGVzdC11c2VyOnRlc3QtdG9rZW4=".to_string(),
            header("authorization").map(|v| format!("authorization: {v}")),
            None,
        ),
        AuthSpec::None => return Ok(None),
    };
    if got.as_deref() == Some(want.as_str()) {
        Ok(param)
    } else {
        Err(format!("auth: expected `{want}`, got {got:?}"))
    }
}

/// A token request as the client-credentials grant sends it: a form with
/// exactly `grant_type=client_credentials`, the scope when the vendor asks
/// for one, and the test id and secret in the form (or as basic auth).
struct TokenForm {
    /// The form's `name=value` pairs, sorted.
    pairs: Vec<String>,
    /// The basic auth header, when the id and secret go there.
    basic: Option<String>,
}

impl TokenForm {
    fn for_vendor(vendor: &Vendor) -> Self {
        let AuthKind::ClientCredentials { scope, send, .. } = vendor.auth else {
            unreachable!("only client-credentials connectors have a token endpoint")
        };
        // The test values need no percent-encoding; a scope's spaces are `+`.
        let mut pairs = vec!["grant_type=client_credentials".to_string()];
        if let Some(scope) = scope {
            pairs.push(format!(
                "scope={}",
                fill_test(vendor, scope).replace(' ', "+")
            ));
        }
        let basic = match send {
            CredentialsIn::Body => {
                pairs.push(format!("client_id={CLIENT_ID}"));
                pairs.push(format!("client_secret={CLIENT_SECRET}"));
                None
            }
            CredentialsIn::Basic => Some(format!(
                "Basic {}",
                base64(format!("{CLIENT_ID}:{CLIENT_SECRET}").as_bytes())
            )),
        };
        pairs.sort_unstable();
        TokenForm { pairs, basic }
    }
}

impl Match for TokenForm {
    fn matches(&self, request: &Request) -> bool {
        let header = |name: &str| {
            request
                .headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        let form_type = header("content-type")
            .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
        let body = String::from_utf8_lossy(&request.body);
        let mut pairs: Vec<&str> = body.split('&').collect();
        pairs.sort_unstable();
        form_type && pairs == self.pairs && header("authorization") == self.basic
    }
}

/// The mock token endpoint of a client-credentials connector: one token
/// for the right form, asked `times` times; anything else a 599 that must
/// never be asked for.
async fn mount_token(server: &MockServer, vendor: &Vendor, label: &str, times: u64) {
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .and(TokenForm::for_vendor(vendor))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "access_token": ACCESS_TOKEN,
            "token_type": "Bearer",
            "expires_in": 900,
        })))
        .expect(times)
        .named(format!("{label}: the token request"))
        .mount(server)
        .await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(599))
        .with_priority(u8::MAX)
        .expect(0)
        .named(format!(
            "{label}: a token request that is not the grant's form"
        ))
        .mount(server)
        .await;
}

/// Mounts the case's exchanges, in order, and the catch-all.
async fn mount(server: &MockServer, label: &str, case: &ExampleCase) {
    for (i, exchange) in case.requests.iter().enumerate() {
        let mut mock =
            Mock::given(method(exchange.method.as_str())).and(path(exchange.path.as_str()));
        for (key, value) in &exchange.query {
            mock = mock.and(query_param(key.as_str(), value.as_str()));
        }
        if let Some(body) = &exchange.body {
            mock = mock.and(body_json(body));
        }
        if let Some(form) = &exchange.form {
            mock = mock.and(body_string(form.as_str()));
        }
        let mut response = ResponseTemplate::new(exchange.response.status);
        if let Some(body) = &exchange.response.body {
            response = response.set_body_json(body);
        }
        for (name, value) in &exchange.response.headers {
            response = response.insert_header(name.as_str(), value.as_str());
        }
        mock.respond_with(response)
            .up_to_n_times(1)
            .expect(1)
            .named(format!(
                "{label}: requests[{i}] {} {}",
                exchange.method, exchange.path
            ))
            .mount(server)
            .await;
    }
    Mock::given(any())
        .respond_with(ResponseTemplate::new(599))
        .with_priority(u8::MAX)
        .expect(0)
        .named(format!("{label}: a request the case does not list"))
        .mount(server)
        .await;
}

/// Compares what the connector sent with what the case lists, in order.
fn check_requests(
    label: &str,
    case: &ExampleCase,
    conn: Conn,
    received: &[Request],
) -> Result<(), String> {
    let summary = |r: &Request| format!("{} {}", r.method, r.url.path());
    let mut keys = std::collections::BTreeMap::new();
    for (i, (want, got)) in case.requests.iter().zip(received).enumerate() {
        let at = format!("{label}: requests[{i}]");
        let auth_param = check_conn_auth(conn, got).map_err(|e| format!("{at}: {e}"))?;
        if got.method.as_str() != want.method || got.url.path() != want.path {
            return Err(format!(
                "{at}: expected {} {}, got {}",
                want.method,
                want.path,
                summary(got)
            ));
        }
        let query: std::collections::BTreeMap<String, String> = got
            .url
            .query_pairs()
            .filter(|(k, _)| Some(k.as_ref()) != auth_param)
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        if query != want.query {
            return Err(format!(
                "{at}: expected query {:?}, got {query:?}",
                want.query
            ));
        }
        check_headers(case, i, got, &mut keys).map_err(|e| format!("{at}: {e}"))?;
        if let Some(form) = &want.form {
            let content_type = got
                .headers
                .get("content-type")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default();
            if !content_type.starts_with("application/x-www-form-urlencoded") {
                return Err(format!(
                    "{at}: expected a form (application/x-www-form-urlencoded), got content-type `{content_type}`"
                ));
            }
            if got.body != form.as_bytes() {
                return Err(format!(
                    "{at}: expected form `{form}`, got `{}`",
                    String::from_utf8_lossy(&got.body)
                ));
            }
            continue;
        }
        match &want.body {
            Some(body) => {
                let sent: Value = serde_json::from_slice(&got.body)
                    .map_err(|e| format!("{at}: the body is not JSON: {e}"))?;
                if &sent != body {
                    return Err(format!("{at}: expected body {body}, got {sent}"));
                }
            }
            None if !got.body.is_empty() => {
                return Err(format!(
                    "{at}: expected no body, got {}",
                    String::from_utf8_lossy(&got.body)
                ));
            }
            None => {}
        }
    }
    // Same requests as far as both go: now the count.
    if received.len() != case.requests.len() {
        let sent: Vec<String> = received.iter().map(summary).collect();
        return Err(format!(
            "{label}: expected {} request(s), the connector made {}: {sent:?}",
            case.requests.len(),
            received.len()
        ));
    }
    Ok(())
}

/// Checks the headers of the case's request `i` (`got`): each it names
/// holds its exact value, or (`{any: name}`) a value that is not empty and
/// equal to every other value the case names the same (`keys`, filled as
/// the requests go); a header another request of the case names is absent.
fn check_headers(
    case: &ExampleCase,
    i: usize,
    got: &Request,
    keys: &mut std::collections::BTreeMap<String, String>,
) -> Result<(), String> {
    let value = |name: &str| {
        got.headers
            .get(name)
            .map(|v| v.to_str().unwrap_or("<not text>").to_string())
    };
    let want = &case.requests[i].headers;
    for (name, expected) in want {
        let sent = value(name);
        match (expected, sent) {
            (_, None) => return Err(format!("header `{name}` is missing")),
            (ExpectedHeader::Exact(v), Some(s)) if *v != s => {
                return Err(format!("header `{name}`: expected `{v}`, got `{s}`"))
            }
            (ExpectedHeader::Exact(_), Some(_)) => {}
            (ExpectedHeader::Any { .. }, Some(s)) if s.is_empty() => {
                return Err(format!("header `{name}` is empty"))
            }
            (ExpectedHeader::Any { any }, Some(s)) => match keys.get(any) {
                Some(first) if *first != s => {
                    return Err(format!(
                        "header `{name}`: expected the value of `{{any: {any}}}` sent before, `{first}`, got `{s}`"
                    ))
                }
                Some(_) => {}
                None => {
                    keys.insert(any.clone(), s);
                }
            },
        }
    }
    for other in case.requests.iter().flat_map(|r| r.headers.keys()) {
        if !want.contains_key(other) {
            if let Some(s) = value(other) {
                return Err(format!(
                    "header `{other}`: expected none on this request, got `{s}`"
                ));
            }
        }
    }
    Ok(())
}

/// Compares the tool result: `ok`, `error`, `result` exactly, and
/// `message` only when the case gives one.
fn check_result(label: &str, case: &ExampleCase, got: &Value) -> Result<(), String> {
    let mut keys = vec!["ok", "error", "result"];
    if case.result.get("message").is_some() {
        keys.push("message");
    }
    for key in keys {
        if case.result.get(key) != got.get(key) {
            return Err(format!(
                "{label}: result.{key}: expected {}, got {} (whole answer: {got})",
                case.result.get(key).unwrap_or(&Value::Null),
                got.get(key).unwrap_or(&Value::Null)
            ));
        }
    }
    Ok(())
}

/// The connector's way to its CRM, if generated/ has it.
fn conn(crm: &str, template: &str) -> Option<Conn> {
    midcall_generated::crm_env(crm, template)
        .map(|env| Conn::Crm(env.auth))
        .or_else(|| midcall_generated::vendor(crm, template).map(Conn::Vendor))
}

/// Replays one case and checks it; `answered` gets the tool result
/// whether the checks pass or not (the leak test reads it either way).
pub(crate) async fn run_case(
    crm: &str,
    template: &str,
    file: &str,
    case: &ExampleCase,
    answered: &mut Value,
) -> Result<(), String> {
    let label = format!("{file}: case `{}`", case.name);
    let missing = || {
        format!("{file}: no connector {crm}/{template} in generated/; bind it or delete the file")
    };
    let conn = conn(crm, template).ok_or_else(missing)?;
    let timeout = midcall_generated::timeout(crm, template).ok_or_else(missing)?;
    let server = MockServer::start().await;
    // A client-credentials connector's token endpoint: asked once when
    // the case sends anything, never when it sends nothing.
    let token_server = match conn {
        Conn::Vendor(
            vendor @ Vendor {
                auth: AuthKind::ClientCredentials { .. },
                ..
            },
        ) => {
            let token_server = MockServer::start().await;
            let times = u64::from(!case.requests.is_empty());
            mount_token(&token_server, &vendor, &label, times).await;
            Some(token_server)
        }
        _ => None,
    };
    let token_url = token_server
        .as_ref()
        .map(|t| format!("{}{TOKEN_PATH}", t.uri()))
        .unwrap_or_default();
    let configured = match conn {
        Conn::Crm(spec) if case.unset.is_empty() => Ok(Config::new(server.uri(), test_auth(spec))),
        Conn::Crm(_) => {
            return Err(format!(
                "{label}: `unset` needs a vendor connector; {crm} has a CrmEnv"
            ))
        }
        Conn::Vendor(vendor) => {
            let vars = vendor_vars(&vendor, &server.uri(), &token_url, &case.unset);
            Config::from_vendor_lookup(&vendor, |name| vars.get(name).cloned())
        }
    };
    mount(&server, &label, case).await;
    let answer = match configured {
        Ok(config) => {
            let client = Client::new(config.with_timeout(timeout))
                .map_err(|e| format!("{label}: client: {e:?}"))?;
            midcall_generated::call_json(crm, template, &client, case.args.clone())
                .await
                .unwrap_or(Value::Null)
        }
        Err(e) if !case.unset.is_empty() => e.to_tool_result(),
        Err(e) => return Err(format!("{label}: the test configuration fails: {e:?}")),
    };
    answered.clone_from(&answer);
    let received = server.received_requests().await.unwrap_or_default();
    let mut checked = check_requests(&label, case, conn, &received)
        .and_then(|()| check_result(&label, case, &answer));
    if let (Ok(()), Some(token_server)) = (&checked, &token_server) {
        let asked = token_server
            .received_requests()
            .await
            .unwrap_or_default()
            .len();
        let wanted = usize::from(!case.requests.is_empty());
        if asked != wanted {
            checked = Err(format!(
                "{label}: expected {wanted} token request(s), the connector made {asked}"
            ));
        }
    }
    if checked.is_err() {
        // Our message is the clearer one: keep the servers' verification
        // on drop from panicking over the same failure.
        server.reset().await;
        if let Some(token_server) = &token_server {
            token_server.reset().await;
        }
        return checked;
    }
    // Belt and braces: each listed exchange once, the catch-all never.
    server.verify().await;
    if let Some(token_server) = &token_server {
        token_server.verify().await;
    }
    Ok(())
}

/// Whether this file runs as the `examples` test itself, not as the
/// replay harness another test includes (`#[path = "examples.rs"]`, the
/// account-verify leak test), whose run must not repeat these tests.
fn own_test() -> bool {
    module_path!() == "examples"
}

#[tokio::test]
async fn every_example_case_passes_against_a_mock_crm() {
    if !own_test() {
        return;
    }
    let files = example_files();
    assert!(!files.is_empty(), "no specs/*/examples/*.yaml found");
    let mut failures = Vec::new();
    let mut count = 0;
    for (crm, template, path) in &files {
        let shown = format!("specs/{crm}/examples/{template}.yaml");
        let text = std::fs::read_to_string(path).expect("examples file is readable");
        let cases = match examples::parse(&text, &shown) {
            Ok(cases) => cases,
            Err(e) => {
                failures.push(e.to_string());
                continue;
            }
        };
        if conn(crm, template).is_none() {
            failures.push(format!(
                "{shown}: no connector {crm}/{template} in generated/; bind it or delete the file"
            ));
            continue;
        }
        for case in &cases {
            count += 1;
            if let Err(e) = run_case(crm, template, &shown, case, &mut Value::Null).await {
                failures.push(e);
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {count} example case(s) failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_connector_has_examples() {
    if !own_test() {
        return;
    }
    let files = example_files();
    for (crm, template) in midcall_generated::CONNECTORS {
        assert!(
            files.iter().any(|(c, t, _)| c == crm && t == template),
            "{crm}/{template} has no example cases: add specs/{crm}/examples/{template}.yaml"
        );
    }
}

/// A case's arguments are what the assistant could send: they fit the
/// tool's published input schema (its `mcp.json` `inputSchema`: types,
/// enums, required, no argument the tool does not offer), or the case
/// expects `invalid_input`, as the tool server would answer.
#[test]
fn every_case_fits_its_tools_input_schema_or_expects_invalid_input() {
    if !own_test() {
        return;
    }
    let mut failures = Vec::new();
    for (crm, template, path) in example_files() {
        let shown = format!("specs/{crm}/examples/{template}.yaml");
        let Some(definition) = midcall_generated::tool_definition(&crm, &template, "mcp") else {
            continue; // every_example_case_passes_against_a_mock_crm reports it
        };
        let definition: Value = serde_json::from_str(definition).expect("mcp.json is JSON");
        let validator = jsonschema::validator_for(&definition["inputSchema"])
            .expect("the input schema compiles");
        let text = std::fs::read_to_string(&path).expect("examples file is readable");
        let Ok(cases) = examples::parse(&text, &shown) else {
            continue;
        };
        for case in cases {
            let expects_refusal = case.result.get("error") == Some(&Value::from("invalid_input"));
            if let Some(e) = validator.iter_errors(&case.args).next() {
                if !expects_refusal {
                    failures.push(format!(
                        "{shown}: case `{}`: args {} do not fit the tool's input schema ({} at `{}`), yet the case expects {}",
                        case.name, case.args, e, e.instance_path, case.result
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
