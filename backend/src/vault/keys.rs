//! Object keys are the server's: `documents/<user id>/<document id>/…`. A document's
//! objects share one prefix, so nothing a user names reaches a path or a key.

use crate::platform::storage::ObjectKey;

pub fn original(user_id: &str, document_id: &str) -> ObjectKey {
    parse(format!("documents/{user_id}/{document_id}/original"))
}

pub fn thumbnail(user_id: &str, document_id: &str) -> ObjectKey {
    parse(format!("documents/{user_id}/{document_id}/thumbnail.jpg"))
}

/// A key read back from the database, written there by this module.
pub fn stored(raw: &str) -> anyhow::Result<ObjectKey> {
    Ok(ObjectKey::parse(raw)?)
}

fn parse(raw: String) -> ObjectKey {
    // Ids are UUIDs the server generated: lower-case hex and hyphens.
    ObjectKey::parse(&raw).expect("keys built from UUIDs are valid")
}

#[cfg(test)]
mod tests {
    #[test]
    fn keys_share_the_document_prefix() {
        let (user, doc) = (uuid::Uuid::now_v7().to_string(), uuid::Uuid::now_v7().to_string());
        let original = super::original(&user, &doc);
        let thumbnail = super::thumbnail(&user, &doc);
        let prefix = format!("documents/{user}/{doc}/");
        assert!(original.as_str().starts_with(&prefix));
        assert!(thumbnail.as_str().starts_with(&prefix));
    }
}
