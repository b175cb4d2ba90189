use std::time::Duration;

use axum::extract::State;
use serde::Serialize;
use utoipa::ToSchema;

use crate::codes;
use crate::http::ApiError;
use crate::http::error::Problem;
use crate::platform::Platform;

#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    /// Always `ok` when the status is 200.
    pub status: &'static str,
    /// `up` or `down` when `REDIS_URL` is set (absent otherwise). Redis is not a liveness
    /// dependency: while it is down the API serves without it and this stays 200.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub redis: Option<&'static str>,
}

/// Liveness for the load balancer: 200 only when the database answers; Redis's state is
/// reported, not required.
#[utoipa::path(get, path = "/up", tag = "platform",
    responses(
        (status = 200, description = "Serving, database reachable", body = Health),
        (status = 503, description = "The database does not answer", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn up(State(state): State<Platform>) -> Result<axum::Json<Health>, ApiError> {
    if state.db.ping(Duration::from_secs(2)).await {
        let redis = state
            .redis
            .as_ref()
            .map(|redis| if redis.is_up() { "up" } else { "down" });
        Ok(axum::Json(Health { status: "ok", redis }))
    } else {
        Err(ApiError::unavailable(codes::DATABASE_UNAVAILABLE))
    }
}
