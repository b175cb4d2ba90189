//! Softly's API and job workers.
//!
//! Organised by capability: [`accounts`] owns sign-up, sign-in, sessions and passwords;
//! [`platform`] holds the adapters (database, mail, jobs, rate limits); [`http`] holds
//! what every route shares (errors, extractors, middleware, the router).

pub mod accounts;
pub mod cli;
pub mod config;
pub mod http;
pub mod platform;
pub mod startup;
pub mod state;
pub mod telemetry;
