//! The `items` table: one row per item, holding its current occurrence.

use jiff::civil::{Date, Time};
use sqlx::any::{AnyArguments, AnyRow};
use sqlx::query::Query;
use sqlx::{Any, AnyConnection, AssertSqlSafe, Executor, Row};

use super::{stored_date, stored_optional_date, stored_time, undecodable};
use crate::civil::format_time;
use crate::items::domain::{Category, ItemKind, Money, Recurrence, RepeatFrom, Series, Status};

/// An item as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub id: String,
    pub user_id: String,
    pub kind: ItemKind,
    pub title: String,
    pub notes: Option<String>,
    pub category: Category,
    pub tags: Vec<String>,
    pub status: Status,
    pub money: Option<Money>,
    pub payee: Option<String>,
    /// The current occurrence's date and time of day, as it is due (possibly moved).
    pub due_on: Date,
    pub due_time: Option<Time>,
    /// Where the series places the current occurrence, and the series' time of day.
    pub occurrence_on: Date,
    pub series_time: Option<Time>,
    /// A fixed zone (IANA name); None: floating, the user's current zone.
    pub time_zone: Option<String>,
    pub expires_on: Option<Date>,
    pub recurrence: Option<Recurrence>,
    pub repeat_from: RepeatFrom,
    pub series_start: Date,
    pub occurrences_done: i64,
    pub source_document_id: Option<String>,
    pub source_changed_at: Option<i64>,
    pub document_lost: bool,
    pub deleted_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

impl Item {
    /// The item's place in its series.
    pub fn series(&self) -> Series {
        Series {
            start: self.series_start,
            occurrence_on: self.occurrence_on,
            recurrence: self.recurrence.clone(),
            repeat_from: self.repeat_from,
            occurrences_done: u32::try_from(self.occurrences_done).unwrap_or(u32::MAX),
        }
    }

    /// Whether the current occurrence was moved away from where the series puts it.
    pub fn moved(&self) -> bool {
        self.due_on != self.occurrence_on || self.due_time != self.series_time
    }

    /// Open and not in the trash: its reminders go out.
    pub fn remindable(&self) -> bool {
        self.status == Status::Open && self.deleted_at.is_none()
    }

    /// Makes `on` the current occurrence, as the series places it.
    pub fn move_to_occurrence(&mut self, on: Date) {
        self.due_on = on;
        self.occurrence_on = on;
        self.due_time = self.series_time;
    }

    /// The key lists are sorted by: the due date, then its time.
    pub fn due_key(&self) -> String {
        match self.due_time {
            Some(time) => format!("{} {}", self.due_on, format_time(time)),
            None => self.due_on.to_string(),
        }
    }
}

const COLUMNS: &str = "id, user_id, kind, title, notes, category, tags, status, amount_minor, currency, \
    payee, due_on, due_time, occurrence_on, series_time, time_zone, expires_on, recurrence, repeat_from, \
    series_start, occurrences_done, source_document_id, source_changed_at, document_lost, deleted_at, \
    created_at, updated_at";

pub(super) fn from_row(row: &AnyRow) -> sqlx::Result<Item> {
    let choice = |column: &str| -> sqlx::Result<String> { row.try_get(column) };
    let kind = choice("kind")?;
    let category = choice("category")?;
    let status = choice("status")?;
    let repeat_from = choice("repeat_from")?;
    let tags: String = row.try_get("tags")?;
    let money = match (
        row.try_get::<Option<i64>, _>("amount_minor")?,
        row.try_get::<Option<String>, _>("currency")?,
    ) {
        (None, None) => None,
        (amount, currency) => Money::parse(amount, currency.as_deref())
            .map_err(|e| undecodable("currency", &e.detail))?,
    };
    let recurrence = match row.try_get::<Option<String>, _>("recurrence")? {
        Some(raw) => Some(Recurrence::parse(&raw).map_err(|_| undecodable("recurrence", &raw))?),
        None => None,
    };
    Ok(Item {
        id: row.try_get("id")?,
        user_id: row.try_get("user_id")?,
        kind: ItemKind::from_stored(&kind).ok_or_else(|| undecodable("kind", &kind))?,
        title: row.try_get("title")?,
        notes: row.try_get("notes")?,
        category: Category::from_stored(&category).ok_or_else(|| undecodable("category", &category))?,
        tags: serde_json::from_str(&tags).map_err(|_| undecodable("tags", &tags))?,
        status: Status::from_stored(&status).ok_or_else(|| undecodable("status", &status))?,
        money,
        payee: row.try_get("payee")?,
        due_on: stored_date(row, "due_on")?,
        due_time: stored_time(row, "due_time")?,
        occurrence_on: stored_date(row, "occurrence_on")?,
        series_time: stored_time(row, "series_time")?,
        time_zone: row.try_get("time_zone")?,
        expires_on: stored_optional_date(row, "expires_on")?,
        recurrence,
        repeat_from: RepeatFrom::from_stored(&repeat_from)
            .ok_or_else(|| undecodable("repeat_from", &repeat_from))?,
        series_start: stored_date(row, "series_start")?,
        occurrences_done: row.try_get("occurrences_done")?,
        source_document_id: row.try_get("source_document_id")?,
        source_changed_at: row.try_get("source_changed_at")?,
        document_lost: row.try_get::<i64, _>("document_lost")? != 0,
        deleted_at: row.try_get("deleted_at")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
    })
}

/// Binds every column but `id`, `user_id` and `created_at`, from `$first` on, in
/// [`MUTABLE`]'s order.
fn bind_mutable<'q>(mut query: Query<'q, Any, AnyArguments>, item: &Item) -> Query<'q, Any, AnyArguments> {
    let time = |t: Option<Time>| t.map(format_time);
    query = query
        .bind(item.kind.as_str())
        .bind(item.title.clone())
        .bind(item.notes.clone())
        .bind(item.category.as_str())
        .bind(serde_json::to_string(&item.tags).expect("strings serialise"))
        .bind(item.status.as_str())
        .bind(item.money.map(|m| m.amount_minor))
        .bind(item.money.map(|m| m.currency.code().to_string()))
        .bind(item.payee.clone())
        .bind(item.due_on.to_string())
        .bind(time(item.due_time))
        .bind(item.occurrence_on.to_string())
        .bind(time(item.series_time))
        .bind(item.time_zone.clone())
        .bind(item.due_key())
        .bind(item.expires_on.map(|d| d.to_string()))
        .bind(item.recurrence.as_ref().map(ToString::to_string))
        .bind(item.repeat_from.as_str())
        .bind(item.series_start.to_string())
        .bind(item.occurrences_done)
        .bind(item.source_document_id.clone())
        .bind(item.source_changed_at)
        .bind(i64::from(item.document_lost))
        .bind(item.deleted_at)
        .bind(item.updated_at);
    query
}

const MUTABLE: [&str; 25] = [
    "kind",
    "title",
    "notes",
    "category",
    "tags",
    "status",
    "amount_minor",
    "currency",
    "payee",
    "due_on",
    "due_time",
    "occurrence_on",
    "series_time",
    "time_zone",
    "due_key",
    "expires_on",
    "recurrence",
    "repeat_from",
    "series_start",
    "occurrences_done",
    "source_document_id",
    "source_changed_at",
    "document_lost",
    "deleted_at",
    "updated_at",
];

pub async fn insert(conn: &mut AnyConnection, item: &Item) -> sqlx::Result<()> {
    let placeholders: Vec<String> = (4..4 + MUTABLE.len()).map(|n| format!("${n}")).collect();
    let sql = format!(
        "INSERT INTO items (id, user_id, created_at, {}) VALUES ($1, $2, $3, {})",
        MUTABLE.join(", "),
        placeholders.join(", ")
    );
    let query = sqlx::query(AssertSqlSafe(sql))
        .bind(item.id.clone())
        .bind(item.user_id.clone())
        .bind(item.created_at);
    bind_mutable(query, item).execute(conn).await?;
    Ok(())
}

/// Writes every mutable column of `item` (its owner's row).
pub async fn update(conn: &mut AnyConnection, item: &Item) -> sqlx::Result<()> {
    let sets: Vec<String> = MUTABLE
        .iter()
        .enumerate()
        .map(|(i, column)| format!("{column} = ${}", i + 3))
        .collect();
    let sql = format!(
        "UPDATE items SET {} WHERE id = $1 AND user_id = $2",
        sets.join(", ")
    );
    let query = sqlx::query(AssertSqlSafe(sql))
        .bind(item.id.clone())
        .bind(item.user_id.clone());
    bind_mutable(query, item).execute(conn).await?;
    Ok(())
}

/// The item `id` if `user_id` owns it, in the trash or not.
pub async fn find_owned<'e>(
    db: impl Executor<'e, Database = Any>,
    user_id: &str,
    id: &str,
) -> sqlx::Result<Option<Item>> {
    let sql = format!("SELECT {COLUMNS} FROM items WHERE id = $1 AND user_id = $2");
    sqlx::query(AssertSqlSafe(sql))
        .bind(id)
        .bind(user_id)
        .fetch_optional(db)
        .await?
        .as_ref()
        .map(from_row)
        .transpose()
}

/// The item `id` if `user_id` owns it, held for this transaction (`lock`:
/// [`Db::for_update`](crate::platform::db::Db::for_update)) so concurrent changes of one
/// item apply one after the other.
pub async fn owned_for_change(
    conn: &mut AnyConnection,
    user_id: &str,
    id: &str,
    lock: &str,
) -> sqlx::Result<Option<Item>> {
    let sql = format!("SELECT {COLUMNS} FROM items WHERE id = $1 AND user_id = $2 {lock}");
    sqlx::query(AssertSqlSafe(sql))
        .bind(id)
        .bind(user_id)
        .fetch_optional(conn)
        .await?
        .as_ref()
        .map(from_row)
        .transpose()
}

/// Any user's item, for jobs.
pub async fn find<'e>(db: impl Executor<'e, Database = Any>, id: &str) -> sqlx::Result<Option<Item>> {
    let sql = format!("SELECT {COLUMNS} FROM items WHERE id = $1");
    sqlx::query(AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(db)
        .await?
        .as_ref()
        .map(from_row)
        .transpose()
}

/// The item made from vault document `document_id`, if any, held as `lock` says.
pub async fn find_by_source(conn: &mut AnyConnection, document_id: &str, lock: &str) -> sqlx::Result<Option<Item>> {
    let sql = format!("SELECT {COLUMNS} FROM items WHERE source_document_id = $1 {lock}");
    sqlx::query(AssertSqlSafe(sql))
        .bind(document_id)
        .fetch_optional(conn)
        .await?
        .as_ref()
        .map(from_row)
        .transpose()
}

/// Every item of `user_id` out of the trash (held as `lock` says), for plans that follow
/// the user and the calendar feed.
pub async fn of_user<'e>(
    db: impl Executor<'e, Database = Any>,
    user_id: &str,
    lock: &str,
) -> sqlx::Result<Vec<Item>> {
    let sql = format!("SELECT {COLUMNS} FROM items WHERE user_id = $1 AND deleted_at IS NULL {lock}");
    sqlx::query(AssertSqlSafe(sql))
        .bind(user_id)
        .fetch_all(db)
        .await?
        .iter()
        .map(from_row)
        .collect()
}

/// What a list asks for; every filter is optional.
#[derive(Debug, Default)]
pub struct Filter<'a> {
    pub status: Option<Status>,
    pub kind: Option<ItemKind>,
    pub category: Option<Category>,
    /// Due strictly before / after these dates.
    pub due_before: Option<Date>,
    pub due_after: Option<Date>,
    /// Open items due before `today` (true) or not (false).
    pub overdue: Option<bool>,
    pub today: Option<Date>,
    /// Words in the title or notes, case-insensitive.
    pub text: Option<&'a str>,
    /// After this `(due_key, id)` (the cursor).
    pub after: Option<(String, String)>,
}

/// Up to `limit` of the user's items out of the trash matching `filter`, by due date.
pub async fn list<'e>(
    db: impl Executor<'e, Database = Any>,
    user_id: &str,
    filter: &Filter<'_>,
    limit: i64,
) -> sqlx::Result<Vec<Item>> {
    let mut sql = format!("SELECT {COLUMNS} FROM items WHERE user_id = $1 AND deleted_at IS NULL");
    let mut binds: Vec<String> = vec![user_id.to_string()];
    let mut bind = |value: String| {
        binds.push(value);
        format!("${}", binds.len())
    };
    if let Some(status) = filter.status {
        sql += &format!(" AND status = {}", bind(status.as_str().into()));
    }
    if let Some(kind) = filter.kind {
        sql += &format!(" AND kind = {}", bind(kind.as_str().into()));
    }
    if let Some(category) = filter.category {
        sql += &format!(" AND category = {}", bind(category.as_str().into()));
    }
    if let Some(date) = filter.due_before {
        sql += &format!(" AND due_on < {}", bind(date.to_string()));
    }
    if let Some(date) = filter.due_after {
        sql += &format!(" AND due_on > {}", bind(date.to_string()));
    }
    if let (Some(overdue), Some(today)) = (filter.overdue, filter.today) {
        let today = bind(today.to_string());
        sql += &if overdue {
            format!(" AND status = 'open' AND due_on < {today}")
        } else {
            format!(" AND NOT (status = 'open' AND due_on < {today})")
        };
    }
    if let Some(text) = filter.text {
        let pattern = bind(like_pattern(text));
        sql += &format!(
            " AND (LOWER(title) LIKE {pattern} ESCAPE '\\' OR LOWER(COALESCE(notes, '')) LIKE {pattern} ESCAPE '\\')"
        );
    }
    if let Some((key, id)) = &filter.after {
        let (key, id) = (bind(key.clone()), bind(id.clone()));
        sql += &format!(" AND (due_key > {key} OR (due_key = {key} AND id > {id}))");
    }
    sql += &format!(" ORDER BY due_key, id LIMIT {limit}");
    let mut query = sqlx::query(AssertSqlSafe(sql));
    for value in binds {
        query = query.bind(value);
    }
    query.fetch_all(db).await?.iter().map(from_row).collect()
}

/// `%text%` for LIKE, lower-cased, with LIKE's own characters escaped.
fn like_pattern(text: &str) -> String {
    let escaped = text
        .to_lowercase()
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

/// Up to `limit` of the user's items in the trash, most recently deleted first, before
/// `before` (`(deleted_at, id)`, the cursor).
pub async fn trash<'e>(
    db: impl Executor<'e, Database = Any>,
    user_id: &str,
    before: Option<(i64, String)>,
    limit: i64,
) -> sqlx::Result<Vec<Item>> {
    let mut sql = format!("SELECT {COLUMNS} FROM items WHERE user_id = $1 AND deleted_at IS NOT NULL");
    if before.is_some() {
        sql += " AND (deleted_at < $2 OR (deleted_at = $2 AND id < $3))";
    }
    sql += &format!(" ORDER BY deleted_at DESC, id DESC LIMIT {limit}");
    let mut query = sqlx::query(AssertSqlSafe(sql)).bind(user_id);
    if let Some((at, id)) = before {
        query = query.bind(at).bind(id);
    }
    query.fetch_all(db).await?.iter().map(from_row).collect()
}

/// Deletes what has been in the trash since before `before`; answers how many.
pub async fn purge_trash(conn: &mut AnyConnection, before: i64) -> sqlx::Result<u64> {
    Ok(sqlx::query("DELETE FROM items WHERE deleted_at IS NOT NULL AND deleted_at < $1")
        .bind(before)
        .execute(conn)
        .await?
        .rows_affected())
}

pub async fn delete_all_of_user(conn: &mut AnyConnection, user_id: &str) -> sqlx::Result<u64> {
    Ok(sqlx::query("DELETE FROM items WHERE user_id = $1")
        .bind(user_id)
        .execute(conn)
        .await?
        .rows_affected())
}

/// The items made from or linking `document_id` lose it: links go, the items stay,
/// marked. Answers the ids of the items that lost it.
pub async fn lose_document(conn: &mut AnyConnection, document_id: &str, now: i64) -> sqlx::Result<Vec<String>> {
    let ids: Vec<String> = sqlx::query(
        "SELECT id FROM items WHERE source_document_id = $1
         UNION SELECT item_id FROM item_documents WHERE document_id = $1",
    )
    .bind(document_id)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|row| row.try_get(0))
    .collect::<sqlx::Result<_>>()?;
    for id in &ids {
        // The source stays named: a late delivery about the document finds the item
        // and leaves it alone.
        sqlx::query("UPDATE items SET document_lost = 1, updated_at = $2 WHERE id = $1")
            .bind(id)
            .bind(now)
            .execute(&mut *conn)
            .await?;
    }
    sqlx::query("DELETE FROM item_documents WHERE document_id = $1")
        .bind(document_id)
        .execute(conn)
        .await?;
    Ok(ids)
}
