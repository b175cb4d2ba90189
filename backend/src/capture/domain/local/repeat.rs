//! Repeats as people say them, as an RRULE of the items' subset: "every March",
//! "monthly", "every 2 weeks", "on Mondays", "once a year", "the last day of every month".

use jiff::ToSpan;
use jiff::civil::{Date, Weekday};

use super::when::next_weekday;
use super::words::{Word, count, month, weekday};

/// A repeat found at a place in the words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundRepeat {
    pub rule: String,
    /// The first occurrence the phrase itself implies ("every March": the next 1 March),
    /// when it implies one.
    pub first: Option<Date>,
    pub len: usize,
}

/// A repeat phrase starting at word `i`.
pub fn repeat_at(words: &[Word], i: usize, today: Date) -> Option<FoundRepeat> {
    let w = |k: usize| words.get(i + k).map(|w| w.text.as_str()).unwrap_or("");
    let found = |rule: &str, first: Option<Date>, len: usize| {
        Some(FoundRepeat {
            rule: rule.to_string(),
            first,
            len,
        })
    };
    match w(0) {
        "daily" => return found("FREQ=DAILY", None, 1),
        "weekly" => return found("FREQ=WEEKLY", None, 1),
        "fortnightly" | "biweekly" => return found("FREQ=WEEKLY;INTERVAL=2", None, 1),
        "monthly" => return found("FREQ=MONTHLY", None, 1),
        "quarterly" => return found("FREQ=MONTHLY;INTERVAL=3", None, 1),
        "yearly" | "annually" => return found("FREQ=YEARLY", None, 1),
        "every" | "each" => return every(words, i + 1, today).map(|f| FoundRepeat { len: f.len + 1, ..f }),
        "once" | "twice" if w(1) == "a" || w(1) == "per" => {
            let twice = w(0) == "twice";
            let rule = match (w(2), twice) {
                ("day", false) => "FREQ=DAILY",
                ("week", false) => "FREQ=WEEKLY",
                ("month", false) => "FREQ=MONTHLY",
                ("month", true) => return None,
                ("year", false) => "FREQ=YEARLY",
                ("year", true) => "FREQ=MONTHLY;INTERVAL=6",
                _ => return None,
            };
            return found(rule, None, 3);
        }
        "of" if matches!(w(1), "every" | "each") && w(2) == "month" => return found("FREQ=MONTHLY", None, 3),
        "last" if w(1) == "day" && w(2) == "of" && matches!(w(3), "every" | "each" | "the") && w(4) == "month" => {
            return found("FREQ=MONTHLY;BYMONTHDAY=-1", Some(today.last_of_month()), 5);
        }
        "on" if w(1).ends_with("days") => {
            let day = weekday(w(1))?;
            return found(&weekly_on(day), Some(next_weekday(today, day)), 2);
        }
        word if word.ends_with("days") && word.len() >= 7 => {
            let day = weekday(word)?;
            return found(&weekly_on(day), Some(next_weekday(today, day)), 1);
        }
        _ => {}
    }
    None
}

/// What follows "every": "day", "other week", "3 months", "March", "Friday", "weekday".
fn every(words: &[Word], i: usize, today: Date) -> Option<FoundRepeat> {
    let w = |k: usize| words.get(i + k).map(|w| w.text.as_str()).unwrap_or("");
    let found = |rule: String, first: Option<Date>, len: usize| Some(FoundRepeat { rule, first, len });
    let unit = |word: &str| match word.trim_end_matches('s') {
        "day" => Some("DAILY"),
        "week" => Some("WEEKLY"),
        "month" => Some("MONTHLY"),
        "year" => Some("YEARLY"),
        _ => None,
    };
    if let Some(freq) = unit(w(0)) {
        return found(format!("FREQ={freq}"), None, 1);
    }
    match w(0) {
        "fortnight" => return found("FREQ=WEEKLY;INTERVAL=2".into(), None, 1),
        "quarter" => return found("FREQ=MONTHLY;INTERVAL=3".into(), None, 1),
        "weekday" => {
            let first = (1..=7)
                .filter_map(|n| today.checked_add(n.days()).ok())
                .find(|d| !matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday));
            return found("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR".into(), first, 1);
        }
        "other" => {
            let freq = unit(w(1))?;
            return found(format!("FREQ={freq};INTERVAL=2"), None, 2);
        }
        _ => {}
    }
    if let Some(n) = count(w(0)).filter(|n| *n >= 2) {
        let freq = unit(w(1))?;
        return found(format!("FREQ={freq};INTERVAL={n}"), None, 2);
    }
    if let Some(m) = month(w(0)) {
        let first = (0..2)
            .filter_map(|k| Date::new(today.year() + k, m, 1).ok())
            .find(|d| *d >= today.first_of_month())
            .map(|d| if d < today { today } else { d });
        return found(format!("FREQ=YEARLY;BYMONTH={m}"), first, 1);
    }
    let day = weekday(w(0))?;
    found(weekly_on(day), Some(next_weekday(today, day)), 1)
}

fn weekly_on(day: Weekday) -> String {
    let code = match day {
        Weekday::Monday => "MO",
        Weekday::Tuesday => "TU",
        Weekday::Wednesday => "WE",
        Weekday::Thursday => "TH",
        Weekday::Friday => "FR",
        Weekday::Saturday => "SA",
        Weekday::Sunday => "SU",
    };
    format!("FREQ=WEEKLY;BYDAY={code}")
}
