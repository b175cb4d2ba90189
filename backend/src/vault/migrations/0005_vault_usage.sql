-- The vault keeps what each user stores in its own table: one row per user, made on the
-- first upload. The reservation stays one conditional UPDATE, so concurrent uploads
-- still cannot together pass the quota.
--
-- Expand, not contract: users.storage_used_bytes and users.storage_quota_bytes are
-- copied here and no longer written; the release after this one drops them (the
-- previous image still reads them during a rolling deploy).
--
-- Documents and uploads stop referencing users: accounts owns that table, and a deleted
-- user's documents are removed by the vault when the accounts.user_deleted event
-- reaches it (their objects with them), not by a cascade that would lose the object
-- keys. Tables are rebuilt (both engines) because SQLite cannot drop a constraint.

CREATE TABLE vault_usage (
    user_id TEXT PRIMARY KEY,
    used_bytes BIGINT NOT NULL DEFAULT 0,
    -- NULL: the configured default (VAULT_QUOTA_BYTES).
    quota_bytes BIGINT
);

INSERT INTO vault_usage (user_id, used_bytes, quota_bytes)
SELECT id, storage_used_bytes, storage_quota_bytes FROM users
WHERE storage_used_bytes <> 0 OR storage_quota_bytes IS NOT NULL;

CREATE TABLE vault_documents (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL,
    title TEXT NOT NULL,
    kind TEXT NOT NULL,
    issued_on TEXT,
    expires_on TEXT,
    notes TEXT,
    filename TEXT NOT NULL,
    content_type TEXT NOT NULL,
    byte_size BIGINT NOT NULL,
    checksum_sha256 TEXT NOT NULL,
    status TEXT NOT NULL,
    failure_reason TEXT,
    width BIGINT,
    height BIGINT,
    object_key TEXT NOT NULL,
    thumbnail_key TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

INSERT INTO vault_documents
SELECT id, user_id, title, kind, issued_on, expires_on, notes, filename, content_type, byte_size,
       checksum_sha256, status, failure_reason, width, height, object_key, thumbnail_key,
       created_at, updated_at
FROM documents;

DROP TABLE documents;
ALTER TABLE vault_documents RENAME TO documents;
CREATE INDEX documents_by_user ON documents (user_id, id);

CREATE TABLE vault_uploads (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL,
    object_key TEXT NOT NULL,
    filename TEXT NOT NULL,
    byte_size BIGINT NOT NULL,
    checksum_sha256 TEXT NOT NULL,
    content_type TEXT NOT NULL,
    expires_at BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);

INSERT INTO vault_uploads
SELECT id, user_id, object_key, filename, byte_size, checksum_sha256, content_type, expires_at, created_at
FROM uploads;

DROP TABLE uploads;
ALTER TABLE vault_uploads RENAME TO uploads;
CREATE INDEX uploads_by_user ON uploads (user_id);
CREATE INDEX uploads_by_expiry ON uploads (expires_at);
