//! Characters no field a person types may carry: control characters, those that reorder
//! how text displays (`invoice\u{202E}fdp.exe` shows as `invoiceexe.pdf`), and invisible
//! ones that make two different names look the same. Names, titles, email addresses and
//! filenames are shown to people, some in emails to strangers: what they show must be
//! what they are.

/// Whether `c` is a control, bidirectional-formatting or invisible character.
pub fn is_hidden(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            // Bidirectional marks, embeddings, overrides and isolates.
            '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
            // Zero-width space, joiners, word joiner, invisible operators, BOM, soft hyphen.
            | '\u{200B}'..='\u{200D}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}' | '\u{00AD}'
        )
}

/// Whether `text` has any [`is_hidden`] character.
pub fn has_hidden(text: &str) -> bool {
    text.chars().any(is_hidden)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hidden_characters_are_found_and_ordinary_text_is_not() {
        for hidden in [
            "a\u{0}b",
            "tab\there",
            "in\u{202E}voice",
            "a\u{200B}b",
            "\u{FEFF}bom",
            "x\u{2066}y",
            "soft\u{00AD}",
        ] {
            assert!(has_hidden(hidden), "{hidden:?}");
        }
        for plain in [
            "Zoë Ünal",
            "李小龍",
            "محمد",
            "Renée O'Brien-Smith",
            "Passport 2031 🇬🇧",
        ] {
            assert!(!has_hidden(plain), "{plain}");
        }
    }
}
