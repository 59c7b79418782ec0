//! 文书 — the documents the platform writes for people to keep or print: the .xlsx
//! 花名册 (roster) of a filtered queue and the unit's 公示表. Kept in its own crate because
//! spreadsheet writing is slow to compile and rarely touched.

pub mod cell;
pub mod qr;
pub mod sheet;

pub use sheet::{Sheet, SheetError};
