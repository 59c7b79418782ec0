//! One test binary that boots the real application on a fresh database per test:
//! a temporary SQLite file, or a fresh PostgreSQL database when `TEST_DATABASE_URL` is set.

mod account;
mod admin;
mod applicants;
mod application_forms;
mod applications;
mod auth;
mod browser;
mod browser_application;
mod browser_committee;
mod browser_review;
mod certificates;
mod committee;
mod dossier;
mod expert_enrolment;
mod expert_pool;
mod experts;
mod fees;
mod helpers;
mod messages;
mod organisations;
mod pages;
mod platform;
mod recovery;
mod result_publicity;
mod review_chain;
mod review_plans;
mod review_queue;
mod second_factor;
mod security;
mod simultaneous;
mod stage_windows;
mod startup;
mod unit_review;
mod units;
