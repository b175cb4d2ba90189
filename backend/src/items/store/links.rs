//! The `item_documents` table: which vault documents an item links, by id.

use sqlx::{Any, AnyConnection, AssertSqlSafe, Executor, Row};

use super::{IN_LIST, placeholders};

/// Makes `document_ids` (in this order) the documents `item_id` links.
pub async fn set(conn: &mut AnyConnection, item_id: &str, document_ids: &[String]) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM item_documents WHERE item_id = $1")
        .bind(item_id)
        .execute(&mut *conn)
        .await?;
    for (position, document_id) in document_ids.iter().enumerate() {
        sqlx::query("INSERT INTO item_documents (item_id, document_id, position) VALUES ($1, $2, $3)")
            .bind(item_id)
            .bind(document_id)
            .bind(position as i64)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// The documents `item_id` links, in order.
pub async fn of_item<'e>(db: impl Executor<'e, Database = Any>, item_id: &str) -> sqlx::Result<Vec<String>> {
    sqlx::query("SELECT document_id FROM item_documents WHERE item_id = $1 ORDER BY position")
        .bind(item_id)
        .fetch_all(db)
        .await?
        .iter()
        .map(|row| row.try_get(0))
        .collect()
}

/// `(item_id, document_id)` for every link of `item_ids`, in order per item.
pub async fn of_items(db: &mut AnyConnection, item_ids: &[String]) -> sqlx::Result<Vec<(String, String)>> {
    let mut found = Vec::new();
    for chunk in item_ids.chunks(IN_LIST) {
        let sql = format!(
            "SELECT item_id, document_id FROM item_documents WHERE item_id IN ({}) ORDER BY item_id, position",
            placeholders(1, chunk.len())
        );
        let mut query = sqlx::query(AssertSqlSafe(sql));
        for id in chunk {
            query = query.bind(id);
        }
        for row in query.fetch_all(&mut *db).await? {
            found.push((row.try_get(0)?, row.try_get(1)?));
        }
    }
    Ok(found)
}
