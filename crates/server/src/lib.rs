//! The `zhicheng` server: configuration, secrets, wiring and start-up. The binary in
//! `main.rs` is a thin command-line front; tests build the same [`startup::Application`].

pub mod audit_anchor;
pub mod backup;
pub mod certificate_keys;
pub mod cli;
pub mod config;
mod config_check;
mod config_env;
pub mod keys;
pub mod payments;
pub mod startup;
pub mod telemetry;
pub mod transports;

pub use config::Config;
pub use startup::{Application, StartupReport};
