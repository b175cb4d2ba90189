use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::ToSchema;

use super::credentials::consume_link_token;
use crate::accounts::context::Accounts;
use crate::accounts::emails::{AccountEmail, Template};
use crate::accounts::error::AccountsError;
use crate::accounts::limits::{self, EMAILS_PER_ADDRESS, EMAILS_PER_IP};
use crate::accounts::store::email_tokens::{self, Purpose};
use crate::accounts::store::users;
use crate::accounts::views::{UserEnvelope, UserView};
use crate::http::ApiError;
use crate::http::error::Problem;
use crate::http::extract::{AuthUser, Json};
use crate::http::middleware::ClientIp;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VerifyEmailRequest {
    /// The token from the verification email's link.
    pub token: String,
}

/// Confirm an email address with the token from the verification email (single use, 24 h).
#[utoipa::path(post, path = "/auth/verify-email", tag = "accounts", request_body = VerifyEmailRequest,
    responses(
        (status = 200, description = "Email verified", body = UserEnvelope),
        (status = 422, description = "Unknown, used or expired token", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn verify_email(
    State(state): State<Accounts>,
    Json(body): Json<VerifyEmailRequest>,
) -> Result<axum::Json<UserEnvelope>, ApiError> {
    let mut work = state.work.begin().await?;
    let now = work.now_ms();
    let user_id = consume_link_token(work.conn(), &body.token, Purpose::VerifyEmail, now).await?;
    users::mark_verified(work.conn(), &user_id, now).await?;
    let user = users::find(work.conn(), &user_id)
        .await?
        .ok_or(ApiError::NOT_FOUND)?;
    work.user_changed(&user_id);
    work.commit().await?;
    Ok(axum::Json(UserEnvelope {
        user: UserView::from(&user),
    }))
}

/// Send the verification email again.
#[utoipa::path(post, path = "/auth/verify-email/resend", tag = "accounts", security(("bearer" = [])),
    responses(
        (status = 202, description = "A new verification email is on its way"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The email is already verified", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many emails asked for", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn resend_verification(
    State(state): State<Accounts>,
    auth: AuthUser,
    Extension(ClientIp(ip)): Extension<ClientIp>,
) -> Result<StatusCode, ApiError> {
    let user = users::find(state.db.pool(), &auth.user_id)
        .await?
        .ok_or(ApiError::NOT_FOUND)?;
    if user.email_verified_at.is_some() {
        return Err(AccountsError::EmailAlreadyVerified.into());
    }
    limits::hit_all(
        state.limiter.as_ref(),
        &[
            (&EMAILS_PER_ADDRESS, &user.email),
            (&EMAILS_PER_IP, &ip.to_string()),
        ],
    )
    .await?;
    let mut work = state.work.begin().await?;
    let token =
        email_tokens::create(work.conn(), &user.id, Purpose::VerifyEmail, state.clock.now_ms()).await?;
    let email = AccountEmail {
        to: user.email,
        name: user.name,
        template: Template::VerifyEmail { token },
    };
    work.enqueue(&email).await?;
    work.commit().await?;
    Ok(StatusCode::ACCEPTED)
}
