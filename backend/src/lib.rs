//! Softly's API and job workers.
//!
//! Organised by capability: [`accounts`] owns sign-up, sign-in, sessions and passwords;
//! [`vault`] the documents people keep; [`items`] what Softly remembers and reminds of
//! (renewals, expiries, bills, appointments, to-dos); [`platform`] holds the adapters (database,
//! storage, mail, jobs, events, cache, clock); [`http`] holds what every route shares
//! (errors, extractors, middleware, the router); [`capability`] is how a capability
//! wires itself in. The layers and the rules between them: `src/README.md`.

pub mod capability;
pub mod civil;
pub mod cli;
pub mod codes;
pub mod config;
pub mod healthcheck;
pub mod http;
pub mod invalid;
pub mod platform;
pub mod startup;
pub mod telemetry;
pub mod text;

/// Declares each capability's module and lists its [`capability::Definition`] in
/// [`CAPABILITIES`]: adding a capability is its folder plus its name here.
macro_rules! capabilities {
    ($($name:ident),* $(,)?) => {
        $(pub mod $name;)*

        /// Every capability of this binary, in wiring order: a capability may use the
        /// public services of those listed before it.
        pub const CAPABILITIES: &[capability::Definition] = &[$($name::CAPABILITY),*];
    };
}

capabilities!(accounts, plans, vault, items, capture);
