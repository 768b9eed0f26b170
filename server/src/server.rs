//! Assembling the router, binding, serving, and shutting down gracefully:
//! on the signal, no new connection is taken, calls in flight finish (each
//! is bounded by its deadline), MCP streams are closed.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::Router;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;
use tower_http::catch_panic::CatchPanicLayer;

use crate::body::Reject;
use crate::catalog::{Catalog, Connectors};
use crate::error::StartError;
use crate::routes::{self, App};
use crate::settings::Settings;

/// The whole application: every route over `connectors`. `shutdown`
/// closes the MCP streams when cancelled.
pub fn router(
    connectors: &Connectors,
    settings: Settings,
    shutdown: &CancellationToken,
) -> Result<Router, StartError> {
    let catalog = Catalog::build(connectors, &settings)?;
    let max_body = settings.max_body_bytes;
    let app = Arc::new(App { catalog, settings });
    let mcp = routes::mcp::routes(&app, shutdown);
    Ok(Router::new()
        .route("/vapi/{crm}", post(routes::vapi::handle))
        .route("/retell/{crm}/{tool}", post(routes::retell::handle))
        .route(
            "/elevenlabs/{crm}/{tool}",
            get(routes::elevenlabs::get).post(routes::elevenlabs::post),
        )
        .route("/call/{crm}/{tool}", post(routes::plain::handle))
        .route("/healthz", get(routes::health::live))
        .route("/readyz", get(routes::health::ready))
        .merge(mcp)
        .fallback(|| async { Reject::new(StatusCode::NOT_FOUND, "no such route").into_response() })
        .with_state(app)
        .layer(DefaultBodyLimit::max(max_body))
        .layer(CatchPanicLayer::custom(|_| {
            // The payload may hold caller data: it is not logged.
            tracing::error!("a handler panicked; the server goes on");
            Reject::new(StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response()
        })))
}

/// A server running in the background (see [`bind`]).
pub struct Running {
    /// The address it listens on (the real port when `:0` was asked).
    pub addr: SocketAddr,
    shutdown: CancellationToken,
    task: JoinHandle<std::io::Result<()>>,
}

impl Running {
    /// `http://<addr>`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Starts a graceful shutdown: no new connections; calls in flight
    /// finish.
    pub fn shutdown(&self) {
        self.shutdown.cancel();
    }

    /// Waits until the server has stopped (after [`Running::shutdown`]).
    pub async fn wait(self) -> Result<(), StartError> {
        match self.task.await {
            Ok(result) => result.map_err(StartError::Serve),
            Err(e) => Err(StartError::Serve(std::io::Error::other(e.to_string()))),
        }
    }
}

/// Binds `settings.listen` and serves in a background task.
pub async fn bind(connectors: &Connectors, settings: Settings) -> Result<Running, StartError> {
    let shutdown = CancellationToken::new();
    let addr = settings.listen;
    let app = router(connectors, settings, &shutdown)?;
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|source| StartError::Bind { addr, source })?;
    let addr = listener
        .local_addr()
        .map_err(|source| StartError::Bind { addr, source })?;
    let signal = shutdown.clone();
    let task = tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(signal.cancelled_owned())
            .await
    });
    Ok(Running {
        addr,
        shutdown,
        task,
    })
}

/// Serves until Ctrl-C or SIGTERM, then shuts down gracefully, waiting at
/// most for the longest deadline plus `grace`.
pub async fn serve(connectors: &Connectors, settings: Settings) -> Result<(), StartError> {
    let longest = connectors
        .list
        .iter()
        .filter_map(|(c, t)| (connectors.timeout)(c, t))
        .max()
        .unwrap_or_default();
    let grace = longest + settings.deadline_margin + Duration::from_secs(1);
    let stop = stop_signal();
    let running = bind(connectors, settings).await?;
    tracing::info!(addr = %running.addr, "midcall-server listening");
    stop.await;
    tracing::info!("shutting down: finishing calls in flight");
    running.shutdown();
    match tokio::time::timeout(grace, running.wait()).await {
        Ok(result) => result,
        Err(_) => {
            tracing::warn!("calls still open after the grace period; stopping");
            Ok(())
        }
    }
}

/// Registers for Ctrl-C and SIGTERM at once and returns the wait for
/// either. Registered before the server binds and says where it listens,
/// so a SIGTERM sent as soon as that line appears is a graceful stop, not
/// the signal's default action (an abrupt exit).
fn stop_signal() -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, Signal, SignalKind};
        let term = signal(SignalKind::terminate()).ok();
        let interrupt = signal(SignalKind::interrupt()).ok();
        async fn first(signal: Option<Signal>) {
            match signal {
                Some(mut s) => {
                    s.recv().await;
                }
                None => std::future::pending::<()>().await,
            }
        }
        async move {
            tokio::select! {
                () = first(term) => {},
                () = first(interrupt) => {},
            }
        }
    }
    #[cfg(not(unix))]
    async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    }
}
