//! A user's document's file, read for another capability (capture sends it to be read,
//! when the user asked for that): the vault stays the only one that knows its keys.

use bytes::{Bytes, BytesMut};
use futures_util::StreamExt;

use super::keys;
use super::store::documents;
use crate::platform::db::Db;
use crate::platform::storage::ObjectStore;

/// A document's original file.
#[derive(Debug, Clone)]
pub struct DocumentFile {
    /// The sniffed media type, e.g. `application/pdf`.
    pub content_type: String,
    pub bytes: Bytes,
    /// When it was stored (ms).
    pub created_at: i64,
}

/// Why there is no file to read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("no such document of the user's")]
    NotFound,
    #[error("the file is {0} bytes, more than may be read")]
    TooLarge(i64),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

#[derive(Clone)]
pub struct DocumentReader {
    db: Db,
    store: std::sync::Arc<dyn ObjectStore>,
}

impl DocumentReader {
    pub(super) fn new(db: Db, store: std::sync::Arc<dyn ObjectStore>) -> Self {
        Self { db, store }
    }

    /// The media type and stored time of `user_id`'s document, without its bytes.
    pub async fn describe(&self, user_id: &str, document_id: &str) -> Result<(String, i64), ReadError> {
        let document = documents::find_owned(self.db.pool(), user_id, document_id)
            .await
            .map_err(anyhow::Error::from)?
            .ok_or(ReadError::NotFound)?;
        Ok((document.content_type, document.created_at))
    }

    /// `user_id`'s document's file, whole, if it is at most `max_bytes`.
    pub async fn read(&self, user_id: &str, document_id: &str, max_bytes: u64) -> Result<DocumentFile, ReadError> {
        let document = documents::find_owned(self.db.pool(), user_id, document_id)
            .await
            .map_err(anyhow::Error::from)?
            .ok_or(ReadError::NotFound)?;
        if document.byte_size as u64 > max_bytes {
            return Err(ReadError::TooLarge(document.byte_size));
        }
        let key = keys::stored(&document.object_key)?;
        let object = self.store.get(&key).await?.ok_or(ReadError::NotFound)?;
        let mut body = object.body;
        let mut bytes = BytesMut::with_capacity(document.byte_size as usize);
        while let Some(chunk) = body.next().await {
            bytes.extend_from_slice(&chunk.map_err(anyhow::Error::from)?);
            if bytes.len() as u64 > max_bytes {
                return Err(ReadError::TooLarge(bytes.len() as i64));
            }
        }
        Ok(DocumentFile {
            content_type: document.content_type,
            bytes: bytes.freeze(),
            created_at: document.created_at,
        })
    }
}
