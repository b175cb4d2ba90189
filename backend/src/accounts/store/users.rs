use sqlx::AssertSqlSafe;
use sqlx::any::AnyRow;
use sqlx::{Any, Executor, Row};

/// A user as stored.
#[derive(Debug, Clone)]
pub struct User {
    pub id: String,
    pub email: String,
    pub name: String,
    pub password_hash: String,
    pub time_zone: String,
    pub email_verified_at: Option<i64>,
    pub created_at: i64,
}

const COLUMNS: &str = "id, email, name, password_hash, time_zone, email_verified_at, created_at";

pub fn from_row(row: &AnyRow) -> sqlx::Result<User> {
    Ok(User {
        id: row.try_get("id")?,
        email: row.try_get("email")?,
        name: row.try_get("name")?,
        password_hash: row.try_get("password_hash")?,
        time_zone: row.try_get("time_zone")?,
        email_verified_at: row.try_get("email_verified_at")?,
        created_at: row.try_get("created_at")?,
    })
}

/// Inserts `user` unless its email is taken; answers whether it was inserted.
pub async fn insert_if_new<'e>(db: impl Executor<'e, Database = Any>, user: &User) -> sqlx::Result<bool> {
    let result = sqlx::query(
        "INSERT INTO users (id, email, name, password_hash, time_zone, email_verified_at, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7)
         ON CONFLICT (email) DO NOTHING",
    )
    .bind(&user.id)
    .bind(&user.email)
    .bind(&user.name)
    .bind(&user.password_hash)
    .bind(&user.time_zone)
    .bind(user.email_verified_at)
    .bind(user.created_at)
    .execute(db)
    .await?;
    Ok(result.rows_affected() == 1)
}

pub async fn find<'e>(db: impl Executor<'e, Database = Any>, id: &str) -> sqlx::Result<Option<User>> {
    let sql = format!("SELECT {COLUMNS} FROM users WHERE id = $1");
    sqlx::query(AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(db)
        .await?
        .as_ref()
        .map(from_row)
        .transpose()
}

pub async fn find_by_email<'e>(
    db: impl Executor<'e, Database = Any>,
    email: &str,
) -> sqlx::Result<Option<User>> {
    let sql = format!("SELECT {COLUMNS} FROM users WHERE email = $1");
    sqlx::query(AssertSqlSafe(sql))
        .bind(email)
        .fetch_optional(db)
        .await?
        .as_ref()
        .map(from_row)
        .transpose()
}

pub async fn update_profile<'e>(
    db: impl Executor<'e, Database = Any>,
    id: &str,
    name: Option<&str>,
    time_zone: Option<&str>,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE users SET name = COALESCE($1, name), time_zone = COALESCE($2, time_zone), updated_at = $3
         WHERE id = $4",
    )
    .bind(name)
    .bind(time_zone)
    .bind(now)
    .bind(id)
    .execute(db)
    .await?;
    Ok(())
}

pub async fn set_password<'e>(
    db: impl Executor<'e, Database = Any>,
    id: &str,
    hash: &str,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE users SET password_hash = $1, updated_at = $2 WHERE id = $3")
        .bind(hash)
        .bind(now)
        .bind(id)
        .execute(db)
        .await?;
    Ok(())
}

/// Marks the email verified unless it already was.
pub async fn mark_verified<'e>(
    db: impl Executor<'e, Database = Any>,
    id: &str,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query("UPDATE users SET email_verified_at = $1, updated_at = $1 WHERE id = $2 AND email_verified_at IS NULL")
        .bind(now)
        .bind(id)
        .execute(db)
        .await?;
    Ok(())
}

/// Deletes the user; sessions, tokens and what later capabilities own go with it
/// (`ON DELETE CASCADE`).
pub async fn delete<'e>(db: impl Executor<'e, Database = Any>, id: &str) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM users WHERE id = $1")
        .bind(id)
        .execute(db)
        .await?;
    Ok(())
}
