//! `GET` and `POST /elevenlabs/{crm}/{tool}`: an ElevenLabs webhook tool.
//! As our target renders them, reads come as `GET` with the arguments in
//! the query string (typed back by the tool's schema: integers, numbers,
//! booleans) and writes as `POST` with a JSON body; the other method gets
//! 405. The answer is the tool result.

use std::collections::BTreeMap;

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{Map, Value};

use crate::body::{parse_json, Reject};
use crate::call;
use crate::catalog::Tool;

pub(crate) async fn get(
    State(app): State<super::State>,
    Path((crm, name)): Path<(String, String)>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    let run = async {
        app.check_elevenlabs(&headers)?;
        let tool = app.tool(&crm, &name)?;
        if !tool.read_only {
            return Err(wrong_method("POST"));
        }
        let args = query_arguments(tool, query.as_deref().unwrap_or(""))?;
        Ok(call::run(tool, args, app.settings.deadline_margin, "elevenlabs").await)
    };
    answer(run.await)
}

pub(crate) async fn post(
    State(app): State<super::State>,
    Path((crm, name)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let run = async {
        app.check_elevenlabs(&headers)?;
        let tool = app.tool(&crm, &name)?;
        if tool.read_only {
            return Err(wrong_method("GET"));
        }
        let args = parse_json(&body, app.settings.max_json_depth)?;
        Ok(call::run(tool, args, app.settings.deadline_margin, "elevenlabs").await)
    };
    answer(run.await)
}

fn answer(result: Result<Value, Reject>) -> Response {
    match result {
        Ok(result) => Json(result).into_response(),
        Err(reject) => reject.into_response(),
    }
}

fn wrong_method(expected: &str) -> Reject {
    Reject::new(
        StatusCode::METHOD_NOT_ALLOWED,
        format!("elevenlabs: this tool is called with {expected}"),
    )
}

/// The query string as an arguments object, each value typed by the
/// tool's schema; a repeated name is refused.
fn query_arguments(tool: &Tool, query: &str) -> Result<Value, Reject> {
    let mut seen = BTreeMap::new();
    for (key, value) in form_urlencoded::parse(query.as_bytes()) {
        if seen.insert(key.to_string(), value.to_string()).is_some() {
            return Err(Reject::bad_request(format!(
                "elevenlabs: query parameter `{key}` given twice"
            )));
        }
    }
    let mut args = Map::new();
    for (key, text) in seen {
        let value = match tool.property_type(&key) {
            Some("integer") => text.parse::<i64>().map(Value::from).ok(),
            Some("number") => text
                .parse::<f64>()
                .ok()
                .and_then(|n| serde_json::Number::from_f64(n).map(Value::Number)),
            Some("boolean") => match text.as_str() {
                "true" => Some(Value::Bool(true)),
                "false" => Some(Value::Bool(false)),
                _ => None,
            },
            _ => None,
        }
        // Left as text when it does not parse: the schema check names it.
        .unwrap_or(Value::String(text));
        args.insert(key, value);
    }
    Ok(Value::Object(args))
}
