//! 继续办理 on the applicant's home: a card for each unfinished application with its next
//! step, the deadline that step has, and the button that takes it.
//!
//! The home is the page most visited on a deadline day, so what it reads from the
//! database ([`HomeReads`]) is remembered by the server until a write names the person
//! (`Forget::Home`: a dossier, return, order, unit or membership of theirs moved) or a
//! rare staff write names every home (`Forget::Homes`). Only the reads are remembered:
//! the cards are made afresh on each visit, so a deadline passes at its minute.

use std::{collections::HashMap, sync::Arc};

use chrono::{DateTime, Utc};
use zc_db::{
    applications::{ApplicationRow, HomeFacts},
    experts::ExpertRow,
    payment_orders::OrderRow,
};
use zc_domain::{
    TitleLevel,
    application::next_step::{Move, next_step},
};
use zc_services::application_returns::ReturnedSection;

use crate::{
    error::{AppError, AppResult},
    state::AppState,
    views::{cst, format_date},
};

/// One unfinished application as the home page shows it.
pub struct ContinueItem {
    pub id: i64,
    pub kind: &'static str,
    pub qualification: String,
    pub status: &'static str,
    /// The next step in words.
    pub step: &'static str,
    /// The deadline of that step, in words, when it has one.
    pub deadline: Option<String>,
    /// `(address, label)` of the applicant's own move.
    pub action: Option<(String, &'static str)>,
    /// The open return's sections and reasons.
    pub returned: Vec<ReturnedSection>,
}

/// What an applicant's home reads from the database.
pub struct HomeReads {
    /// The unit the applicant chose.
    pub org_name: Option<String>,
    /// 评审专家 membership, current or not (whether it covers today is asked per visit).
    pub expert: Option<ExpertRow>,
    /// Unfinished applications, newest first, without their frozen dossiers.
    apps: Vec<ApplicationRow>,
    facts: Vec<HomeFacts>,
    orders: Vec<OrderRow>,
    /// The open return of each returned application.
    returns: HashMap<i64, Vec<ReturnedSection>>,
}

/// The applicant's [`HomeReads`], from this server's memory when it holds them; 403 when
/// there is no such account.
pub async fn home_reads(state: &AppState, applicant_id: i64) -> AppResult<Arc<HomeReads>> {
    let memo = state.db.memo();
    if let Some(kept) = memo.home::<HomeReads>(applicant_id) {
        return Ok(kept);
    }
    // Taken before reading: a write that commits while this reads voids it.
    let ticket = memo.ticket();
    let org_name = zc_db::portal_home::facts(&state.db, applicant_id)
        .await?
        .ok_or(AppError::Forbidden)?
        .org_name;
    let expert = zc_db::experts::find(&state.db, applicant_id).await?;
    let mut apps = zc_db::applications::for_applicant(&state.db, applicant_id).await?;
    apps.retain(|a| !a.status.is_finished());
    // The frozen dossier is the bulk of a row and the home never shows it.
    apps.iter_mut().for_each(|a| a.snapshot = None);
    let (facts, orders) = if apps.is_empty() {
        (Vec::new(), Vec::new())
    } else {
        (
            zc_db::applications::home_facts(&state.db, applicant_id).await?,
            zc_db::payment_orders::open_of_payer(&state.db, applicant_id).await?,
        )
    };
    let mut returns = HashMap::new();
    for a in &apps {
        // Only a returned dossier pays for reading its reasons.
        if facts
            .iter()
            .any(|f| f.id == a.id && f.returned_sections > 0)
        {
            returns.insert(
                a.id,
                zc_services::application_returns::open_return(&state.db, a).await?,
            );
        }
    }
    let reads = Arc::new(HomeReads {
        org_name,
        expert,
        apps,
        facts,
        orders,
        returns,
    });
    if let Some(ticket) = ticket {
        memo.keep_home(ticket, applicant_id, Arc::clone(&reads));
    }
    Ok(reads)
}

/// The applicant's unfinished applications as cards, newest first, as they stand at `now`.
pub fn continuing(reads: &HomeReads, now: DateTime<Utc>) -> Vec<ContinueItem> {
    let (apps, facts, orders) = (&reads.apps, &reads.facts, &reads.orders);
    let last_day = |t: chrono::DateTime<chrono::Utc>| {
        format_date(
            (t - chrono::Duration::seconds(1))
                .with_timezone(&cst())
                .date_naive(),
        )
    };
    let mut items = Vec::new();
    for a in apps {
        let Some(step) = next_step(a.status) else {
            continue;
        };
        let fact = facts.iter().find(|f| f.id == a.id);
        let returned = reads.returns.get(&a.id).cloned().unwrap_or_default();
        items.push({
            let deadline = match step.yours {
                // A return may come after the window closed; only a draft is told it
                // missed it.
                Some(m @ (Move::Fill | Move::FixReturn)) => {
                    fact.and_then(|f| f.apply_until).and_then(|t| {
                        if t > now {
                            Some(format!("请于 {}（含）前报送", last_day(t)))
                        } else {
                            (m == Move::Fill)
                                .then(|| format!("本年度申报已于 {} 截止", last_day(t)))
                        }
                    })
                }
                Some(Move::Pay) => orders
                    .iter()
                    .find(|o| o.application_id == Some(a.id))
                    .map(|o| format!("请于 {}（含）前缴费", last_day(o.pay_before))),
                None => None,
            };
            let action = step.yours.map(|m| match m {
                Move::Fill => (
                    format!("/my/applications/{}/sections/{}", a.id, first_section(a)),
                    "继续填写",
                ),
                Move::FixReturn => (
                    format!(
                        "/my/applications/{}/sections/{}",
                        a.id,
                        zc_services::application_returns::first_to_fix(a, &returned)
                    ),
                    "按退回意见修改",
                ),
                Move::Pay => ("/my/fees".to_string(), "去缴费"),
            });
            let level = TitleLevel::from_rank(a.level_rank).map_or("", TitleLevel::name);
            ContinueItem {
                id: a.id,
                kind: a.kind.name(),
                qualification: format!("{}系列/{level}/{}", a.series_name, a.title_name),
                status: a.status.label(),
                step: step.text,
                deadline,
                action,
                returned,
            }
        });
    }
    items
}

fn first_section(a: &zc_db::applications::ApplicationRow) -> &'static str {
    zc_domain::application::sections::sections_for(a.kind)
        .first()
        .map_or("basic", |s| s.code)
}
