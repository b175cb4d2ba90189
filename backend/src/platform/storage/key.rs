use std::fmt;

/// A storage key the server generated: lower-case ASCII letters, digits, `-`, `_`, `.`
/// and `/` between non-empty segments, never `..`. Safe as a path below the storage
/// root and as an S3 key.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ObjectKey(String);

impl ObjectKey {
    pub fn parse(raw: &str) -> Result<Self, InvalidKey> {
        let valid_segment = |segment: &str| {
            !segment.is_empty()
                && segment != "."
                && segment != ".."
                && segment
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'-' | b'_' | b'.'))
        };
        if raw.len() > 512 || !raw.split('/').all(valid_segment) {
            return Err(InvalidKey(raw.chars().take(64).collect()));
        }
        Ok(Self(raw.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ObjectKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Debug, thiserror::Error)]
#[error("{0:?} is not a valid object key")]
pub struct InvalidKey(String);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_keys_pass() {
        assert!(ObjectKey::parse("documents/01a2-b3/original").is_ok());
        assert!(ObjectKey::parse("documents/x/thumbnail.webp").is_ok());
    }

    #[test]
    fn keys_that_could_escape_or_surprise_are_refused() {
        for raw in [
            "", "/abs", "a//b", "a/../b", "..", "a/./b", "A/b", "a b", "a\\b", "a/b/", "ü",
        ] {
            assert!(ObjectKey::parse(raw).is_err(), "{raw:?}");
        }
        assert!(ObjectKey::parse(&"a".repeat(513)).is_err());
    }
}
