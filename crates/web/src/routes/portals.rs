//! The home page of each portal: who is logged in, for which organisation, and what the
//! working-day calendar says about today's deadlines.

use askama::Template;
use askama_web::WebTemplate;
use axum::{Router, extract::State, middleware, routing::get};

use zc_domain::{Portal, unit_registration::UnitStatus};

use crate::{
    auth::require_portal,
    context::PageContext,
    error::{AppError, AppResult},
    state::AppState,
    today::{TodayFacts, today_facts},
    views::{Nav, portal_nav},
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
            Portal::My.path(),
            guard(
                home()
                    .merge(crate::routes::my_unit::routes())
                    .merge(crate::routes::expert::routes())
                    .merge(crate::routes::my_certificates::routes())
                    .merge(crate::routes::my_delivery::routes())
                    .merge(crate::routes::my_fees::routes())
                    .merge(crate::routes::my_feedback::routes())
                    .merge(crate::routes::expert_enrolment::my_routes())
                    .merge(crate::routes::my_applications::routes())
                    .merge(crate::routes::loss_notice::routes())
                    .merge(crate::routes::application_section_forms::routes())
                    .merge(crate::routes::application_uploads::routes())
                    .merge(crate::routes::kept_post::routes())
                    .merge(crate::routes::application_views::routes())
                    .merge(crate::routes::application_progress::routes())
                    .merge(crate::routes::downloads::my_routes()),
                Portal::My,
            ),
        )
        .nest(
            Portal::Unit.path(),
            guard(
                home()
                    .merge(crate::routes::unit_staff::routes())
                    .merge(crate::routes::unit_info::routes())
                    .merge(crate::routes::unit_resubmission::routes())
                    .merge(crate::routes::unit_applications::routes())
                    .merge(crate::routes::downloads::unit_routes()),
                Portal::Unit,
            ),
        )
        .nest(
            Portal::Office.path(),
            guard(
                home()
                    .merge(crate::routes::office_units::routes())
                    .merge(crate::routes::office_applications::routes())
                    .merge(crate::routes::office_fees::routes())
                    .merge(crate::routes::office_recognition::routes())
                    .merge(crate::routes::office_counter::routes())
                    .merge(crate::routes::office_filing_guide::routes())
                    .merge(crate::routes::office_feedback::routes())
                    .merge(crate::routes::office_statistics::routes())
                    .merge(crate::routes::office_unit_changes::routes())
                    .merge(crate::routes::service_ratings::office_routes())
                    .merge(crate::routes::downloads::office_routes()),
                Portal::Office,
            ),
        )
        .nest(
            Portal::Committee.path(),
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

#[derive(Template, WebTemplate)]
#[template(path = "portal/home.html")]
struct PortalHome {
    ctx: PageContext,
    nav: Nav,
    portal: Portal,
    org_name: Option<String>,
    facts: std::sync::Arc<TodayFacts>,
    /// `(status, return reason)` of the unit, for unit staff.
    unit_status: Option<(UnitStatus, String)>,
    /// 评审专家 membership of an applicant who serves today.
    expert: Option<zc_db::experts::ExpertRow>,
    /// 继续办理: an applicant's unfinished applications.
    continuing: Vec<crate::routes::continuing::ContinueItem>,
}

async fn portal_home(State(state): State<AppState>, ctx: PageContext) -> AppResult<PortalHome> {
    let user = ctx.signed_in()?;
    let portal = user.role.portal();
    let facts = today_facts(&state).await?;
    let nav = portal_nav(portal, &ctx.path);
    if user.role == zc_domain::Role::Applicant {
        let reads = crate::routes::continuing::home_reads(&state, user.id).await?;
        let today = state.db.today();
        return Ok(PortalHome {
            expert: reads
                .expert
                .clone()
                .filter(|e| zc_domain::expert::serving_on(e.term_start, e.term_end, today)),
            continuing: crate::routes::continuing::continuing(&reads, state.db.now()),
            org_name: reads.org_name.clone(),
            ctx,
            nav,
            portal,
            facts,
            unit_status: None,
        });
    }
    let home = zc_db::portal_home::facts(&state.db, user.id)
        .await?
        .ok_or(AppError::Forbidden)?;
    // A unit's staff see where their registration stands until it is approved.
    let unit_status = home
        .unit_status
        .as_deref()
        .and_then(UnitStatus::from_code)
        .map(|s| (s, home.unit_note.unwrap_or_default()));
    Ok(PortalHome {
        expert: None,
        continuing: Vec::new(),
        ctx,
        nav,
        portal,
        org_name: home.org_name,
        facts,
        unit_status,
    })
}
