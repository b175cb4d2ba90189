//! Capture's own tables: `captures`, `capture_usage`, `capture_settings` and
//! `document_suggestions`.

pub mod captures;
pub mod settings;
pub mod suggestions;
pub mod usage;
