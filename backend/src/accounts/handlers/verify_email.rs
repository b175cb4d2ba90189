use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::ToSchema;

use super::credentials::consume_link_token;
use crate::accounts::cache;
use crate::accounts::emails::{AccountEmail, Template};
use crate::accounts::limits::{self, EMAILS_PER_ADDRESS, EMAILS_PER_IP};
use crate::accounts::store::email_tokens::{self, Purpose};
use crate::accounts::store::users;
use crate::accounts::views::{UserEnvelope, UserView};
use crate::http::ApiError;
use crate::http::error::Problem;
use crate::http::extract::{AuthUser, Json};
use crate::http::middleware::ClientIp;
use crate::platform::jobs;
use crate::platform::time::now_ms;
use crate::state::AppState;

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
    State(state): State<AppState>,
    Json(body): Json<VerifyEmailRequest>,
) -> Result<axum::Json<UserEnvelope>, ApiError> {
    let now = now_ms();
    let mut tx = state.db.pool().begin().await?;
    let user_id = consume_link_token(&mut tx, &body.token, Purpose::VerifyEmail, now).await?;
    users::mark_verified(&mut *tx, &user_id, now).await?;
    let user = users::find(&mut *tx, &user_id).await?.ok_or(ApiError::NotFound)?;
    tx.commit().await?;
    cache::user_changed(&state.cache, &user_id).await;
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
    State(state): State<AppState>,
    auth: AuthUser,
    Extension(ClientIp(ip)): Extension<ClientIp>,
) -> Result<StatusCode, ApiError> {
    let user = users::find(state.db.pool(), &auth.user_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    if user.email_verified_at.is_some() {
        return Err(ApiError::Conflict {
            code: "email_already_verified",
            detail: "This email address is already verified.",
        });
    }
    limits::hit_all(
        state.limiter.as_ref(),
        &[
            (&EMAILS_PER_ADDRESS, &user.email),
            (&EMAILS_PER_IP, &ip.to_string()),
        ],
    )
    .await?;
    let mut tx = state.db.pool().begin().await?;
    let token = email_tokens::create(&mut *tx, &user.id, Purpose::VerifyEmail, now_ms()).await?;
    let email = AccountEmail {
        to: user.email,
        name: user.name,
        template: Template::VerifyEmail { token },
    };
    jobs::enqueue(&mut tx, &email).await?;
    tx.commit().await?;
    state.jobs.wake();
    Ok(StatusCode::ACCEPTED)
}
