//! 费用 — the money path: the fee items of a plan, the order a dossier gets when 初审通过
//! leads to 待缴费, paying at the gateway, the notify and the query that settle it, the
//! sweep that closes what was abandoned or overdue, refunds, invoices and reconciliation.

pub mod fee_items;
pub mod gateway;
pub mod notify;
pub mod orders;
pub mod refunds;
pub mod settle;
pub mod sweep;

pub use gateway::{PaymentGateway, Unconfigured};
