//! Capture's own tables: `captures` and `capture_usage`.

pub mod captures;
pub mod usage;
