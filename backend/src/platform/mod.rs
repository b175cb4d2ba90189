//! Adapters to the outside world. Each has an embedded and a production implementation,
//! chosen from configuration at start-up; domain code never knows which one it talks to.

pub mod aws;
pub mod cache;
pub mod crypto;
pub mod db;
pub mod jobs;
pub mod limits;
pub mod mail;
pub mod redis;
pub mod schedule;
pub mod storage;
pub mod time;
