//! 费用 — fees and payment orders: money in fen, the order's state machine and the seed's
//! order number. Pure rules; the gateway protocol lives in `zc-integrations`.

pub mod fee_notice;
pub mod money;
pub mod order_number;
pub mod order_status;

pub use fee_notice::fee_notice;
pub use money::Fen;
pub use order_number::order_number;
pub use order_status::{InvoiceStatus, OrderEvent, OrderRefusal, OrderStatus, next_order_status};
