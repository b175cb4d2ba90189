//! Dates and times as people say them, relative to the user's today: "3 March", "the
//! 1st", "next Friday", "in two weeks", "end of the month", "2027-03-03", "3pm".

use jiff::ToSpan;
use jiff::civil::{Date, Time, Weekday};

use super::words::{Word, count, day_of_month, is_ordinal, month, weekday};

/// What the phrases are read against.
#[derive(Debug, Clone, Copy)]
pub struct Today {
    pub date: Date,
    /// Whether `3/4` is the 3rd of April (most of the world) rather than March 4th (the
    /// United States and a few others).
    pub day_first: bool,
}

/// A date found at a place in the words, and how many words it took.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FoundDate {
    pub date: Date,
    pub len: usize,
}

/// A date phrase starting at word `i`.
pub fn date_at(words: &[Word], i: usize, today: &Today) -> Option<FoundDate> {
    let w = |k: usize| words.get(i + k).map(|w| w.text.as_str()).unwrap_or("");
    let found = |date: Date, len: usize| Some(FoundDate { date, len });
    let t = today.date;
    if w(0) == "the" {
        // "the 3rd of March", "the day after tomorrow", "the end of the month".
        return date_at(words, i + 1, today)
            .filter(|_| w(1) != "the")
            .map(|f| FoundDate { len: f.len + 1, ..f });
    }
    match w(0) {
        "today" | "tonight" => return found(t, 1),
        "tomorrow" => return found(t.tomorrow().ok()?, 1),
        "day" if w(1) == "after" && w(2) == "tomorrow" => return found(t.checked_add(2.days()).ok()?, 3),
        "next" | "this" | "coming" => {
            if let Some(day) = weekday(w(1)) {
                return found(next_weekday(t, day), 2);
            }
            let this = w(0) == "this";
            match w(1) {
                "week" if !this => return found(next_weekday(t, Weekday::Monday), 2),
                "month" if !this => return found(t.first_of_month().checked_add(1.month()).ok()?, 2),
                "year" if !this => return found(Date::new(t.year() + 1, 1, 1).ok()?, 2),
                "weekend" => return found(weekend(t), 2),
                _ => {}
            }
        }
        "weekend" => return found(weekend(t), 1),
        "in" | "within" => {
            if let Some(f) = in_a_while(words, i + 1, t) {
                return found(f.date, f.len + 1);
            }
            // "in March", "in June 2027".
            if let Some(m) = month(w(1)) {
                let year = year(w(2));
                let date = match year {
                    Some(y) => Date::new(y, m, 1).ok()?,
                    None if m == t.month() => t,
                    None => next_on(t, m, 1)?,
                };
                return found(date, 2 + year.is_some() as usize);
            }
        }
        "end" if w(1) == "of" => {
            let (scope, len) = match (w(2), w(3)) {
                ("the" | "this", s) => (s, 4),
                ("next", s) => (s, 4),
                (s, _) => (s, 3),
            };
            let next = w(2) == "next";
            let date = match scope {
                "month" if next => t.first_of_month().checked_add(1.month()).ok()?.last_of_month(),
                "month" => t.last_of_month(),
                "year" if next => Date::new(t.year() + 1, 12, 31).ok()?,
                "year" => Date::new(t.year(), 12, 31).ok()?,
                "week" => next_weekday(t, Weekday::Sunday),
                other => {
                    let m = month(other)?;
                    let first = if m == t.month() { t } else { next_on(t, m, 1)? };
                    first.last_of_month()
                }
            };
            return found(date, len);
        }
        _ => {}
    }
    if let Some(day) = weekday(words.get(i)?.text.as_str()) {
        // Abbreviations ("wed", "sat", "sun") are words too: only the full name alone.
        if w(0).len() >= 6 {
            return found(next_weekday(t, day), 1);
        }
    }
    // "3 March", "3rd of March 2027".
    if let Some(d) = day_of_month(w(0)) {
        let of = (w(1) == "of") as usize;
        if let Some(m) = month(w(1 + of)) {
            let y = year(w(2 + of));
            return found(on(t, m, d, y)?, 2 + of + y.is_some() as usize);
        }
        if is_ordinal(w(0)) {
            return found(next_day_of_month(t, d)?, 1);
        }
    }
    // "March 3", "March 3rd 2027".
    if let Some(m) = month(w(0))
        && let Some(d) = day_of_month(w(1))
    {
        let y = year(w(2));
        return found(on(t, m, d, y)?, 2 + y.is_some() as usize);
    }
    numeric(w(0), today).and_then(|date| found(date, 1))
}

/// "two weeks", "3 days", "a month", "a fortnight", with "'s time" or "from now" after.
fn in_a_while(words: &[Word], i: usize, t: Date) -> Option<FoundDate> {
    let w = |k: usize| words.get(i + k).map(|w| w.text.as_str()).unwrap_or("");
    let n = count(w(0))?;
    let unit = w(1).trim_end_matches('\'').trim_end_matches("'s");
    let date = match unit.trim_end_matches('s') {
        "day" => t.checked_add(n.days()),
        "week" => t.checked_add((7 * n).days()),
        "fortnight" => t.checked_add((14 * n).days()),
        "month" => t.checked_add(n.months()),
        "year" => t.checked_add(n.years()),
        _ => return None,
    }
    .ok()?;
    let tail = match (w(2), w(3)) {
        ("time", _) => 1,
        ("from", "now") => 2,
        _ => 0,
    };
    Some(FoundDate { date, len: 2 + tail })
}

/// ISO `2027-03-03`, or `3/3/2027`, `3/3/27`, `3/3` in the user's order.
fn numeric(word: &str, today: &Today) -> Option<Date> {
    if let Ok(date) = word.parse::<Date>() {
        return Some(date);
    }
    let parts: Vec<&str> = word.split(['/', '.']).collect();
    if !(2..=3).contains(&parts.len()) || parts.iter().any(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit())) {
        return None;
    }
    let (a, b): (i8, i8) = (parts[0].parse().ok()?, parts[1].parse().ok()?);
    let (d, m) = if today.day_first { (a, b) } else { (b, a) };
    let y = match parts.get(2) {
        None => None,
        Some(y) if y.len() == 2 => Some(2000 + y.parse::<i16>().ok()?),
        Some(y) if y.len() == 4 => Some(y.parse().ok()?),
        Some(_) => return None,
    };
    on(today.date, m, d, y)
}

/// A four-digit year this side of 2100.
fn year(word: &str) -> Option<i16> {
    (word.len() == 4)
        .then(|| word.parse::<i16>().ok())
        .flatten()
        .filter(|y| (2000..2100).contains(y))
}

/// `d` `m` of year `y`, or of the first year from today's on which it is not past.
fn on(t: Date, m: i8, d: i8, y: Option<i16>) -> Option<Date> {
    match y {
        Some(y) => Date::new(y, m, d).ok(),
        None => next_on(t, m, d),
    }
}

/// The next `m`/`d` on or after `t` (29 February: the next leap year's).
fn next_on(t: Date, m: i8, d: i8) -> Option<Date> {
    (0..8)
        .filter_map(|k| Date::new(t.year() + k, m, d).ok())
        .find(|date| *date >= t)
}

/// The next day `d` of a month on or after `t`, skipping months too short for it.
fn next_day_of_month(t: Date, d: i8) -> Option<Date> {
    let first = t.first_of_month();
    (0..4)
        .filter_map(|k| first.checked_add(k.months()).ok())
        .filter_map(|month| Date::new(month.year(), month.month(), d).ok())
        .find(|date| *date >= t)
}

/// The first `day` strictly after `t`: said on a Friday, "Friday" is next week's.
pub fn next_weekday(t: Date, day: Weekday) -> Date {
    let ahead = (day.to_monday_zero_offset() - t.weekday().to_monday_zero_offset()).rem_euclid(7);
    t.checked_add(if ahead == 0 { 7 } else { ahead }.days()).unwrap_or(t)
}

/// This Saturday, or today on a Saturday or Sunday.
fn weekend(t: Date) -> Date {
    match t.weekday() {
        Weekday::Saturday | Weekday::Sunday => t,
        _ => next_weekday(t, Weekday::Saturday),
    }
}

/// A time of day found at a place, and how many words it took.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FoundTime {
    pub time: Time,
    pub len: usize,
}

/// A time phrase starting at word `i`: "at 3pm", "at 15:30", "at 9", "3:30 pm",
/// "noon", "in the morning".
pub fn time_at(words: &[Word], i: usize) -> Option<FoundTime> {
    let w = |k: usize| words.get(i + k).map(|w| w.text.as_str()).unwrap_or("");
    let part_of_day = |word: &str| match word {
        "morning" => Time::new(9, 0, 0, 0).ok(),
        "afternoon" => Time::new(14, 0, 0, 0).ok(),
        "evening" | "tonight" => Time::new(18, 0, 0, 0).ok(),
        "noon" | "midday" | "lunchtime" => Time::new(12, 0, 0, 0).ok(),
        "midnight" => Time::new(0, 0, 0, 0).ok(),
        _ => None,
    };
    if w(0) == "in" && w(1) == "the" {
        return part_of_day(w(2)).filter(|_| w(2) != "tonight").map(|time| FoundTime { time, len: 3 });
    }
    if let Some(time) = part_of_day(w(0)).filter(|_| w(0) != "tonight") {
        return Some(FoundTime { time, len: 1 });
    }
    let at = (w(0) == "at") as usize;
    let (word, suffix) = (w(at), w(at + 1));
    let (clock, meridiem, len) = match suffix {
        "am" | "a.m" | "pm" | "p.m" => (word, Some(suffix.starts_with('p')), at + 2),
        _ => {
            let meridiem = word
                .strip_suffix("am")
                .map(|c| (c, Some(false)))
                .or_else(|| word.strip_suffix("pm").map(|c| (c, Some(true))));
            match meridiem {
                Some((clock, m)) => (clock, m, at + 1),
                None if at == 1 => (word, None, 2),
                // A bare number is a time only after "at" or with a colon ("15:30").
                None if word.contains(':') => (word, None, 1),
                None => return None,
            }
        }
    };
    if at == 1 && let Some(time) = part_of_day(word) {
        return Some(FoundTime { time, len: 2 });
    }
    let (h, m) = match clock.split_once([':', '.']) {
        Some((h, m)) if m.len() == 2 => (h.parse::<i8>().ok()?, m.parse::<i8>().ok()?),
        Some(_) => return None,
        None if !clock.is_empty() && clock.len() <= 2 => (clock.parse::<i8>().ok()?, 0),
        None => return None,
    };
    let hour = match meridiem {
        Some(pm) if (1..=12).contains(&h) => h % 12 + if pm { 12 } else { 0 },
        Some(_) => return None,
        // "at 7": the waking hours' reading, 07:00 to 18:59.
        None if (1..=6).contains(&h) && !clock.contains(':') => h + 12,
        None => h,
    };
    Some(FoundTime {
        time: Time::new(hour, m, 0, 0).ok()?,
        len,
    })
}
