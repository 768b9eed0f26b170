//! `POST /retell/{crm}/{tool}`: a Retell custom tool. The signature is
//! checked over the raw body before it is parsed. With `args_at_root` (as
//! our target renders it) the body is the arguments, beside which Retell may
//! put its `call` object; a body in Retell's nested form (`name`, `call`,
//! `args`) is read from `args`. The answer is the tool result, which Retell
//! hands to its LLM.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::Value;

use crate::body::{parse_json, Reject};
use crate::call;

pub(crate) async fn handle(
    State(app): State<super::State>,
    Path((crm, name)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let run = async {
        app.check_retell(&headers, &body)?;
        let tool = app.tool(&crm, &name)?;
        let body = parse_json(&body, app.settings.max_json_depth)?;
        let args = arguments(tool, body)?;
        Ok::<_, Reject>(call::run(tool, args, app.settings.deadline_margin, "retell").await)
    };
    match run.await {
        Ok(result) => Json(result).into_response(),
        Err(reject) => reject.into_response(),
    }
}

fn arguments(tool: &crate::catalog::Tool, body: Value) -> Result<Value, Reject> {
    let Value::Object(mut map) = body else {
        return Err(Reject::bad_request("retell: the body is not a JSON object"));
    };
    let declared = |key: &str| tool.property_type(key).is_some();
    if !declared("args") && (map.contains_key("call") || map.contains_key("name")) {
        if let Some(args) = map.remove("args") {
            return Ok(args);
        }
    }
    for envelope in ["call", "name"] {
        if !declared(envelope) {
            map.remove(envelope);
        }
    }
    Ok(Value::Object(map))
}
