//! MCP over streamable HTTP (the `rmcp` SDK, stateless, JSON responses):
//! `/mcp` serves every tool when the names are unique across CRMs, and
//! `/mcp/{crm}` each CRM's tools. `tools/list` returns the rendered
//! `mcp.json` of each connector as it is (schemas, `outputSchema`,
//! annotations); `tools/call` runs the connector: `structuredContent` and a
//! text block on success, `isError` with the speakable sentence on failure.
//! A bearer token guards both paths, checked before the body is read.

use std::collections::HashSet;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::Router;
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, ContentBlock, Implementation,
    ListToolsResult, PaginatedRequestParams, ServerCapabilities, ServerConfig,
};
use rmcp::service::RequestContext;
use rmcp::transport::streamable_http_server::session::local::LocalSessionManager;
use rmcp::transport::streamable_http_server::{StreamableHttpServerConfig, StreamableHttpService};
use rmcp::{ErrorData, RoleServer, ServerHandler};
use serde_json::{json, Value};
use tokio_util::sync::CancellationToken;

use crate::body::{check_depth, Reject};
use crate::call;
use crate::catalog::Tool;

/// The MCP handler for all tools (`crm: None`) or one CRM's.
#[derive(Clone)]
struct Tools {
    app: super::State,
    crm: Option<&'static str>,
}

impl Tools {
    fn iter(&self) -> impl Iterator<Item = &Arc<Tool>> {
        self.app
            .catalog
            .tools()
            .iter()
            .filter(move |t| self.crm.is_none_or(|c| c == t.crm))
    }
}

impl ServerHandler for Tools {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build()).with_server_info(
            Implementation::new("midcall-server", env!("CARGO_PKG_VERSION")),
        )
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        let tools = self
            .iter()
            .map(|t| serde_json::from_value(t.definition.clone()))
            .collect::<Result<Vec<rmcp::model::Tool>, _>>()
            .map_err(|e| ErrorData::internal_error(format!("a tool definition: {e}"), None))?;
        Ok(ListToolsResult::with_all_items(tools))
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        let Some(tool) = self.iter().find(|t| t.name == request.name) else {
            return Err(ErrorData::invalid_params(
                format!("unknown tool `{}`", request.name),
                None,
            ));
        };
        let args = request
            .arguments
            .map(Value::Object)
            .unwrap_or_else(|| json!({}));
        let result = call::run(tool, args, self.app.settings.deadline_margin, "mcp").await;
        Ok(to_mcp(result).into())
    }
}

fn to_mcp(result: Value) -> CallToolResult {
    if result.get("ok") == Some(&Value::Bool(true)) {
        CallToolResult::structured(result.get("result").cloned().unwrap_or_else(|| json!({})))
    } else {
        let message = result
            .get("message")
            .and_then(Value::as_str)
            .unwrap_or("The tool failed.")
            .to_string();
        CallToolResult::error(vec![ContentBlock::text(message)])
    }
}

/// The MCP routes, guarded by the bearer token.
pub(crate) fn routes(app: &super::State, shutdown: &CancellationToken) -> Router<super::State> {
    let settings = &app.settings;
    let mut config = StreamableHttpServerConfig::default()
        .with_legacy_session_mode(false)
        .with_json_response(true)
        .with_cancellation_token(shutdown.child_token())
        .with_max_request_body_bytes(settings.max_body_bytes);
    config = if !settings.allowed_hosts.is_empty() {
        config.with_allowed_hosts(settings.allowed_hosts.clone())
    } else if settings.insecure_local_dev {
        // No token may guard it: keep rmcp's loopback-only Host check
        // against DNS rebinding.
        config
    } else {
        // The bearer token guards every request.
        config.disable_allowed_hosts()
    };
    let service = |crm: Option<&'static str>| {
        let tools = Tools {
            app: app.clone(),
            crm,
        };
        StreamableHttpService::new(
            move || Ok(tools.clone()),
            Arc::new(LocalSessionManager::default()),
            config.clone(),
        )
    };
    let mut router = Router::new();
    let mut names = HashSet::new();
    if app
        .catalog
        .tools()
        .iter()
        .all(|t| names.insert(t.name.as_str()))
    {
        router = router.nest_service("/mcp", service(None));
    } else {
        tracing::warn!("/mcp is off: two CRMs share a tool name; use /mcp/<crm>");
    }
    for crm in app.catalog.crms() {
        router = router.nest_service(&format!("/mcp/{crm}"), service(Some(crm)));
    }
    router.layer(middleware::from_fn_with_state(app.clone(), guard))
}

/// Bearer token, then the JSON depth limit, before rmcp reads the body.
async fn guard(State(app): State<super::State>, request: Request, next: Next) -> Response {
    if let Err(reject) = app.check_bearer(request.headers(), "mcp") {
        return reject.into_response();
    }
    let (parts, body) = request.into_parts();
    let bytes = match axum::body::to_bytes(body, app.settings.max_body_bytes).await {
        Ok(b) => b,
        Err(_) => {
            return Reject::new(
                axum::http::StatusCode::PAYLOAD_TOO_LARGE,
                format!("body larger than {} bytes", app.settings.max_body_bytes),
            )
            .into_response()
        }
    };
    if let Err(reject) = check_depth(&bytes, app.settings.max_json_depth) {
        return reject.into_response();
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}
