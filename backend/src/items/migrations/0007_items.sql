-- Items and reminders: what Softly remembers for each user, when each reminder is next
-- due (one indexed column: finding what to send is one query), what happened to each
-- occurrence, and each user's reminder settings. Portable SQL, as before: TEXT ids, civil
-- dates as YYYY-MM-DD and times as HH:MM, BIGINT milliseconds and flags. No table
-- references another capability's: a deleted user's items go when accounts.user_deleted
-- reaches the items capability.

CREATE TABLE items (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    notes TEXT,
    category TEXT NOT NULL,
    -- A JSON array of strings.
    tags TEXT NOT NULL,
    -- open, done or archived.
    status TEXT NOT NULL,
    amount_minor BIGINT,
    currency TEXT,
    payee TEXT,
    -- The current occurrence: when it is due (moved, perhaps, on its own)...
    due_on TEXT NOT NULL,
    due_time TEXT,
    -- ...and where the series puts it: the series goes on from here.
    occurrence_on TEXT NOT NULL,
    series_time TEXT,
    -- IANA zone of a fixed item; NULL: floating, it follows the user's current zone.
    time_zone TEXT,
    -- due_on, then ' HH:MM' when it has a time: the order lists are sorted in.
    due_key TEXT NOT NULL,
    expires_on TEXT,
    -- The RRULE (Softly's subset), or NULL for a one-off.
    recurrence TEXT,
    -- schedule or completion.
    repeat_from TEXT NOT NULL,
    -- The series' first occurrence (RFC 5545's DTSTART).
    series_start TEXT NOT NULL,
    -- Occurrences completed or skipped: COUNT for repeats counted from completion.
    occurrences_done BIGINT NOT NULL DEFAULT 0,
    -- The vault document this expiry item was made from.
    source_document_id TEXT,
    -- When the document's details last applied were changed (events arrive in any order).
    source_changed_at BIGINT,
    -- 1 once a linked document was deleted.
    document_lost BIGINT NOT NULL DEFAULT 0,
    -- In the trash since; purged 30 days later.
    deleted_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE INDEX items_by_status_due ON items (user_id, status, due_key, id) WHERE deleted_at IS NULL;
CREATE INDEX items_by_due ON items (user_id, due_key, id) WHERE deleted_at IS NULL;
CREATE INDEX items_in_trash ON items (user_id, deleted_at) WHERE deleted_at IS NOT NULL;
CREATE INDEX items_trash_age ON items (deleted_at) WHERE deleted_at IS NOT NULL;
CREATE UNIQUE INDEX items_by_source_document ON items (source_document_id) WHERE source_document_id IS NOT NULL;

-- Documents of the vault an item links (by id: the vault's tables stay its own).
CREATE TABLE item_documents (
    item_id TEXT NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    document_id TEXT NOT NULL,
    position BIGINT NOT NULL,
    PRIMARY KEY (item_id, document_id)
);

CREATE INDEX item_documents_by_document ON item_documents (document_id);

CREATE TABLE item_reminders (
    id TEXT PRIMARY KEY,
    item_id TEXT NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    user_id TEXT NOT NULL,
    -- offset (value + unit before the due moment), at (an instant) or snooze (an instant
    -- for the current occurrence only, gone when it is).
    kind TEXT NOT NULL,
    offset_value BIGINT,
    offset_unit TEXT,
    at_ms BIGINT,
    position BIGINT NOT NULL,
    -- The occurrence (its due_on) next_fire_at was planned for.
    planned_for TEXT,
    -- When to send it; NULL: nothing to send for the current occurrence.
    next_fire_at BIGINT,
    -- 1: goes into the user's daily digest.
    digest BIGINT NOT NULL DEFAULT 0,
    -- The occurrence (its due_on) it was last handed to delivery for.
    fired_for TEXT
);

CREATE INDEX item_reminders_by_item ON item_reminders (item_id, position);
CREATE INDEX item_reminders_due ON item_reminders (next_fire_at) WHERE next_fire_at IS NOT NULL;

-- What happened to each occurrence: completed, skipped, moved, snoozed, reminded.
CREATE TABLE item_history (
    id TEXT PRIMARY KEY,
    item_id TEXT NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    action TEXT NOT NULL,
    occurrence_on TEXT NOT NULL,
    due_on TEXT NOT NULL,
    done_on TEXT,
    -- What the action changed: the new date of a move, the end of a snooze.
    detail TEXT,
    at BIGINT NOT NULL
);

CREATE INDEX item_history_by_item ON item_history (item_id, id);

-- Reminder emails handed to the mailer, one per reminder and occurrence: a retried
-- delivery finds its row and sends nothing again.
CREATE TABLE reminder_sends (
    reminder_id TEXT NOT NULL,
    due_on TEXT NOT NULL,
    user_id TEXT NOT NULL,
    sent_at BIGINT NOT NULL,
    PRIMARY KEY (reminder_id, due_on)
);

CREATE INDEX reminder_sends_by_age ON reminder_sends (sent_at);
CREATE INDEX reminder_sends_by_user ON reminder_sends (user_id);

-- Each user's reminder settings; no row: the defaults.
CREATE TABLE item_settings (
    user_id TEXT PRIMARY KEY,
    -- HH:MM: when date-only items are reminded (and digests sent), in the user's zone.
    reminder_time TEXT NOT NULL,
    -- single or digest.
    delivery TEXT NOT NULL,
    -- JSON: kind -> [{value, unit} | {at}], replacing the built-in defaults; NULL: none.
    default_reminders TEXT,
    -- 1: documents with an expiry date make expiry items.
    document_expiries BIGINT NOT NULL,
    -- Signed into the calendar feed's address; rotating it revokes the old address. NULL:
    -- no feed.
    calendar_nonce TEXT,
    updated_at BIGINT NOT NULL
);
