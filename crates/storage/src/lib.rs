//! 附件存储 — what happens to an uploaded file before it is kept.

pub mod images;
