//! 文书 — the documents the platform writes for people to keep or print: the .xlsx
//! 花名册 (roster) of a filtered queue, and PDF 申报表, 公示表 and certificates. Kept in its
//! own crate because spreadsheet and PDF writing are slow to compile and rarely touched.

pub mod cell;
pub mod pdf;
pub mod qr;
pub mod sheet;
pub mod tables;

pub use sheet::{Sheet, SheetError};
pub use tables::{Cell, TableBook};
