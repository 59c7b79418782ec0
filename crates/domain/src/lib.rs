//! zc-domain — the rules of the professional-title (职称) process as pure functions.
//!
//! Nothing here does I/O or async work: the crate holds newtypes, the working-day
//! calendar, title levels and (in later issues) the application state machine, so that
//! every rule can be unit-tested in isolation.

pub mod application;
pub mod calendar;
pub mod certificate;
pub mod certificate_seal;
pub mod clock;
pub mod committee;
pub mod credit_code;
pub mod delivery;
pub mod dictionary;
pub mod email;
pub mod expert;
pub mod expert_enrolment;
pub mod export_status;
pub mod feedback;
pub mod filing_guide;
pub mod id_card;
pub mod level;
pub mod mask;
pub mod organisation;
pub mod password;
pub mod payment;
pub mod phone;
pub mod role;
pub mod statistics;
pub mod stored_code;
pub mod unit_registration;

pub use calendar::{CalendarDay, CalendarDayKind, CountFrom, WorkingCalendar};
pub use clock::Clock;
pub use level::TitleLevel;
pub use role::{Portal, Role};
