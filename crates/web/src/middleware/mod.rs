//! Layers that every request passes through.

pub mod client_addr;
pub mod csrf;
pub mod error_pages;
pub mod password_expiry;
pub mod rate_limit;
pub mod security_headers;
pub mod session_ready;
