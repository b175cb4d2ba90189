-- A direct upload reserves its announced size against the quota when it is announced,
-- not when it completes: announced slots can no longer hold more than the quota allows.
-- The amount reserved stays on the row: completion hands it to the document, a refusal
-- or expiry gives it back. Uploads announced before this migration reserved nothing (0):
-- their completion reserves, as it did before.
ALTER TABLE uploads ADD COLUMN reserved_bytes BIGINT NOT NULL DEFAULT 0;
