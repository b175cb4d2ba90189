-- Captures: what a person said or typed, its transcript and the items it proposes until
-- they accept or discard them; and what each call to a provider cost, per user and per
-- capture (kept when a capture is discarded: it is what the month's limits count). No
-- table references another capability's: a deleted user's rows go when
-- accounts.user_deleted reaches capture.

CREATE TABLE captures (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL,
    -- audio or text.
    source TEXT NOT NULL,
    -- processing, ready, failed or accepted.
    status TEXT NOT NULL,
    -- Why it failed, in words the person can read.
    failure_reason TEXT,
    -- The audio, kept only until it is transcribed: its object key and container.
    audio_key TEXT,
    audio_type TEXT,
    audio_bytes BIGINT,
    -- The audio's length: from its container when it says, else as transcription measured it.
    audio_ms BIGINT,
    transcript TEXT,
    -- A JSON array of proposals; NULL until extracted.
    proposals TEXT,
    -- claude or local: what read the text.
    extractor TEXT,
    -- A JSON array of the ids of the items accepted from it.
    item_ids TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE INDEX captures_by_user ON captures (user_id, created_at);

CREATE TABLE capture_usage (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL,
    capture_id TEXT NOT NULL,
    -- transcription or extraction: each capture's call of each kind is counted once,
    -- however often a job runs.
    call TEXT NOT NULL,
    provider TEXT NOT NULL,
    model TEXT NOT NULL,
    audio_ms BIGINT NOT NULL DEFAULT 0,
    input_tokens BIGINT NOT NULL DEFAULT 0,
    output_tokens BIGINT NOT NULL DEFAULT 0,
    -- The calendar month (UTC) it counts against, YYYY-MM.
    month TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (capture_id, call)
);

CREATE INDEX capture_usage_by_user_month ON capture_usage (user_id, month);
CREATE INDEX capture_usage_by_month ON capture_usage (month);
