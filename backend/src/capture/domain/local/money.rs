//! Amounts as people say them: "£420", "$15.99", "€1,200", "420 pounds", "30 quid",
//! "GBP 420" — in minor units with their currency.

use super::words::Word;

/// An amount found at a place in the words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FoundMoney {
    pub amount_minor: i64,
    pub currency: &'static str,
    pub len: usize,
}

fn symbol(c: char) -> Option<&'static str> {
    match c {
        '£' => Some("GBP"),
        '$' => Some("USD"),
        '€' => Some("EUR"),
        _ => None,
    }
}

fn named(word: &str) -> Option<&'static str> {
    match word {
        "pound" | "pounds" | "quid" | "gbp" | "sterling" => Some("GBP"),
        "dollar" | "dollars" | "bucks" | "usd" => Some("USD"),
        "euro" | "euros" | "eur" => Some("EUR"),
        _ => None,
    }
}

/// An amount phrase starting at word `i`.
pub fn money_at(words: &[Word], i: usize) -> Option<FoundMoney> {
    let w = |k: usize| words.get(i + k).map(|w| w.text.as_str()).unwrap_or("");
    let first = w(0);
    let mut chars = first.chars();
    if let Some(currency) = chars.next().and_then(symbol) {
        let rest = chars.as_str();
        if rest.is_empty() {
            // "£ 420"
            return Some(FoundMoney {
                amount_minor: minor_units(w(1))?,
                currency,
                len: 2,
            });
        }
        return Some(FoundMoney {
            amount_minor: minor_units(rest)?,
            currency,
            len: 1,
        });
    }
    if let Some(currency) = named(first)
        && first.len() == 3
        && let Some(amount_minor) = minor_units(w(1))
    {
        return Some(FoundMoney {
            amount_minor,
            currency,
            len: 2,
        });
    }
    let amount_minor = minor_units(first)?;
    let currency = named(w(1))?;
    Some(FoundMoney {
        amount_minor,
        currency,
        len: 2,
    })
}

/// "420", "1,200", "15.99", "9.5" in hundredths; thousands separated by commas in
/// groups of three only.
fn minor_units(raw: &str) -> Option<i64> {
    let (whole, fraction) = match raw.split_once('.') {
        Some((w, f)) if (1..=2).contains(&f.len()) && f.bytes().all(|b| b.is_ascii_digit()) => (w, f),
        Some(_) => return None,
        None => (raw, ""),
    };
    let groups: Vec<&str> = whole.split(',').collect();
    let well_grouped = groups[0].len() <= 3 || groups.len() == 1;
    if whole.is_empty()
        || !well_grouped
        || groups.iter().any(|g| g.is_empty() || !g.bytes().all(|b| b.is_ascii_digit()))
        || groups[1..].iter().any(|g| g.len() != 3)
    {
        return None;
    }
    let units: i64 = groups.concat().parse().ok().filter(|n| *n <= 100_000_000_000)?;
    let cents: i64 = match fraction.len() {
        0 => 0,
        1 => fraction.parse::<i64>().ok()? * 10,
        _ => fraction.parse().ok()?,
    };
    Some(units * 100 + cents)
}

#[cfg(test)]
mod tests {
    use super::super::words::words;
    use super::*;

    fn money(text: &str) -> Option<(i64, &'static str, usize)> {
        money_at(&words(text), 0).map(|f| (f.amount_minor, f.currency, f.len))
    }

    #[test]
    fn reads_amounts_with_their_currency() {
        assert_eq!(money("£420"), Some((42_000, "GBP", 1)));
        assert_eq!(money("£1,200.50"), Some((120_050, "GBP", 1)));
        assert_eq!(money("$9.5"), Some((950, "USD", 1)));
        assert_eq!(money("€ 30"), Some((3_000, "EUR", 2)));
        assert_eq!(money("30 quid"), Some((3_000, "GBP", 2)));
        assert_eq!(money("GBP 75"), Some((7_500, "GBP", 2)));
        assert_eq!(money("420 dollars"), Some((42_000, "USD", 2)));
        assert_eq!(money("420"), None, "a number is not an amount without a currency");
        assert_eq!(money("£12,34"), None);
        assert_eq!(money("£1.234"), None);
        assert_eq!(money("£abc"), None);
    }
}
