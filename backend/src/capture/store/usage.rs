//! The `capture_usage` table: each call that cost something, counted once per capture and
//! kind of call, and the sums the monthly limits and `softly usage` read.

use sqlx::any::AnyRow;
use sqlx::{Any, AnyConnection, Executor, Row};

use crate::capability::profile::Column;

/// One call's cost.
#[derive(Debug, Clone)]
pub struct Call<'a> {
    pub user_id: &'a str,
    pub capture_id: &'a str,
    /// transcription or extraction.
    pub call: &'a str,
    pub provider: &'a str,
    pub model: &'a str,
    pub audio_ms: i64,
    pub input_tokens: i64,
    pub output_tokens: i64,
    pub month: &'a str,
    pub at: i64,
}

/// Records `call`; a second record of the same capture's same call is ignored.
pub async fn record(conn: &mut AnyConnection, call: &Call<'_>) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO capture_usage (id, user_id, capture_id, call, provider, model, audio_ms, input_tokens,
             output_tokens, month, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
         ON CONFLICT (capture_id, call) DO NOTHING",
    )
    .bind(uuid::Uuid::now_v7().to_string())
    .bind(call.user_id)
    .bind(call.capture_id)
    .bind(call.call)
    .bind(call.provider)
    .bind(call.model)
    .bind(call.audio_ms)
    .bind(call.input_tokens)
    .bind(call.output_tokens)
    .bind(call.month)
    .bind(call.at)
    .execute(conn)
    .await?;
    Ok(())
}

/// What a user used in a month.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Used {
    pub audio_ms: i64,
    /// Texts and documents read by a model (reading on the server costs nothing and is
    /// not counted).
    pub extractions: i64,
}

/// What the profile selects: the month's use and the AI reading setting (it is read on
/// every `GET /v1/me`, in the profile's one query). `month` is `YYYY-MM`, written into
/// the SQL as a literal (only digits and a dash are ever let through).
pub fn profile_columns(month: &str) -> Vec<Column> {
    let month: String = month.chars().filter(|c| c.is_ascii_digit() || *c == '-').collect();
    vec![
        Column {
            name: "capture_audio_ms",
            sql: format!(
                "CAST(COALESCE((SELECT SUM(audio_ms) FROM capture_usage WHERE user_id = u.id AND month = '{month}'), 0) AS BIGINT)"
            ),
        },
        Column {
            name: "capture_extractions",
            sql: format!(
                "CAST((SELECT COUNT(*) FROM capture_usage WHERE user_id = u.id AND month = '{month}' AND call <> 'transcription') AS BIGINT)"
            ),
        },
        Column {
            name: "capture_ai_reading",
            sql: "CAST(COALESCE((SELECT ai_document_reading FROM capture_settings WHERE user_id = u.id), 0) AS BIGINT)"
                .into(),
        },
    ]
}

/// The month's use and the AI reading setting, from the profile's row.
pub fn from_profile_row(row: &AnyRow) -> sqlx::Result<(Used, bool)> {
    let used = Used {
        audio_ms: sum(row, "capture_audio_ms")?,
        extractions: sum(row, "capture_extractions")?,
    };
    Ok((used, sum(row, "capture_ai_reading")? != 0))
}

pub async fn of_user<'e>(db: impl Executor<'e, Database = Any>, user_id: &str, month: &str) -> sqlx::Result<Used> {
    let row = sqlx::query(
        "SELECT CAST(COALESCE(SUM(audio_ms), 0) AS BIGINT) AS audio_ms,
                CAST(COALESCE(SUM(CASE WHEN call <> 'transcription' THEN 1 ELSE 0 END), 0) AS BIGINT) AS extractions
         FROM capture_usage WHERE user_id = $1 AND month = $2",
    )
    .bind(user_id)
    .bind(month)
    .fetch_one(db)
    .await?;
    Ok(Used {
        audio_ms: sum(&row, "audio_ms")?,
        extractions: sum(&row, "extractions")?,
    })
}

/// A month's totals for one provider and model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Total {
    pub provider: String,
    pub model: String,
    pub calls: i64,
    pub users: i64,
    pub audio_ms: i64,
    pub input_tokens: i64,
    pub output_tokens: i64,
}

pub async fn totals<'e>(db: impl Executor<'e, Database = Any>, month: &str) -> sqlx::Result<Vec<Total>> {
    let rows = sqlx::query(
        "SELECT provider, model, CAST(COUNT(*) AS BIGINT) AS calls, CAST(COUNT(DISTINCT user_id) AS BIGINT) AS users,
                CAST(COALESCE(SUM(audio_ms), 0) AS BIGINT) AS audio_ms, CAST(COALESCE(SUM(input_tokens), 0) AS BIGINT) AS input_tokens,
                CAST(COALESCE(SUM(output_tokens), 0) AS BIGINT) AS output_tokens
         FROM capture_usage WHERE month = $1 GROUP BY provider, model ORDER BY provider, model",
    )
    .bind(month)
    .fetch_all(db)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(Total {
                provider: row.try_get("provider")?,
                model: row.try_get("model")?,
                calls: sum(row, "calls")?,
                users: sum(row, "users")?,
                audio_ms: sum(row, "audio_ms")?,
                input_tokens: sum(row, "input_tokens")?,
                output_tokens: sum(row, "output_tokens")?,
            })
        })
        .collect()
}

/// A SUM or COUNT, cast to BIGINT in the query (PostgreSQL's SUM is NUMERIC).
fn sum(row: &AnyRow, column: &str) -> sqlx::Result<i64> {
    row.try_get::<i64, _>(column)
}
