use sqlx::any::AnyRow;
use sqlx::{Any, AssertSqlSafe, Executor, Row};

/// A direct upload: announced, perhaps landed, not yet a document.
#[derive(Debug, Clone)]
pub struct Upload {
    pub id: String,
    pub user_id: String,
    pub object_key: String,
    pub filename: String,
    pub byte_size: i64,
    pub checksum_sha256: String,
    pub content_type: String,
    pub expires_at: i64,
    pub created_at: i64,
    /// Bytes of the user's quota this upload holds until it completes or goes.
    pub reserved_bytes: i64,
}

const COLUMNS: &str = "id, user_id, object_key, filename, byte_size, checksum_sha256, content_type, \
                       expires_at, created_at, reserved_bytes";

fn from_row(row: &AnyRow) -> sqlx::Result<Upload> {
    Ok(Upload {
        id: row.try_get("id")?,
        user_id: row.try_get("user_id")?,
        object_key: row.try_get("object_key")?,
        filename: row.try_get("filename")?,
        byte_size: row.try_get("byte_size")?,
        checksum_sha256: row.try_get("checksum_sha256")?,
        content_type: row.try_get("content_type")?,
        expires_at: row.try_get("expires_at")?,
        created_at: row.try_get("created_at")?,
        reserved_bytes: row.try_get("reserved_bytes")?,
    })
}

pub async fn insert<'e>(db: impl Executor<'e, Database = Any>, u: &Upload) -> sqlx::Result<()> {
    let sql = format!("INSERT INTO uploads ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)");
    sqlx::query(AssertSqlSafe(sql))
        .bind(&u.id)
        .bind(&u.user_id)
        .bind(&u.object_key)
        .bind(&u.filename)
        .bind(u.byte_size)
        .bind(&u.checksum_sha256)
        .bind(&u.content_type)
        .bind(u.expires_at)
        .bind(u.created_at)
        .bind(u.reserved_bytes)
        .execute(db)
        .await?;
    Ok(())
}

/// The upload if it exists and has not expired; `user_id` None for the signed-URL
/// route, whose signature names the upload.
pub async fn find_live<'e>(
    db: impl Executor<'e, Database = Any>,
    id: &str,
    user_id: Option<&str>,
    now: i64,
) -> sqlx::Result<Option<Upload>> {
    let sql = format!("SELECT {COLUMNS} FROM uploads WHERE id = $1 AND expires_at > $2");
    let row = sqlx::query(AssertSqlSafe(sql))
        .bind(id)
        .bind(now)
        .fetch_optional(db)
        .await?;
    Ok(row
        .as_ref()
        .map(from_row)
        .transpose()?
        .filter(|upload| user_id.is_none_or(|owner| upload.user_id == owner)))
}

/// How many uploads the user has announced that have not expired.
pub async fn count_live_of_user<'e>(
    db: impl Executor<'e, Database = Any>,
    user_id: &str,
    now: i64,
) -> sqlx::Result<i64> {
    sqlx::query("SELECT COUNT(*) AS open FROM uploads WHERE user_id = $1 AND expires_at > $2")
        .bind(user_id)
        .bind(now)
        .fetch_one(db)
        .await?
        .try_get("open")
}

/// Expired uploads, oldest first, at most `limit`.
pub async fn expired<'e>(
    db: impl Executor<'e, Database = Any>,
    now: i64,
    limit: i64,
) -> sqlx::Result<Vec<Upload>> {
    let sql = format!("SELECT {COLUMNS} FROM uploads WHERE expires_at < $1 ORDER BY expires_at LIMIT $2");
    let rows = sqlx::query(AssertSqlSafe(sql))
        .bind(now)
        .bind(limit)
        .fetch_all(db)
        .await?;
    rows.iter().map(from_row).collect()
}

/// Deletes the row; answers whether there was one (only one completion wins).
pub async fn delete<'e>(db: impl Executor<'e, Database = Any>, id: &str) -> sqlx::Result<bool> {
    let result = sqlx::query("DELETE FROM uploads WHERE id = $1")
        .bind(id)
        .execute(db)
        .await?;
    Ok(result.rows_affected() == 1)
}

/// The object keys of the user's unfinished uploads.
pub async fn object_keys_of_user<'e>(
    db: impl Executor<'e, Database = Any>,
    user_id: &str,
) -> sqlx::Result<Vec<String>> {
    let rows = sqlx::query("SELECT object_key FROM uploads WHERE user_id = $1")
        .bind(user_id)
        .fetch_all(db)
        .await?;
    rows.iter().map(|row| row.try_get("object_key")).collect()
}

/// Deletes every unfinished upload of the user.
pub async fn delete_all_of_user<'e>(
    db: impl Executor<'e, Database = Any>,
    user_id: &str,
) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM uploads WHERE user_id = $1")
        .bind(user_id)
        .execute(db)
        .await?;
    Ok(())
}
