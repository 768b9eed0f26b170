//! `POST /vapi/{crm}`: Vapi's `tool-calls` server message
//! (`ServerMessageToolCalls`, wrapped in `{"message": …}`). Its calls
//! (`toolCallList`, or the `toolCall` of each `toolWithToolCallList` item)
//! run concurrently; the answer is one `ServerMessageResponseToolCalls`:
//! `{"results": [{"name", "toolCallId", "result"}]}`, where `result` is the
//! tool's result as a JSON string, or, for a failure, `error` and a
//! `request-failed` message, both the speakable sentence.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::Json;
use midcall_runtime::{ActionError, ErrorKind};
use serde_json::{json, Value};

use crate::body::{parse_json, Reject};
use crate::call;

/// One call out of the message: its id, tool name and arguments (or why
/// they could not be read).
struct VapiCall {
    id: String,
    name: String,
    args: Result<Value, String>,
}

pub(crate) async fn handle(
    State(app): State<super::State>,
    Path(crm): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let run = async {
        app.check_vapi(&headers)?;
        let body = parse_json(&body, app.settings.max_json_depth)?;
        let calls = calls(&body)?;
        // Every tool must exist before any call starts.
        let mut resolved = Vec::with_capacity(calls.len());
        for c in calls {
            let tool = app.tool(&crm, &c.name)?;
            resolved.push((c, tool));
        }
        let margin = app.settings.deadline_margin;
        let results =
            futures_util::future::join_all(resolved.into_iter().map(|(c, tool)| async move {
                let result = match c.args {
                    Ok(args) => call::run(tool, args, margin, "vapi").await,
                    Err(detail) => {
                        ActionError::new(ErrorKind::InvalidInput, detail).to_tool_result()
                    }
                };
                entry(&c.id, &c.name, &result)
            }))
            .await;
        Ok::<_, Reject>(json!({ "results": results }))
    };
    match run.await {
        Ok(answer) => Json(answer).into_response(),
        Err(reject) => reject.into_response(),
    }
}

fn calls(body: &Value) -> Result<Vec<VapiCall>, Reject> {
    let message = body
        .get("message")
        .filter(|m| m.is_object())
        .ok_or_else(|| Reject::bad_request("vapi: the body has no `message` object"))?;
    match message.get("type").and_then(Value::as_str) {
        Some("tool-calls") => {}
        Some(other) => {
            return Err(Reject::bad_request(format!(
                "vapi: message type `{other}` is not served here (only `tool-calls`)"
            )))
        }
        None => return Err(Reject::bad_request("vapi: the message has no `type`")),
    }
    let list: Vec<&Value> = match message.get("toolCallList").and_then(Value::as_array) {
        Some(list) if !list.is_empty() => list.iter().collect(),
        _ => message
            .get("toolWithToolCallList")
            .and_then(Value::as_array)
            .map(|items| items.iter().filter_map(|i| i.get("toolCall")).collect())
            .unwrap_or_default(),
    };
    if list.is_empty() {
        return Err(Reject::bad_request("vapi: the message has no tool calls"));
    }
    list.into_iter()
        .enumerate()
        .map(|(i, call)| {
            let id = call.get("id").and_then(Value::as_str).ok_or_else(|| {
                Reject::bad_request(format!("vapi: toolCallList[{i}].id: missing"))
            })?;
            let function = call.get("function");
            let name = function
                .and_then(|f| f.get("name"))
                .and_then(Value::as_str)
                .ok_or_else(|| {
                    Reject::bad_request(format!("vapi: toolCallList[{i}].function.name: missing"))
                })?;
            // The schema says a JSON string; Vapi also sends an object.
            let args = match function.and_then(|f| f.get("arguments")) {
                None | Some(Value::Null) => Ok(json!({})),
                Some(Value::String(text)) => serde_json::from_str(text)
                    .map_err(|e| format!("toolCallList[{i}].function.arguments: not JSON: {e}")),
                Some(other) => Ok(other.clone()),
            };
            Ok(VapiCall {
                id: id.to_string(),
                name: name.to_string(),
                args,
            })
        })
        .collect()
}

/// One `ToolCallResult`.
fn entry(id: &str, name: &str, result: &Value) -> Value {
    if result.get("ok") == Some(&Value::Bool(true)) {
        let payload = result.get("result").cloned().unwrap_or(Value::Null);
        json!({ "name": name, "toolCallId": id, "result": payload.to_string() })
    } else {
        let message = result
            .get("message")
            .and_then(Value::as_str)
            .unwrap_or(ErrorKind::Unavailable.speakable());
        json!({
            "name": name,
            "toolCallId": id,
            "error": message,
            "message": { "type": "request-failed", "content": message },
        })
    }
}
