//! What reading a document suggests for its details — kind, title, issuing country,
//! dates, the document number masked to its last four characters — each with a
//! confidence; and the local reading of a PDF's text layer (labelled dates, a passport's
//! machine-readable zone).

mod labels;
mod mrz;
pub mod pdf_text;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::civil::parse_date;

/// One suggested value and how sure the reader is of it (0 to 1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Suggested {
    pub value: String,
    pub confidence: f64,
}

impl Suggested {
    pub fn new(value: impl Into<String>, confidence: f64) -> Self {
        Self {
            value: value.into(),
            confidence: (confidence.clamp(0.0, 1.0) * 100.0).round() / 100.0,
        }
    }
}

/// What a reading suggests; a field nobody could read is absent.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct DocumentSuggestions {
    /// passport, id_card, driving_licence, insurance, bill, certificate or other.
    pub kind: Option<Suggested>,
    pub title: Option<Suggested>,
    /// ISO 3166 code of the issuing country, e.g. GBR or GB.
    pub issuing_country: Option<Suggested>,
    /// `YYYY-MM-DD`.
    pub issued_on: Option<Suggested>,
    /// `YYYY-MM-DD`.
    pub expires_on: Option<Suggested>,
    /// Masked to its last four characters: `•••• 1234`. The whole number is never kept.
    pub document_number: Option<Suggested>,
}

/// The kinds the vault keeps.
pub const DOCUMENT_KINDS: [&str; 7] =
    ["passport", "id_card", "driving_licence", "insurance", "bill", "certificate", "other"];

impl DocumentSuggestions {
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    /// Keeps only what the vault would take: a known kind, real dates, a short title, a
    /// country code; masks the number.
    pub fn cleaned(mut self) -> Self {
        self.kind = self.kind.filter(|k| DOCUMENT_KINDS.contains(&k.value.as_str()));
        self.title = self
            .title
            .map(|t| Suggested { value: t.value.trim().chars().take(200).collect(), ..t })
            .filter(|t| !t.value.is_empty() && !crate::text::has_hidden(&t.value));
        let date = |field: &'static str, s: Option<Suggested>| s.filter(|d| parse_date(field, &d.value).is_ok());
        self.issued_on = date("issued_on", self.issued_on);
        self.expires_on = date("expires_on", self.expires_on);
        self.issuing_country = self
            .issuing_country
            .map(|c| Suggested { value: c.value.trim().to_ascii_uppercase(), ..c })
            .filter(|c| (2..=3).contains(&c.value.len()) && c.value.bytes().all(|b| b.is_ascii_uppercase()));
        self.document_number = self
            .document_number
            .and_then(|n| mask(&n.value).map(|value| Suggested { value, ..n }));
        self
    }
}

/// `•••• 1234`: the last four letters or digits of a document number, the rest hidden.
pub fn mask(number: &str) -> Option<String> {
    let kept: Vec<char> = number.chars().filter(char::is_ascii_alphanumeric).collect();
    if kept.len() < 4 {
        return None;
    }
    let last: String = kept[kept.len() - 4..].iter().collect();
    Some(format!("•••• {}", last.to_ascii_uppercase()))
}

/// What the text of a document suggests, read on this machine.
pub fn read_text(text: &str) -> DocumentSuggestions {
    if let Some(found) = mrz::read(text) {
        return found.cleaned();
    }
    labels::read(text).cleaned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_masked_and_what_the_vault_refuses_is_dropped() {
        assert_eq!(mask("123 456 789").as_deref(), Some("•••• 6789"));
        assert_eq!(mask("ab1"), None);
        let cleaned = DocumentSuggestions {
            kind: Some(Suggested::new("spaceship", 0.9)),
            title: Some(Suggested::new("  Passport ", 0.9)),
            issuing_country: Some(Suggested::new("gbr", 0.9)),
            issued_on: Some(Suggested::new("2019-02-30", 0.9)),
            expires_on: Some(Suggested::new("2029-03-03", 0.9)),
            document_number: Some(Suggested::new("123456789", 0.9)),
        }
        .cleaned();
        assert_eq!(cleaned.kind, None);
        assert_eq!(cleaned.title.unwrap().value, "Passport");
        assert_eq!(cleaned.issuing_country.unwrap().value, "GBR");
        assert_eq!(cleaned.issued_on, None);
        assert_eq!(cleaned.expires_on.unwrap().value, "2029-03-03");
        assert_eq!(cleaned.document_number.unwrap().value, "•••• 6789");
    }
}
