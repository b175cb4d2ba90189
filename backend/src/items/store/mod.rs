//! The items capability's SQL: its tables only, in the SQL both engines share.

pub mod history;
pub mod items;
pub mod links;
pub mod reminders;
pub mod sends;
pub mod settings;

use jiff::civil::{Date, Time};
use sqlx::Row;
use sqlx::any::AnyRow;

/// A stored value that does not read back: the row is refused, not guessed at.
fn undecodable(column: &str, raw: &str) -> sqlx::Error {
    sqlx::Error::ColumnDecode {
        index: column.to_string(),
        source: format!("{raw:?} is not a valid value").into(),
    }
}

/// A `YYYY-MM-DD` column.
fn stored_date(row: &AnyRow, column: &str) -> sqlx::Result<Date> {
    let raw: String = row.try_get(column)?;
    raw.parse().map_err(|_| undecodable(column, &raw))
}

/// A `YYYY-MM-DD` column that may be NULL.
fn stored_optional_date(row: &AnyRow, column: &str) -> sqlx::Result<Option<Date>> {
    row.try_get::<Option<String>, _>(column)?
        .map(|raw| raw.parse().map_err(|_| undecodable(column, &raw)))
        .transpose()
}

/// An `HH:MM` column that may be NULL.
fn stored_time(row: &AnyRow, column: &str) -> sqlx::Result<Option<Time>> {
    row.try_get::<Option<String>, _>(column)?
        .map(|raw| Time::strptime("%H:%M", &raw).map_err(|_| undecodable(column, &raw)))
        .transpose()
}

/// Values in one `IN (…)` list at most: far below either engine's limit on parameters.
const IN_LIST: usize = 1000;

/// `$first, $first+1, …` for `n` values.
fn placeholders(first: usize, n: usize) -> String {
    (first..first + n).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ")
}
