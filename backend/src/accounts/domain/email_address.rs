use super::Invalid;
use crate::codes;

/// A syntactically valid email address at a domain name, trimmed and lower-cased: the
/// account's key. Not an IP literal (`ada@[127.0.0.1]`), and no hidden characters
/// ([`crate::text::is_hidden`]): mail to it must be deliverable and what it shows true.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmailAddress(String);

impl EmailAddress {
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let email = raw.trim().to_lowercase();
        let invalid = || Invalid::new("email", codes::INVALID_EMAIL, "Enter a valid email address.");
        if email.len() > 254 || email.chars().any(char::is_whitespace) || crate::text::has_hidden(&email) {
            return Err(invalid());
        }
        let address: lettre::Address = email.parse().map_err(|_| invalid())?;
        let domain = address.domain();
        if address.user().len() > 64 || !domain.contains('.') || domain.starts_with('[') {
            return Err(invalid());
        }
        Ok(Self(email))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_trimmed_and_lower_cased() {
        assert_eq!(
            EmailAddress::parse("  Ada@Example.COM ").unwrap().as_str(),
            "ada@example.com"
        );
    }

    #[test]
    fn malformed_addresses_are_refused() {
        for raw in [
            "",
            "ada",
            "ada@",
            "@example.com",
            "ada@localhost",
            "a da@example.com",
            "ada@@example.com",
            "a@[127.0.0.1]",
            "a@[IPv6:::1]",
            "ada@exam\u{202E}ple.com",
            "ada\u{200B}@example.com",
            "ada@ex\u{00AD}ample.com",
        ] {
            assert!(EmailAddress::parse(raw).is_err(), "{raw}");
        }
        assert!(EmailAddress::parse("zoë@bücher.example").is_ok(), "international addresses are fine");
        let long = format!("{}@example.com", "a".repeat(65));
        assert!(EmailAddress::parse(&long).is_err());
    }
}
