//! The `item_reminders` table: each item's reminders and, for each, when it is next
//! sent. Finding what is due is one indexed query on `next_fire_at`.

use std::collections::HashMap;

use jiff::civil::Date;
use sqlx::any::AnyRow;
use sqlx::{Any, AnyConnection, AssertSqlSafe, Executor, Row};

use super::{IN_LIST, placeholders, stored_optional_date, undecodable};
use crate::items::domain::{OffsetUnit, Planned, Reminder};

/// A reminder as stored, with its plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredReminder {
    pub id: String,
    pub item_id: String,
    pub user_id: String,
    pub reminder: Reminder,
    /// Set from an email or the app for the current occurrence only.
    pub snooze: bool,
    pub position: i64,
    pub plan: Planned,
    pub digest: bool,
}

impl StoredReminder {
    /// A new reminder of `item_id`, not planned yet.
    pub fn new(item_id: &str, user_id: &str, reminder: Reminder, position: i64) -> Self {
        Self {
            id: uuid::Uuid::now_v7().to_string(),
            item_id: item_id.to_string(),
            user_id: user_id.to_string(),
            reminder,
            snooze: false,
            position,
            plan: Planned::default(),
            digest: false,
        }
    }
}

const COLUMNS: &str =
    "id, item_id, user_id, kind, offset_value, offset_unit, at_ms, position, planned_for, next_fire_at, digest, fired_for";

fn from_row(row: &AnyRow) -> sqlx::Result<StoredReminder> {
    let kind: String = row.try_get("kind")?;
    let reminder = match kind.as_str() {
        "offset" => {
            let unit: String = row.try_get("offset_unit")?;
            Reminder::Offset {
                value: row.try_get("offset_value")?,
                unit: OffsetUnit::from_stored(&unit).ok_or_else(|| undecodable("offset_unit", &unit))?,
            }
        }
        "at" | "snooze" => Reminder::At {
            at_ms: row.try_get("at_ms")?,
        },
        other => return Err(undecodable("kind", other)),
    };
    Ok(StoredReminder {
        id: row.try_get("id")?,
        item_id: row.try_get("item_id")?,
        user_id: row.try_get("user_id")?,
        reminder,
        snooze: kind == "snooze",
        position: row.try_get("position")?,
        plan: Planned {
            planned_for: stored_optional_date(row, "planned_for")?,
            next_fire_at: row.try_get("next_fire_at")?,
            fired_for: stored_optional_date(row, "fired_for")?,
        },
        digest: row.try_get::<i64, _>("digest")? != 0,
    })
}

/// The reminders of `item_id`, in order, held as `lock` says: a change that plans them
/// again waits for a sweep handing them over, and sees what it did.
pub async fn of_item<'e>(
    db: impl Executor<'e, Database = Any>,
    item_id: &str,
    lock: &str,
) -> sqlx::Result<Vec<StoredReminder>> {
    let sql = format!("SELECT {COLUMNS} FROM item_reminders WHERE item_id = $1 ORDER BY position, id {lock}");
    sqlx::query(AssertSqlSafe(sql))
        .bind(item_id)
        .fetch_all(db)
        .await?
        .iter()
        .map(from_row)
        .collect()
}

/// How many of `user_id`'s open items (not in the trash) have reminders of their own
/// (a snooze alone does not count): what a plan's `items_with_reminders` limits.
pub async fn items_with_reminders(conn: &mut AnyConnection, user_id: &str) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM items i
         WHERE i.user_id = $1 AND i.status = 'open' AND i.deleted_at IS NULL
           AND EXISTS (SELECT 1 FROM item_reminders r WHERE r.item_id = i.id AND r.kind <> 'snooze')",
    )
    .bind(user_id)
    .fetch_one(conn)
    .await
}

/// `reminders` grouped by item, each item's in order.
pub fn by_item(reminders: Vec<StoredReminder>) -> HashMap<String, Vec<StoredReminder>> {
    let mut grouped: HashMap<String, Vec<StoredReminder>> = HashMap::new();
    for reminder in reminders {
        grouped.entry(reminder.item_id.clone()).or_default().push(reminder);
    }
    grouped
}

/// The reminders of every item of `item_ids`, in order per item, held as `lock` says.
pub async fn of_items(db: &mut AnyConnection, item_ids: &[String], lock: &str) -> sqlx::Result<Vec<StoredReminder>> {
    let mut found = Vec::new();
    for chunk in item_ids.chunks(IN_LIST) {
        let sql = format!(
            "SELECT {COLUMNS} FROM item_reminders WHERE item_id IN ({}) ORDER BY item_id, position, id {lock}",
            placeholders(1, chunk.len())
        );
        let mut query = sqlx::query(AssertSqlSafe(sql));
        for id in chunk {
            query = query.bind(id);
        }
        for row in query.fetch_all(&mut *db).await? {
            found.push(from_row(&row)?);
        }
    }
    Ok(found)
}

pub async fn insert(conn: &mut AnyConnection, r: &StoredReminder) -> sqlx::Result<()> {
    let (kind, value, unit, at) = match r.reminder {
        Reminder::Offset { value, unit } => ("offset", Some(value), Some(unit.as_str()), None),
        Reminder::At { at_ms } => (if r.snooze { "snooze" } else { "at" }, None, None, Some(at_ms)),
    };
    sqlx::query(
        "INSERT INTO item_reminders (id, item_id, user_id, kind, offset_value, offset_unit, at_ms, position,
                                     planned_for, next_fire_at, digest, fired_for)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
    )
    .bind(&r.id)
    .bind(&r.item_id)
    .bind(&r.user_id)
    .bind(kind)
    .bind(value)
    .bind(unit)
    .bind(at)
    .bind(r.position)
    .bind(r.plan.planned_for.map(|d| d.to_string()))
    .bind(r.plan.next_fire_at)
    .bind(i64::from(r.digest))
    .bind(r.plan.fired_for.map(|d| d.to_string()))
    .execute(conn)
    .await?;
    Ok(())
}

/// Stores `r`'s plan and position.
pub async fn save_plan(conn: &mut AnyConnection, r: &StoredReminder) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE item_reminders SET planned_for = $2, next_fire_at = $3, digest = $4, fired_for = $5, position = $6
         WHERE id = $1",
    )
    .bind(&r.id)
    .bind(r.plan.planned_for.map(|d| d.to_string()))
    .bind(r.plan.next_fire_at)
    .bind(i64::from(r.digest))
    .bind(r.plan.fired_for.map(|d| d.to_string()))
    .bind(r.position)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn delete(conn: &mut AnyConnection, id: &str) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM item_reminders WHERE id = $1")
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// A reminder whose time has come, as the sweep hands it to delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueReminder {
    pub id: String,
    pub item_id: String,
    pub user_id: String,
    /// The occurrence it is for.
    pub due_on: Date,
    pub digest: bool,
}

/// Takes up to `limit` reminders due at `now`, earliest first: marks them handed to
/// delivery for the occurrence they were planned for (nothing more to send for it) and
/// answers them, in one statement. `lock` is `FOR UPDATE SKIP LOCKED` on PostgreSQL, so
/// concurrent sweeps take different ones; nothing on SQLite, whose write transaction
/// already excludes other writers.
pub async fn take_due(conn: &mut AnyConnection, now: i64, limit: i64, lock: &str) -> sqlx::Result<Vec<DueReminder>> {
    let sql = format!(
        "UPDATE item_reminders SET fired_for = planned_for, next_fire_at = NULL
         WHERE id IN (SELECT id FROM item_reminders WHERE next_fire_at IS NOT NULL AND next_fire_at <= $1
                      ORDER BY next_fire_at LIMIT {limit} {lock})
         RETURNING id, item_id, user_id, planned_for, digest"
    );
    let rows = sqlx::query(AssertSqlSafe(sql)).bind(now).fetch_all(conn).await?;
    rows.iter()
        .map(|row| {
            Ok(DueReminder {
                id: row.try_get("id")?,
                item_id: row.try_get("item_id")?,
                user_id: row.try_get("user_id")?,
                due_on: stored_optional_date(row, "planned_for")?
                    .ok_or_else(|| undecodable("planned_for", "NULL"))?,
                digest: row.try_get::<i64, _>("digest")? != 0,
            })
        })
        .collect()
}
