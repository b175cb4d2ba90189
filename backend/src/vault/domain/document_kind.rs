use crate::codes;
use crate::invalid::Invalid;

/// What a document is, as the user files it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentKind {
    Passport,
    IdCard,
    DrivingLicence,
    Insurance,
    Bill,
    Certificate,
    Other,
}

impl DocumentKind {
    pub const ALL: [Self; 7] = [
        Self::Passport,
        Self::IdCard,
        Self::DrivingLicence,
        Self::Insurance,
        Self::Bill,
        Self::Certificate,
        Self::Other,
    ];

    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        Self::ALL
            .into_iter()
            .find(|kind| kind.as_str() == raw.trim())
            .ok_or_else(|| {
                let names: Vec<&str> = Self::ALL.iter().map(|k| k.as_str()).collect();
                Invalid::new(
                    "kind",
                    codes::INVALID_KIND,
                    format!("Use one of: {}.", names.join(", ")),
                )
            })
    }

    /// The kind a stored value names, if any.
    pub fn from_stored(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == raw)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Passport => "passport",
            Self::IdCard => "id_card",
            Self::DrivingLicence => "driving_licence",
            Self::Insurance => "insurance",
            Self::Bill => "bill",
            Self::Certificate => "certificate",
            Self::Other => "other",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_round_trips_through_its_name() {
        for kind in DocumentKind::ALL {
            assert_eq!(DocumentKind::parse(kind.as_str()), Ok(kind));
        }
    }

    #[test]
    fn unknown_kinds_are_refused_naming_the_choices() {
        let err = DocumentKind::parse("driving_license").unwrap_err();
        assert_eq!((err.field, err.code.name), ("kind", "invalid_kind"));
        assert!(err.detail.contains("driving_licence"));
        assert!(DocumentKind::parse("Passport").is_err());
    }
}
