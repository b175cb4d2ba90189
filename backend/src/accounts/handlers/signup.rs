use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::accounts::context::Accounts;
use crate::accounts::domain::{DisplayName, EmailAddress, Password, TimeZoneName};
use crate::accounts::emails::{AccountEmail, Template};
use crate::accounts::limits::{self, EMAILS_PER_ADDRESS, EMAILS_PER_IP};
use crate::accounts::store::email_tokens::{self, Purpose};
use crate::accounts::store::users::{self, User};
use crate::accounts::views::{UserEnvelope, UserView};
use crate::http::ApiError;
use crate::http::error::Problem;
use crate::http::extract::Json;
use crate::http::middleware::ClientIp;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignupRequest {
    pub email: String,
    /// 12 to 128 characters, not a common password.
    pub password: String,
    pub name: String,
    /// The IANA zone the client is in (a browser's `Intl` zone); `UTC` when absent.
    /// Reminders are sent at the user's time of day in this zone.
    #[serde(default)]
    pub time_zone: Option<String>,
}

/// Create an account and send a verification email.
///
/// An email that already has an account gets the same answer and an email saying so:
/// the response never reveals whether an address is registered.
#[utoipa::path(post, path = "/auth/signup", tag = "accounts", request_body = SignupRequest,
    responses(
        (status = 201, description = "Account created (or already existing)", body = UserEnvelope),
        (status = 422, description = "A field is invalid", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many sign-ups", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn signup(
    State(state): State<Accounts>,
    Extension(ClientIp(ip)): Extension<ClientIp>,
    Json(body): Json<SignupRequest>,
) -> Result<(StatusCode, axum::Json<UserEnvelope>), ApiError> {
    let email = EmailAddress::parse(&body.email)?;
    let name = DisplayName::parse(&body.name)?;
    let password = Password::parse(body.password, "password")?;
    let time_zone = body.time_zone.as_deref().map(TimeZoneName::parse).transpose()?;
    limits::hit_all(
        state.limiter.as_ref(),
        &[
            (&EMAILS_PER_ADDRESS, email.as_str()),
            (&EMAILS_PER_IP, &ip.to_string()),
        ],
    )
    .await?;
    // Hashed whether or not the email is taken, so both answers take as long.
    let password_hash = state.passwords.hash(password.into_inner()).await?;
    let now = state.clock.now_ms();
    let user = User {
        id: uuid::Uuid::now_v7().to_string(),
        email: email.as_str().to_string(),
        name: name.as_str().to_string(),
        password_hash,
        time_zone: time_zone.map_or_else(|| "UTC".to_string(), |zone| zone.as_str().to_string()),
        email_verified_at: None,
        created_at: now,
    };

    let mut work = state.work.begin().await?;
    let email_job = if users::insert_if_new(work.conn(), &user).await? {
        let token = email_tokens::create(work.conn(), &user.id, Purpose::VerifyEmail, now).await?;
        AccountEmail {
            to: user.email.clone(),
            name: user.name.clone(),
            template: Template::VerifyEmail { token },
        }
    } else {
        let existing = users::find_by_email(work.conn(), &user.email)
            .await?
            .ok_or_else(|| anyhow::anyhow!("the email was taken but its user is gone"))?;
        AccountEmail {
            to: existing.email,
            name: existing.name,
            template: Template::AlreadyRegistered,
        }
    };
    work.enqueue(&email_job).await?;
    work.commit().await?;
    // For a taken email this describes the account that was not created.
    Ok((
        StatusCode::CREATED,
        axum::Json(UserEnvelope {
            user: UserView::from(&user),
        }),
    ))
}
