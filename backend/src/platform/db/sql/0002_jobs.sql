-- Durable background jobs. A job is inserted in the same transaction as the change that
-- causes it; workers claim it with a lease, retry it with backoff, and finally mark it
-- dead (kept for operators). Finished jobs are deleted.

CREATE TABLE jobs (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    max_attempts BIGINT NOT NULL,
    run_at BIGINT NOT NULL,
    locked_by TEXT,
    locked_until BIGINT,
    last_error TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE INDEX jobs_ready ON jobs (status, run_at);
CREATE INDEX jobs_leased ON jobs (status, locked_until);
