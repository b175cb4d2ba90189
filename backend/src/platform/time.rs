//! Timestamps are stored as milliseconds since the Unix epoch (`BIGINT`), the one
//! representation both SQLite and PostgreSQL hold and compare natively. What time it
//! is comes from the [`Clock`](super::clock::Clock).

/// RFC 3339 in UTC, as every API response renders instants.
pub fn rfc3339(ms: i64) -> String {
    jiff::Timestamp::from_millisecond(ms)
        .map(|t| t.to_string())
        .unwrap_or_default()
}

pub const SECOND_MS: i64 = 1000;
pub const MINUTE_MS: i64 = 60 * SECOND_MS;
pub const HOUR_MS: i64 = 60 * MINUTE_MS;
pub const DAY_MS: i64 = 24 * HOUR_MS;
