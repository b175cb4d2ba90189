use super::Invalid;
use crate::codes;

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
