//! Where a capture is in its life, and what it was made from.

/// processing → ready (proposals to review) → accepted; or processing → failed (with a
/// reason; retry sends it back to processing). Discarding deletes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaptureStatus {
    Processing,
    Ready,
    Failed,
    Accepted,
}

impl CaptureStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Processing => "processing",
            Self::Ready => "ready",
            Self::Failed => "failed",
            Self::Accepted => "accepted",
        }
    }

    pub fn from_stored(raw: &str) -> Option<Self> {
        [Self::Processing, Self::Ready, Self::Failed, Self::Accepted]
            .into_iter()
            .find(|s| s.as_str() == raw)
    }
}

/// What a capture was made from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Audio,
    Text,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Audio => "audio",
            Self::Text => "text",
        }
    }

    pub fn from_stored(raw: &str) -> Option<Self> {
        match raw {
            "audio" => Some(Self::Audio),
            "text" => Some(Self::Text),
            _ => None,
        }
    }
}
