//! Capture: what a person says or types becomes proposed items they review.
pub mod domain;
