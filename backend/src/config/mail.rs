//! How mail leaves: `MAIL_TRANSPORT=file` (the embedded default: `.eml` files in the data
//! directory), `ses` (Amazon SES v2 through the standard AWS credential chain;
//! `SES_ENDPOINT` points at another server for tests, `SES_CONFIGURATION_SET` names the
//! configuration set to send through) or `smtp` (any SMTP server named by `SMTP_URL`,
//! for self-hosters).

use super::{ConfigError, Lookup, Secret};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MailTransport {
    File,
    Ses(SesSettings),
    /// `smtps://user:pass@host:465`, `smtp://user:pass@host:587?tls=required`, or plain
    /// `smtp://host:port` (unencrypted: only for a relay on the same host or network).
    Smtp(Secret),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SesSettings {
    pub region: String,
    pub endpoint: Option<String>,
    pub configuration_set: Option<String>,
}

impl MailTransport {
    pub fn from_lookup(lookup: Lookup<'_>) -> Result<Self, ConfigError> {
        match lookup("MAIL_TRANSPORT").as_deref() {
            None | Some("file") => Ok(Self::File),
            Some("ses") => {
                let endpoint = lookup("SES_ENDPOINT");
                if let Some(endpoint) = &endpoint
                    && !(endpoint.starts_with("http://") || endpoint.starts_with("https://"))
                {
                    return Err(ConfigError::new(
                        "SES_ENDPOINT",
                        "must start with http:// or https://",
                    ));
                }
                Ok(Self::Ses(SesSettings {
                    region: lookup("AWS_REGION")
                        .or_else(|| lookup("AWS_DEFAULT_REGION"))
                        .unwrap_or_else(|| "eu-west-2".into()),
                    endpoint,
                    configuration_set: lookup("SES_CONFIGURATION_SET"),
                }))
            }
            Some("smtp") => {
                let url = lookup("SMTP_URL")
                    .ok_or_else(|| ConfigError::new("SMTP_URL", "is required with MAIL_TRANSPORT=smtp"))?;
                if !(url.starts_with("smtp://") || url.starts_with("smtps://")) {
                    return Err(ConfigError::new(
                        "SMTP_URL",
                        "must start with smtp:// or smtps://",
                    ));
                }
                Ok(Self::Smtp(Secret::new(url)))
            }
            Some(other) => Err(ConfigError::new(
                "MAIL_TRANSPORT",
                format!("expected file, ses or smtp, got {other:?}"),
            )),
        }
    }

    /// Its lines for `softly config`.
    pub fn describe(&self) -> Vec<String> {
        match self {
            Self::File => vec!["MAIL_TRANSPORT=file".into()],
            Self::Ses(ses) => vec![
                "MAIL_TRANSPORT=ses".into(),
                format!("AWS_REGION={}", ses.region),
                format!("SES_ENDPOINT={}", ses.endpoint.as_deref().unwrap_or("")),
                format!(
                    "SES_CONFIGURATION_SET={}",
                    ses.configuration_set.as_deref().unwrap_or("")
                ),
            ],
            Self::Smtp(url) => vec![
                "MAIL_TRANSPORT=smtp".into(),
                format!("SMTP_URL={}", url.redacted_url()),
            ],
        }
    }
}
