//! The local extractor: English phrases read into item drafts on this machine, with no
//! network and no model — how the embedded default (no `ANTHROPIC_API_KEY`) understands
//! a typed or dictated note. Deterministic: the same words on the same day give the
//! same drafts.
//!
//! Each sentence is one proposal. Its words are scanned once, left to right: at each
//! word a repeat, a date, a time or an amount may start; what they take (and the little
//! words that lead into them: "before", "by", "it's about") is not part of the title.
//! The kind and category come from keywords.

mod kinds;
mod money;
mod repeat;
mod when;
mod words;

#[cfg(test)]
mod phrases;

use jiff::civil::{Date, Time};

use super::proposal::{MAX_PROPOSALS, Proposal};
use crate::items::NewItemRequest;
use kinds::{category_of, kind_of};
pub use when::Today;
use words::{Word, words};

/// Words that lead into a date, a time, an amount or a repeat, and mean nothing without it.
const LEADING_INTO: [&str; 27] = [
    "before", "by", "on", "at", "for", "due", "until", "till", "from", "starting", "around", "about",
    "approximately", "roughly", "costs", "cost", "costing", "is", "it's", "its", "it", "which", "will", "be",
    "and", "every", "of",
];

/// Openings that are about asking, not about the thing.
const OPENINGS: [&[&str]; 18] = [
    &["remind", "me", "to"],
    &["remind", "me", "about"],
    &["remind", "me"],
    &["remember", "to"],
    &["don't", "forget", "to"],
    &["dont", "forget", "to"],
    &["do", "not", "forget", "to"],
    &["i", "need", "to"],
    &["i", "have", "to"],
    &["i've", "got", "to"],
    &["i", "must"],
    &["i", "should"],
    &["we", "need", "to"],
    &["need", "to"],
    &["have", "to"],
    &["note", "to", "self"],
    &["please"],
    &["also"],
];

/// Proposals for `text` as of `today`.
pub fn extract(text: &str, today: &Today) -> Vec<Proposal> {
    sentences(text)
        .filter_map(|sentence| read(sentence, today))
        .take(MAX_PROPOSALS)
        .collect()
}

/// The sentences of `text`: cut at line ends, `;`, `!`, `?`, and a `.` that ends a word.
fn sentences(text: &str) -> impl Iterator<Item = &str> {
    let mut cuts = vec![0];
    let bytes = text.as_bytes();
    for (i, c) in text.char_indices() {
        let ends = match c {
            '\n' | ';' | '!' | '?' => true,
            '.' => bytes.get(i + 1).is_none_or(|b| b.is_ascii_whitespace()),
            _ => false,
        };
        if ends {
            cuts.push(i + 1);
        }
    }
    cuts.push(text.len());
    cuts.windows(2)
        .map(move |w| text[w[0]..w[1]].trim())
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .into_iter()
}

/// What one sentence proposes, if it says anything to remember.
fn read(sentence: &str, today: &Today) -> Option<Proposal> {
    let words = words(sentence);
    let mut taken = vec![false; words.len()];
    let (mut date, mut time, mut money, mut repeat) = (None, None, None, None);
    let mut i = 0;
    while i < words.len() {
        let len = if let Some(found) = repeat.is_none().then(|| repeat::repeat_at(&words, i, today.date)).flatten() {
            let len = found.len;
            repeat = Some(found);
            len
        } else if let Some(found) = date.is_none().then(|| when::date_at(&words, i, today)).flatten() {
            date = Some(found.date);
            found.len
        } else if let Some(found) = time.is_none().then(|| when::time_at(&words, i)).flatten() {
            time = Some(found.time);
            found.len
        } else if let Some(found) = money.is_none().then(|| money::money_at(&words, i)).flatten() {
            money = Some(found);
            found.len
        } else {
            i += 1;
            continue;
        };
        take(&words, &mut taken, i, len);
        i += len;
    }
    let kind = kind_of(&words, money.is_some());
    let mut title = title(sentence, &words, &taken);
    let said_something = date.is_some() || repeat.is_some() || money.is_some() || kind.keyword;
    if !said_something && title.split_whitespace().count() < 3 {
        return None;
    }
    let mut unsure = Vec::new();
    if title.is_empty() {
        title = kinds::default_title(kind.kind).to_string();
        unsure.push("title".to_string());
    }
    let first = repeat.as_ref().and_then(|r| r.first);
    let due_on: Date = match date.or(first) {
        Some(date) => date,
        None => {
            unsure.push("due_on".to_string());
            today.date
        }
    };
    let confidence = 0.4
        + 0.3 * (date.is_some() || first.is_some()) as u8 as f64
        + 0.1 * kind.keyword as u8 as f64
        + 0.1 * (money.is_some() || repeat.is_some()) as u8 as f64;
    Some(Proposal {
        item: NewItemRequest {
            kind: kind.kind.as_str().to_string(),
            title,
            category: Some(category_of(&words).to_string()),
            amount_minor: money.map(|m| m.amount_minor),
            currency: money.map(|m| m.currency.to_string()),
            due_on: due_on.to_string(),
            due_time: time.map(format_time),
            recurrence: repeat.map(|r| r.rule),
            ..NewItemRequest::default()
        },
        confidence: (confidence * 100.0).round() / 100.0,
        unsure,
    })
}

/// Marks `len` words from `i` as taken, and the little words leading into them.
fn take(words: &[Word], taken: &mut [bool], i: usize, len: usize) {
    taken[i..i + len].iter_mut().for_each(|t| *t = true);
    let mut k = i;
    while k > 0 && !taken[k - 1] && LEADING_INTO.contains(&words[k - 1].text.as_str()) {
        taken[k - 1] = true;
        k -= 1;
    }
}

/// The sentence without what was taken and without the opening, as the person wrote it
/// (first letter capitalised).
fn title(sentence: &str, words: &[Word], taken: &[bool]) -> String {
    let mut kept: Vec<&Word> = words.iter().zip(taken).filter(|(_, t)| !**t).map(|(w, _)| w).collect();
    loop {
        let texts: Vec<&str> = kept.iter().map(|w| w.text.as_str()).collect();
        match OPENINGS.iter().find(|opening| texts.starts_with(opening)) {
            Some(opening) => {
                kept.drain(..opening.len());
            }
            None => break,
        }
    }
    while kept.first().is_some_and(|w| w.text == "to") {
        kept.remove(0);
    }
    while kept.last().is_some_and(|w| LEADING_INTO.contains(&w.text.as_str()) || w.text == "the") {
        kept.pop();
    }
    let joined = kept.iter().map(|w| &sentence[w.start..w.end]).collect::<Vec<_>>().join(" ");
    let mut chars = joined.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect::<String>().chars().take(200).collect(),
        None => String::new(),
    }
}

/// The date written at the start of `text` (in its first two words), read as the
/// extractor reads dates: how a document's labelled dates are read.
pub fn date_in(text: &str, today: &Today) -> Option<Date> {
    let words = words(text);
    (0..words.len().min(2)).find_map(|i| when::date_at(&words, i, today)).map(|f| f.date)
}

fn format_time(time: Time) -> String {
    format!("{:02}:{:02}", time.hour(), time.minute())
}
