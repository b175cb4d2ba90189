//! Softly's one email layout, in HTML and plain text, with escaping in one place; and a
//! generic job that sends a [`Letter`] to one person, for any capability.
//!
//! A letter says hello, carries one or two paragraphs, perhaps a list (each entry a line,
//! perhaps a link, with links of its own beneath), at most one main action (a link shown
//! as a button in HTML and as `label: url` in text), perhaps further links, a closing
//! line, and signs off.

use lettre::message::Mailbox;
use serde::{Deserialize, Serialize};

use super::{Mailer, OutgoingEmail};
use crate::platform::jobs::{Job, JobHandler};

/// What an email says, before it is laid out.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Letter {
    pub subject: String,
    /// The recipient's name, for "Hello {name},".
    pub name: String,
    pub intro: String,
    /// Lines after the intro (a digest's reminders). Absent in letters queued before it.
    #[serde(default)]
    pub list: Vec<Entry>,
    pub action: Option<Action>,
    /// Smaller links after the main action.
    #[serde(default)]
    pub links: Vec<Action>,
    pub outro: String,
}

/// One line of a letter's list: its text, where it leads, and links of its own.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Entry {
    pub text: String,
    pub url: Option<String>,
    #[serde(default)]
    pub links: Vec<Action>,
}

/// The one link a letter is about.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Action {
    pub label: String,
    pub url: String,
}

/// A letter laid out.
#[derive(Debug, Clone)]
pub struct Rendered {
    pub text: String,
    pub html: String,
}

impl Letter {
    pub fn render(&self) -> Rendered {
        let mut text = format!("Hello {},\n\n{}\n\n", self.name, self.intro);
        let mut html = format!(
            "<!doctype html><html><body style=\"font-family:sans-serif;line-height:1.5\">\
             <p>Hello {},</p><p>{}</p>",
            escape_html(&self.name),
            escape_html(&self.intro)
        );
        if !self.list.is_empty() {
            html.push_str("<ul>");
            for entry in &self.list {
                match &entry.url {
                    Some(url) => {
                        text.push_str(&format!("- {}: {url}\n", entry.text));
                        html.push_str(&format!("<li>{}", link(url, &entry.text)));
                    }
                    None => {
                        text.push_str(&format!("- {}\n", entry.text));
                        html.push_str(&format!("<li>{}", escape_html(&entry.text)));
                    }
                }
                for sub in &entry.links {
                    text.push_str(&format!("  {}: {}\n", sub.label, sub.url));
                }
                if !entry.links.is_empty() {
                    let subs: Vec<String> = entry.links.iter().map(|a| link(&a.url, &a.label)).collect();
                    html.push_str(&format!("<br><small>{}</small>", subs.join(" · ")));
                }
                html.push_str("</li>");
            }
            html.push_str("</ul>");
            text.push('\n');
        }
        if let Some(action) = &self.action {
            text.push_str(&format!("{}: {}\n\n", action.label, action.url));
            html.push_str(&format!("<p>{}</p>", link(&action.url, &action.label)));
        }
        if !self.links.is_empty() {
            for action in &self.links {
                text.push_str(&format!("{}: {}\n", action.label, action.url));
            }
            text.push('\n');
            let links: Vec<String> = self.links.iter().map(|a| link(&a.url, &a.label)).collect();
            html.push_str(&format!("<p><small>{}</small></p>", links.join(" · ")));
        }
        text.push_str(&format!("{}\n\n— Softly\n", self.outro));
        html.push_str(&format!(
            "<p>{}</p><p>— Softly</p></body></html>",
            escape_html(&self.outro)
        ));
        Rendered { text, html }
    }

    /// The message for `to` (an address, with `name` as its display name), sent by `from`;
    /// `id` (the job's) becomes the Message-ID, so a retry rewrites the same message.
    pub fn to_email(&self, id: &str, from: &Mailbox, to: &str) -> anyhow::Result<OutgoingEmail> {
        let to: Mailbox = format!("{} <{to}>", quote(&self.name))
            .parse()
            .or_else(|_| to.parse())
            .map_err(|e| anyhow::anyhow!("recipient does not parse: {e}"))?;
        let rendered = self.render();
        Ok(OutgoingEmail {
            id: id.to_string(),
            from: from.clone(),
            to,
            subject: self.subject.clone(),
            text: rendered.text,
            html: rendered.html,
            action_url: self.action.as_ref().map(|a| a.url.clone()),
        })
    }
}

fn link(url: &str, label: &str) -> String {
    format!("<a href=\"{}\">{}</a>", escape_html(url), escape_html(label))
}

/// `raw` safe inside HTML text and attribute values.
pub fn escape_html(raw: &str) -> String {
    raw.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// A display name as an RFC 5322 quoted string.
fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('\\', "\\\\").replace('"', "\\\""))
}

/// Send `letter` to `to`: the generic email job any capability may enqueue.
#[derive(Debug, Serialize, Deserialize)]
pub struct SendLetter {
    pub to: String,
    pub letter: Letter,
}

impl Job for SendLetter {
    const KIND: &'static str = "send_letter";
}

/// Lays out [`SendLetter`]s and hands them to the mailer.
pub struct SendLetterHandler {
    pub mailer: std::sync::Arc<dyn Mailer>,
    pub from: Mailbox,
}

impl JobHandler<SendLetter> for SendLetterHandler {
    async fn run(&self, job_id: &str, job: SendLetter) -> anyhow::Result<()> {
        let email = job.letter.to_email(job_id, &self.from, &job.to)?;
        self.mailer.send(&email).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn letter(name: &str, action: Option<Action>) -> Letter {
        Letter {
            subject: "Subject".into(),
            name: name.into(),
            intro: "Intro & more.".into(),
            list: Vec::new(),
            action,
            links: Vec::new(),
            outro: "Outro.".into(),
        }
    }

    #[test]
    fn html_is_escaped_and_text_is_kept_as_written() {
        let rendered = letter("<script>x</script>", None).render();
        assert!(!rendered.html.contains("<script>"));
        assert!(rendered.html.contains("Intro &amp; more."));
        assert!(rendered.text.starts_with("Hello <script>x</script>,"));
    }

    #[test]
    fn the_action_is_a_link_in_html_and_a_line_in_text() {
        let action = Action {
            label: "Open".into(),
            url: "https://app.example/a?b=1&c=2".into(),
        };
        let rendered = letter("Ada", Some(action)).render();
        assert!(rendered.text.contains("Open: https://app.example/a?b=1&c=2\n"));
        assert!(
            rendered
                .html
                .contains("<a href=\"https://app.example/a?b=1&amp;c=2\">Open</a>")
        );
        assert!(!letter("Ada", None).render().html.contains("<a "));
    }

    #[test]
    fn a_list_and_further_links_are_written_in_both_parts() {
        let mut letter = letter("Ada", None);
        letter.list = vec![Entry {
            text: "Passport <due>".into(),
            url: Some("https://app.example/item?id=1".into()),
            links: vec![Action {
                label: "Done".into(),
                url: "https://api.example/done".into(),
            }],
        }];
        letter.links = vec![Action {
            label: "Snooze".into(),
            url: "https://api.example/snooze".into(),
        }];
        let rendered = letter.render();
        assert!(
            rendered.text.contains(
                "- Passport <due>: https://app.example/item?id=1\n  Done: https://api.example/done\n"
            )
        );
        assert!(rendered.text.contains("Snooze: https://api.example/snooze\n"));
        assert!(
            rendered
                .html
                .contains("<li><a href=\"https://app.example/item?id=1\">Passport &lt;due&gt;</a>")
        );
        assert!(
            rendered
                .html
                .contains("<a href=\"https://api.example/snooze\">Snooze</a>")
        );
    }

    #[test]
    fn a_letter_queued_before_lists_existed_still_reads() {
        let old = r#"{"subject":"S","name":"N","intro":"I","action":null,"outro":"O"}"#;
        let letter: Letter = serde_json::from_str(old).unwrap();
        assert!(letter.list.is_empty() && letter.links.is_empty());
    }

    #[test]
    fn a_name_that_breaks_the_address_header_falls_back_to_the_bare_address() {
        let from: Mailbox = "Softly <hello@mysoftly.app>".parse().unwrap();
        let email = letter("Ada \"the\" Lovelace", None)
            .to_email("id-1", &from, "ada@example.com")
            .unwrap();
        assert_eq!(email.to.email.to_string(), "ada@example.com");
    }
}
