//! A passport's machine-readable zone (ICAO 9303, TD3: two lines of 44 characters) when
//! it is in a document's text: the issuing state, the number, the expiry date; check
//! digits decide how sure the reading is.

use super::{DocumentSuggestions, Suggested};

pub fn read(text: &str) -> Option<DocumentSuggestions> {
    let lines: Vec<String> = text
        .lines()
        .map(|l| l.chars().filter(|c| !c.is_whitespace()).collect::<String>())
        .collect();
    let zone = lines.windows(2).find(|w| {
        w.iter().all(|l| l.len() == 44 && l.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'<'))
            && w[0].starts_with('P')
    })?;
    let (first, second) = (zone[0].as_bytes(), zone[1].as_bytes());
    let country = String::from_utf8_lossy(&first[2..5]).replace('<', "");
    let number = String::from_utf8_lossy(&second[0..9]).replace('<', "");
    let expiry = std::str::from_utf8(&second[21..27]).ok()?;
    let number_checks = check_digit(&second[0..9]) == Some(second[9]);
    let expiry_checks = check_digit(&second[21..27]) == Some(second[27]);
    let sure = |checks: bool| if checks { 0.95 } else { 0.5 };
    let expires_on = format!("20{}-{}-{}", &expiry[0..2], &expiry[2..4], &expiry[4..6]);
    Some(DocumentSuggestions {
        kind: Some(Suggested::new("passport", 0.95)),
        title: Some(Suggested::new("Passport", 0.9)),
        issuing_country: Some(Suggested::new(country, 0.9)),
        issued_on: None,
        expires_on: Some(Suggested::new(expires_on, sure(expiry_checks))),
        document_number: Some(Suggested::new(number, sure(number_checks))),
    })
}

/// ICAO 9303's check digit: weights 7, 3, 1; `<` is 0, letters 10 to 35.
fn check_digit(field: &[u8]) -> Option<u8> {
    let mut sum = 0u32;
    for (i, b) in field.iter().enumerate() {
        let value = match b {
            b'0'..=b'9' => u32::from(b - b'0'),
            b'A'..=b'Z' => u32::from(b - b'A') + 10,
            b'<' => 0,
            _ => return None,
        };
        sum += value * [7, 3, 1][i % 3];
    }
    Some(b'0' + (sum % 10) as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// ICAO 9303's specimen, Utopia's Anna Maria Eriksson.
    const SPECIMEN: &str = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10";

    #[test]
    fn reads_the_specimen_with_its_check_digits() {
        let read = read(SPECIMEN).unwrap();
        assert_eq!(read.issuing_country.unwrap().value, "UTO");
        assert_eq!(read.expires_on.clone().unwrap().value, "2012-04-15");
        assert_eq!(read.expires_on.unwrap().confidence, 0.95);
        let number = read.document_number.unwrap();
        assert_eq!((number.value.as_str(), number.confidence), ("L898902C3", 0.95));
    }

    #[test]
    fn a_wrong_check_digit_lowers_confidence_and_text_without_a_zone_has_none() {
        let tampered = SPECIMEN.replace("L898902C36", "L898902C37");
        assert_eq!(read(&tampered).unwrap().document_number.unwrap().confidence, 0.5);
        assert!(read("PASSPORT\nNothing machine readable here").is_none());
    }
}
