//! Text cut into words with their places in the original, and the numbers people say.

/// A word of the text: lower-cased, without surrounding punctuation, and where it was.
#[derive(Debug, Clone)]
pub struct Word {
    pub text: String,
    pub start: usize,
    pub end: usize,
}

/// The words of `text`, split on whitespace; leading and trailing punctuation is not
/// part of a word (inner punctuation is: `£1,200.50`, `15:30`, `it's`).
pub fn words(text: &str) -> Vec<Word> {
    let mut out = Vec::new();
    let mut at = 0;
    for piece in text.split_whitespace() {
        let start = at + text[at..].find(piece).expect("the piece comes from the text");
        at = start + piece.len();
        let trimmed_start = piece.trim_start_matches(|c: char| "\"'([{".contains(c) || c == '\u{201c}');
        let lead = piece.len() - trimmed_start.len();
        let trimmed = trimmed_start.trim_end_matches(|c: char| ",.;:!?\"')]}".contains(c) || c == '\u{201d}');
        if trimmed.is_empty() {
            continue;
        }
        out.push(Word {
            text: trimmed.to_lowercase().replace('\u{2019}', "'"),
            start: start + lead,
            end: start + lead + trimmed.len(),
        });
    }
    out
}

/// A small count said in digits or words: "3", "three", "a", "an", "couple".
pub fn count(word: &str) -> Option<i64> {
    const WORDS: [&str; 13] = [
        "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
    ];
    match word {
        "a" | "an" => Some(1),
        "couple" => Some(2),
        "fifteen" => Some(15),
        "twenty" => Some(20),
        "thirty" => Some(30),
        _ => WORDS
            .iter()
            .position(|w| *w == word)
            .map(|n| n as i64)
            .or_else(|| word.parse().ok().filter(|n| (1..=1000).contains(n))),
    }
}

/// A day of the month as said: "3", "3rd", "21st", "third", "first".
pub fn day_of_month(word: &str) -> Option<i8> {
    const ORDINALS: [&str; 31] = [
        "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth",
        "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth", "seventeenth",
        "eighteenth", "nineteenth", "twentieth", "twenty-first", "twenty-second", "twenty-third",
        "twenty-fourth", "twenty-fifth", "twenty-sixth", "twenty-seventh", "twenty-eighth", "twenty-ninth",
        "thirtieth", "thirty-first",
    ];
    if let Some(n) = ORDINALS.iter().position(|o| *o == word) {
        return Some(n as i8 + 1);
    }
    let digits = word
        .strip_suffix("st")
        .or_else(|| word.strip_suffix("nd"))
        .or_else(|| word.strip_suffix("rd"))
        .or_else(|| word.strip_suffix("th"))
        .unwrap_or(word);
    if digits.is_empty() || digits.len() > 2 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok().filter(|d| (1..=31).contains(d))
}

/// Whether `word` is a day of the month said as an ordinal ("3rd", "third"), which a
/// bare number ("3") is not.
pub fn is_ordinal(word: &str) -> bool {
    day_of_month(word).is_some() && !word.bytes().all(|b| b.is_ascii_digit())
}

/// A month by its name or common abbreviation: 1 to 12.
pub fn month(word: &str) -> Option<i8> {
    const MONTHS: [&str; 12] = [
        "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
        "november", "december",
    ];
    MONTHS
        .iter()
        .position(|m| *m == word || (word.len() == 3 && m.starts_with(word)))
        .or((word == "sept").then_some(8))
        .map(|n| n as i8 + 1)
}

/// A weekday by name or abbreviation, Monday = 1; plurals too ("mondays").
pub fn weekday(word: &str) -> Option<jiff::civil::Weekday> {
    use jiff::civil::Weekday::*;
    let word = word.strip_suffix('s').filter(|w| w.ends_with("day")).unwrap_or(word);
    Some(match word {
        "monday" | "mon" => Monday,
        "tuesday" | "tue" | "tues" => Tuesday,
        "wednesday" | "wed" => Wednesday,
        "thursday" | "thu" | "thurs" => Thursday,
        "friday" | "fri" => Friday,
        "saturday" | "sat" => Saturday,
        "sunday" | "sun" => Sunday,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_keep_their_places_and_inner_punctuation() {
        let text = "Pay £1,200.50 (rent), by the 3rd.";
        let w = words(text);
        let texts: Vec<&str> = w.iter().map(|w| w.text.as_str()).collect();
        assert_eq!(texts, ["pay", "£1,200.50", "rent", "by", "the", "3rd"]);
        assert_eq!(&text[w[2].start..w[2].end], "rent");
    }

    #[test]
    fn numbers_days_and_months() {
        assert_eq!(count("two"), Some(2));
        assert_eq!(count("a"), Some(1));
        assert_eq!(count("14"), Some(14));
        assert_eq!(count("many"), None);
        assert_eq!(day_of_month("3rd"), Some(3));
        assert_eq!(day_of_month("twenty-first"), Some(21));
        assert_eq!(day_of_month("32nd"), None);
        assert!(is_ordinal("1st") && !is_ordinal("1"));
        assert_eq!(month("march"), Some(3));
        assert_eq!(month("mar"), Some(3));
        assert_eq!(month("sept"), Some(9));
        assert_eq!(month("dec"), Some(12));
        assert_eq!(month("may"), Some(5));
        assert_eq!(month("ma"), None);
        assert_eq!(month("marching"), None);
        assert_eq!(weekday("fridays"), Some(jiff::civil::Weekday::Friday));
        assert_eq!(weekday("sunday"), Some(jiff::civil::Weekday::Sunday));
    }
}
