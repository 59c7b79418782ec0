//! 评审委员会 — the committee stage: drawing experts, the vote, the result publicity and
//! the certificate number.

pub mod certificate_number;
pub mod draw;
pub mod meeting;
pub mod minimum_size;
pub mod vote;
