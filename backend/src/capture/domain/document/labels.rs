//! Dates a document labels: "Date of expiry 03 MAR 2029", "Valid until: 3/3/2029",
//! "Renewal date 2027-03-03", "Date of issue …"; and its kind from its words.

use jiff::civil::date;

use super::{DocumentSuggestions, Suggested};
use crate::capture::domain::local::{Today, date_in};

/// Labels of the expiry date, longest first (so "date of expiry" wins over "expiry").
const EXPIRY: [&str; 9] = [
    "date of expiry", "expiry date", "expiration date", "valid until", "renewal date", "valid to", "expires on",
    "expires", "expiry",
];
const ISSUE: [&str; 5] = ["date of issue", "issue date", "issued on", "date issued", "issued"];

/// Words that say what a document is, in the order they are tried.
const KINDS: [(&str, &[&str], &str); 6] = [
    ("passport", &["passport"], "Passport"),
    ("driving_licence", &["driving licence", "driver's license", "driving license"], "Driving licence"),
    ("id_card", &["identity card", "id card", "national identity"], "ID card"),
    ("insurance", &["insurance", "policy number", "policyholder"], "Insurance"),
    ("certificate", &["certificate", "certify"], "Certificate"),
    ("bill", &["invoice", "amount due", "bill", "statement"], "Bill"),
];

pub fn read(text: &str) -> DocumentSuggestions {
    let lower = text.to_lowercase();
    let kind = KINDS
        .iter()
        .find(|(_, words, _)| words.iter().any(|w| lower.contains(w)));
    DocumentSuggestions {
        kind: kind.map(|(kind, _, _)| Suggested::new(*kind, 0.7)),
        title: kind.map(|(_, _, title)| Suggested::new(*title, 0.6)),
        issuing_country: None,
        issued_on: labelled(&lower, &ISSUE).map(|d| Suggested::new(d, 0.7)),
        expires_on: labelled(&lower, &EXPIRY).map(|d| Suggested::new(d, 0.75)),
        document_number: None,
    }
}

/// The first date written right after one of `labels` (within a few words).
fn labelled(lower: &str, labels: &[&str]) -> Option<String> {
    // Absolute dates carry their year; "today" only orders partial ones, which a
    // document should not have.
    let today = Today {
        date: date(2000, 1, 1),
        day_first: true,
    };
    for label in labels {
        let mut from = 0;
        while let Some(at) = lower[from..].find(label) {
            let start = from + at + label.len();
            let after: String = lower[start..].chars().take(40).collect();
            if let Some(found) = date_in(&after, &today).filter(|d| d.year() >= 1950) {
                return Some(found.to_string());
            }
            from = start;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_labelled_dates_in_common_forms() {
        let read = read("HOME INSURANCE SCHEDULE\nPolicy number HX-1\nDate of issue: 14 Feb 2026\nRenewal date 14/02/2027");
        assert_eq!(read.kind.unwrap().value, "insurance");
        assert_eq!(read.issued_on.unwrap().value, "2026-02-14");
        assert_eq!(read.expires_on.unwrap().value, "2027-02-14");
        let passport = super::read("Passport\nDate of expiry 03 MAR 2029");
        assert_eq!(passport.expires_on.unwrap().value, "2029-03-03");
        assert_eq!(super::read("Valid until: 2028-11-30").expires_on.unwrap().value, "2028-11-30");
        assert_eq!(super::read("Expires soon, call us").expires_on, None);
    }
}
