use std::fmt;

/// A value that must never be printed: `Debug` and `Display` show `[redacted]`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret itself; call only where it is used, never to log it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// A URL with its password (or a bare user-info token) replaced by `[redacted]`,
    /// everything else shown: for `softly config`.
    pub fn redacted_url(&self) -> String {
        let url = &self.0;
        let Some((scheme, rest)) = url.split_once("://") else {
            return "[redacted]".into();
        };
        let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        let (authority, tail) = rest.split_at(authority_end);
        let Some((userinfo, host)) = authority.rsplit_once('@') else {
            return url.clone();
        };
        let userinfo = match userinfo.split_once(':') {
            Some((user, _password)) => format!("{user}:[redacted]"),
            None => "[redacted]".into(),
        };
        format!("{scheme}://{userinfo}@{host}{tail}")
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_url_shows_all_but_its_password() {
        let cases = [
            (
                "postgres://softly:hunter2@db.internal:5432/softly?sslmode=require",
                "postgres://softly:[redacted]@db.internal:5432/softly?sslmode=require",
            ),
            ("rediss://:p%40ss@cache:6379", "rediss://:[redacted]@cache:6379"),
            ("redis://token@cache:6379/0", "redis://[redacted]@cache:6379/0"),
            (
                "sqlite:///var/lib/softly/softly.db?mode=rwc",
                "sqlite:///var/lib/softly/softly.db?mode=rwc",
            ),
            ("smtp://relay:25", "smtp://relay:25"),
            ("not a url", "[redacted]"),
        ];
        for (url, shown) in cases {
            assert_eq!(Secret::new(url).redacted_url(), shown);
        }
    }
}
