//! Durable background jobs in a table of the application's own database.
//!
//! A job is enqueued inside the transaction of the change that causes it, so it exists
//! exactly when that change does. Workers claim jobs with a lease (`FOR UPDATE SKIP
//! LOCKED` on PostgreSQL), retry failures with exponential backoff and mark a job dead
//! after its last attempt. Delivery is at least once: handlers must be idempotent, and
//! each receives the job id as its idempotency key.
//!
//! [`JobQueue::wake`] after a commit wakes this process's idle workers and, when Redis
//! is configured, every other process's through [`dispatch`]; the database stays the
//! record of truth either way.

pub mod admin;
pub mod dispatch;
mod queue;
mod registry;
mod report;
mod worker;

pub(crate) use queue::insert;
pub use queue::{ClaimedJob, JobQueue, ROWS_PER_INSERT, enqueue, enqueue_many};
pub(crate) use registry::ErasedHandler;
pub use registry::{Job, JobHandler, JobRegistry};
pub use report::spawn_queue_report;
pub use worker::{WorkerPool, spawn_workers};
