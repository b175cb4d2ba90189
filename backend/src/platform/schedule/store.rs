use sqlx::Executor;

use super::Entry;
use crate::platform::db::Db;

/// Claims the current period of `entry` if it is due and nobody else claimed it, and
/// enqueues its job in the same transaction. Answers whether this replica did.
pub(super) async fn claim_and_enqueue(
    db: &Db,
    entry: &Entry,
    replica: &str,
    now: i64,
) -> anyhow::Result<bool> {
    let mut tx = db.begin().await?;
    // First sight of a task: due at once.
    tx.execute(
        sqlx::query(
            "INSERT INTO schedules (name, next_run_at) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
        )
        .bind(entry.name)
        .bind(now),
    )
    .await?;
    let claimed = tx
        .execute(
            sqlx::query(
                "UPDATE schedules SET next_run_at = $1, last_run_at = $2, last_run_by = $3
                 WHERE name = $4 AND next_run_at <= $2",
            )
            .bind(now + entry.every.as_millis() as i64)
            .bind(now)
            .bind(replica)
            .bind(entry.name),
        )
        .await?
        .rows_affected()
        == 1;
    if claimed {
        (entry.enqueue)(&mut tx, now).await?;
    }
    tx.commit().await?;
    Ok(claimed)
}
