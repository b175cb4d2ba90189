//! Capture's decisions, free of HTTP and storage: which audio is accepted and how long
//! it lasts, what a proposal is, and the local extractor.

pub mod audio;
pub mod document;
pub mod local;
pub mod proposal;
pub mod status;

pub use audio::AudioType;
pub use proposal::{MAX_PROPOSALS, Proposal};
pub use status::{CaptureStatus, Source};
