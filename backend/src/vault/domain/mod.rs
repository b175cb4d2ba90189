//! Vault values that cannot hold a bad value.

mod details;
mod document_kind;
mod document_status;
mod file_type;
mod filename;

pub use details::{Details, DetailsInput, parse_notes, parse_title};
pub use document_kind::DocumentKind;
pub use document_status::DocumentStatus;
pub use file_type::FileType;
pub use filename::Filename;
