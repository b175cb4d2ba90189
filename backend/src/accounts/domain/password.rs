use crate::codes;
use std::collections::HashSet;
use std::fmt;
use std::sync::LazyLock;

use super::Invalid;

pub const MIN_CHARS: usize = 12;
pub const MAX_CHARS: usize = 128;

/// Common passwords, lower-cased (about twenty thousand): a password equal to one of
/// them, ignoring case, is refused. Source: the list Django ships (BSD licence).
static COMMON: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| include_str!("common_passwords.txt").lines().collect());

/// A new password that meets the rules: 12 to 128 characters (Unicode counts as
/// characters, nothing is ever truncated) and not a common password.
#[derive(Clone)]
pub struct Password(String);

impl Password {
    pub fn parse(raw: String, field: &'static str) -> Result<Self, Invalid> {
        let chars = raw.chars().count();
        if chars < MIN_CHARS {
            return Err(Invalid::new(
                field,
                codes::PASSWORD_TOO_SHORT,
                format!("Use at least {MIN_CHARS} characters."),
            ));
        }
        if chars > MAX_CHARS {
            return Err(Invalid::new(
                field,
                codes::PASSWORD_TOO_LONG,
                format!("Use at most {MAX_CHARS} characters."),
            ));
        }
        if COMMON.contains(raw.to_lowercase().as_str()) {
            return Err(Invalid::new(
                field,
                codes::PASSWORD_TOO_COMMON,
                "This password is too common; choose one that is harder to guess.",
            ));
        }
        Ok(Self(raw))
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password([redacted])")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_holds_thousands_of_passwords() {
        assert!(COMMON.len() > 10_000);
    }

    #[test]
    fn twelve_characters_pass_and_eleven_do_not() {
        assert!(Password::parse("x7#kq9!vmz2p".into(), "password").is_ok());
        let err = Password::parse("x7#kq9!vmz2".into(), "password").unwrap_err();
        assert_eq!(err.code.name, "password_too_short");
    }

    #[test]
    fn unicode_counts_characters_not_bytes() {
        // Twelve characters, 36 bytes.
        assert!(Password::parse("ñandú-ñandú-".replace('-', "é"), "password").is_ok());
        assert!(Password::parse("日本語日本語日本語日本".into(), "password").is_err());
    }

    #[test]
    fn over_128_characters_is_refused_not_truncated() {
        assert!(Password::parse("a1!".repeat(42) + "xy", "password").is_ok());
        let err = Password::parse("a1!".repeat(43), "password").unwrap_err();
        assert_eq!(err.code.name, "password_too_long");
    }

    #[test]
    fn a_common_password_is_refused_whatever_its_case() {
        let common = COMMON.iter().find(|p| p.chars().count() >= MIN_CHARS).unwrap();
        let err = Password::parse(common.to_uppercase(), "password").unwrap_err();
        assert_eq!(err.code.name, "password_too_common");
    }

    #[test]
    fn debug_never_shows_the_password() {
        let password = Password::parse("correct horse battery".into(), "password").unwrap();
        assert!(!format!("{password:?}").contains("horse"));
    }
}
