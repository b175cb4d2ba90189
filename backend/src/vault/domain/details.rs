//! What a user writes about a document: title, kind, dates and notes.

use jiff::civil::Date;
use serde::Deserialize;
use utoipa::ToSchema;

use super::{DocumentKind, Filename};
use crate::civil::parse_date;
use crate::codes;
use crate::invalid::Invalid;

pub const MAX_TITLE_CHARS: usize = 200;
pub const MAX_NOTES_CHARS: usize = 2000;

/// The details as a client sends them, every field optional.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DetailsInput {
    /// Defaults to the file's name without its extension.
    pub title: Option<String>,
    /// One of passport, id_card, driving_licence, insurance, bill, certificate, other
    /// (the default).
    pub kind: Option<String>,
    /// `YYYY-MM-DD`.
    pub issued_on: Option<String>,
    /// `YYYY-MM-DD`, not before `issued_on`.
    pub expires_on: Option<String>,
    pub notes: Option<String>,
}

/// Validated details.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Details {
    pub title: String,
    pub kind: DocumentKind,
    pub issued_on: Option<Date>,
    pub expires_on: Option<Date>,
    pub notes: Option<String>,
}

impl DetailsInput {
    /// Validates every field; the title falls back to the file's name.
    pub fn validate(self, filename: &Filename) -> Result<Details, Invalid> {
        let title = match self.title {
            Some(raw) => parse_title(&raw)?,
            None => default_title(filename),
        };
        let details = Details {
            title,
            kind: self
                .kind
                .as_deref()
                .map(DocumentKind::parse)
                .transpose()?
                .unwrap_or(DocumentKind::Other),
            issued_on: self
                .issued_on
                .as_deref()
                .map(|d| parse_date("issued_on", d))
                .transpose()?,
            expires_on: self
                .expires_on
                .as_deref()
                .map(|d| parse_date("expires_on", d))
                .transpose()?,
            notes: self.notes.as_deref().map(parse_notes).transpose()?.flatten(),
        };
        details.check_dates()?;
        Ok(details)
    }
}

impl Details {
    /// An expiry before the issue date is a typing mistake, not a document.
    pub fn check_dates(&self) -> Result<(), Invalid> {
        match (self.issued_on, self.expires_on) {
            (Some(issued), Some(expires)) if expires < issued => Err(Invalid::new(
                "expires_on",
                codes::EXPIRES_BEFORE_ISSUED,
                "The expiry date is before the issue date.",
            )),
            _ => Ok(()),
        }
    }
}

pub fn parse_title(raw: &str) -> Result<String, Invalid> {
    let title = raw.trim();
    if title.is_empty() {
        return Err(Invalid::new(
            "title",
            codes::TITLE_REQUIRED,
            "Give the document a title.",
        ));
    }
    if title.chars().count() > MAX_TITLE_CHARS || crate::text::has_hidden(title) {
        return Err(Invalid::new(
            "title",
            codes::INVALID_TITLE,
            format!(
                "A title has at most {MAX_TITLE_CHARS} characters, and no control, invisible or direction-changing ones."
            ),
        ));
    }
    Ok(title.to_string())
}

/// Empty notes clear them.
pub fn parse_notes(raw: &str) -> Result<Option<String>, Invalid> {
    let notes = raw.trim();
    if notes.chars().count() > MAX_NOTES_CHARS {
        return Err(Invalid::new(
            "notes",
            codes::NOTES_TOO_LONG,
            format!("Notes have at most {MAX_NOTES_CHARS} characters."),
        ));
    }
    Ok((!notes.is_empty()).then(|| notes.to_string()))
}

fn default_title(filename: &Filename) -> String {
    let name = filename.as_str();
    let stem = match name.rfind('.') {
        Some(dot) if dot > 0 => &name[..dot],
        _ => name,
    };
    stem.chars().take(MAX_TITLE_CHARS).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file() -> Filename {
        Filename::sanitise("Passport scan.jpg").unwrap()
    }

    #[test]
    fn defaults_come_from_the_filename_and_other() {
        let details = DetailsInput::default().validate(&file()).unwrap();
        assert_eq!(details.title, "Passport scan");
        assert_eq!(details.kind, DocumentKind::Other);
        assert_eq!(details.notes, None);
    }

    #[test]
    fn every_field_is_checked() {
        let input = |f: fn(&mut DetailsInput)| {
            let mut input = DetailsInput::default();
            f(&mut input);
            input.validate(&file()).map_err(|e| e.code.name)
        };
        assert_eq!(input(|i| i.title = Some("  ".into())), Err("title_required"));
        assert_eq!(input(|i| i.title = Some("x".repeat(201))), Err("invalid_title"));
        assert!(input(|i| i.title = Some("x".repeat(200))).is_ok());
        assert_eq!(input(|i| i.kind = Some("diary".into())), Err("invalid_kind"));
        assert_eq!(
            input(|i| i.issued_on = Some("2026-02-30".into())),
            Err("invalid_date")
        );
        assert_eq!(
            input(|i| i.issued_on = Some("20260101".into())),
            Err("invalid_date")
        );
        assert_eq!(input(|i| i.notes = Some("n".repeat(2001))), Err("notes_too_long"));
        assert!(input(|i| i.notes = Some("n".repeat(2000))).is_ok());
    }

    #[test]
    fn expiry_may_equal_but_not_precede_the_issue_date() {
        let dates = |issued: &str, expires: &str| {
            DetailsInput {
                issued_on: Some(issued.into()),
                expires_on: Some(expires.into()),
                ..Default::default()
            }
            .validate(&file())
            .map_err(|e| e.code.name)
        };
        assert!(dates("2020-01-01", "2020-01-01").is_ok());
        assert!(dates("2020-01-01", "2030-01-01").is_ok());
        assert_eq!(dates("2020-01-02", "2020-01-01"), Err("expires_before_issued"));
    }
}
