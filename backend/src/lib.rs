//! Softly's API and job workers.
//!
//! Organised by capability: [`accounts`] owns sign-up, sign-in, sessions and passwords;
//! [`vault`] the documents people keep; [`platform`] holds the adapters (database,
//! storage, mail, jobs, rate limits); [`http`] holds what every route shares (errors,
//! extractors, middleware, the router).

pub mod accounts;
pub mod cli;
pub mod config;
pub mod healthcheck;
pub mod http;
pub mod invalid;
pub mod platform;
pub mod startup;
pub mod state;
pub mod telemetry;
pub mod vault;
