//! `GET /metrics` on the metrics listener (`METRICS_BIND`:`METRICS_PORT`), apart from the
//! API's port: Prometheus's text format ([`crate::platform::metrics`]). Nothing else is
//! served there.

use std::net::SocketAddr;

use anyhow::Context;
use axum::Router;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

use crate::platform::Platform;
use crate::platform::metrics::metrics;

/// Binds the metrics listener the configuration names, if any.
pub async fn bind(platform_config: &crate::config::Config) -> anyhow::Result<Option<TcpListener>> {
    let Some((bind, port)) = platform_config.metrics else {
        return Ok(None);
    };
    let listener = TcpListener::bind((bind, port))
        .await
        .with_context(|| format!("while binding the metrics listener {bind}:{port} (METRICS_BIND, METRICS_PORT; off: METRICS_PORT=off)"))?;
    Ok(Some(listener))
}

/// Serves `/metrics` on `listener` until the task is aborted.
pub fn serve(listener: TcpListener, platform: Platform) -> JoinHandle<()> {
    let address: Option<SocketAddr> = listener.local_addr().ok();
    tracing::info!(address = ?address, "metrics at /metrics");
    let app = Router::new().route("/metrics", get(scrape)).with_state(platform);
    tokio::spawn(async move {
        if let Err(error) = axum::serve(listener, app).await {
            tracing::error!(%error, "the metrics listener stopped");
        }
    })
}

async fn scrape(State(platform): State<Platform>) -> impl IntoResponse {
    let text = metrics().render(&platform).await;
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        text,
    )
}
