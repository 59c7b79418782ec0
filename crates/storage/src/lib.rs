//! 附件存储 — what happens to an uploaded file before it is kept, and where it is kept.

pub mod disk;
pub mod images;
