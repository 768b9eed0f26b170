//! The checks of settings, auth kinds and steps: each problem is one
//! `error:` line naming the bindings file and the YAML place, collected
//! with the others, and nothing is written.

use std::process::Command;

const BINDINGS: &str = include_str!("fixtures/vendor/specs/acmedesk/bindings.yaml");
const SPEC: &str = include_str!("fixtures/vendor/specs/acmedesk/openapi.yaml");
const TEMPLATE: &str = include_str!("fixtures/vendor/templates/ticket-by-email/template.yaml");

/// The fixture bindings with `edits` applied, each of which must change the text.
fn edited(edits: &[(&str, &str)]) -> String {
    let mut text = BINDINGS.to_string();
    for (from, to) in edits {
        assert!(text.contains(from), "`{from}` is not in the bindings");
        text = text.replacen(from, to, 1);
    }
    text
}

/// Runs `gen` over the fixture with `bindings`: (exit code, error lines,
/// the bindings file's path as printed).
fn run(bindings: &str) -> (Option<i32>, Vec<String>, String) {
    run_with(bindings, SPEC)
}

/// [`run`] with another spec.
fn run_with(bindings: &str, spec: &str) -> (Option<i32>, Vec<String>, String) {
    let dir = tempfile::tempdir().unwrap();
    let specs = dir.path().join("specs/acmedesk");
    let templates = dir.path().join("templates/ticket-by-email");
    std::fs::create_dir_all(&specs).unwrap();
    std::fs::create_dir_all(&templates).unwrap();
    std::fs::write(specs.join("bindings.yaml"), bindings).unwrap();
    std::fs::write(specs.join("openapi.yaml"), spec).unwrap();
    std::fs::write(templates.join("template.yaml"), TEMPLATE).unwrap();
    let out = dir.path().join("out");
    let o = Command::new(env!("CARGO_BIN_EXE_gen"))
        .arg("--specs")
        .arg(dir.path().join("specs"))
        .arg("--templates")
        .arg(dir.path().join("templates"))
        .args([
            "--crm",
            "acmedesk",
            "--template",
            "ticket-by-email",
            "--out",
        ])
        .arg(&out)
        .output()
        .expect("gen runs");
    assert_eq!(out.exists(), o.status.success(), "written only when clean");
    let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
    let origin = specs.join("bindings.yaml").display().to_string();
    (
        o.status.code(),
        stderr.lines().map(str::to_string).collect(),
        origin,
    )
}

/// Asserts one error line per `(place, words)`, in order, each naming the file.
fn assert_errors(bindings: &str, expected: &[(&str, &str)]) {
    assert_errors_with(bindings, SPEC, expected);
}

/// [`assert_errors`] with another spec.
fn assert_errors_with(bindings: &str, spec: &str, expected: &[(&str, &str)]) {
    let (code, lines, origin) = run_with(bindings, spec);
    assert_eq!(code, Some(2), "{lines:#?}");
    assert_eq!(lines.len(), expected.len(), "{lines:#?}");
    for (line, (place, words)) in lines.iter().zip(expected) {
        let prefix = format!("error: {origin}: {place}: ");
        assert!(
            line.starts_with(&prefix),
            "`{line}` does not start with `{prefix}`"
        );
        assert!(line.contains(words), "`{line}` does not say `{words}`");
    }
}

#[test]
fn the_fixture_itself_is_clean() {
    let (code, lines, _) = run(BINDINGS);
    assert_eq!(code, Some(0), "{lines:#?}");
}

#[test]
fn a_step_value_no_earlier_step_gives_is_refused() {
    assert_errors(
        &edited(&[
            ("{step.user:/id}", "{step.usr:/id}"),
            (
                r#"query: {query: "email:{email}"}"#,
                r#"query: {query: "email:{step.user:/email}"}"#,
            ),
        ]),
        &[
            (
                "actions.ticket-by-email.requests[0].path.user_id",
                "no earlier step is named `usr`; earlier steps: user",
            ),
            (
                "actions.ticket-by-email.steps[0].requests[0].query.query",
                "no earlier step is named `user`; earlier steps: (none)",
            ),
        ],
    );
}

#[test]
fn a_step_value_the_answer_does_not_have_is_refused() {
    assert_errors(
        &edited(&[("{step.user:/id}", "{step.user:/uid}")]),
        &[(
            "actions.ticket-by-email.requests[0].path.user_id",
            "the success response of `GET /api/v2/users/search` has nothing at `/users/0/uid`",
        )],
    );
}

#[test]
fn an_unknown_setting_is_refused_wherever_it_is_used() {
    assert_errors(
        &edited(&[
            ("{setting.port}/{setting.subdomain}", "{setting.port}/{setting.subdomian}"),
            (r#"X-Acme-Account: "{setting.subdomain}""#, r#"X-Acme-Account: "{setting.acount}""#),
            (r#"user: "{setting.email}/token""#, r#"user: "{setting.mail}/token""#),
        ]),
        &[
            ("auth.user", "`{setting.mail}` is not a setting of this CRM; declared settings: email, port, subdomain"),
            ("base_url", "`{setting.subdomian}` is not a setting"),
            ("headers.X-Acme-Account", "`{setting.acount}` is not a setting"),
        ],
    );
}

#[test]
fn an_unknown_setting_in_a_request_is_refused() {
    assert_errors(
        &edited(&[(
            r#"X-On-Behalf-Of: "{setting.email}""#,
            r#"X-On-Behalf-Of: "{setting.agent}""#,
        )]),
        &[(
            "actions.ticket-by-email.requests[0].headers.X-On-Behalf-Of",
            "`{setting.agent}` is not a setting of this CRM; declared settings: email, port, subdomain",
        )],
    );
}

#[test]
fn an_auth_kind_missing_a_field_is_refused() {
    assert_errors(
        &edited(&[("  password: \"{secret}\"\n", "")]),
        &[("auth.password", "scheme `basic` needs `password`")],
    );
    let client_credentials = "auth:\n  scheme: client_credentials\n  token_url: \"http://127.0.0.1:{setting.port}/token\"\n  client_id_env: ACMEDESK_CLIENT_ID\n";
    let text = BINDINGS.to_string();
    let start = text.find("auth:\n").unwrap();
    let end = text.find("headers:\n").unwrap();
    let text = [&text[..start], client_credentials, &text[end..]].concat();
    assert_errors(
        &text,
        &[
            (
                "auth.client_secret_env",
                "scheme `client_credentials` needs `client_secret_env`",
            ),
            (
                "auth.token_url_env",
                "scheme `client_credentials` needs `token_url_env`",
            ),
        ],
    );
}

#[test]
fn a_duplicated_step_name_is_refused() {
    let second = "        record: /users/0\n      - name: user\n        operation: GET /api/v2/users/search\n        requests:\n          - query: {query: \"email:{email}\"}\n        record: /users/0\n";
    assert_errors(
        &edited(&[("        record: /users/0\n", second)]),
        &[(
            "actions.ticket-by-email.steps[1].name",
            "step `user` is already the name of `steps[0]`",
        )],
    );
}

#[test]
fn gen_crms_lists_each_setting_variable() {
    let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/vendor");
    let o = Command::new(env!("CARGO_BIN_EXE_gen"))
        .args(["--specs", &format!("{fixtures}/specs")])
        .args(["--templates", &format!("{fixtures}/templates")])
        .args(["crms", "--json"])
        .output()
        .expect("gen runs");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let rows: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let acme = rows
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "acmedesk")
        .expect("acmedesk listed");
    assert_eq!(
        acme["settings"],
        serde_json::json!([
            "ACMEDESK_EMAIL (email, text)",
            "ACMEDESK_PORT (port, text)",
            "ACMEDESK_SUBDOMAIN (subdomain, host)"
        ])
    );
    assert_eq!(acme["env"], serde_json::json!(["ACMEDESK_API_TOKEN"]));
    assert_eq!(acme["auth"], "basic auth");
}

/// The fixture's spec with the search's `query` parameter described as
/// `description`.
fn spec_describing_query(description: &str) -> String {
    let from = "        - name: query\n          in: query\n";
    assert!(SPEC.contains(from));
    SPEC.replacen(
        from,
        &format!("{from}          description: {description}\n"),
        1,
    )
}

const QUERY: &str = "actions.ticket-by-email.steps[0].requests[0].query.query";

#[test]
fn a_query_language_placeholder_is_checked() {
    // Known languages, in their place, are clean (the fixture's spec says
    // nothing about its `query`).
    for value in [
        "email:{email|zendesk_search}",
        "email:'{email|stripe_search}'",
        "Email = '{email|soql}'",
        "Email LIKE '%{email|soql_like}%'",
        "Email like '{email|soql_like}%'",
        "(Email:equals:{email|zoho_criteria})",
        "(Email:starts_with:{email|zoho_criteria})",
    ] {
        let (code, lines, _) = run(&edited(&[("email:{email}", value)]));
        assert_eq!(code, Some(0), "{value}: {lines:#?}");
    }
    // An unknown language, with the closest one suggested.
    assert_errors(
        &edited(&[("email:{email}", "email:{email|zendesk_serch}")]),
        &[(QUERY, "`zendesk_serch` is not a query language (did you mean `zendesk_search`?); languages: stripe_search, zendesk_search, shopify_search, soql, soql_like, zoho_criteria")],
    );
    // Stripe's strings sit between quotes; unquoted, escaping quotes protects nothing.
    assert_errors(
        &edited(&[("email:{email}", "email:{email|stripe_search}")]),
        &[(QUERY, "`{email|stripe_search}` must sit between quotes")],
    );
    assert_errors(
        &edited(&[("email:{email}", "email:'{email|stripe_search}\\\"")]),
        &[(QUERY, "must sit between quotes")],
    );
    // A SOQL string literal is between single quotes only (double quotes
    // are no SOQL string).
    assert_errors(
        &edited(&[("email:{email}", "Email = {email|soql}")]),
        &[(QUERY, "`{email|soql}` must sit between single quotes")],
    );
    assert_errors(
        &edited(&[("email:{email}", "Email = \\\"{email|soql}\\\"")]),
        &[(QUERY, "must sit between single quotes")],
    );
    // A `LIKE` pattern is a SOQL literal after `LIKE`: elsewhere its
    // wildcard escapes would turn into a backslash the value never had.
    assert_errors(
        &edited(&[("email:{email}", "Email = '{email|soql_like}'")]),
        &[(
            QUERY,
            "`{email|soql_like}` must sit in a `LIKE` pattern between single quotes",
        )],
    );
    assert_errors(
        &edited(&[("email:{email}", "Email LIKE {email|soql_like}")]),
        &[(QUERY, "must sit in a `LIKE` pattern")],
    );
    // Zoho's criteria: the value is a condition's whole value, or escaping
    // its parentheses protects nothing.
    assert_errors(
        &edited(&[("email:{email}", "email:{email|zoho_criteria}")]),
        &[(
            QUERY,
            "`{email|zoho_criteria}` must be a condition's whole value",
        )],
    );
    assert_errors(
        &edited(&[("email:{email}", "(Email:equals:{email|zoho_criteria}x)")]),
        &[(QUERY, "must be a condition's whole value")],
    );
    // Only a tool argument takes a language; a placeholder that names none.
    assert_errors(
        &edited(&[("email:{email}", "email:{setting.email|zendesk_search}")]),
        &[(QUERY, "only a tool argument takes a query language")],
    );
    assert_errors(
        &edited(&[("email:{email}", "email:{emial|zendesk_search}")]),
        &[(QUERY, "`{emial|zendesk_search}` is not a tool parameter")],
    );
}

#[test]
fn a_search_query_the_spec_describes_needs_its_language() {
    // Zendesk's words for its search syntax: the language is known.
    let zendesk = spec_describing_query(
        "The `query` parameter supports the Zendesk search syntax for more advanced user searches.",
    );
    assert_errors_with(
        BINDINGS,
        &zendesk,
        &[(
            QUERY,
            "`{email}` goes into `query`, which `GET /api/v2/users/search` reads in Zendesk's search syntax: write `{email|zendesk_search}`",
        )],
    );
    assert_errors_with(
        &edited(&[("email:{email}", "email:'{email|stripe_search}'")]),
        &zendesk,
        &[(
            QUERY,
            "reads `query` in Zendesk's search syntax (`zendesk_search`), not `stripe_search`",
        )],
    );
    let (code, lines, _) = run_with(
        &edited(&[("email:{email}", "email:{email|zendesk_search}")]),
        &zendesk,
    );
    assert_eq!(code, Some(0), "{lines:#?}");
    // Where SOQL is read, a `LIKE` pattern fits too; another language does not.
    let soql = spec_describing_query("A SOQL query.");
    let (code, lines, _) = run_with(
        &edited(&[("email:{email}", "Email LIKE '%{email|soql_like}%'")]),
        &soql,
    );
    assert_eq!(code, Some(0), "{lines:#?}");
    assert_errors_with(
        &edited(&[("email:{email}", "email:'{email|stripe_search}'")]),
        &soql,
        &[(
            QUERY,
            "reads `query` in Salesforce's SOQL (`soql`), not `stripe_search`",
        )],
    );
    // A description that names a query language without saying whose:
    // any language, but one.
    let generic = spec_describing_query("A search in our query syntax.");
    assert_errors_with(
        BINDINGS,
        &generic,
        &[(QUERY, "reads as a search query language: name the language it lands in, `{email|<language>}`; languages: stripe_search, zendesk_search, shopify_search, soql, soql_like, zoho_criteria")],
    );
    let (code, lines, _) = run_with(
        &edited(&[("email:{email}", "email:'{email|stripe_search}'")]),
        &generic,
    );
    assert_eq!(code, Some(0), "{lines:#?}");
}

/// The bundled Stripe and Zendesk bindings with their query languages taken
/// out are refused: their derived specs describe the search parameters, so
/// an unescaped caller value in a search cannot pass unnoticed.
#[test]
fn the_bundled_searches_cannot_lose_their_language() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    for (crm, template, language, expected) in [
        (
            "stripe",
            "contact-lookup",
            "|stripe_search",
            "actions.contact-lookup.requests[0].query.query: `{email}` goes into `query`, which `GET /v1/customers/search` reads in Stripe's search query language: write `{email|stripe_search}`",
        ),
        (
            "salesforce",
            "contact-lookup",
            "|soql",
            "actions.contact-lookup.requests[0].query.q: `{email}` goes into `q`, which `GET /query` reads in Salesforce's SOQL: write `{email|soql}`",
        ),
        (
            "zendesk",
            "ticket-status",
            "|zendesk_search",
            "actions.ticket-status.requests[0].query.query: `{ticket_number}` goes into `query`, which `GET /api/v2/search` reads in Zendesk's search syntax: write `{ticket_number|zendesk_search}`",
        ),
        (
            "zoho",
            "account-lookup",
            "|zoho_criteria",
            "actions.account-lookup.requests[0].query.criteria: `{company_name}` goes into `criteria`, which `GET /crm/v8/{module_api_name}/search` reads in Zoho CRM's search criteria: write `{company_name|zoho_criteria}`",
        ),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let specs = dir.path().join(crm);
        std::fs::create_dir_all(specs.join("examples")).unwrap();
        let from = root.join("specs").join(crm);
        for entry in std::fs::read_dir(&from).unwrap() {
            let path = entry.unwrap().path();
            if path.is_file() {
                std::fs::copy(&path, specs.join(path.file_name().unwrap())).unwrap();
            }
        }
        for entry in std::fs::read_dir(from.join("examples")).unwrap() {
            let path = entry.unwrap().path();
            std::fs::copy(&path, specs.join("examples").join(path.file_name().unwrap())).unwrap();
        }
        let bindings = specs.join("bindings.yaml");
        let text = std::fs::read_to_string(&bindings).unwrap();
        assert!(text.contains(language), "{crm}");
        std::fs::write(&bindings, text.replace(language, "")).unwrap();
        let o = Command::new(env!("CARGO_BIN_EXE_gen"))
            .arg("--specs")
            .arg(dir.path())
            .args(["--crm", crm, "--template", template, "--out"])
            .arg(dir.path().join("out"))
            .output()
            .expect("gen runs");
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{stderr}");
        assert!(
            stderr.lines().any(|l| l.starts_with("error: ")
                && l.contains(&format!("{crm}/bindings.yaml"))
                && l.contains(expected)),
            "{stderr}"
        );
    }
}

/// The fixture bindings with a refresh-token auth in place of its basic one.
fn with_refresh_token(auth: &str) -> String {
    let text = BINDINGS.to_string();
    let start = text.find("auth:\n").unwrap();
    let end = text.find("headers:\n").unwrap();
    [&text[..start], auth, &text[end..]].concat()
}

/// The fixture spec with `scheme` as its only security scheme.
fn spec_with_scheme(scheme: &str) -> String {
    let start = SPEC.find("  securitySchemes:\n").unwrap();
    let end = SPEC.find("security:\n").unwrap();
    let text = [
        &SPEC[..start],
        "  securitySchemes:\n    oauth:\n",
        scheme,
        &SPEC[end..],
    ]
    .concat();
    text.replace("  - basic: []", "  - oauth: []")
}

const REFRESH_TOKEN: &str = "auth:\n  scheme: refresh_token\n  token_url: \"http://127.0.0.1:{setting.port}/token\"\n  token_url_env: ACMEDESK_TOKEN_URL\n  client_id_env: ACMEDESK_CLIENT_ID\n  client_secret_env: ACMEDESK_CLIENT_SECRET\n  refresh_token_env: ACMEDESK_REFRESH_TOKEN\n  access_token_env: ACMEDESK_ACCESS_TOKEN\n";

const AUTHORIZATION_CODE: &str = "      type: oauth2\n      flows:\n        authorizationCode:\n          authorizationUrl: https://acme.test/oauth/authorize\n          tokenUrl: https://acme.test/oauth/token\n          scopes: {}\n";

#[test]
fn a_refresh_token_auth_lacking_a_field_or_with_a_bad_prefix_is_refused() {
    let auth = REFRESH_TOKEN
        .replace("  refresh_token_env: ACMEDESK_REFRESH_TOKEN\n", "")
        .replace(
            "  token_url_env: ACMEDESK_TOKEN_URL\n",
            "  token_url_env: ACMEDESK_TOKEN_URL\n  prefix: \"Zoho oauthtoken\"\n",
        );
    assert_errors_with(
        &with_refresh_token(&auth),
        &spec_with_scheme(AUTHORIZATION_CODE),
        &[
            ("auth.prefix", "`Zoho oauthtoken`: the prefix is one word"),
            (
                "auth.refresh_token_env",
                "scheme `refresh_token` needs `refresh_token_env`",
            ),
        ],
    );
}

#[test]
fn a_refresh_token_auth_needs_a_scheme_that_issues_refresh_tokens() {
    // An authorization-code flow issues refresh tokens: clean.
    let (code, lines, _) = run_with(
        &with_refresh_token(REFRESH_TOKEN),
        &spec_with_scheme(AUTHORIZATION_CODE),
    );
    assert_eq!(code, Some(0), "{lines:#?}");
    // An implicit-only scheme never does: refused, saying why.
    let implicit = "      type: oauth2\n      flows:\n        implicit:\n          authorizationUrl: https://acme.test/oauth/authorize\n          scopes: {}\n";
    let (code, lines, _) = run_with(
        &with_refresh_token(REFRESH_TOKEN),
        &spec_with_scheme(implicit),
    );
    assert_eq!(code, Some(2), "{lines:#?}");
    assert!(
        lines
            .iter()
            .any(|l| l
                .contains("accepts oauth2 without an authorization-code flow (no refresh token)")),
        "{lines:#?}"
    );
}
