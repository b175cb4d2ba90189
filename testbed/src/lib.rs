//! A private, production-like deployment of Softly on loopback, started from scratch and
//! torn down on drop: its own PostgreSQL cluster (initdb, its own data folder and port),
//! its own Redis, moto for S3 and SES, HAProxy health-checking `/up` every 2 s and
//! taking a server out after 2 failures (as the ALB does), N `softly serve` replicas
//! and M `softly worker` processes — every piece a real process that can be stopped,
//! killed, frozen or restarted on its own.
//!
//! The fault suite (`faults/`) and the bench (`bench/`) build on it. [`fakes`] are the
//! providers that cannot run here (Deepgram, Anthropic), speaking their real wire.

mod api;
mod cluster;
pub mod fakes;
mod haproxy;
pub mod metrics;
mod moto;
mod postgres;
mod process;
mod redis;
mod softly;

pub use api::{Api, Outcome, PASSWORD, access_token, pdf, some_address, tone_wav, unique};
pub use cluster::{Cluster, Options};
pub use haproxy::Haproxy;
pub use metrics::Metrics;
pub use moto::Moto;
pub use postgres::Postgres;
pub use process::{Daemon, free_port, wait_for_port};
pub use redis::RedisServer;
pub use softly::{Memory, Role, Softly};
