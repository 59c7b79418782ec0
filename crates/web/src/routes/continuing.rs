//! 继续办理 on the applicant's home: a card for each unfinished application with its next
//! step, the deadline that step has, and the button that takes it.

use zc_domain::{
    TitleLevel,
    application::next_step::{Move, next_step},
};

use crate::{
    error::AppResult,
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
    pub returned: Vec<zc_services::application_returns::ReturnedSection>,
}

/// The applicant's unfinished applications, newest first (three queries in all).
pub async fn continuing(state: &AppState, applicant_id: i64) -> AppResult<Vec<ContinueItem>> {
    let apps = zc_db::applications::for_applicant(&state.db, applicant_id).await?;
    if apps.iter().all(|a| a.status.is_finished()) {
        return Ok(Vec::new());
    }
    let facts = zc_db::applications::home_facts(&state.db, applicant_id).await?;
    let orders = zc_db::payment_orders::open_of_payer(&state.db, applicant_id).await?;
    let now = state.db.now();
    let last_day = |t: chrono::DateTime<chrono::Utc>| {
        format_date(
            (t - chrono::Duration::seconds(1))
                .with_timezone(&cst())
                .date_naive(),
        )
    };
    let mut items = Vec::new();
    for a in &apps {
        let Some(step) = next_step(a.status) else {
            continue;
        };
        let fact = facts.iter().find(|f| f.id == a.id);
        // Only a returned dossier pays for reading its reasons.
        let returned = if fact.is_some_and(|f| f.returned_sections > 0) {
            zc_services::application_returns::open_return(&state.db, a).await?
        } else {
            Vec::new()
        };
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
    Ok(items)
}

fn first_section(a: &zc_db::applications::ApplicationRow) -> &'static str {
    zc_domain::application::sections::sections_for(a.kind)
        .first()
        .map_or("basic", |s| s.code)
}
