-- Plans: which RevenueCat entitlements each user holds (a user's plan follows from them
-- at the time of asking, so an expiry needs no job), and every webhook event received,
-- kept by its id so a retried delivery changes nothing.

CREATE TABLE plan_entitlements (
    user_id TEXT NOT NULL,
    entitlement_id TEXT NOT NULL,
    -- When it lapses (ms); NULL: it does not (a lifetime purchase).
    expires_at BIGINT,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, entitlement_id)
);

CREATE TABLE plan_subscribers (
    user_id TEXT PRIMARY KEY,
    -- The newest event (event_timestamp_ms) or read-back (request_date_ms) applied: an
    -- older event arriving later is recorded, not applied.
    as_of BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE revenuecat_events (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    -- The user it is about (TRANSFER: the user it moved to), if any.
    user_id TEXT,
    event_at BIGINT NOT NULL,
    -- applied, stale (older than what was applied; read back instead), ignored (a type
    -- that changes nothing), or unknown (a type this version does not know).
    outcome TEXT NOT NULL,
    body TEXT NOT NULL,
    received_at BIGINT NOT NULL
);
