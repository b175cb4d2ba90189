//! Plans' tables: the entitlements each user holds, the newest event applied per user,
//! and every webhook event received (by its id, so a retried delivery changes nothing).

use sqlx::{AnyConnection, Executor};

/// One entitlement as RevenueCat reports it: its identifier and when it lapses (None:
/// never).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entitlement {
    pub id: String,
    pub expires_at: Option<i64>,
}

/// Records event `id`; false when it was recorded already (a retried delivery).
pub async fn record_event(
    conn: &mut AnyConnection,
    id: &str,
    kind: &str,
    user_id: Option<&str>,
    event_at: i64,
    body: &str,
    now: i64,
) -> sqlx::Result<bool> {
    let done = conn
        .execute(
            sqlx::query(
                "INSERT INTO revenuecat_events (id, kind, user_id, event_at, outcome, body, received_at)
                 VALUES ($1, $2, $3, $4, 'received', $5, $6) ON CONFLICT (id) DO NOTHING",
            )
            .bind(id)
            .bind(kind)
            .bind(user_id)
            .bind(event_at)
            .bind(body)
            .bind(now),
        )
        .await?;
    Ok(done.rows_affected() == 1)
}

/// What became of event `id`.
pub async fn set_outcome(conn: &mut AnyConnection, id: &str, outcome: &str) -> sqlx::Result<()> {
    conn.execute(
        sqlx::query("UPDATE revenuecat_events SET outcome = $1 WHERE id = $2")
            .bind(outcome)
            .bind(id),
    )
    .await?;
    Ok(())
}

/// Moves `user_id`'s "as of" to `at` unless something newer was applied already;
/// answers whether it moved (false: what arrived is older than what is applied).
pub async fn advance(conn: &mut AnyConnection, user_id: &str, at: i64, now: i64) -> sqlx::Result<bool> {
    conn.execute(
        sqlx::query(
            "INSERT INTO plan_subscribers (user_id, as_of, updated_at) VALUES ($1, 0, $2)
             ON CONFLICT (user_id) DO NOTHING",
        )
        .bind(user_id)
        .bind(now),
    )
    .await?;
    let moved = conn
        .execute(
            sqlx::query("UPDATE plan_subscribers SET as_of = $1, updated_at = $2 WHERE user_id = $3 AND as_of <= $1")
                .bind(at)
                .bind(now)
                .bind(user_id),
        )
        .await?;
    Ok(moved.rows_affected() == 1)
}

/// Grants (or re-dates) `entitlements` to `user_id`.
pub async fn grant(conn: &mut AnyConnection, user_id: &str, entitlements: &[Entitlement], now: i64) -> sqlx::Result<()> {
    for entitlement in entitlements {
        conn.execute(
            sqlx::query(
                "INSERT INTO plan_entitlements (user_id, entitlement_id, expires_at, updated_at)
                 VALUES ($1, $2, $3, $4)
                 ON CONFLICT (user_id, entitlement_id) DO UPDATE SET expires_at = excluded.expires_at,
                     updated_at = excluded.updated_at",
            )
            .bind(user_id)
            .bind(&entitlement.id)
            .bind(entitlement.expires_at)
            .bind(now),
        )
        .await?;
    }
    Ok(())
}

/// Takes entitlements `ids` from `user_id`.
pub async fn revoke(conn: &mut AnyConnection, user_id: &str, ids: &[String]) -> sqlx::Result<()> {
    for id in ids {
        conn.execute(
            sqlx::query("DELETE FROM plan_entitlements WHERE user_id = $1 AND entitlement_id = $2")
                .bind(user_id)
                .bind(id),
        )
        .await?;
    }
    Ok(())
}

/// Replaces everything `user_id` holds with `entitlements` (a read-back).
pub async fn replace(conn: &mut AnyConnection, user_id: &str, entitlements: &[Entitlement], now: i64) -> sqlx::Result<()> {
    conn.execute(sqlx::query("DELETE FROM plan_entitlements WHERE user_id = $1").bind(user_id))
        .await?;
    grant(conn, user_id, entitlements, now).await
}

/// Moves every entitlement `from` holds to `to` (TRANSFER).
pub async fn transfer(conn: &mut AnyConnection, from: &str, to: &str, now: i64) -> sqlx::Result<()> {
    let held: Vec<(String, Option<i64>)> =
        sqlx::query_as("SELECT entitlement_id, expires_at FROM plan_entitlements WHERE user_id = $1")
            .bind(from)
            .fetch_all(&mut *conn)
            .await?;
    let moving: Vec<Entitlement> = held
        .into_iter()
        .map(|(id, expires_at)| Entitlement { id, expires_at })
        .collect();
    grant(conn, to, &moving, now).await?;
    conn.execute(sqlx::query("DELETE FROM plan_entitlements WHERE user_id = $1").bind(from))
        .await?;
    Ok(())
}

/// Forgets `user_id` (their account was deleted): what they held and what RevenueCat
/// told about them. An event delivered again later finds no such user and changes nothing.
pub async fn forget(conn: &mut AnyConnection, user_id: &str) -> sqlx::Result<()> {
    conn.execute(sqlx::query("DELETE FROM revenuecat_events WHERE user_id = $1").bind(user_id))
        .await?;
    conn.execute(sqlx::query("DELETE FROM plan_entitlements WHERE user_id = $1").bind(user_id))
        .await?;
    conn.execute(sqlx::query("DELETE FROM plan_subscribers WHERE user_id = $1").bind(user_id))
        .await?;
    Ok(())
}
