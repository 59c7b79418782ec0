//! zc-services — the platform's use cases.
//!
//! Handlers parse input, call one function here and render the outcome. Each function
//! validates, does slow work (password hashing) outside any transaction, then makes its
//! change, its audit event and its notifications in one transaction.

pub mod accounts;
pub mod application_files;
pub mod application_parts;
pub mod application_returns;
pub mod application_submission;
pub mod application_summary;
pub mod applications;
pub mod avatar;
pub mod bulk_seed;
pub mod calendar;
pub mod captcha;
pub mod certificate_signing;
pub mod certificates;
pub mod committee_meetings;
pub mod counter;
pub mod decision_record;
pub mod delivery;
pub mod delivery_desk;
pub mod demo;
pub mod dictionary;
pub mod documents;
pub mod error;
pub mod expert_enrolment;
pub mod expert_work;
pub mod experts;
pub mod feedback;
pub mod filing_guide;
pub mod mail;
pub mod meeting_bundle;
pub mod meeting_overview;
pub mod membership;
pub mod messages;
pub mod office_review;
pub mod organisations;
pub mod password_hash;
pub mod payments;
pub mod pii;
pub mod profile;
pub mod recognition;
pub mod recognition_fee;
pub mod recognition_rules;
pub mod recovery;
pub mod registration;
pub mod replacement;
pub mod result_publicity;
pub mod return_templates;
pub mod review_batch;
pub mod review_plans;
pub mod roster_export;
pub mod service_rating;
pub mod settings;
pub mod sms;
pub mod staff_admin;
pub mod stage_windows;
pub mod statistics;
pub mod status_change;
pub mod totp;
pub mod unit_change;
pub mod unit_licence;
pub mod unit_resubmission;
pub mod unit_review;
pub mod units;
pub mod verification;

pub use error::{FieldErrors, ServiceError, ServiceResult};
