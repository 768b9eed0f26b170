//! `GET /healthz` (the process answers) and `GET /readyz` (every CRM has
//! its variables; which are missing, by name, never by value).

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::Json;
use serde_json::json;

pub(crate) async fn live() -> impl IntoResponse {
    Json(json!({ "ok": true }))
}

pub(crate) async fn ready(State(app): State<super::State>) -> impl IntoResponse {
    let (ready, body) = app.catalog.readiness();
    let status = if ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, Json(body))
}
