//! What other capabilities may know of a user's documents, read through this service:
//! nobody but the vault queries its tables. Items link documents and name them in
//! reminder emails.

use sqlx::AnyConnection;

use super::store::documents::{self, Document};
use crate::platform::db::Db;

/// A document as other capabilities see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentSummary {
    pub id: String,
    pub title: String,
    /// The stored kind, e.g. `passport`.
    pub kind: String,
    /// `YYYY-MM-DD`, when the document expires.
    pub expires_on: Option<String>,
}

/// Read-only lookups of documents, provided at start-up.
#[derive(Clone)]
pub struct DocumentLookup {
    db: Db,
}

impl DocumentLookup {
    pub fn new(db: Db) -> Self {
        Self { db }
    }

    /// Those of `ids` that `user_id` keeps, in the order asked; ids that are not theirs
    /// (or not documents) are left out.
    pub async fn owned(&self, user_id: &str, ids: &[String]) -> sqlx::Result<Vec<DocumentSummary>> {
        let found = documents::find_owned_many(self.db.pool(), user_id, ids).await?;
        Ok(in_order(ids, found))
    }

    /// As [`DocumentLookup::owned`], through `conn`: the caller's transaction, which must
    /// not wait for a second connection while it holds one.
    pub async fn owned_in(
        &self,
        conn: &mut AnyConnection,
        user_id: &str,
        ids: &[String],
    ) -> sqlx::Result<Vec<DocumentSummary>> {
        let found = documents::find_owned_many(conn, user_id, ids).await?;
        Ok(in_order(ids, found))
    }
}

fn in_order(ids: &[String], found: Vec<Document>) -> Vec<DocumentSummary> {
    ids.iter()
        .filter_map(|id| found.iter().find(|d| &d.id == id))
        .map(|d| DocumentSummary {
            id: d.id.clone(),
            title: d.title.clone(),
            kind: d.kind.as_str().to_string(),
            expires_on: d.expires_on.clone(),
        })
        .collect()
}
