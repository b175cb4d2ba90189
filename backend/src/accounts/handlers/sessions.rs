use axum::extract::{Path, State};
use axum::http::StatusCode;

use crate::accounts::cache;
use crate::accounts::store::sessions;
use crate::accounts::views::{SessionList, SessionView};
use crate::http::ApiError;
use crate::http::error::Problem;
use crate::http::extract::AuthUser;
use crate::platform::time::now_ms;
use crate::state::AppState;

/// The signed-in user's live sessions, most recently used first.
#[utoipa::path(get, path = "/sessions", tag = "accounts", security(("bearer" = [])),
    responses(
        (status = 200, description = "Live sessions", body = SessionList),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn list_sessions(
    State(state): State<AppState>,
    auth: AuthUser,
) -> Result<axum::Json<SessionList>, ApiError> {
    let live = sessions::list_live(state.db.pool(), &auth.user_id, now_ms()).await?;
    let sessions = live
        .iter()
        .map(|s| SessionView::new(s, &auth.session_id))
        .collect();
    Ok(axum::Json(SessionList { sessions }))
}

/// End one of the user's sessions (sign a device out). Another user's id is not found.
#[utoipa::path(delete, path = "/sessions/{id}", tag = "accounts", security(("bearer" = [])),
    params(("id" = String, Path, description = "Session id")),
    responses(
        (status = 204, description = "Session ended"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such live session of yours", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn revoke_session(
    State(state): State<AppState>,
    auth: AuthUser,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    if sessions::revoke(state.db.pool(), &id, &auth.user_id, now_ms()).await? {
        cache::user_changed(&state.cache, &auth.user_id).await;
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::NotFound)
    }
}
