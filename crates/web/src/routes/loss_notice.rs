//! `/my/applications/{id}/loss-notice` — 保存信息确认 of a 遗失补办 (seed §3.4): the saved
//! 申报信息 with the 遗失申明, then 取消 or 确定; 确定 publishes the 遗失公示 and voids the
//! old certificate. A page, not a script dialog, so it works everywhere.

use askama::Template;
use askama_web::WebTemplate;
use axum::{
    Router,
    extract::{Path, State},
    response::{IntoResponse, Redirect, Response},
    routing::get,
};
use zc_domain::{
    Portal,
    application::{
        ApplicationKind,
        replacement::{INFO_PART, PLEDGE},
        sections::PartData,
    },
};
use zc_services::{FieldErrors, ServiceError};

use crate::{
    context::PageContext,
    error::{AppError, AppResult},
    extract::SignedIn,
    state::AppState,
    views::{Nav, portal_nav},
};

/// Routes under `/my` (the caller adds the portal guard).
pub fn routes() -> Router<AppState> {
    Router::new().route(
        "/applications/{id}/loss-notice",
        get(confirm_page).post(confirm),
    )
}

#[derive(Template, WebTemplate)]
#[template(path = "my/loss_notice.html")]
struct ConfirmPage {
    ctx: PageContext,
    nav: Nav,
    id: i64,
    /// The data as the seed's dialog lists it.
    facts: Vec<(&'static str, String)>,
    pledge: &'static str,
    /// Why it cannot be confirmed yet (incomplete data, no photo).
    not_ready: Option<String>,
    errors: FieldErrors,
}

async fn render(
    state: &AppState,
    ctx: PageContext,
    applicant_id: i64,
    id: i64,
    errors: FieldErrors,
) -> AppResult<Response> {
    let app = zc_services::applications::mine(&state.db, applicant_id, id).await?;
    if app.kind != ApplicationKind::Replacement {
        return Err(AppError::NotFound);
    }
    // Confirmed already: the section page says when the notice runs.
    if zc_db::loss_notices::of_application(&state.db, id)
        .await?
        .is_some()
        && errors.is_empty()
    {
        return Ok(
            Redirect::to(&format!("/my/applications/{id}/sections/{INFO_PART}")).into_response(),
        );
    }
    let parts = zc_services::application_parts::load(&state.db, id).await?;
    let info = match parts.get(INFO_PART) {
        Some(PartData::Single(v)) => v.clone(),
        _ => Default::default(),
    };
    let get = |k: &str| info.get(k).cloned().unwrap_or_default();
    let unit = zc_db::reference::org_name(&state.db, "unit", app.unit_id)
        .await?
        .unwrap_or_default();
    let facts = vec![
        ("单位", unit),
        ("原证书编号", get("original_cert_no")),
        ("报送职改办", app.office_name.clone()),
        ("批准机关（授予单位）", get("original_issuer")),
        ("原专业技术资格名称", app.title_name.clone()),
        ("授予时间", get("original_obtained")),
        ("原专业名称", get("original_major")),
    ];
    let not_ready = zc_services::replacement::not_ready(&state.db, &app).await?;
    Ok(ConfirmPage {
        nav: portal_nav(Portal::My, "/my/applications"),
        ctx,
        id,
        facts,
        pledge: PLEDGE,
        not_ready,
        errors,
    }
    .into_response())
}

async fn confirm_page(
    State(state): State<AppState>,
    SignedIn { ctx, user }: SignedIn,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    render(&state, ctx, user.id, id, FieldErrors::default()).await
}

async fn confirm(
    State(state): State<AppState>,
    SignedIn { ctx, user }: SignedIn,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    match zc_services::replacement::confirm_notice(&state.db, user.id, id).await {
        Ok(_) => Ok(Redirect::to(&format!(
            "/my/applications/{id}/sections/{INFO_PART}?notice=1"
        ))
        .into_response()),
        Err(ServiceError::Invalid(errors)) => render(&state, ctx, user.id, id, errors).await,
        Err(ServiceError::Refused { message, .. }) => {
            let mut errors = FieldErrors::default();
            errors.add("notice", message);
            render(&state, ctx, user.id, id, errors).await
        }
        Err(e) => Err(e.into()),
    }
}

/// What 申报信息 of a 遗失补办 says about its notice.
pub struct NoticeBanner {
    /// The notice runs (or has run); otherwise it waits for 确认遗失申明.
    pub started: bool,
    pub text: String,
}

/// The banner of the application's notice; `None` for other kinds and other sections.
pub(crate) async fn banner(
    state: &AppState,
    app: &zc_db::applications::ApplicationRow,
    section: &str,
) -> AppResult<Option<NoticeBanner>> {
    if app.kind != ApplicationKind::Replacement || section != INFO_PART {
        return Ok(None);
    }
    Ok(Some(
        match zc_db::loss_notices::of_application(&state.db, app.id).await? {
            Some(n) => {
                let gate = zc_domain::application::replacement::may_submit(
                    n.ends_on,
                    state.db.today(),
                );
                NoticeBanner {
                    started: true,
                    text: format!(
                        "原证书已公示作废：遗失公示 {} 至 {}。{}",
                        n.starts_on,
                        n.ends_on,
                        gate.err().unwrap_or_else(|| "公示期已满，请上传资料后报送。".into())
                    ),
                }
            }
            None => NoticeBanner {
                started: false,
                text: "填写并保存申报信息、上传照片后，请确认遗失申明：原证书随即公示作废，公示5个工作日后方可报送。".into(),
            },
        },
    ))
}
