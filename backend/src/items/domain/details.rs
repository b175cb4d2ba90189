//! What a person writes about an item: its title, notes, tags, and for money items what
//! is paid, in which currency, to whom.

use iso_currency::Currency;

use crate::codes;
use crate::invalid::Invalid;
use crate::text::is_hidden;

pub const MAX_TITLE_CHARS: usize = 200;
pub const MAX_NOTES_CHARS: usize = 5000;
pub const MAX_TAGS: usize = 20;
pub const MAX_TAG_CHARS: usize = 40;
pub const MAX_PAYEE_CHARS: usize = 200;
/// Ten thousand billion minor units: more than any bill, less than overflows anything.
pub const MAX_AMOUNT_MINOR: i64 = 10_000_000_000_000;

/// 1 to 200 characters on one line, none hidden ([`is_hidden`]): it is a subject line.
pub fn parse_title(raw: &str) -> Result<String, Invalid> {
    let title = raw.trim();
    if title.is_empty() {
        return Err(Invalid::new("title", codes::TITLE_REQUIRED, "Give the item a title."));
    }
    if title.chars().count() > MAX_TITLE_CHARS || title.chars().any(is_hidden) {
        return Err(Invalid::new(
            "title",
            codes::INVALID_TITLE,
            format!(
                "A title has at most {MAX_TITLE_CHARS} characters on one line, and no control, invisible or direction-changing ones."
            ),
        ));
    }
    Ok(title.to_string())
}

/// Free text over several lines; empty notes are none.
pub fn parse_notes(raw: &str) -> Result<Option<String>, Invalid> {
    let notes = raw.trim();
    let hidden = notes.chars().any(|c| is_hidden(c) && !matches!(c, '\n' | '\r' | '\t'));
    if notes.chars().count() > MAX_NOTES_CHARS || hidden {
        return Err(Invalid::new(
            "notes",
            codes::NOTES_TOO_LONG,
            format!(
                "Notes have at most {MAX_NOTES_CHARS} characters, and no control (other than line breaks and tabs), invisible or direction-changing ones."
            ),
        ));
    }
    Ok((!notes.is_empty()).then(|| notes.to_string()))
}

/// At most 20 tags of 1 to 40 characters; trimmed, repeats (ignoring case) dropped.
pub fn parse_tags(raw: &[String]) -> Result<Vec<String>, Invalid> {
    let refused = || {
        Invalid::new(
            "tags",
            codes::INVALID_TAGS,
            format!(
                "Give at most {MAX_TAGS} tags, each 1 to {MAX_TAG_CHARS} characters without control, invisible or direction-changing ones."
            ),
        )
    };
    if raw.len() > MAX_TAGS {
        return Err(refused());
    }
    let mut tags: Vec<String> = Vec::with_capacity(raw.len());
    for tag in raw {
        let tag = tag.trim();
        if tag.is_empty() || tag.chars().count() > MAX_TAG_CHARS || tag.chars().any(is_hidden) {
            return Err(refused());
        }
        if !tags.iter().any(|kept| kept.to_lowercase() == tag.to_lowercase()) {
            tags.push(tag.to_string());
        }
    }
    Ok(tags)
}

/// Who is paid; empty is nobody in particular.
pub fn parse_payee(raw: &str) -> Result<Option<String>, Invalid> {
    let payee = raw.trim();
    if payee.chars().count() > MAX_PAYEE_CHARS || payee.chars().any(is_hidden) {
        return Err(Invalid::new(
            "payee",
            codes::INVALID_PAYEE,
            format!(
                "A payee has at most {MAX_PAYEE_CHARS} characters, and no control, invisible or direction-changing ones."
            ),
        ));
    }
    Ok((!payee.is_empty()).then(|| payee.to_string()))
}

/// An amount in a currency's minor units (pence for GBP, yen for JPY).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Money {
    pub amount_minor: i64,
    pub currency: Currency,
}

impl Money {
    /// Both or neither: an amount needs its currency, a currency its amount.
    pub fn parse(amount_minor: Option<i64>, currency: Option<&str>) -> Result<Option<Self>, Invalid> {
        match (amount_minor, currency) {
            (None, None) => Ok(None),
            (Some(_), None) => Err(Invalid::new(
                "currency",
                codes::INVALID_CURRENCY,
                "Give the amount's currency as an ISO 4217 code, e.g. GBP.",
            )),
            (None, Some(_)) => Err(Invalid::new(
                "amount_minor",
                codes::INVALID_AMOUNT,
                "Give the amount (in minor units: pence, cents) with its currency.",
            )),
            (Some(amount_minor), Some(code)) => {
                if !(0..=MAX_AMOUNT_MINOR).contains(&amount_minor) {
                    return Err(Invalid::new(
                        "amount_minor",
                        codes::INVALID_AMOUNT,
                        "The amount is a whole number of minor units (pence, cents) from 0 to 10000000000000.",
                    ));
                }
                Ok(Some(Self {
                    amount_minor,
                    currency: parse_currency(code)?,
                }))
            }
        }
    }

    /// As a person reads it: `£420.00`, `€12.50`, `$9.99`, `1,000 JPY`.
    pub fn display(&self) -> String {
        let exponent = u32::from(self.currency.exponent().unwrap_or(0));
        let unit = 10_i64.pow(exponent);
        let (whole, fraction) = (self.amount_minor / unit, self.amount_minor % unit);
        let mut number = group_thousands(whole);
        if exponent > 0 {
            number.push_str(&format!(".{fraction:0width$}", width = exponent as usize));
        }
        match self.currency {
            Currency::GBP => format!("£{number}"),
            Currency::EUR => format!("€{number}"),
            Currency::USD => format!("${number}"),
            other => format!("{number} {}", other.code()),
        }
    }
}

/// A currency in use: ISO 4217, not a fund, metal or test code, not superseded.
fn parse_currency(raw: &str) -> Result<Currency, Invalid> {
    Currency::from_code(&raw.trim().to_ascii_uppercase())
        .filter(|c| !c.is_fund() && !c.is_special() && c.is_superseded().is_none() && c.exponent().is_some())
        .ok_or_else(|| {
            Invalid::new(
                "currency",
                codes::INVALID_CURRENCY,
                "Use an ISO 4217 currency code in use: GBP, EUR, USD, …",
            )
        })
}

fn group_thousands(n: i64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_are_one_trimmed_line_of_at_most_200_characters() {
        assert_eq!(parse_title("  Renew passport "), Ok("Renew passport".into()));
        assert_eq!(parse_title(&"x".repeat(200)).map(|t| t.len()), Ok(200));
        for bad in ["", "   ", "two\nlines", "in\u{202E}voice", &"x".repeat(201)] {
            assert_eq!(parse_title(bad).unwrap_err().field, "title", "{bad:?}");
        }
    }

    #[test]
    fn notes_keep_their_line_breaks_and_refuse_hidden_characters() {
        assert_eq!(parse_notes(" a\nb\tc "), Ok(Some("a\nb\tc".into())));
        assert_eq!(parse_notes("   "), Ok(None));
        assert!(parse_notes("a\u{200B}b").is_err());
        assert!(parse_notes(&"x".repeat(5001)).is_err());
        assert!(parse_notes(&"x".repeat(5000)).is_ok());
    }

    #[test]
    fn tags_are_trimmed_bounded_and_kept_once() {
        let tags = parse_tags(&["car".into(), " Car ".into(), "insurance".into()]).unwrap();
        assert_eq!(tags, ["car", "insurance"]);
        let twenty: Vec<String> = (0..20).map(|n| format!("t{n}")).collect();
        assert_eq!(parse_tags(&twenty).unwrap().len(), 20);
        let twenty_one: Vec<String> = (0..21).map(|n| format!("t{n}")).collect();
        for bad in [twenty_one, vec!["".into()], vec!["x".repeat(41)], vec!["a\tb".into()]] {
            assert_eq!(parse_tags(&bad).unwrap_err().field, "tags");
        }
    }

    #[test]
    fn money_needs_an_amount_and_a_currency_in_use() {
        let money = Money::parse(Some(42_000), Some("GBP")).unwrap().unwrap();
        assert_eq!(money.display(), "£420.00");
        assert_eq!(Money::parse(None, None), Ok(None));
        assert_eq!(Money::parse(Some(1), Some(" gbp ")).unwrap().unwrap().currency, Currency::GBP);
        assert_eq!(
            Money::parse(Some(123_456_789), Some("EUR")).unwrap().unwrap().display(),
            "€1,234,567.89"
        );
        assert_eq!(Money::parse(Some(1000), Some("JPY")).unwrap().unwrap().display(), "1,000 JPY");
        assert_eq!(Money::parse(Some(1500), Some("KWD")).unwrap().unwrap().display(), "1.500 KWD");
        assert_eq!(Money::parse(Some(0), Some("USD")).unwrap().unwrap().display(), "$0.00");
        for (amount, currency, field) in [
            (Some(1), None, "currency"),
            (None, Some("GBP"), "amount_minor"),
            (Some(-1), Some("GBP"), "amount_minor"),
            (Some(MAX_AMOUNT_MINOR + 1), Some("GBP"), "amount_minor"),
            (Some(1), Some("XXX"), "currency"),
            (Some(1), Some("HRK"), "currency"),
            (Some(1), Some("BOV"), "currency"),
            (Some(1), Some("POUNDS"), "currency"),
        ] {
            assert_eq!(
                Money::parse(amount, currency).unwrap_err().field,
                field,
                "{amount:?} {currency:?}"
            );
        }
        assert!(Money::parse(Some(MAX_AMOUNT_MINOR), Some("GBP")).is_ok());
    }

    #[test]
    fn payees_are_optional_single_lines() {
        assert_eq!(parse_payee(" Council "), Ok(Some("Council".into())));
        assert_eq!(parse_payee(""), Ok(None));
        assert!(parse_payee("a\nb").is_err());
        assert!(parse_payee(&"x".repeat(201)).is_err());
    }
}
