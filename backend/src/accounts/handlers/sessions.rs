use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;

use super::signed_out;
use crate::accounts::context::Accounts;
use crate::accounts::store::sessions;
use crate::accounts::views::{SessionList, SessionView};
use crate::http::ApiError;
use crate::http::error::Problem;
use crate::http::extract::AuthUser;

/// The signed-in user's live sessions, most recently used first.
#[utoipa::path(get, path = "/sessions", tag = "accounts", security(("bearer" = [])),
    responses(
        (status = 200, description = "Live sessions", body = SessionList),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn list_sessions(
    State(state): State<Accounts>,
    auth: AuthUser,
) -> Result<axum::Json<SessionList>, ApiError> {
    let live = sessions::list_live(state.db.pool(), &auth.user_id, state.clock.now_ms()).await?;
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
    State(state): State<Accounts>,
    auth: AuthUser,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let mut work = state.work.begin().await?;
    let now = work.now_ms();
    if !sessions::revoke(work.conn(), &id, &auth.user_id, now).await? {
        return Err(ApiError::NOT_FOUND);
    }
    work.user_changed(&auth.user_id);
    work.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Sign out everywhere: every session of the user ends, this one included.
#[utoipa::path(delete, path = "/sessions", tag = "accounts", security(("bearer" = [])),
    responses(
        (status = 204, description = "Every session ended; `Set-Cookie` removes `softly_refresh`"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn revoke_all_sessions(State(state): State<Accounts>, auth: AuthUser) -> Result<Response, ApiError> {
    let mut work = state.work.begin().await?;
    let now = work.now_ms();
    sessions::revoke_all(work.conn(), &auth.user_id, None, now).await?;
    work.user_changed(&auth.user_id);
    work.commit().await?;
    Ok(signed_out(state.refresh_cookie))
}
