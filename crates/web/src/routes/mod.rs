//! Handlers, one module per area of the site.

pub mod account;
pub mod admin;
pub mod admin_accounts;
pub mod admin_orgs;
pub mod applicant_auth;
pub mod application_section_forms;
pub mod application_sections;
pub mod application_uploads;
pub mod application_views;
pub mod design;
pub mod expert;
pub mod health;
pub mod kept_post;
pub mod login;
pub mod my_applications;
pub mod my_unit;
pub mod office_units;
pub mod portals;
pub mod prefs;
pub mod public;
pub mod recovery;
pub mod second_factor;
pub mod settings;
pub mod unit_registration;
pub mod unit_resubmission;
pub mod unit_staff;
