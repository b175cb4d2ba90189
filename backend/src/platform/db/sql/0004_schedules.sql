-- Periodic tasks: when each is next due. Replicas race to move next_run_at forward with a
-- conditional UPDATE; the one that succeeds enqueues the task's job in the same transaction.

CREATE TABLE schedules (
    name TEXT PRIMARY KEY,
    next_run_at BIGINT NOT NULL,
    last_run_at BIGINT,
    last_run_by TEXT
);
