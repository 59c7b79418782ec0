//! 支付宝 — Alipay's open platform protocol without a vendor SDK: RSA2 signing and
//! checking, the client the platform pays through, the daily bill, and a local simulator
//! that speaks the same protocol for the demo and the tests.

pub mod bill;
pub mod cert;
pub mod client;
pub mod sign;
pub mod simulator;

pub use client::{AlipayClient, AlipayConfig};
pub use sign::{SigningKey, VerifyingKey};
