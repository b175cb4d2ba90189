//! Calendar values every capability reads the same way: civil dates as `YYYY-MM-DD` and
//! IANA time zone names, both checked against jiff (and its bundled tz database).

use jiff::civil::Date;

use crate::codes;
use crate::invalid::Invalid;

pub fn parse_date(field: &'static str, raw: &str) -> Result<Date, Invalid> {
    let raw = raw.trim();
    // Exactly YYYY-MM-DD: jiff alone would also accept other ISO 8601 shapes.
    let shaped = raw.len() == 10 && raw.as_bytes()[4] == b'-' && raw.as_bytes()[7] == b'-';
    raw.parse::<Date>()
        .ok()
        .filter(|_| shaped)
        .ok_or_else(|| Invalid::new(field, codes::INVALID_DATE, "Use a calendar date as YYYY-MM-DD."))
}

/// An IANA time zone name known to the bundled tz database, e.g. `Europe/London`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimeZoneName(String);

impl TimeZoneName {
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let name = raw.trim();
        if name.is_empty() || name.len() > 64 || jiff::tz::TimeZone::get(name).is_err() {
            return Err(Invalid::new(
                "time_zone",
                codes::INVALID_TIME_ZONE,
                "Use an IANA time zone name such as Europe/London.",
            ));
        }
        Ok(Self(name.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iana_names_pass_and_others_do_not() {
        assert!(TimeZoneName::parse("Europe/London").is_ok());
        assert!(TimeZoneName::parse("UTC").is_ok());
        assert!(TimeZoneName::parse("Mars/Olympus").is_err());
        assert!(TimeZoneName::parse("").is_err());
    }
}
