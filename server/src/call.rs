//! One tool call: arguments checked against the tool's schema, then the
//! connector run in its own task under the template's deadline plus a
//! margin, with a cap on calls in flight per connector. Whatever happens
//! (bad arguments, a hanging CRM, a panic), the answer is a tool result:
//! `{"ok":true,"result":…}` or `{"ok":false,"error":kind,"message":…}`.

use std::sync::Arc;
use std::time::{Duration, Instant};

use midcall_runtime::{mask, ActionError, ErrorKind};
use serde_json::{json, Value};

use crate::catalog::Tool;

/// Runs `tool` with `args` for `route` (`vapi`, `mcp`, …, for the log).
pub(crate) async fn run(
    tool: &Arc<Tool>,
    args: Value,
    margin: Duration,
    route: &'static str,
) -> Value {
    let started = Instant::now();
    let result = run_inner(tool, args, margin).await;
    let ok = result.get("ok") == Some(&Value::Bool(true));
    let elapsed_ms = started.elapsed().as_millis() as u64;
    if ok {
        tracing::info!(route, crm = tool.crm, tool = %tool.name, elapsed_ms, "tool call ok");
    } else {
        let kind = result
            .get("error")
            .and_then(Value::as_str)
            .unwrap_or("unknown");
        if kind == "misconfigured" && !tool.missing_env.is_empty() {
            // The variables' names (never their values) tell the operator
            // what to set; readiness (`/readyz`) lists the same names.
            let missing_env = tool.missing_env.join(",");
            tracing::warn!(route, crm = tool.crm, tool = %tool.name, elapsed_ms, error = kind, missing_env, "tool call failed");
        } else {
            tracing::warn!(route, crm = tool.crm, tool = %tool.name, elapsed_ms, error = kind, "tool call failed");
        }
    }
    result
}

async fn run_inner(tool: &Arc<Tool>, args: Value, margin: Duration) -> Value {
    let args = if args.is_null() { json!({}) } else { args };
    if let Err(detail) = check_args(tool, &args) {
        tracing::info!(crm = tool.crm, tool = %tool.name, detail = %mask::text(&detail), "arguments refused");
        return ActionError::new(ErrorKind::InvalidInput, detail).to_tool_result();
    }
    let client = match &tool.client {
        Ok(c) => c.clone(),
        Err(e) => return e.to_tool_result(),
    };
    let Ok(permit) = tool.gate.clone().try_acquire_owned() else {
        return ActionError::new(
            ErrorKind::RateLimited,
            format!("{}: too many calls in flight", tool.name),
        )
        .to_tool_result();
    };
    let call = (tool.call)(tool.crm, tool.template, client, args);
    let task = tokio::spawn(async move {
        let _permit = permit;
        call.await
    });
    let abort = task.abort_handle();
    match tokio::time::timeout(tool.deadline + margin, task).await {
        Ok(Ok(Some(result))) => result,
        Ok(Ok(None)) => ActionError::new(
            ErrorKind::Misconfigured,
            format!(
                "{}/{}: the crate has no such connector",
                tool.crm, tool.template
            ),
        )
        .to_tool_result(),
        Ok(Err(e)) => {
            // The payload of a panic may hold caller data: it is not logged.
            tracing::error!(crm = tool.crm, tool = %tool.name, panicked = e.is_panic(), "connector task failed");
            ActionError::new(ErrorKind::Unavailable, "the connector failed").to_tool_result()
        }
        Err(_) => {
            abort.abort();
            ActionError::new(
                ErrorKind::Timeout,
                format!(
                    "{}: no answer within {} ms",
                    tool.name,
                    (tool.deadline + margin).as_millis()
                ),
            )
            .to_tool_result()
        }
    }
}

/// Checks the arguments against the tool's input schema; the error names
/// the first failing place (values masked by the caller's log line).
fn check_args(tool: &Tool, args: &Value) -> Result<(), String> {
    if !args.is_object() {
        return Err("tool arguments: not a JSON object".to_string());
    }
    match tool.validator.iter_errors(args).next() {
        None => Ok(()),
        Some(e) => {
            let place = e.instance_path.to_string();
            Err(format!(
                "tool arguments{}: {}",
                if place.is_empty() {
                    String::new()
                } else {
                    format!(" at {place}")
                },
                e
            ))
        }
    }
}
