//! A draft bindings file from the top match: the CRM's name, base URL and
//! auth read from the spec, and one action for the template, in the format
//! of `specs/<crm>/bindings.yaml`. It is checked like any bindings
//! ([`crate::call::bind`]) before anyone sees it, and its text says it
//! is a draft to review and what could not be mapped.

use std::path::Path;

use super::index::{Index, OpKind};
use super::mapping::{self, Mapping};
use super::{top, Candidate};
use crate::bindings::{
    ActionBinding, AuthBinding, Bindings, FieldBinding, IdempotencyBinding, PrecheckBinding,
};
use crate::catalog::{Access, IdempotencyKind, Template};
use crate::error::{Error, Result};
use crate::openapi::{Api, ParamLocation, SecurityScheme};

/// A draft: the bindings, the operation chosen, and what was not mapped.
#[derive(Debug, Clone)]
pub struct Draft {
    /// The CRM id the bindings are for (sanitised from the spec).
    pub crm_id: String,
    /// The spec the operation is in (index into [`Index::apis`]).
    pub spec: usize,
    /// The bindings, checked.
    pub bindings: Bindings,
    /// The candidate the action uses.
    pub chosen: Candidate,
    /// The action's mapping.
    pub mapping: Mapping,
    /// The precheck's candidate and mapping, for a natural-key write.
    pub precheck: Option<(Candidate, Mapping)>,
}

/// A CRM id from untrusted text: lower-case ASCII letters, digits and
/// single dashes, starting with a letter, at most 40 characters; `api`
/// when nothing usable is left. Never a path (`../../etc` → `etc`).
pub fn sanitise_id(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            if out.is_empty() && !c.is_ascii_alphabetic() {
                continue;
            }
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
        if out.len() >= 40 {
            break;
        }
    }
    let out = out.trim_end_matches('-').to_string();
    if out.is_empty() {
        "api".to_string()
    } else {
        out
    }
}

/// The CRM id for a spec: from its title (`Stripe API` → `stripe-api`),
/// else the file name.
pub fn crm_id(api: &Api, file: &Path) -> String {
    let from_title = sanitise_id(&api.title);
    if from_title != "api" {
        return from_title;
    }
    sanitise_id(
        &file
            .file_stem()
            .map(|s| s.to_string_lossy())
            .unwrap_or_default(),
    )
}

/// Drafts bindings for `template` from the best candidate in `index`
/// (first spec's title names the CRM unless `crm_id` is given). Fails with
/// one line when no candidate yields bindings that pass the checks.
pub fn draft(index: &Index, template: &Template, crm_id: &str) -> Result<Draft> {
    let ranked = top(index, template, 5);
    let mut first_error: Option<Error> = None;
    let best = ranked.first().map_or(0, |c| c.score);
    for chosen in ranked {
        // Only close runners-up, and never a read for a write.
        let entry = &index.entries[chosen.entry];
        let reads = matches!(entry.kind, OpKind::Search | OpKind::List | OpKind::Get);
        if chosen.score + 15 < best || (template.access == Access::Write && reads) {
            continue;
        }
        match draft_from(index, template, crm_id, chosen) {
            Ok(d) => return Ok(d),
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    Err(first_error.unwrap_or_else(|| {
        Error::invalid(
            &index
                .apis
                .first()
                .map(|a| a.origin.clone())
                .unwrap_or_default(),
            "paths",
            format!("no operation to bind template `{}` to", template.id),
        )
    }))
}

/// Drafts from one candidate; the bindings must pass [`crate::call::bind`].
pub fn draft_from(
    index: &Index,
    template: &Template,
    crm_id: &str,
    chosen: Candidate,
) -> Result<Draft> {
    let entry = &index.entries[chosen.entry];
    let api = index.apis[entry.spec];
    let op = index.operation(entry);
    let created = (template.access == Access::Write).then_some(true);
    let mapping = mapping::propose(index, entry, template, created);
    let origin = format!("draft bindings for `{}` from {}", template.id, api.origin);
    if mapping.requests.is_empty() {
        return Err(Error::invalid(
            &origin,
            format!("actions.{}", template.id),
            format!(
                "`{} {}` cannot be called from the tool's arguments: {}",
                chosen.method,
                chosen.path,
                if mapping.unfilled.is_empty() {
                    "no argument maps to it".to_string()
                } else {
                    format!("nothing fills {}", mapping.unfilled.join(", "))
                }
            ),
        ));
    }
    let idempotency = match template.idempotency.as_ref().map(|i| i.kind) {
        Some(IdempotencyKind::IdempotencyKey) if op.method != "GET" => op
            .parameters
            .iter()
            .find(|p| {
                p.location == ParamLocation::Header
                    && p.name.to_ascii_lowercase().contains("idempotency")
            })
            .map(|p| IdempotencyBinding {
                header: p.name.clone(),
            }),
        _ => None,
    };
    let precheck = match template.idempotency.as_ref().map(|i| i.kind) {
        Some(IdempotencyKind::NaturalKey) if template.access == Access::Write => {
            Some(precheck(index, template, entry.spec)?)
        }
        _ => None,
    };
    // A field with a closed set of values cannot pass the CRM's raw value
    // on: it needs a value map, which only a person can write.
    let mut mapping = mapping;
    let mut precheck = precheck;
    let closed: Vec<String> = template
        .result
        .iter()
        .filter(|f| f.values.is_some())
        .map(|f| f.name.clone())
        .collect();
    let responses = std::iter::once(&mut mapping).chain(precheck.as_mut().map(|(_, m)| m));
    for m in responses {
        for name in &closed {
            if let Some(slot @ Some(FieldBinding::Pointer(_))) = m.response.fields.get_mut(name) {
                *slot = None;
                m.unmapped_fields.push(format!(
                    "{name} (needs a value map onto the template's values)"
                ));
            }
        }
    }
    let missing: Vec<&str> = template
        .result
        .iter()
        .filter(|f| {
            mapping
                .response
                .fields
                .get(&f.name)
                .is_some_and(Option::is_none)
        })
        .map(|f| f.name.as_str())
        .collect();
    let differs = (!missing.is_empty()).then(|| {
        format!(
            "this draft leaves out {}, which the spec's answer does not give as the template means it",
            missing.join(", ")
        )
    });
    let binding = ActionBinding {
        differs,
        operation: format!("{} {}", op.method, op.path),
        retry_safe: (op.method == "POST"
            && entry.kind == OpKind::Search
            && template.access == Access::Read)
            .then_some(true),
        idempotency,
        precheck: precheck.as_ref().map(|(c, m)| PrecheckBinding {
            operation: format!("{} {}", c.method, c.path),
            retry_safe: (c.method == "POST").then_some(true),
            requests: m.requests.clone(),
            response: m.response.clone(),
            same_time: None,
            found_when: None,
        }),
        requests: mapping.requests.clone(),
        response: mapping.response.clone(),
        steps: Vec::new(),
        requires: None,
    };
    let bindings = Bindings {
        name: super::one_line(&api.title, 80),
        docs: None,
        base_url: base_url(api),
        base_url_env: format!("{}_BASE_URL", env_prefix(crm_id)),
        settings: Default::default(),
        auth: auth(api, op, crm_id),
        headers: Default::default(),
        actions: [(template.id.clone(), binding)].into_iter().collect(),
        unsupported: Default::default(),
    };
    let differs = bindings
        .actions
        .get(&template.id)
        .and_then(|b| b.differs.clone());
    crate::promise::bind(
        crate::call::bind(crm_id, &bindings, &origin, api, template)?,
        differs.as_deref(),
    )?;
    Ok(Draft {
        crm_id: crm_id.to_string(),
        spec: entry.spec,
        bindings,
        chosen,
        mapping,
        precheck,
    })
}

/// The look-up before a natural-key write: the best read of the same
/// entity by the key's arguments, in the same spec.
fn precheck(index: &Index, template: &Template, spec: usize) -> Result<(Candidate, Mapping)> {
    let mut lookup = template.clone();
    lookup.intent.action = "search".to_string();
    if let Some(i) = &template.idempotency {
        lookup.intent.inputs = i.key.clone();
    }
    for c in top(index, &lookup, 10) {
        let entry = &index.entries[c.entry];
        let reads =
            entry.method == "GET" || (entry.method == "POST" && entry.kind == OpKind::Search);
        if entry.spec != spec || !reads {
            continue;
        }
        let m = mapping::propose(index, entry, template, Some(false));
        if !m.requests.is_empty() {
            return Ok((c, m));
        }
    }
    Err(Error::invalid(
        &index.apis[spec].origin,
        "paths",
        format!(
            "template `{}` keys its writes on {}; no read operation looks a record up by them (a precheck is needed)",
            template.id,
            template
                .idempotency
                .as_ref()
                .map(|i| i.key.join(", "))
                .unwrap_or_default()
        ),
    ))
}

/// `STRIPE_API` from `stripe-api`.
fn env_prefix(crm_id: &str) -> String {
    crm_id.to_ascii_uppercase().replace('-', "_")
}

/// The spec's first absolute http(s) server, else a placeholder to edit.
fn base_url(api: &Api) -> String {
    api.servers
        .iter()
        .find(|s| {
            (s.starts_with("https://") || s.starts_with("http://"))
                && !s.contains(char::is_whitespace)
                && !s.contains(['{', '}', '"', '\\'])
        })
        .map(|s| s.trim_end_matches('/').to_string())
        .unwrap_or_else(|| "https://api.example.com".to_string())
}

/// The auth the operation accepts, with environment variables named after
/// the CRM id.
fn auth(api: &Api, op: &crate::openapi::Operation, crm_id: &str) -> AuthBinding {
    let prefix = env_prefix(crm_id);
    let mut schemes: Vec<&SecurityScheme> = op
        .security
        .iter()
        .flat_map(|r| r.schemes.iter())
        .filter_map(|(name, _)| api.security_schemes.get(name))
        .collect();
    // A token first, then an API key, basic auth last.
    schemes.sort_by_key(|s| match s {
        SecurityScheme::Http { scheme, .. } if scheme == "bearer" => 0,
        SecurityScheme::OAuth2 { .. } | SecurityScheme::OpenIdConnect { .. } => 1,
        SecurityScheme::ApiKey { .. } => 2,
        _ => 3,
    });
    for s in schemes {
        match s {
            SecurityScheme::Http { scheme, .. } if scheme == "basic" => {
                return AuthBinding::Basic {
                    user_env: Some(format!("{prefix}_USER")),
                    password_env: Some(format!("{prefix}_PASSWORD")),
                    env: None,
                    user: None,
                    password: None,
                }
            }
            SecurityScheme::Http { scheme, .. } if scheme == "bearer" => {
                return AuthBinding::Bearer {
                    env: format!("{prefix}_TOKEN"),
                }
            }
            SecurityScheme::OAuth2 { .. } | SecurityScheme::OpenIdConnect { .. } => {
                return AuthBinding::Bearer {
                    env: format!("{prefix}_ACCESS_TOKEN"),
                }
            }
            SecurityScheme::ApiKey { name, location } if is_header(name) => match location {
                ParamLocation::Header => {
                    return AuthBinding::Header {
                        header: name.clone(),
                        env: format!("{prefix}_API_KEY"),
                        value: None,
                    }
                }
                ParamLocation::Query => {
                    return AuthBinding::Query {
                        param: name.clone(),
                        env: format!("{prefix}_API_KEY"),
                    }
                }
                _ => {}
            },
            _ => {}
        }
    }
    AuthBinding::Bearer {
        env: format!("{prefix}_TOKEN"),
    }
}

fn is_header(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c))
}

/// The draft as YAML: a header that says it is a draft to review, the
/// operation chosen and why, and what was not mapped; then the bindings.
pub fn to_yaml(d: &Draft, template: &Template, command: &str) -> Result<String> {
    let body = serde_yaml::to_string(&d.bindings).map_err(|e| Error::Serialize {
        what: "the draft bindings as YAML".into(),
        message: e.to_string(),
    })?;
    let mut head = String::new();
    let line = |h: &mut String, text: &str| {
        h.push_str("# ");
        // One comment line per line of text: untrusted text cannot end the comment.
        h.push_str(&super::one_line(text, 300));
        h.push('\n');
    };
    line(
        &mut head,
        "DRAFT bindings written by midcall's matcher: review every line before use.",
    );
    line(&mut head, &format!("Written by: {command}"));
    line(
        &mut head,
        &format!(
            "Template `{}` bound to `{} {}` (score {}); the base URL, auth and mappings are guesses from the spec.",
            template.id, d.chosen.method, d.chosen.path, d.chosen.score
        ),
    );
    for (arg, place) in &d.mapping.inputs {
        line(&mut head, &format!("argument `{arg}` -> {place}"));
    }
    if !d.mapping.unmapped_inputs.is_empty() {
        line(
            &mut head,
            &format!(
                "arguments not sent (no field found): {}",
                d.mapping.unmapped_inputs.join(", ")
            ),
        );
    }
    if !d.mapping.unmapped_fields.is_empty() {
        line(
            &mut head,
            &format!(
                "result fields not found in the response (null here): {}",
                d.mapping.unmapped_fields.join(", ")
            ),
        );
    }
    if let Some((c, _)) = &d.precheck {
        line(
            &mut head,
            &format!(
                "precheck (look-up before the write): `{} {}`",
                c.method, c.path
            ),
        );
    }
    Ok(format!("{head}{body}"))
}
