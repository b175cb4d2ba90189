//! Writing iCalendar (RFC 5545) text: content lines with escaped values, folded at 75
//! octets, ended with CRLF.

/// An iCalendar object being written.
#[derive(Default)]
pub struct Ics {
    out: String,
}

impl Ics {
    /// `NAME[;PARAMS]:value`, the value written as given (dates, rules, durations).
    pub fn raw(&mut self, name: &str, value: &str) {
        self.fold(&format!("{name}:{value}"));
    }

    /// `NAME:text`, the text escaped (backslash, semicolon, comma, newline).
    pub fn text(&mut self, name: &str, text: &str) {
        let escaped = text
            .replace('\\', "\\\\")
            .replace(';', "\\;")
            .replace(',', "\\,")
            .replace("\r\n", "\\n")
            .replace(['\n', '\r'], "\\n");
        self.raw(name, &escaped);
    }

    pub fn begin(&mut self, component: &str) {
        self.raw("BEGIN", component);
    }

    pub fn end(&mut self, component: &str) {
        self.raw("END", component);
    }

    pub fn finish(self) -> String {
        self.out
    }

    /// Lines longer than 75 octets continue on lines that start with a space, never
    /// splitting a character.
    fn fold(&mut self, line: &str) {
        let mut width = 0;
        for c in line.chars() {
            if width + c.len_utf8() > 75 {
                self.out.push_str("\r\n ");
                width = 1;
            }
            self.out.push(c);
            width += c.len_utf8();
        }
        self.out.push_str("\r\n");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_and_long_lines_fold_between_characters() {
        let mut ics = Ics::default();
        ics.text("SUMMARY", "Tax; rates, \\ and\nmore");
        let long = "é".repeat(60);
        ics.text("DESCRIPTION", &long);
        let out = ics.finish();
        assert!(out.starts_with("SUMMARY:Tax\\; rates\\, \\\\ and\\nmore\r\n"));
        for line in out.split("\r\n") {
            assert!(line.len() <= 75, "{line:?} is {} octets", line.len());
        }
        let unfolded = out.replace("\r\n ", "");
        assert!(unfolded.contains(&format!("DESCRIPTION:{long}\r\n")));
    }
}
