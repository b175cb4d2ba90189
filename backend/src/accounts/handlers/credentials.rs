//! Steps several handlers share when they check or replace credentials.

use sqlx::AnyConnection;

use crate::accounts::emails::{AccountEmail, Template};
use crate::accounts::limits::{self, LOGIN_PER_ACCOUNT};
use crate::accounts::store::email_tokens::{self, Purpose};
use crate::accounts::store::sessions;
use crate::accounts::store::users::{self, User};
use crate::http::ApiError;
use crate::platform::jobs;
use crate::state::AppState;

/// Re-checks the signed-in user's password before a sensitive change; failures count
/// against the same per-account limit as sign-in.
pub async fn confirm_password(state: &AppState, user: &User, password: String) -> Result<(), ApiError> {
    let slot = [(&LOGIN_PER_ACCOUNT, user.email.as_str())];
    limits::hit_all(state.limiter.as_ref(), &slot).await?;
    if !state
        .passwords
        .verify(password, Some(user.password_hash.clone()))
        .await?
    {
        return Err(ApiError::Forbidden {
            code: "wrong_password",
            detail: "The password is wrong.",
        });
    }
    state.limiter.forgive(slot[0].0, slot[0].1).await;
    Ok(())
}

/// Spends the token of an emailed link; its user, or a 422 naming the token.
pub async fn consume_link_token(
    conn: &mut AnyConnection,
    token: &str,
    purpose: Purpose,
    now: i64,
) -> Result<String, ApiError> {
    email_tokens::consume(conn, token.trim(), purpose, now)
        .await?
        .ok_or_else(|| {
            ApiError::invalid(
                "token",
                "invalid_token",
                "This link is invalid, used or expired; ask for a new one.",
            )
        })
}

/// Stores the new password hash, ends every session but `keep`, and queues the
/// "your password was changed" email, inside the caller's transaction.
pub async fn replace_password(
    conn: &mut AnyConnection,
    user: User,
    hash: &str,
    keep: Option<&str>,
    now: i64,
) -> Result<(), ApiError> {
    users::set_password(&mut *conn, &user.id, hash, now).await?;
    sessions::revoke_all(&mut *conn, &user.id, keep, now).await?;
    let email = AccountEmail {
        to: user.email,
        name: user.name,
        template: Template::PasswordChanged,
    };
    jobs::enqueue(conn, &email).await?;
    Ok(())
}
