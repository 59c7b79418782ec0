//! Layers that every request passes through.

pub mod csrf;
pub mod error_pages;
pub mod security_headers;
