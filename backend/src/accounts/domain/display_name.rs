use super::Invalid;
use crate::codes;

pub const MAX_CHARS: usize = 100;

/// What the user wants to be called: 1 to 100 characters, none of them hidden
/// ([`crate::text::is_hidden`]): it appears in emails.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisplayName(String);

impl DisplayName {
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let name = raw.trim();
        if name.is_empty() {
            return Err(Invalid::new("name", codes::NAME_REQUIRED, "Enter a name."));
        }
        if name.chars().count() > MAX_CHARS {
            return Err(Invalid::new(
                "name",
                codes::NAME_TOO_LONG,
                format!("Use at most {MAX_CHARS} characters."),
            ));
        }
        if crate::text::has_hidden(name) {
            return Err(Invalid::new(
                "name",
                codes::INVALID_NAME,
                "Names cannot contain control, invisible or direction-changing characters.",
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
    fn names_are_trimmed_and_bounded() {
        assert_eq!(DisplayName::parse("  Zoë ").unwrap().as_str(), "Zoë");
        assert!(DisplayName::parse("   ").is_err());
        assert!(DisplayName::parse(&"x".repeat(101)).is_err());
        assert!(DisplayName::parse(&"x".repeat(100)).is_ok());
        assert!(DisplayName::parse("a\u{0}b").is_err());
        assert!(DisplayName::parse("Ada\u{202E}evil").is_err());
        assert!(DisplayName::parse("A\u{200B}da").is_err());
    }
}
