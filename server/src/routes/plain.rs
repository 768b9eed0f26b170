//! `POST /call/{crm}/{tool}`: plain JSON for function-calling apps
//! (OpenAI, Anthropic, Gemini). The body is the arguments object; the answer
//! is the tool result, `{"ok":true,"result":…}` or
//! `{"ok":false,"error":…,"message":…}`, with status 200 either way (a
//! failed call is an answer for the model, not a transport error).

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::Json;

use crate::body::parse_json;
use crate::call;

pub(crate) async fn handle(
    State(app): State<super::State>,
    Path((crm, name)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let run = async {
        app.check_bearer(&headers, "the JSON route")?;
        let tool = app.tool(&crm, &name)?;
        let args = parse_json(&body, app.settings.max_json_depth)?;
        Ok::<_, crate::body::Reject>(
            call::run(tool, args, app.settings.deadline_margin, "call").await,
        )
    };
    match run.await {
        Ok(result) => Json(result).into_response(),
        Err(reject) => reject.into_response(),
    }
}
