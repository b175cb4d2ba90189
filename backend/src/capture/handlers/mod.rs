//! Capture's routes: take a capture (audio or text), see it, accept its proposals,
//! retry it, discard it.

pub mod accept;
pub mod captures;
pub mod settings;
pub mod suggestions;
pub mod take;
