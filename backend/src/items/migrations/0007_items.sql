-- DRAFT (issue 13): not applied yet. It becomes migration 7 when the items capability
-- is wired (listed in its CAPABILITY); until then no binary runs it.
--
-- Items and reminders: what Softly remembers for each user, when each reminder is next
-- due (one indexed column, so the sweep is one query), what was done with each
-- occurrence, and each user's reminder settings. Portable SQL, as before: TEXT ids and
-- civil dates (YYYY-MM-DD), BIGINT milliseconds and flags.

CREATE TABLE items (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
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
    -- The current occurrence: the date it is due (possibly moved by the user) and the
    -- date the rule gave it (the series continues from there).
    due_on TEXT NOT NULL,
    occurrence_on TEXT NOT NULL,
    -- HH:MM, or NULL for a date-only item (reminded at the user's time of day).
    due_time TEXT,
    -- IANA zone of a fixed item; NULL: floating, follows the user's current zone.
    time_zone TEXT,
    -- due_on, then due_time when there is one: the list's order.
    due_key TEXT NOT NULL,
    expires_on TEXT,
    -- The RRULE (our subset), or NULL for a one-off.
    recurrence TEXT,
    -- schedule or completion.
    repeat_from TEXT NOT NULL,
    -- Occurrences completed or skipped: COUNT for completion-based repeats.
    occurrences_done BIGINT NOT NULL DEFAULT 0,
    -- The vault document this expiry item was made from, while it exists.
    source_document_id TEXT,
    -- When the document's details were last applied (events may arrive out of order).
    source_changed_at BIGINT,
    -- 1 once a linked document was deleted.
    document_lost BIGINT NOT NULL DEFAULT 0,
    -- In the trash since; purged 30 days later.
    deleted_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE INDEX items_by_user_status_due ON items (user_id, status, due_key, id);
CREATE INDEX items_by_user_due ON items (user_id, due_key, id);
CREATE UNIQUE INDEX items_by_source_document ON items (source_document_id);
CREATE INDEX items_in_trash ON items (deleted_at) WHERE deleted_at IS NOT NULL;

CREATE TABLE item_documents (
    item_id TEXT NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    document_id TEXT NOT NULL,
    PRIMARY KEY (item_id, document_id)
);

CREATE INDEX item_documents_by_document ON item_documents (document_id);

CREATE TABLE item_reminders (
    id TEXT PRIMARY KEY,
    item_id TEXT NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    user_id TEXT NOT NULL,
    -- offset (value + unit before the due moment), at (an instant) or snooze (an
    -- instant set from an email, for the current occurrence only).
    kind TEXT NOT NULL,
    offset_value BIGINT,
    offset_unit TEXT,
    at_ms BIGINT,
    position BIGINT NOT NULL,
    -- When it is next due to be sent; NULL: nothing to send for the current occurrence.
    next_fire_at BIGINT,
    -- The occurrence (its occurrence_on) it was last handed to delivery for.
    fired_occurrence TEXT
);

CREATE INDEX item_reminders_by_item ON item_reminders (item_id, position);
CREATE INDEX item_reminders_due ON item_reminders (next_fire_at) WHERE next_fire_at IS NOT NULL;

-- What happened to each occurrence: completed (done_on) or skipped.
CREATE TABLE item_history (
    id TEXT PRIMARY KEY,
    item_id TEXT NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    occurrence_on TEXT NOT NULL,
    action TEXT NOT NULL,
    done_on TEXT,
    at BIGINT NOT NULL
);

CREATE INDEX item_history_by_item ON item_history (item_id, id);

-- Reminder emails handed to the mailer, one per reminder and occurrence: a retried
-- delivery job finds its row and sends nothing again.
CREATE TABLE reminder_sends (
    reminder_id TEXT NOT NULL,
    occurrence_on TEXT NOT NULL,
    sent_at BIGINT NOT NULL,
    PRIMARY KEY (reminder_id, occurrence_on)
);

CREATE INDEX reminder_sends_by_age ON reminder_sends (sent_at);

CREATE TABLE item_settings (
    user_id TEXT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    -- HH:MM: when date-only items are reminded, in the user's zone.
    reminder_time TEXT NOT NULL,
    -- single or digest.
    delivery TEXT NOT NULL,
    -- JSON: kind -> [{value, unit}], overriding the built-in defaults; NULL: none.
    default_reminders TEXT,
    -- 1: documents with an expiry date make expiry items.
    document_expiries BIGINT NOT NULL,
    -- SHA-256 of the calendar feed's token; NULL: no feed.
    calendar_token_hash TEXT,
    updated_at BIGINT NOT NULL
);

CREATE UNIQUE INDEX item_settings_by_calendar_token ON item_settings (calendar_token_hash);
