-- The document vault: each user's documents, direct uploads awaiting completion, and
-- the bytes each user keeps (the quota is reserved in the same statement that checks
-- it, so concurrent uploads cannot together pass it). Portable SQL, as before.

ALTER TABLE users ADD COLUMN storage_used_bytes BIGINT NOT NULL DEFAULT 0;
-- NULL: the configured default (VAULT_QUOTA_BYTES); later set by the subscription plan.
ALTER TABLE users ADD COLUMN storage_quota_bytes BIGINT;

CREATE TABLE documents (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    kind TEXT NOT NULL,
    -- Calendar dates as YYYY-MM-DD.
    issued_on TEXT,
    expires_on TEXT,
    notes TEXT,
    -- The name the file had on the user's device: metadata only.
    filename TEXT NOT NULL,
    -- The sniffed media type, never the declared one.
    content_type TEXT NOT NULL,
    byte_size BIGINT NOT NULL,
    -- Base64 SHA-256 of the original as uploaded.
    checksum_sha256 TEXT NOT NULL,
    -- processing, ready or failed.
    status TEXT NOT NULL,
    failure_reason TEXT,
    width BIGINT,
    height BIGINT,
    object_key TEXT NOT NULL,
    thumbnail_key TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- Newest first per user: ids are UUIDv7, ordered by creation time.
CREATE INDEX documents_by_user ON documents (user_id, id);

CREATE TABLE uploads (
    -- Becomes the document's id when the upload completes.
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    object_key TEXT NOT NULL,
    filename TEXT NOT NULL,
    byte_size BIGINT NOT NULL,
    checksum_sha256 TEXT NOT NULL,
    content_type TEXT NOT NULL,
    expires_at BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE INDEX uploads_by_user ON uploads (user_id);
