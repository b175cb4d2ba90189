//! What a capture proposes: item drafts a person reviews, edits and accepts. Nothing
//! becomes an item until they do.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::items::NewItemRequest;

/// One proposed item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Proposal {
    /// The item as it would be created, in the shape `POST /v1/items` takes: edit it,
    /// then send it back to accept.
    pub item: NewItemRequest,
    /// 0 to 1: how sure the reader is of this proposal as a whole.
    pub confidence: f64,
    /// Fields the reader guessed rather than heard (a due date nobody said, set to
    /// today): check these first.
    pub unsure: Vec<String>,
}

/// The most proposals one capture makes.
pub const MAX_PROPOSALS: usize = 10;
