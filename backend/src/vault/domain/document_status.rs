/// Where a document is in its processing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentStatus {
    /// Stored and counted; the processing job has not settled it yet.
    Processing,
    Ready,
    /// The stored file could not be accepted; the document says why.
    Failed,
}

impl DocumentStatus {
    pub const ALL: [Self; 3] = [Self::Processing, Self::Ready, Self::Failed];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Processing => "processing",
            Self::Ready => "ready",
            Self::Failed => "failed",
        }
    }

    /// The status a stored value names, if any.
    pub fn from_stored(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|status| status.as_str() == raw)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_reads_back_as_itself() {
        for status in DocumentStatus::ALL {
            assert_eq!(DocumentStatus::from_stored(status.as_str()), Some(status));
        }
        assert_eq!(DocumentStatus::from_stored("Processing"), None);
    }
}
