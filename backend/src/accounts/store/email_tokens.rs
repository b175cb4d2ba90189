//! Single-use tokens sent by email; only their SHA-256 is stored.

use sqlx::{Any, Executor, Row};

use crate::platform::crypto::{random_token, token_hash};
use crate::platform::time::{DAY_MS, HOUR_MS};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    VerifyEmail,
    ResetPassword,
}

impl Purpose {
    fn as_str(self) -> &'static str {
        match self {
            Self::VerifyEmail => "verify_email",
            Self::ResetPassword => "reset_password",
        }
    }

    fn lifetime_ms(self) -> i64 {
        match self {
            Self::VerifyEmail => DAY_MS,
            Self::ResetPassword => HOUR_MS,
        }
    }
}

/// Stores a new token for `user_id` and returns it: the only time it exists in clear.
pub async fn create<'e>(
    db: impl Executor<'e, Database = Any>,
    user_id: &str,
    purpose: Purpose,
    now: i64,
) -> sqlx::Result<String> {
    let token = random_token();
    sqlx::query(
        "INSERT INTO email_tokens (token_hash, user_id, purpose, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(token_hash(&token))
    .bind(user_id)
    .bind(purpose.as_str())
    .bind(now)
    .bind(now + purpose.lifetime_ms())
    .execute(db)
    .await?;
    Ok(token)
}

/// Spends a valid token and returns its user; an unknown, used or expired one gives None.
pub async fn consume<'e>(
    db: impl Executor<'e, Database = Any>,
    token: &str,
    purpose: Purpose,
    now: i64,
) -> sqlx::Result<Option<String>> {
    let row = sqlx::query(
        "UPDATE email_tokens SET used_at = $1
         WHERE token_hash = $2 AND purpose = $3 AND used_at IS NULL AND expires_at > $1
         RETURNING user_id",
    )
    .bind(now)
    .bind(token_hash(token))
    .bind(purpose.as_str())
    .fetch_optional(db)
    .await?;
    row.map(|row| row.try_get("user_id")).transpose()
}

/// Spends every outstanding token of that purpose (after a reset, older links die).
pub async fn spend_all<'e>(
    db: impl Executor<'e, Database = Any>,
    user_id: &str,
    purpose: Purpose,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE email_tokens SET used_at = $1 WHERE user_id = $2 AND purpose = $3 AND used_at IS NULL",
    )
    .bind(now)
    .bind(user_id)
    .bind(purpose.as_str())
    .execute(db)
    .await?;
    Ok(())
}
