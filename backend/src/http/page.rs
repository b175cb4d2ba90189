//! Pages of lists, alike for every capability: the `limit` parameter (1 to 100) and
//! cursors — opaque to clients, URL-safe base64 of the fields a page ends on.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use super::ApiError;
use crate::codes;

pub const MAX_LIMIT: i64 = 100;

/// The `limit` parameter, `default` when absent.
pub fn limit(raw: Option<&str>, default: i64) -> Result<i64, ApiError> {
    match raw {
        None => Ok(default),
        Some(raw) => raw
            .parse::<i64>()
            .ok()
            .filter(|n| (1..=MAX_LIMIT).contains(n))
            .ok_or_else(|| ApiError::invalid("limit", codes::INVALID_LIMIT, "Use a limit from 1 to 100.")),
    }
}

/// The cursor of a page ending on `fields`.
pub fn cursor(fields: &[&str]) -> String {
    URL_SAFE_NO_PAD.encode(fields.join("\0"))
}

/// The `fields` fields of a cursor this API wrote; a 422 naming `cursor` otherwise.
pub fn read_cursor(raw: &str, fields: usize) -> Result<Vec<String>, ApiError> {
    URL_SAFE_NO_PAD
        .decode(raw)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .map(|text| text.split('\0').map(str::to_string).collect::<Vec<_>>())
        .filter(|read| read.len() == fields)
        .ok_or_else(bad_cursor)
}

/// The 422 for a cursor that was not passed back unchanged.
pub fn bad_cursor() -> ApiError {
    ApiError::invalid(
        "cursor",
        codes::INVALID_CURSOR,
        "Pass back a next_cursor unchanged.",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_reads_back_as_its_fields_and_nothing_else_does() {
        let written = cursor(&["2027-01-01 09:00", "id-1"]);
        assert_eq!(read_cursor(&written, 2).unwrap(), ["2027-01-01 09:00", "id-1"]);
        assert!(read_cursor(&written, 1).is_err());
        assert!(read_cursor("not base64!", 1).is_err());
        assert_eq!(limit(None, 25).unwrap(), 25);
        assert_eq!(limit(Some("100"), 25).unwrap(), 100);
        for bad in ["0", "101", "ten", "-1"] {
            assert!(limit(Some(bad), 25).is_err(), "{bad}");
        }
    }
}
