use axum::extract::State;
use axum::http::StatusCode;

use crate::accounts::cache;
use crate::accounts::store::sessions;
use crate::http::ApiError;
use crate::http::error::Problem;
use crate::http::extract::AuthUser;
use crate::platform::time::now_ms;
use crate::state::AppState;

/// Sign out: the current session ends at once, its tokens with it.
#[utoipa::path(post, path = "/auth/logout", tag = "accounts", security(("bearer" = [])),
    responses(
        (status = 204, description = "Signed out"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn logout(State(state): State<AppState>, auth: AuthUser) -> Result<StatusCode, ApiError> {
    sessions::revoke(state.db.pool(), &auth.session_id, &auth.user_id, now_ms()).await?;
    cache::user_changed(&state.cache, &auth.user_id).await;
    Ok(StatusCode::NO_CONTENT)
}
