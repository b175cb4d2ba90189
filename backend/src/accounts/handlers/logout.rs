use axum::extract::State;
use axum::response::Response;

use super::signed_out;
use crate::accounts::context::Accounts;
use crate::accounts::store::sessions;
use crate::http::ApiError;
use crate::http::error::Problem;
use crate::http::extract::AuthUser;

/// Sign out: the current session ends at once, its tokens with it (and the refresh
/// cookie, if the web app had one).
#[utoipa::path(post, path = "/auth/logout", tag = "accounts", security(("bearer" = [])),
    responses(
        (status = 204, description = "Signed out; `Set-Cookie` removes `softly_refresh`"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn logout(State(state): State<Accounts>, auth: AuthUser) -> Result<Response, ApiError> {
    let mut work = state.work.begin().await?;
    let now = work.now_ms();
    sessions::revoke(work.conn(), &auth.session_id, &auth.user_id, now).await?;
    work.user_changed(&auth.user_id);
    work.commit().await?;
    Ok(signed_out(state.refresh_cookie))
}
