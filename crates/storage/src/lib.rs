//! 附件存储 — what happens to an uploaded file before it is kept, and where it is kept.

pub mod images;
pub mod pictures;
pub mod store;
pub mod test_support;

pub use store::{Download, S3Settings, Storage};
