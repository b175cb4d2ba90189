use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::ToSchema;

use super::credentials::{consume_link_token, replace_password};
use crate::accounts::context::Accounts;
use crate::accounts::domain::{EmailAddress, Password};
use crate::accounts::emails::PasswordResetRequested;
use crate::accounts::limits::{self, EMAILS_PER_IP, LOGIN_PER_ACCOUNT, RESET_EMAILS_PER_ADDRESS};
use crate::accounts::store::email_tokens::{self, Purpose};
use crate::accounts::store::users;
use crate::http::ApiError;
use crate::http::error::Problem;
use crate::http::extract::Json;
use crate::http::middleware::ClientIp;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ForgotPasswordRequest {
    pub email: String,
}

/// Ask for a password reset email.
///
/// Always 202: when the account exists, an email with a single-use link (valid one
/// hour) is sent. Whether it exists is decided by a background job, never here.
#[utoipa::path(post, path = "/auth/password/forgot", tag = "accounts", request_body = ForgotPasswordRequest,
    responses(
        (status = 202, description = "If the account exists, an email is on its way"),
        (status = 422, description = "Malformed email", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many emails asked for", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn forgot_password(
    State(state): State<Accounts>,
    Extension(ClientIp(ip)): Extension<ClientIp>,
    Json(body): Json<ForgotPasswordRequest>,
) -> Result<StatusCode, ApiError> {
    let email = EmailAddress::parse(&body.email)?;
    limits::hit_all(
        state.limiter.as_ref(),
        &[
            (&RESET_EMAILS_PER_ADDRESS, email.as_str()),
            (&EMAILS_PER_IP, &ip.to_string()),
        ],
    )
    .await?;
    let job = PasswordResetRequested {
        email: email.as_str().to_string(),
    };
    let mut work = state.work.begin().await?;
    work.enqueue(&job).await?;
    work.commit().await?;
    Ok(StatusCode::ACCEPTED)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResetPasswordRequest {
    /// The token from the reset email's link.
    pub token: String,
    /// 12 to 128 characters, not a common password.
    pub password: String,
}

/// Choose a new password with the token from the reset email.
///
/// Every session of the account ends, and a notification email is sent.
#[utoipa::path(post, path = "/auth/password/reset", tag = "accounts", request_body = ResetPasswordRequest,
    responses(
        (status = 204, description = "Password changed; every session ended"),
        (status = 422, description = "Invalid token or password", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn reset_password(
    State(state): State<Accounts>,
    Json(body): Json<ResetPasswordRequest>,
) -> Result<StatusCode, ApiError> {
    let password = Password::parse(body.password, "password")?;
    let hash = state.passwords.hash(password.into_inner()).await?;
    let mut work = state.work.begin().await?;
    let now = work.now_ms();
    let user_id = consume_link_token(work.conn(), &body.token, Purpose::ResetPassword, now).await?;
    let user = users::find(work.conn(), &user_id)
        .await?
        .ok_or(ApiError::NOT_FOUND)?;
    // The link arrived by email: the address is proven.
    users::mark_verified(work.conn(), &user.id, now).await?;
    email_tokens::spend_all(work.conn(), &user.id, Purpose::ResetPassword, now).await?;
    let email = user.email.clone();
    replace_password(&mut work, user, &hash, None).await?;
    work.user_changed(&user_id);
    work.commit().await?;
    // The owner proved the mailbox: guesses at the account from elsewhere no longer
    // hold it shut.
    state.limiter.reset(&LOGIN_PER_ACCOUNT, &email).await;
    Ok(StatusCode::NO_CONTENT)
}
