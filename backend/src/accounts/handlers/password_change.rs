use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::ToSchema;

use super::credentials::{confirm_password, replace_password};
use crate::accounts::context::Accounts;
use crate::accounts::domain::Password;
use crate::accounts::store::users;
use crate::http::ApiError;
use crate::http::error::Problem;
use crate::http::extract::{AuthUser, Json};

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangePasswordRequest {
    pub current_password: String,
    /// 12 to 128 characters, not a common password.
    pub new_password: String,
}

/// Change the password; every other session ends, this one stays.
#[utoipa::path(put, path = "/me/password", tag = "accounts", security(("bearer" = [])), request_body = ChangePasswordRequest,
    responses(
        (status = 204, description = "Password changed; other sessions ended"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Wrong current password", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The new password breaks a rule", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn change_password(
    State(state): State<Accounts>,
    auth: AuthUser,
    Json(body): Json<ChangePasswordRequest>,
) -> Result<StatusCode, ApiError> {
    let new_password = Password::parse(body.new_password, "new_password")?;
    let user = users::find(state.db.pool(), &auth.user_id)
        .await?
        .ok_or(ApiError::NOT_FOUND)?;
    confirm_password(&state, &user, body.current_password).await?;
    let hash = state.passwords.hash(new_password.into_inner()).await?;
    let mut work = state.work.begin().await?;
    replace_password(&mut work, user, &hash, Some(&auth.session_id)).await?;
    work.user_changed(&auth.user_id);
    work.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}
