//! The home page of each portal: who is logged in, for which organisation, and what the
//! working-day calendar says about today's deadlines.

use askama::Template;
use askama_web::WebTemplate;
use axum::{Router, extract::State, middleware, routing::get};
use chrono::{Datelike, Weekday};
use zc_db::{accounts, calendar, reference, seed::GUANGXI};
use zc_domain::{CountFrom, Portal};

use crate::{
    auth::require_portal,
    context::PageContext,
    error::{AppError, AppResult},
    state::AppState,
    views::{Nav, format_date, portal_nav, today_cst},
};

/// Routers of the applicant, unit, office and committee portals.
pub fn router(state: AppState) -> Router<AppState> {
    let guard = |router: Router<AppState>, portal: Portal| {
        router.route_layer(middleware::from_fn_with_state(
            (state.clone(), portal),
            require_portal,
        ))
    };
    let home = || Router::new().route("/", get(portal_home));
    Router::new()
        .nest(
            "/my",
            guard(
                home()
                    .merge(crate::routes::my_unit::routes())
                    .merge(crate::routes::expert::routes())
                    .merge(crate::routes::my_certificates::routes())
                    .merge(crate::routes::my_fees::routes())
                    .merge(crate::routes::expert_enrolment::my_routes())
                    .merge(crate::routes::my_applications::routes())
                    .merge(crate::routes::application_section_forms::routes())
                    .merge(crate::routes::application_uploads::routes())
                    .merge(crate::routes::kept_post::routes())
                    .merge(crate::routes::application_views::routes()),
                Portal::My,
            ),
        )
        .nest(
            "/unit",
            guard(
                home()
                    .merge(crate::routes::unit_staff::routes())
                    .merge(crate::routes::unit_resubmission::routes())
                    .merge(crate::routes::unit_applications::routes()),
                Portal::Unit,
            ),
        )
        .nest(
            "/office",
            guard(
                home()
                    .merge(crate::routes::office_units::routes())
                    .merge(crate::routes::office_applications::routes())
                    .merge(crate::routes::office_fees::routes())
                    .merge(crate::routes::office_recognition::routes())
                    .merge(crate::routes::office_counter::routes()),
                Portal::Office,
            ),
        )
        .nest(
            "/committee",
            guard(
                home()
                    .merge(crate::routes::committee_meetings::routes())
                    .merge(crate::routes::committee_plans::routes())
                    .merge(crate::routes::office_fees::routes())
                    .merge(crate::routes::result_publicity::committee_routes())
                    .merge(crate::routes::expert_enrolment::committee_routes()),
                Portal::Committee,
            ),
        )
}

/// What the calendar says about today.
pub struct TodayFacts {
    pub today: String,
    pub weekday: &'static str,
    pub working: bool,
    /// The end of 3 and 5 working days counted from today (today not counted).
    pub after_3: String,
    pub after_5: String,
}

fn weekday_name(w: Weekday) -> &'static str {
    [
        "星期一",
        "星期二",
        "星期三",
        "星期四",
        "星期五",
        "星期六",
        "星期日",
    ][w.num_days_from_monday() as usize]
}

/// Today's facts from the Guangxi calendar.
pub async fn today_facts(state: &AppState) -> AppResult<TodayFacts> {
    let cal = calendar::working_calendar(&state.db, GUANGXI).await?;
    let today = today_cst();
    Ok(TodayFacts {
        today: format_date(today),
        weekday: weekday_name(today.weekday()),
        working: cal.is_working_day(today),
        after_3: format_date(cal.add_working_days(today, 3, CountFrom::NextDay)),
        after_5: format_date(cal.add_working_days(today, 5, CountFrom::NextDay)),
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "portal/home.html")]
struct PortalHome {
    ctx: PageContext,
    nav: Nav,
    portal: Portal,
    org_name: Option<String>,
    facts: TodayFacts,
    /// `(status, return reason)` of the unit, for unit staff.
    unit_status: Option<(String, String)>,
    /// 评审专家 membership of an applicant who serves today.
    expert: Option<zc_db::experts::ExpertRow>,
}

async fn portal_home(State(state): State<AppState>, ctx: PageContext) -> AppResult<PortalHome> {
    let user = ctx.user.clone().ok_or(AppError::Forbidden)?;
    let portal = user.role.portal();
    let account = accounts::find(&state.db, user.id)
        .await?
        .ok_or(AppError::Forbidden)?;
    let org_name = match (account.org_kind.as_deref(), account.org_id) {
        (Some(kind), Some(id)) => reference::org_name(&state.db, kind, id).await?,
        // An applicant's organisation is the unit they chose.
        _ => match zc_db::applicants::find(&state.db, user.id)
            .await?
            .and_then(|a| a.unit_id)
        {
            Some(unit) => reference::org_name(&state.db, "unit", unit).await?,
            None => None,
        },
    };
    let facts = today_facts(&state).await?;
    // A unit's staff see where their registration stands until it is approved.
    let unit_status = match (account.org_kind.as_deref(), account.org_id) {
        (Some("unit"), Some(id)) => zc_db::units::find(&state.db, id)
            .await?
            .map(|u| (u.status, u.review_note)),
        _ => None,
    };
    let expert = if user.role == zc_domain::Role::Applicant {
        zc_services::experts::serving(&state.db, user.id, crate::views::today_cst()).await?
    } else {
        None
    };
    let nav = portal_nav(portal, &ctx.path);
    Ok(PortalHome {
        expert,
        ctx,
        nav,
        portal,
        org_name,
        facts,
        unit_status,
    })
}
