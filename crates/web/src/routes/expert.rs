//! `/my/expert` — the 评审专家 entry of an applicant who is in the expert pool.

use askama::Template;
use askama_web::WebTemplate;
use axum::{Router, extract::State, routing::get};
use zc_domain::Portal;

use crate::{
    context::PageContext,
    error::{AppError, AppResult},
    state::AppState,
    views::{Nav, portal_nav, today_cst},
};

/// Routes under `/my` (the caller adds the portal guard).
pub fn routes() -> Router<AppState> {
    Router::new().route("/expert", get(desk))
}

#[derive(Template, WebTemplate)]
#[template(path = "my/expert.html")]
struct DeskPage {
    ctx: PageContext,
    nav: Nav,
    expert: zc_db::experts::ExpertRow,
}

/// The expert's desk: their membership now; assignments arrive with the committee's
/// meetings. Someone outside the pool (or past their term) is told so.
async fn desk(State(state): State<AppState>, ctx: PageContext) -> AppResult<DeskPage> {
    let user = ctx.user.clone().ok_or(AppError::Forbidden)?;
    let expert = zc_services::experts::serving(&state.db, user.id, today_cst())
        .await?
        .ok_or_else(|| {
            AppError::Refused(
                "您目前不是评审专家库成员（或聘期已结束），无法进入评审专家工作台".into(),
            )
        })?;
    Ok(DeskPage {
        nav: portal_nav(Portal::My, "/my/expert"),
        ctx,
        expert,
    })
}
