//! The vault's tables. Every query a handler makes names the owner.

pub mod documents;
pub mod quota;
pub mod uploads;
