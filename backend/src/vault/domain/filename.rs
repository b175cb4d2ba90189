/// The name a user's file had: metadata to show and to offer on download, never a
/// path. Keys in storage are the server's own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filename(String);

/// Names are cut to this many bytes (at a character boundary).
pub const MAX_BYTES: usize = 255;

impl Filename {
    /// The last path component, without hidden characters ([`crate::text::is_hidden`]),
    /// trimmed of spaces and dots, at most 255 bytes; None when nothing is left.
    pub fn sanitise(raw: &str) -> Option<Self> {
        let last = raw.rsplit(['/', '\\']).next().unwrap_or_default();
        let cleaned: String = last
            .chars()
            .filter(|c| !crate::text::is_hidden(*c))
            .collect();
        let trimmed = cleaned.trim_matches(|c: char| c.is_whitespace() || c == '.');
        let mut end = trimmed.len().min(MAX_BYTES);
        while !trimmed.is_char_boundary(end) {
            end -= 1;
        }
        let name = trimmed[..end].trim_end();
        (!name.is_empty()).then(|| Self(name.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clean(raw: &str) -> Option<String> {
        Filename::sanitise(raw).map(|f| f.as_str().to_string())
    }

    #[test]
    fn paths_are_reduced_to_their_last_component() {
        assert_eq!(clean("../../etc/passwd").as_deref(), Some("passwd"));
        assert_eq!(
            clean("C:\\Users\\ada\\passport.jpg").as_deref(),
            Some("passport.jpg")
        );
        assert_eq!(clean("scans/2026/licence.pdf").as_deref(), Some("licence.pdf"));
    }

    #[test]
    fn control_and_reordering_characters_are_removed() {
        assert_eq!(clean("bill\u{0}\r\n.pdf").as_deref(), Some("bill.pdf"));
        assert_eq!(clean("invoice\u{202E}fdp.exe").as_deref(), Some("invoicefdp.exe"));
    }

    #[test]
    fn nothing_left_is_no_name() {
        for raw in ["", "   ", "..", "a/", "\u{202E}"] {
            assert_eq!(clean(raw), None, "{raw:?}");
        }
    }

    #[test]
    fn long_names_are_cut_at_255_bytes_on_a_character_boundary() {
        let name = clean(&"é".repeat(200)).unwrap();
        assert!(name.len() <= MAX_BYTES);
        assert_eq!(name, "é".repeat(127));
        assert_eq!(clean(&"a".repeat(300)).unwrap().len(), 255);
    }

    #[test]
    fn unicode_names_are_kept() {
        assert_eq!(
            clean("Führerschein 運転免許証.heic").as_deref(),
            Some("Führerschein 運転免許証.heic")
        );
    }
}
