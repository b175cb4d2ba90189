//! Calendar values every capability reads the same way: civil dates as `YYYY-MM-DD`,
//! times of day as `HH:MM` and IANA time zone names, both checked against jiff (and its bundled tz database).

use jiff::civil::{Date, Time};

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

/// `HH:MM`, 24-hour.
pub fn parse_time(field: &'static str, raw: &str) -> Result<Time, Invalid> {
    let raw = raw.trim();
    let shaped = raw.len() == 5 && raw.as_bytes()[2] == b':';
    Time::strptime("%H:%M", raw)
        .ok()
        .filter(|_| shaped)
        .ok_or_else(|| {
            Invalid::new(
                field,
                codes::INVALID_TIME,
                "Use a time of day as HH:MM (24-hour).",
            )
        })
}

pub fn format_time(time: Time) -> String {
    time.strftime("%H:%M").to_string()
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
    fn times_of_day_are_hh_mm() {
        assert_eq!(parse_time("due_time", "09:05"), Ok(jiff::civil::time(9, 5, 0, 0)));
        assert_eq!(format_time(jiff::civil::time(9, 5, 0, 0)), "09:05");
        for bad in ["9:05", "24:00", "09:60", "09:05:00", "nine"] {
            assert!(parse_time("due_time", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn iana_names_pass_and_others_do_not() {
        assert!(TimeZoneName::parse("Europe/London").is_ok());
        assert!(TimeZoneName::parse("UTC").is_ok());
        assert!(TimeZoneName::parse("Mars/Olympus").is_err());
        assert!(TimeZoneName::parse("").is_err());
    }
}
