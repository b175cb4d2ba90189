//! The profile's one query: the user, every capability's section and, for a signed-in
//! request, whether its session is live — one round trip for `GET /v1/me`.

use sqlx::any::AnyRow;
use sqlx::{Any, AssertSqlSafe, Executor, Row};

use super::sessions::Liveness;
use super::users::{self, User};
use crate::capability::profile::NOW;

const USER_COLUMNS: &str =
    "u.id, u.email, u.name, u.password_hash, u.time_zone, u.email_verified_at, u.created_at";

/// The user of session `session_id`, the session's liveness and the sections' values
/// (`sections`: a select list from `Profile::select_list`, naming the time as [`NOW`],
/// bound to `now_ms`); None when there is no such session of `user_id`.
pub async fn of_session<'e>(
    db: impl Executor<'e, Database = Any>,
    session_id: &str,
    user_id: &str,
    sections: &str,
    now_ms: i64,
) -> sqlx::Result<Option<(User, Liveness, AnyRow)>> {
    let sections = sections.replace(NOW, "$3");
    let sql = format!(
        "SELECT {USER_COLUMNS}, s.revoked_at AS session_revoked_at, s.expires_at AS session_expires_at,
                s.last_used_at AS session_last_used_at{sections}
         FROM sessions s JOIN users u ON u.id = s.user_id
         WHERE s.id = $1 AND s.user_id = $2"
    );
    let mut query = sqlx::query(AssertSqlSafe(sql)).bind(session_id).bind(user_id);
    if sections.contains("$3") {
        query = query.bind(now_ms);
    }
    let Some(row) = query.fetch_optional(db).await? else {
        return Ok(None);
    };
    let liveness = Liveness {
        revoked_at: row.try_get("session_revoked_at")?,
        expires_at: row.try_get("session_expires_at")?,
        last_used_at: row.try_get("session_last_used_at")?,
    };
    Ok(Some((users::from_row(&row)?, liveness, row)))
}

/// The user and the sections' values (`now_ms` as for [`of_session`]).
pub async fn of_user<'e>(
    db: impl Executor<'e, Database = Any>,
    user_id: &str,
    sections: &str,
    now_ms: i64,
) -> sqlx::Result<Option<(User, AnyRow)>> {
    let sections = sections.replace(NOW, "$2");
    let sql = format!("SELECT {USER_COLUMNS}{sections} FROM users u WHERE u.id = $1");
    let mut query = sqlx::query(AssertSqlSafe(sql)).bind(user_id);
    if sections.contains("$2") {
        query = query.bind(now_ms);
    }
    let Some(row) = query.fetch_optional(db).await? else {
        return Ok(None);
    };
    Ok(Some((users::from_row(&row)?, row)))
}
