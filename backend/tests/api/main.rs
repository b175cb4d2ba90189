//! Integration tests: the real application over HTTP, on SQLite and PostgreSQL.

mod helpers;
mod private_redis;
mod process;

mod auth;
mod cache;
mod capture;
mod cli;
mod connections;
mod cookie_sessions;
mod dispatch;
mod health;
mod items;
mod jobs;
mod lockout;
mod login;
mod maintenance;
mod me;
mod memory;
mod metrics;
mod migrations;
mod password_reset;
mod plans;
mod refresh;
mod ses;
mod sessions;
mod shared_limits;
mod shutdown;
mod signup;
mod smtp;
mod storage;
mod telemetry;
mod vault;
mod verify_email;
mod web_app;
