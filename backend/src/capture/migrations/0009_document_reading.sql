-- Reading documents: each user's choice whether documents may be sent to a model (off
-- until they turn it on; when they did, so documents kept before are never sent in the
-- background), and what a reading of a document suggests until the person accepts or
-- dismisses it.

CREATE TABLE capture_settings (
    user_id TEXT PRIMARY KEY,
    ai_document_reading BIGINT NOT NULL DEFAULT 0,
    -- When it was last turned on (ms); documents stored before are read only on request.
    ai_document_reading_since BIGINT,
    updated_at BIGINT NOT NULL
);

CREATE TABLE document_suggestions (
    -- The vault document read (the vault's id; not a foreign key: the vault's table).
    document_id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL,
    -- reading, ready, failed or accepted.
    status TEXT NOT NULL,
    -- claude or local.
    reader TEXT NOT NULL,
    -- A JSON object of suggested fields, once read.
    fields TEXT,
    failure_reason TEXT,
    -- Each reading's own id: its cost is counted once under it.
    read_id TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE INDEX document_suggestions_by_user ON document_suggestions (user_id);
