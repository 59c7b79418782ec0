//! 申报 — the application: its statuses, the state machine, and its sections.

pub mod form;
pub mod next_step;
pub mod publicity;
pub mod queue_keyword;
pub mod recognition;
pub mod replacement;
pub mod returned;
pub mod sample;
pub mod section_catalogue;
pub mod sections;
pub mod stage_window;
pub mod status;
pub mod transition;
pub mod verification;

pub use status::{ApplicationKind, ApplicationStatus, ProgressStep, UnknownCode};
pub use transition::{Event, Party, ReturnTo, TransitionRefusal, allows, next_status};
