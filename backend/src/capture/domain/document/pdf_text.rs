//! The text layer of a PDF, read well enough to find labels and dates: content streams
//! (inflated when Flate-compressed), the strings their text operators show (`Tj`, `TJ`,
//! `'`, `"`), a line break where the text moves to a new line.
//!
//! Deliberately small: strings are taken as their bytes (PDFDocEncoding / Latin-1, which
//! is what simple generators write). Fonts that map glyph ids through a CMap (most
//! subsetted fonts) yield nothing readable, and the caller suggests nothing then.

use std::io::Read;

/// The most text taken from one document.
const MAX_TEXT: usize = 1 << 20;
/// The most one stream may inflate to.
const MAX_STREAM: u64 = 8 << 20;

/// The text of `pdf`, line by line.
pub fn text(pdf: &[u8]) -> String {
    let mut out = String::new();
    let mut at = 0;
    while let Some(found) = find(&pdf[at..], b"stream") {
        let keyword = at + found;
        at = keyword + 6;
        if pdf[..keyword].ends_with(b"end") {
            continue;
        }
        let mut start = at;
        if pdf.get(start) == Some(&b'\r') {
            start += 1;
        }
        if pdf.get(start) != Some(&b'\n') {
            continue;
        }
        start += 1;
        let Some(length) = find(&pdf[start..], b"endstream") else { break };
        let raw = &pdf[start..start + length];
        at = start + length + 9;
        let dictionary = &pdf[keyword.saturating_sub(512)..keyword];
        let dictionary = rfind(dictionary, b"<<").map_or(dictionary, |open| &dictionary[open..]);
        let content = if find(dictionary, b"/FlateDecode").is_some() {
            match inflate(raw) {
                Some(bytes) => bytes,
                None => continue,
            }
        } else if find(dictionary, b"/Filter").is_some() {
            continue; // images and other encodings hold no text
        } else {
            raw.to_vec()
        };
        shown_text(&content, &mut out);
        if out.len() > MAX_TEXT {
            break;
        }
    }
    out
}

fn inflate(raw: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    flate2::read::ZlibDecoder::new(raw)
        .take(MAX_STREAM)
        .read_to_end(&mut out)
        .ok()?;
    Some(out)
}

/// Appends the strings a content stream shows, breaking lines where the text moves.
fn shown_text(content: &[u8], out: &mut String) {
    let mut i = 0;
    let mut line = String::new();
    let flush = |line: &mut String, out: &mut String| {
        let trimmed = line.trim();
        if !trimmed.is_empty() {
            out.push_str(trimmed);
            out.push('\n');
        }
        line.clear();
    };
    while i < content.len() {
        match content[i] {
            b'(' => {
                let (text, next) = literal(content, i + 1);
                line.push_str(&text);
                i = next;
            }
            b'<' if content.get(i + 1) != Some(&b'<') => {
                let end = content[i..].iter().position(|b| *b == b'>').map_or(content.len(), |p| i + p);
                let hex: Vec<u8> = content[i + 1..end].iter().copied().filter(u8::is_ascii_hexdigit).collect();
                let bytes: Vec<u8> = hex
                    .chunks(2)
                    .filter_map(|pair| u8::from_str_radix(std::str::from_utf8(pair).ok()?, 16).ok())
                    .collect();
                if bytes.iter().all(|b| b.is_ascii_graphic() || *b == b' ') {
                    line.extend(bytes.iter().map(|b| *b as char));
                }
                i = end + 1;
            }
            b'-' if line_gap(content, i) => {
                line.push(' ');
                i += 1;
            }
            b'T' if matches!(content.get(i + 1), Some(b'*' | b'd' | b'D')) => {
                flush(&mut line, out);
                i += 2;
            }
            b'E' if content.get(i + 1) == Some(&b'T') => {
                flush(&mut line, out);
                i += 2;
            }
            b'\'' | b'"' => {
                flush(&mut line, out);
                i += 1;
            }
            _ => i += 1,
        }
    }
    flush(&mut line, out);
}

/// A large negative adjustment inside a TJ array (`-250`) is a space between words.
fn line_gap(content: &[u8], i: usize) -> bool {
    let digits: Vec<u8> = content[i + 1..].iter().take_while(|b| b.is_ascii_digit()).copied().collect();
    std::str::from_utf8(&digits).ok().and_then(|d| d.parse::<u32>().ok()).is_some_and(|n| n >= 200)
}

/// A literal string from after its `(` to its balancing `)`, escapes resolved; and
/// where reading goes on.
fn literal(content: &[u8], mut i: usize) -> (String, usize) {
    let mut text = String::new();
    let mut depth = 1;
    while i < content.len() {
        let b = content[i];
        i += 1;
        match b {
            b'\\' => {
                let Some(&next) = content.get(i) else { break };
                i += 1;
                match next {
                    b'n' | b'r' => text.push(' '),
                    b't' => text.push(' '),
                    b'0'..=b'7' => {
                        let mut value = u32::from(next - b'0');
                        for _ in 0..2 {
                            match content.get(i) {
                                Some(d @ b'0'..=b'7') => {
                                    value = value * 8 + u32::from(d - b'0');
                                    i += 1;
                                }
                                _ => break,
                            }
                        }
                        text.push(char::from_u32(value).unwrap_or(' '));
                    }
                    b'\r' | b'\n' => {}
                    other => text.push(other as char),
                }
            }
            b'(' => {
                depth += 1;
                text.push('(');
            }
            b')' => {
                depth -= 1;
                if depth == 0 {
                    break;
                }
                text.push(')');
            }
            other => text.push(other as char),
        }
    }
    (text, i)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn rfind(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).rposition(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    /// A one-page PDF whose content stream shows `lines`, compressed or not.
    pub fn pdf_showing(lines: &[&str], compress: bool) -> Vec<u8> {
        let mut content = String::from("BT /F1 12 Tf 72 720 Td\n");
        for line in lines {
            let escaped = line.replace('\\', "\\\\").replace('(', "\\(").replace(')', "\\)");
            content.push_str(&format!("({escaped}) Tj 0 -16 Td\n"));
        }
        content.push_str("ET\n");
        let (stream, filter) = if compress {
            let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
            encoder.write_all(content.as_bytes()).unwrap();
            (encoder.finish().unwrap(), " /Filter /FlateDecode")
        } else {
            (content.into_bytes(), "")
        };
        let mut pdf = b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n".to_vec();
        pdf.extend_from_slice(b"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n");
        pdf.extend_from_slice(b"3 0 obj << /Type /Page /Parent 2 0 R /Contents 4 0 R >> endobj\n");
        pdf.extend_from_slice(format!("4 0 obj << /Length {}{filter} >>\nstream\n", stream.len()).as_bytes());
        pdf.extend_from_slice(&stream);
        pdf.extend_from_slice(b"\nendstream\nendobj\ntrailer << /Root 1 0 R >>\n%%EOF\n");
        pdf
    }

    #[test]
    fn reads_shown_strings_line_by_line_compressed_or_not() {
        for compress in [false, true] {
            let pdf = pdf_showing(&["HOME INSURANCE", "Renewal date: 14/02/2027", "Paren (kept) \\ too"], compress);
            assert_eq!(text(&pdf), "HOME INSURANCE\nRenewal date: 14/02/2027\nParen (kept) \\ too\n");
        }
    }

    #[test]
    fn tj_arrays_hex_strings_and_garbage() {
        let content = b"BT [(Valid)-300(until)] TJ T* <323032382D31312D3330> Tj ET";
        let mut out = String::new();
        shown_text(content, &mut out);
        assert_eq!(out, "Valid until\n2028-11-30\n");
        assert_eq!(text(b"%PDF-1.4 stream without an end"), "");
        assert_eq!(text(b"not a pdf at all"), "");
    }
}
