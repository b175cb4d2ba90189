//! The document vault: passports, ID cards, licences, insurance papers and bills.
//!
//! So far its domain values; the documents API, processing jobs and quotas build on
//! them and on [`crate::platform::storage`].

pub mod domain;
