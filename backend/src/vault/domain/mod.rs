//! Vault values that cannot hold a bad value.

mod document_kind;
mod file_type;
mod filename;

pub use document_kind::DocumentKind;
pub use file_type::FileType;
pub use filename::Filename;
