//! Steps several handlers share when they check or replace credentials.

use sqlx::AnyConnection;

use crate::platform::work::UnitOfWork;

use crate::accounts::context::Accounts;
use crate::accounts::emails::{AccountEmail, Template};
use crate::accounts::error::AccountsError;
use crate::accounts::limits::{self, CONFIRM_PER_USER};
use crate::accounts::store::email_tokens::{self, Purpose};
use crate::accounts::store::sessions;
use crate::accounts::store::users::{self, User};
use crate::http::ApiError;

/// Re-checks the signed-in user's password before a sensitive change; failures count
/// against a limit of the user's own, which sign-in attempts from outside cannot fill.
pub async fn confirm_password(state: &Accounts, user: &User, password: String) -> Result<(), ApiError> {
    let slot = [(&CONFIRM_PER_USER, user.id.as_str())];
    let turn = state.passwords.turn().await?;
    limits::check_all(state.limiter.as_ref(), &slot).await?;
    if !turn.verify(password, Some(user.password_hash.clone())).await? {
        limits::count_all(state.limiter.as_ref(), &slot).await;
        return Err(AccountsError::WrongPassword.into());
    }
    Ok(())
}

/// Spends the token of an emailed link; its user, or a 422 naming the token.
pub async fn consume_link_token(
    conn: &mut AnyConnection,
    token: &str,
    purpose: Purpose,
    now: i64,
) -> Result<String, AccountsError> {
    email_tokens::consume(conn, token.trim(), purpose, now)
        .await?
        .ok_or(AccountsError::InvalidLink)
}

/// Stores the new password hash, ends every session but `keep`, and queues the
/// "your password was changed" email, in the caller's change; the user's cached
/// sessions are retired when it commits.
pub async fn replace_password(
    work: &mut UnitOfWork,
    user: User,
    hash: &str,
    keep: Option<&str>,
) -> Result<(), ApiError> {
    let now = work.now_ms();
    users::set_password(work.conn(), &user.id, hash, now).await?;
    sessions::revoke_all(work.conn(), &user.id, keep, now).await?;
    work.user_changed(&user.id);
    let email = AccountEmail {
        to: user.email,
        name: user.name,
        template: Template::PasswordChanged,
    };
    work.enqueue(&email).await?;
    Ok(())
}
